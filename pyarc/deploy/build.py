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

A Node.js function (`runtime nodejs22.x`...) is laid out as Architect does
(inventory/lambda_package.py has the rules):
    index.js|mjs|cjs ...     the handler directory, copied as is (but for node_modules/
                             when it has a package.json: those are installed afresh)
    node_modules/            the production dependencies of its package.json, then of the
                             app root's; @shared as @architect/shared, @views (http
                             functions) as @architect/views, static.json in @architect/shared
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
from pyarc.inventory.lambda_package import (
    NODE_SHARED,
    NODE_VIEWS,
    PACKAGE_FILE,
    node_package_folders,
    requirement_files,
)
from pyarc.inventory.model import Function, Inventory
from pyarc.template.analysis import function_uses

CODE_IGNORED = ("__pycache__", "*.pyc", ".pytest_cache", ".git", ".venv")
# a Python function's package holds no node_modules; a Node one's own are installed afresh
COPY_IGNORE = shutil.ignore_patterns(*CODE_IGNORED, "node_modules")
# a Node function without a package.json keeps the node_modules it has (vendored, as Architect)
NODE_VENDORED_COPY_IGNORE = shutil.ignore_patterns(*CODE_IGNORED)
NODE_BOOKKEEPING = frozenset({".bin", ".package-lock.json", ".cache"})
NODE_PACKAGE_IGNORE = shutil.ignore_patterns(*NODE_BOOKKEEPING)


@dataclass
class BuildOptions:
    """How functions are built; the defaults are what `pyarc deploy` uses."""

    include_runtime_helper: bool = True
    # pip arguments added to every install (e.g. ["--no-index", "--find-links", DIR])
    pip_args: list[str] = field(default_factory=list)
    # npm arguments added to every install (e.g. ["--offline"], ["--registry", URL])
    npm_args: list[str] = field(default_factory=list)
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
    if fn.config.is_node:
        return _build_node_function(inventory, fn, out_dir, installer, options)
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


def _build_node_function(
    inventory: Inventory,
    fn: Function,
    out_dir: Path,
    installer: DependencyInstaller,
    options: BuildOptions,
) -> Path:
    installs_own = (fn.src / PACKAGE_FILE).is_file()
    ignore = COPY_IGNORE if installs_own else NODE_VENDORED_COPY_IGNORE
    shutil.copytree(fn.src, out_dir, ignore=ignore)
    node_modules = out_dir / "node_modules"
    # one folder each, as Architect has (and the sandbox links: sandbox/shared_code.py)
    shared = out_dir.joinpath(*NODE_SHARED)
    folders = {fn.src.resolve(): node_modules, inventory.cwd.resolve(): node_modules}
    if inventory.shared:
        _copy_code_dir(inventory.shared[0], shared)
        folders.setdefault(inventory.shared[0].resolve(), shared / "node_modules")
    if fn.kind == "http" and inventory.views:
        views = out_dir.joinpath(*NODE_VIEWS)
        _copy_code_dir(inventory.views[0], views)
        folders.setdefault(inventory.views[0].resolve(), views / "node_modules")
    # the function's own first, so its versions win over the root's
    for folder in node_package_folders(inventory, fn):
        installed = installer.install_node_package(folder, fn.config)
        _merge_node_modules(installed / "node_modules", folders[folder.resolve()])
    for name, source in sorted(options.extra_files.items()):
        shutil.copyfile(source, out_dir / name)
        shared.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, shared / name)  # arc.static reads @architect/shared/static.json
    return out_dir


def _merge_node_modules(src: Path, dest: Path) -> None:
    """Add the packages of `src` (a node_modules folder) that `dest` lacks: a package already
    there (the function's own version) is kept whole, never mixed with another version's
    files; npm's bookkeeping (.bin links, .package-lock.json) stays out."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(src.iterdir()):
        if entry.name in NODE_BOOKKEEPING or not entry.is_dir():
            continue
        if entry.name.startswith("@"):  # a scope: its packages one level down
            _merge_node_modules(entry, dest / entry.name)
        elif not (dest / entry.name).exists():
            shutil.copytree(entry, dest / entry.name, ignore=NODE_PACKAGE_IGNORE)


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
