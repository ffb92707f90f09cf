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
            if sub is not None:
                out[sub.name] = structure(sub, context)
    for param in command.get_params(context):
        for opt in param.opts:
            out.setdefault(opt, None)
    return out


def with_stand_ins(work):
    """With --stand-ins: a module the environment lacks becomes an empty stand-in and `work` is tried again, so that
    the plugin's command definitions load (listing them never calls into those modules)."""
    from unittest.mock import MagicMock

    stood_in = set()
    for _ in range(100):
        try:
            return work()
        except ImportError as exc:
            # A module that is missing, or installed in a release without the names the plugin imports from it.
            if not exc.name or exc.name in stood_in:
                raise
            stood_in.add(exc.name)
            for loaded in [name for name in sys.modules if name == exc.name or name.startswith((f"{exc.name}.", "kedro_viz", "kedro_airflow", "kedro_docker"))]:
                del sys.modules[loaded]
            stand_in = MagicMock(name=exc.name)
            stand_in.__path__ = []
            stand_in.__spec__ = importlib.machinery.ModuleSpec(exc.name, None, is_package=True)
            sys.modules[exc.name] = stand_in
    raise RuntimeError("too many missing modules")


STAND_INS = False


def main(distribution, version, entry, target):
    module_name, _, attribute = entry.partition(":")
    def listed():
        group = getattr(importlib.import_module(module_name), attribute)
        context = click.Context(group)
        # The entry point is a collection of groups; KedroCLI adds each of its commands.
        return {name: structure(group.get_command(context, name), context) for name in group.list_commands(context)}

    groups = with_stand_ins(listed) if STAND_INS else listed()
    data = {
        "generated": f"by scripts/dump-kedro-plugin-cli.py from {distribution} {version}'s own source: do not edit",
        "distribution": distribution, "version": version, "commands": groups,
    }
    out = Path(target) / f"{distribution}-{version}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--stand-ins"]
    STAND_INS = "--stand-ins" in sys.argv
    main(*arguments[:3], os.path.abspath(arguments[3] if len(arguments) > 3 else "src/releases/kedro-cli/plugins"))
