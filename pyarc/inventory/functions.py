"""Lambda functions: source dir naming, per-function `config.arc`, and the Function object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyarc.inventory.model import (
    HANDLER_FILES,
    NODE_HANDLER_EXTENSIONS,
    Function,
    FunctionConfig,
    FunctionKind,
    Location,
)
from pyarc.inventory.settings import (
    FUNCTION_KEYS,
    Setting,
    apply_function_setting,
    copy_config,
    settings,
)
from pyarc.inventory.source import Source
from pyarc.manifest import parse_document

CONFIG_FILES = ("config.arc", ".arc-config")  # first found wins, as in Architect


def lambda_dir_name(method: str, path: str) -> str:
    """Architect's `getLambdaName`: `get /things/:id` -> `get-things-000id`.

    `-` and `.` become `_`, `/` becomes `-`, `:` becomes `000`, `*` becomes `catchall`;
    `get /` is `get-index`.
    """
    if path == "/":
        return f"{method}-index"
    name = (
        path.replace("-", "_")
        .replace(".", "_")
        .replace("/", "-")
        .replace(":", "000")
        .replace("*", "catchall")
    )
    return f"{method}{name}"


@dataclass
class FunctionExtras:
    """Settings in a function's config.arc that are not Lambda settings (queue tuning...)."""

    values: dict[str, Setting] = field(default_factory=dict)
    source: Source | None = None


def build_function(
    *,
    kind: FunctionKind,
    name: str,
    src: Path,
    defaults: FunctionConfig,
    location: Location | None,
    app_source: Source,
    extra_keys: tuple[str, ...] = (),
) -> tuple[Function, FunctionExtras]:
    """A Function whose config is `@aws` overlaid by its own config.arc (if any)."""
    config = copy_config(defaults)
    extras = FunctionExtras()
    config_file = find_config_file(src, app_source.dir_listings)
    if config_file is not None:
        source = Source(
            parse_document(config_file.read_text("utf-8-sig"), str(config_file)), app_source.cwd
        )
        extras.source = source
        for setting in settings(source, "aws"):
            if apply_function_setting(config, setting, source, "aws"):
                continue
            if setting.key in extra_keys:
                extras.values[setting.key] = setting
            else:
                source.warn_unknown(
                    f"@aws {setting.key}", setting.key, FUNCTION_KEYS + extra_keys, "aws",
                    setting.index,
                )
        for pragma in source.doc.data:
            if pragma != "aws":
                source.warn(f"@{pragma} has no meaning in config.arc; it is ignored", pragma)
        app_source.warnings += source.warnings
    function = Function(kind=kind, name=name, src=src, config=config, location=location)
    return function, extras


def find_config_file(src: Path, listings: dict[str, frozenset[str] | None]) -> Path | None:
    """The function's `config.arc` (or `.arc-config`), or None.

    Most functions of a large app share a parent dir (`src/http`) and many have no dir yet, so
    the parent is listed once per load (`listings` caches it) and a function whose dir is
    surely absent costs no file-system call. Names are compared case-folded, so a
    case-insensitive file system still finds `Get-Index` for `get-index`, as a stat would.
    """
    parent = os.fspath(src.parent)
    if parent in listings:
        names = listings[parent]
    else:
        try:
            names = frozenset(n.casefold() for n in os.listdir(parent))
        except OSError:
            names = None
        listings[parent] = names
    if names is None or src.name.casefold() not in names:
        return None
    return next((src / n for n in CONFIG_FILES if (src / n).is_file()), None)


def resolve_src(cwd: Path, default: str, custom: Any) -> Path:
    """Absolute source dir: the verbose `src` override (relative to the app) or the default."""
    relative = str(custom) if custom is not None else default
    return Path(os.path.normpath(cwd / relative))


def handler_to_create(fn: Function) -> tuple[str, str]:
    """The handler file a function without one needs, relative to its directory, and what it
    must define, for its runtime and `handler` setting: `("lambda.py", "defining `def
    handler(event, context):`")`, `("index.js", "exporting `handler` (...)")`."""
    if fn.config.is_node:
        module, function = fn.handler.split(".", 1)
        return f"{module}.js", (
            f"exporting `{function}` (`export async function {function}(event, context)`)"
        )
    module, function = fn.handler.rsplit(".", 1)
    return f"{module.replace('.', '/')}.py", f"defining `def {function}(event, context):`"


def missing_handler(fn: Function, cwd: Path | None = None) -> str | None:
    """The one sentence saying a function's handler is missing and how to create it; None
    when its handler file exists. `cwd` (default: the process's) shortens the paths.

    The sandbox's HTTP response and log, its workers and `pyarc deploy` all say this.
    """
    if fn.handler_file is not None:
        return None
    try:
        where = os.path.relpath(fn.src, cwd or Path.cwd())
    except ValueError:  # another drive (Windows)
        where = str(fn.src)
    relative, defining = handler_to_create(fn)
    if fn.config.is_node:
        module = fn.handler.split(".", 1)[0]
        files = [f"{module}{extension}" for extension in NODE_HANDLER_EXTENSIONS]
    else:
        files = list(HANDLER_FILES)
    if not fn.src.is_dir():
        problem = "does not exist"
    elif fn.config.handler:
        problem = f"has no {relative} (config.arc sets handler {fn.handler})"
    else:
        problem = f"has no handler file ({', '.join(files[:-1])} or {files[-1]})"
    return (
        f"The handler directory {where} of {fn.key} {problem}: run `mkdir -p {where}` and add "
        f"{where}/{relative} {defining}."
    )
