"""Assemble one function's deployment directory: its code, its dependencies, shared code and
the `pyarc.functions` runtime helper, laid out as Lambda will see it under /var/task.

Layout of a built function (all importable, because /var/task is on Lambda's sys.path):
    lambda.py ...            the handler directory, copied as is
    <packages>               its requirements.txt, then the app root's (shared by every
                             function), installed for the target platform
    <vendor/* contents>      anything in the handler's vendor/ (the sandbox puts vendor/ on
                             sys.path; Lambda does not, so it is merged into the root)
    shared/, views/          @shared (every function) and @views (http functions)
    static.json              the fingerprint map, when `@static fingerprint true`
    pyarc/functions/         the runtime helper package (and its non-Lambda dependencies)
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pyarc.deploy.dependencies import DependencyInstaller
from pyarc.deploy.runtime_helper import (
    copy_runtime_helper,
    requirements_for,
    runtime_helper_requirements,
)
from pyarc.errors import PyarcError
from pyarc.inventory.functions import missing_handler
from pyarc.inventory.lambda_package import requirement_files
from pyarc.inventory.model import Function, Inventory
from pyarc.template.analysis import function_uses

COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".git", ".venv")


@dataclass
class BuildOptions:
    """How functions are built; the defaults are what `pyarc deploy` uses."""

    include_runtime_helper: bool = True
    # pip arguments added to every install (e.g. ["--no-index", "--find-links", DIR])
    pip_args: list[str] = field(default_factory=list)
    # requirements of pyarc.functions that Lambda lacks; None = detect from its imports
    runtime_requirements: list[str] | None = None
    # files put at every function's root: name in the package -> source path (static.json)
    extra_files: dict[str, str] = field(default_factory=dict)


def build_function(
    inventory: Inventory,
    fn: Function,
    out_dir: Path,
    installer: DependencyInstaller,
    options: BuildOptions | None = None,
) -> Path:
    """Build `fn` into `out_dir` (created; must not exist) and return it."""
    options = options or BuildOptions()
    _check_handler(inventory, fn)
    shutil.copytree(fn.src, out_dir, ignore=COPY_IGNORE)
    vendor = out_dir / "vendor"
    if vendor.is_dir():
        _merge_tree(vendor, out_dir)
        shutil.rmtree(vendor)
    for requirements in requirement_files(inventory, fn):
        installed = installer.install_requirements_file(requirements, fn.config)
        _merge_tree(installed, out_dir)
    for shared_dir in inventory.shared or []:
        _copy_code_dir(shared_dir, out_dir / shared_dir.name)
    if fn.kind == "http":
        for views_dir in inventory.views or []:
            _copy_code_dir(views_dir, out_dir / views_dir.name)
    for name, source in sorted(options.extra_files.items()):
        shutil.copyfile(source, out_dir / name)
    if options.include_runtime_helper:
        copy_runtime_helper(out_dir)
        wanted = options.runtime_requirements
        wanted = runtime_helper_requirements() if wanted is None else wanted
        uses = {use.service for use in function_uses(inventory, fn)}
        helper_deps = installer.install_runtime_helper_deps(
            fn.config, requirements_for(wanted, uses)
        )
        if helper_deps is not None:
            _merge_tree(helper_deps, out_dir)
    return out_dir


def _check_handler(inventory: Inventory, fn: Function) -> None:
    problem = missing_handler(fn, inventory.cwd)
    if problem is not None:
        raise PyarcError(problem)


def _copy_code_dir(src: Path, dest: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dest, ignore=COPY_IGNORE, dirs_exist_ok=True)


def _merge_tree(src: Path, dest: Path) -> None:
    """Copy the contents of `src` into `dest`; the function's own files win on conflict."""
    for entry in sorted(src.iterdir()):
        target = dest / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, ignore=COPY_IGNORE, dirs_exist_ok=True)
        elif not target.exists():
            shutil.copy2(entry, target)
