"""The import path of a worker: what the function's Lambda package and runtime hold, nothing
else of the sandbox's own environment.

A worker runs with `python -S` (no site-packages) and this path:
  its folder, its `vendor/`, `@shared`/`@views` as deployed, its installed requirements,
  `pyarc.functions` with the modules it needs (as deploy packages them), the standard
  library, then boto3/botocore (last, as in Lambda's `/var/runtime`, so a function that
  pins its own boto3 gets it).
The sandbox's installed copies are linked into a private directory (no copying), so the
worker sees those packages and not their neighbours (starlette, click, rich...).
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
from importlib import metadata
from pathlib import Path

import pyarc.functions
from pyarc.inventory.lambda_package import (
    HELPER_PACKAGE_INIT,
    LAMBDA_PROVIDED_DISTRIBUTIONS,
    helper_third_party_modules,
)

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    """Names of `dist`'s unconditional requirements (extras are not installed)."""
    names = []
    for requirement in dist.requires or []:
        name, _, marker = requirement.partition(";")
        if "extra" in marker:
            continue
        match = _NAME.match(name)
        if match:
            names.append(match.group(1))
    return names


def distribution_closure(names: list[str]) -> list[metadata.Distribution]:
    """The installed distributions `names` need, with their requirements (missing ones skipped)."""
    found: dict[str, metadata.Distribution] = {}
    pending = list(names)
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[key] = dist
        pending += _requirement_names(dist)
    return [found[key] for key in sorted(found)]


def top_level_entries(dist: metadata.Distribution) -> set[str]:
    """The first path component of every file `dist` installed (read from RECORD directly:
    `dist.files` builds a Path per file, which is ten times slower)."""
    record = dist.read_text("RECORD") or ""
    return {line.split(",", 1)[0].split("/", 1)[0] for line in record.splitlines() if line}


def link_distribution(dist: metadata.Distribution, into: Path) -> None:
    """Symlink each top-level entry `dist` installed (packages, modules, .so, dist-info)."""
    root = Path(str(dist.locate_file("")))
    for top in sorted(top_level_entries(dist)):
        source = root / top
        if top in ("..", "__pycache__") or not source.exists():
            continue
        target = into / top
        if not target.exists() and not target.is_symlink():
            target.symlink_to(source, target_is_directory=source.is_dir())


def _distribution_of(module: str) -> str:
    """The distribution that installs top-level `module` (usually its own name)."""
    try:
        metadata.distribution(module)
        return module
    except metadata.PackageNotFoundError:
        owners = metadata.packages_distributions()  # slow (reads every RECORD): last resort
        return next(iter(owners.get(module, [module])))


def helper_root() -> Path:
    return Path(pyarc.functions.__file__).resolve().parent


class RuntimeLayout:
    """Two private directories of links: the Lambda runtime's packages and the runtime helper."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pyarc-runtime-"))
        self.provided = self.root / "runtime"  # boto3 & co, as Lambda's runtime ships them
        self.helper = self.root / "helper"  # pyarc.functions and what it needs
        self.provided.mkdir()
        self.helper.mkdir()
        for dist in distribution_closure(list(LAMBDA_PROVIDED_DISTRIBUTIONS)):
            link_distribution(dist, self.provided)
        (self.helper / "pyarc").mkdir()
        (self.helper / "pyarc" / "__init__.py").write_text(HELPER_PACKAGE_INIT)
        (self.helper / "pyarc" / "functions").symlink_to(helper_root(), target_is_directory=True)
        names = [_distribution_of(module) for module in helper_third_party_modules(helper_root())]
        provided = {p.name for p in self.provided.iterdir()}
        for dist in distribution_closure(names):
            if not top_level_entries(dist) & provided:
                link_distribution(dist, self.helper)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


_layout: RuntimeLayout | None = None
_layout_lock = threading.Lock()


def shared_layout() -> RuntimeLayout:
    """One layout per sandbox process (it depends only on what is installed), removed at exit.

    Thread-safe: the sandbox builds it in a thread at start (it takes a few hundred ms)."""
    global _layout
    with _layout_lock:
        if _layout is None:
            _layout = RuntimeLayout()
            atexit.register(_layout.close)
        return _layout
