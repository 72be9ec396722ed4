"""What a function's Lambda package holds besides its own folder: one home for the rules that
`pyarc deploy` (which builds the package) and the sandbox (which gives its workers the same
import path) both follow.

- the Python runtime provides the standard library and boto3/botocore (with their own
  dependencies); nothing else of the machine's environment is there;
- the function's `requirements.txt`, then the app root's (shared by every function), are
  installed into the package;
- `pyarc.functions` goes in with the third-party modules it imports that Lambda lacks.

A Node.js function's package, as Architect lays it out:
- the production dependencies of its `package.json`, then of the app root's, in
  `node_modules/` (where both have a package, the function's wins, as Node's resolution
  finds the function's own `node_modules` before the root's);
- `@shared` in `node_modules/@architect/shared`, `@views` (http functions) in
  `node_modules/@architect/views`, each with the dependencies of its own package.json in
  its `node_modules/`, and `static.json` in `@architect/shared`, where
  `@architect/functions`' `arc.static` reads it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from pyarc.inventory.model import Function, Inventory

REQUIREMENTS_FILE = "requirements.txt"
PACKAGE_FILE = "package.json"  # a Node.js folder's npm dependencies
NPM_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json")  # present: `npm ci`
NODE_SHARED = ("node_modules", "@architect", "shared")  # where a Node.js package has @shared
NODE_VIEWS = ("node_modules", "@architect", "views")
# Top-level modules the Lambda Python runtime ships (boto3, botocore and what they need).
LAMBDA_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six", "pyarc"}
)
LAMBDA_PROVIDED_DISTRIBUTIONS = ("boto3",)  # installed with their requirements
HELPER_PACKAGE_INIT = '"""pyarc runtime helpers, packaged by `pyarc deploy`."""\n'


def requirement_files(inventory: Inventory, fn: Function) -> list[Path]:
    """The requirements files installed into `fn`'s package, in install order (the function's
    own first: where both pin a package, its version wins, as pip --target keeps the first)."""
    if fn.config.is_node:  # a Node.js function's dependencies are npm's (package.json)
        return []
    found = [fn.src / REQUIREMENTS_FILE, inventory.cwd / REQUIREMENTS_FILE]
    unique: list[Path] = []
    for path in found:
        if path.is_file() and path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    return unique


def node_package_folders(inventory: Inventory, fn: Function) -> list[Path]:
    """The folders with a package.json whose `node_modules` a Node.js function resolves from,
    as Architect hydrates them: the function's own, `src/shared`'s and (for @http) `src/views`'s,
    which Architect copies into it, and the app root's (found by Node's parent lookup)."""
    if not fn.config.is_node:
        return []
    candidates = [fn.src, *(inventory.shared or [])[:1]]
    if fn.kind == "http":
        candidates += (inventory.views or [])[:1]
    candidates.append(inventory.cwd)
    found: list[Path] = []
    for folder in candidates:
        if (folder / PACKAGE_FILE).is_file() and folder.resolve() not in {f.resolve() for f in found}:
            found.append(folder)
    return found


def imported_top_level_modules(root: Path) -> set[str]:
    """Top-level names imported (absolutely) by the .py files under `root`."""
    names: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def helper_third_party_modules(helper_root: Path) -> list[str]:
    """Modules the runtime helper at `helper_root` imports that Lambda's runtime lacks."""
    modules = imported_top_level_modules(helper_root)
    return sorted(m for m in modules if m not in sys.stdlib_module_names and m not in LAMBDA_PROVIDED)
