"""Writes one Kedro release's command-line interface as data: src/releases/kedro-cli/<version>.json.

Run it with the Kedro release to describe importable (its own source on PYTHONPATH, with its dependencies), from any
folder: `PYTHONPATH=path/to/kedro-source python3 scripts/dump-kedro-cli.py src/releases/kedro-cli`. It builds a
throw-away project, asks kedro's own KedroCLI for its commands (as kedro-telemetry's masking does), and records each
command's parameters (opts, kind, type, flags, callback) and what each known callback does with a set of probe
values. It reads and calls kedro's click objects; it builds nothing and writes only the JSON file. Then
`node scripts/import-kedro-cli.js` turns the data files into src/masking/structures.ts.
"""
import hashlib
import inspect
import json
import os
import sys
import tempfile
import types
from pathlib import Path

import click

if "anyconfig" not in sys.modules:
    try:
        import anyconfig  # noqa: F401  (Kedro 0.18 reads pyproject.toml with it)
    except ImportError:
        # A loader by file extension, enough for what Kedro 0.18 reads at start-up.
        import tomllib

        import yaml

        def _load(path_spec, ac_parser=None, **_):
            path = Path(path_spec)
            text = path.read_text(encoding="utf-8")
            kind = (ac_parser or path.suffix.lstrip(".")).lower()
            return tomllib.loads(text) if kind == "toml" else (json.loads(text) if kind == "json" else yaml.safe_load(text))

        sys.modules["anyconfig"] = types.SimpleNamespace(load=_load, dump=None)

import kedro  # noqa: E402

VERSION = kedro.__version__
PROBES = {
    "split_string": ["a,b", "a", "", " a , b ", "a,,b"],
    "split_node_names": ["a,b", "a", "", "a[1,2],b", "a,,b"],
    "_split_params": ["lr:0.1", "a=1", "a=1,b=x", "a", "=1", "a=", "a.b=1", "a=1:2", "x:y=1", " =1", "k==v", "a=1,,b=2", "a=[1,2]", ""],
    "_split_load_versions": ["bad", "ds:2020-01-01T00.00.00.000Z", "ds:", ":v", "a:b,c:d", "a:b,bad", ""],
    "validate_conf_source": ["nosuch", ".", "s3://bucket/conf", "file://nosuch"],
}


def throwaway_project() -> Path:
    project = Path(tempfile.mkdtemp()) / "dummy"
    (project / "src" / "dummy").mkdir(parents=True)
    key = "project_version" if VERSION.startswith("0.18") else "kedro_init_version"
    (project / "pyproject.toml").write_text(
        f'[tool.kedro]\npackage_name = "dummy"\nproject_name = "dummy"\n{key} = "{VERSION}"\nsource_dir = "src"\n'
    )
    (project / "src" / "dummy" / "__init__.py").write_text("")
    (project / "src" / "dummy" / "settings.py").write_text("")
    (project / "src" / "dummy" / "pipeline_registry.py").write_text("def register_pipelines():\n    return {}\n")
    return project


def probe(param, command, name):
    results = []
    for value in PROBES.get(name, []):
        try:
            param.callback(click.Context(command), param, value)
            results.append({"value": value, "outcome": "ok"})
        except click.UsageError as exc:  # BadParameter too: click exits 2
            results.append({"value": value, "outcome": "usage-error", "error": type(exc).__name__})
        except Exception as exc:  # noqa: BLE001  (the command fails: exit 1)
            results.append({"value": value, "outcome": "error", "error": type(exc).__name__})
    return results


def callback_of(param, command):
    function = getattr(param.callback, "func", param.callback)
    if function is None:
        return None
    name = getattr(function, "__qualname__", repr(function))
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = ""
    entry = {"name": name, "sourceSha256": hashlib.sha256(source.encode()).hexdigest()[:16]}
    if name in PROBES:
        entry["probes"] = probe(param, command, name)
    return entry


def describe(param, command):
    kind = param.type
    entry = {"name": param.name, "kind": type(param).__name__, "opts": param.opts}
    if param.secondary_opts:
        entry["secondaryOpts"] = param.secondary_opts
    entry["type"] = getattr(kind, "name", type(kind).__name__)
    for key, value in (("nargs", param.nargs if param.nargs != 1 else None), ("multiple", getattr(param, "multiple", False) or None),
                       ("required", param.required or None), ("flag", getattr(param, "is_flag", False) or None),
                       ("countFlag", getattr(param, "count", False) or None), ("envvar", param.envvar)):
        if value is not None:
            entry[key] = value
    if isinstance(kind, click.Choice):
        entry["choices"] = list(kind.choices)
    if isinstance(kind, click.Path):
        entry["path"] = {"dirOkay": kind.dir_okay, "exists": kind.exists, "fileOkay": kind.file_okay}
    callback = callback_of(param, command)
    if callback and not callback["name"].endswith("show_help"):
        entry["callback"] = callback
    return entry


def commands(group, context):
    described = {}
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None:  # a command that fails to load: kedro-telemetry's structure leaves it out too
            continue
        entry = {"params": [describe(param, command) for param in command.get_params(context)]}
        if isinstance(command, (click.Group, click.CommandCollection)):
            entry["commands"] = commands(command, context)
        elif command.allow_extra_args or command.ignore_unknown_options:
            entry["extraArgs"] = True
        described[command.name] = entry
    return described


def signature_of(function):
    """Parameters of a callable as data: which are positional, which keyword-only, and whether **kwargs is taken."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    params = list(signature.parameters.values())
    if params and params[0].name == "self":
        params = params[1:]
    kinds = inspect.Parameter
    return {
        "positional": [p.name for p in params if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)],
        "keywordOnly": [p.name for p in params if p.kind == kinds.KEYWORD_ONLY],
        "required": [p.name for p in params if p.default is kinds.empty and p.kind not in (kinds.VAR_POSITIONAL, kinds.VAR_KEYWORD)],
        "varPositional": any(p.kind == kinds.VAR_POSITIONAL for p in params),
        "varKeyword": any(p.kind == kinds.VAR_KEYWORD for p in params),
    }


def signatures():
    """What a project's pipeline code may call: node(), Node, pipeline(), Pipeline and find_pipelines(), per release."""
    import kedro.framework.project as project
    import kedro.pipeline as pipeline

    found = {}
    for name in ("node", "Node", "pipeline", "Pipeline"):
        target = getattr(pipeline, name, None)
        if target is not None:
            found[name] = signature_of(target.__init__ if isinstance(target, type) else target)
    found["find_pipelines"] = signature_of(project.find_pipelines) if hasattr(project, "find_pipelines") else None
    found["exports"] = sorted(name for name in getattr(pipeline, "__all__", []) if not name.startswith("_"))
    return found


# The Kedro modules a project's settings.py imports from; `from M import X` takes any attribute of M, and a submodule.
SETTINGS_MODULES = ("kedro.config", "kedro.framework.context", "kedro.framework.hooks", "kedro.framework.session.store", "kedro.io")


def settings_imports():
    """What `from M import X` accepts in this release, for each module settings.py commonly imports from: M's
    attributes once imported, and its submodules (a package). A module the release lacks maps to None."""
    import importlib
    import pkgutil

    found = {}
    for name in SETTINGS_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            found[name] = None
            continue
        names = set(dir(module))
        # A module-level __getattr__ (0.18.11 to 0.18.14's kedro.io: the deprecated DataSet names) serves names dir()
        # does not list; they are in __all__.
        names.update(getattr(module, "__all__", []))
        names.update(info.name for info in pkgutil.iter_modules(getattr(module, "__path__", [])))
        found[name] = sorted(names)
    return found


def kedro_modules():
    """Every module of the release's kedro package, from its files (nothing is imported): `import kedro.x` of one that
    is not here raises ModuleNotFoundError. The project templates are not modules."""
    import kedro

    root = Path(kedro.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if "templates" in parts or any(not part.isidentifier() for part in parts):
            continue
        found.add(".".join(("kedro",) + (parts[:-1] if parts[-1] == "__init__" else parts)))
    return sorted(found)


def project_metadata():
    """The [tool.kedro] keys the release accepts: ProjectMetadata's fields it reads from pyproject.toml, and the keys
    it drops before building it (any other key: "Found unexpected keys", and kedro refuses to start)."""
    import re

    from kedro.framework import startup

    computed = {"config_file", "project_path"}
    source = inspect.getsource(startup._get_project_metadata)
    dropped = re.findall(r'metadata_dict\.pop\(\s*"([^"]+)"', source)
    return {"fields": [field for field in startup.ProjectMetadata._fields if field not in computed], "dropped": dropped}


def main(target: str) -> None:
    project = throwaway_project()
    os.chdir(project)
    from kedro.framework.cli.cli import KedroCLI

    cli = KedroCLI(project)
    context = click.Context(cli)
    data = {
        "generated": f"by scripts/dump-kedro-cli.py from Kedro {VERSION}'s own source: do not edit",
        "kedroVersion": VERSION,
        "commands": commands(cli, context),
        "topLevelOptions": [opt for param in cli.get_params(context) for opt in param.opts],
        "pipelineApi": signatures(),
        "projectMetadata": project_metadata(),
        "settingsImports": settings_imports(),
        "modules": kedro_modules(),
    }
    out = Path(target) / f"{VERSION}.json"
    out.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "src/releases/kedro-cli"))
