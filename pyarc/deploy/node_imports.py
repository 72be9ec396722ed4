"""Packages a built Node.js function loads that its package does not hold: Lambda would fail
the first invocation with `Runtime.ImportModuleError`, so `pyarc deploy` says so first.

A package is there when the build put it in `node_modules/` (or in @architect/shared's or
@architect/views' own), when it is one of Node's builtin modules (asked of the local `node`),
or when Lambda's Node.js runtime provides it (the AWS SDK v3, `@aws-sdk/*`).
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from pathlib import Path

from pyarc.inventory.lambda_package import NODE_SHARED, NODE_VIEWS
from pyarc.inventory.model import Function, Inventory
from pyarc.template.analysis import code_roots
from pyarc.template.js_analysis import imported_packages

LAMBDA_PROVIDED_SCOPES = ("@aws-sdk/",)  # the AWS SDK for JavaScript v3, in every nodejs runtime


@functools.cache
def node_builtins() -> frozenset[str] | None:
    """Node's builtin module names (`fs`, `path`...), or None when there is no `node`."""
    node = shutil.which("node")
    if node is None:
        return None
    script = "console.log(JSON.stringify(require('module').builtinModules))"
    try:
        done = subprocess.run(
            [node, "-e", script], capture_output=True, text=True, timeout=30, check=True
        )
        return frozenset(json.loads(done.stdout))
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def missing_packages(inventory: Inventory, fn: Function, build_dir: Path) -> list[str]:
    """One sentence per package `fn`'s code loads that its built package lacks."""
    builtins = node_builtins()
    if builtins is None:
        return []  # without node, builtins cannot be told from packages: say nothing
    folders = [
        build_dir / "node_modules",
        build_dir.joinpath(*NODE_SHARED, "node_modules"),
        build_dir.joinpath(*NODE_VIEWS, "node_modules"),
    ]
    problems = []
    for package, where in sorted(
        imported_packages(code_roots(inventory, fn), inventory.cwd).items()
    ):
        if package in builtins or package.startswith(LAMBDA_PROVIDED_SCOPES):
            continue
        if any((folder / package).is_dir() for folder in folders):
            continue
        problems.append(
            f"{fn.key}: {where} loads '{package}', which no package.json of the function "
            f"or the app lists in its dependencies, so Lambda will not find it; run "
            f"`npm install {package}` in the function's folder or the app's."
        )
    return problems
