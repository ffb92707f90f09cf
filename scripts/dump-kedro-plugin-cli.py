"""Writes the command group one release of a Kedro plugin adds (kedro-airflow, kedro-docker, kedro-viz), as
kedro-telemetry's masking sees it: src/releases/kedro-cli/plugins/<distribution>-<version>.json.

Run it with the plugin release importable (its source on PYTHONPATH, with a Kedro it supports and their dependencies):
`PYTHONPATH=path/to/plugin:path/to/kedro python3 scripts/dump-kedro-plugin-cli.py DISTRIBUTION VERSION MODULE:GROUP
src/releases/kedro-cli/plugins`, where MODULE:GROUP is the plugin's `kedro.project_commands` (or `global_commands`)
entry point. It reads the click objects; it builds nothing and writes only the JSON file. Then
`node scripts/import-kedro-cli.js` adds it to src/masking/structures.ts.
"""
import importlib
import importlib.machinery
import json
import os
import sys
from pathlib import Path

import click


def structure(command, context):
    """kedro-telemetry's _get_cli_structure: a group's sub-commands, and every parameter's opts."""
    out = {}
    if isinstance(command, (click.Group, click.CommandCollection)):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is None:
                # A lazy group lists a command it cannot load here: writing the group without it would be a wrong
                # structure presented as the release's own (kedro-viz 10.0.0 was once stored empty this way).
                raise RuntimeError(f"{command.name} lists {name!r} but could not load it")
            out[sub.name] = structure(sub, context)
    for param in command.get_params(context):
        for opt in param.opts:
            out.setdefault(opt, None)
    return out


def stand_in(name):
    """An empty module under `name`: the command definitions import names from it but never call them."""
    from unittest.mock import MagicMock

    # Forget what was loaded with the failed import (but not the stand-ins already made), so it loads again.
    for loaded in [module for module in sys.modules if module == name or module.startswith((f"{name}.", "kedro_viz", "kedro_airflow", "kedro_docker"))]:
        if not isinstance(sys.modules[loaded], MagicMock):
            del sys.modules[loaded]
    module = MagicMock(name=name)
    module.__path__ = []
    module.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
    sys.modules[name] = module


def with_stand_ins(work, forced=()):
    """With --stand-ins: a module the environment lacks becomes an empty stand-in and `work` is tried again, so that
    the plugin's command definitions load (listing them never calls into those modules). With --stand-in=MODULE, that
    module is stood in from the start: for a plugin module the command file imports but whose own imports this
    environment cannot satisfy (kedro-viz 8.0 to 9.2's server and deployers need pydantic 2)."""
    for name in forced:
        stand_in(name)
    stood_in = set(forced)
    for _ in range(100):
        try:
            return work()
        except ImportError as exc:
            # A module that is missing, or installed in a release without the names the plugin imports from it.
            if not exc.name or exc.name in stood_in:
                raise
            stood_in.add(exc.name)
            stand_in(exc.name)
    raise RuntimeError("too many missing modules")


STAND_INS = False
FORCED_STAND_INS = []


def main(distribution, version, entry, target):
    module_name, _, attribute = entry.partition(":")
    def listed():
        group = getattr(importlib.import_module(module_name), attribute)
        context = click.Context(group)
        # The entry point is a collection of groups; KedroCLI adds each of its commands.
        return {name: structure(group.get_command(context, name), context) for name in group.list_commands(context)}

    groups = with_stand_ins(listed, FORCED_STAND_INS) if STAND_INS or FORCED_STAND_INS else listed()
    data = {
        "generated": f"by scripts/dump-kedro-plugin-cli.py from {distribution} {version}'s own source: do not edit",
        "distribution": distribution, "version": version, "commands": groups,
    }
    out = Path(target) / f"{distribution}-{version}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--stand-in")]
    STAND_INS = "--stand-ins" in sys.argv
    FORCED_STAND_INS = [argument.split("=", 1)[1] for argument in sys.argv[1:] if argument.startswith("--stand-in=")]
    main(*arguments[:3], os.path.abspath(arguments[3] if len(arguments) > 3 else "src/releases/kedro-cli/plugins"))
