"""Node.js apps for the sandbox tests: real `node` workers behind real servers on free ports."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from pyarc.sandbox.workers import InvokeResult
from pyarc.testing import Sandbox


def write_app(root: Path, manifest: str, files: dict[str, str]) -> Path:
    """An app folder: `app.arc` plus each file (dedented)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.arc").write_text(textwrap.dedent(manifest))
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


@pytest.fixture(scope="session", autouse=True)
def _node_installed() -> None:
    if shutil.which("node") is None:  # scripts/test installs it; a missing node is a failure
        pytest.fail("these tests need `node` (Node.js 20 or later) on PATH: run scripts/test")


ARCHITECT_FUNCTIONS = "@architect/functions@8"  # the npm package Architect apps use


@pytest.fixture(scope="session")
def architect_functions(request: pytest.FixtureRequest) -> Path:
    """A `node_modules` holding the real @architect/functions from the npm registry, installed
    once into pytest's cache (later runs reuse it without the network)."""
    folder = Path(request.config.cache.mkdir("npm-architect-functions"))
    installed = folder / "node_modules" / "@architect" / "functions" / "package.json"
    if not installed.is_file():
        (folder / "package.json").write_text('{"name": "fixture", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", ARCHITECT_FUNCTIONS],
            cwd=folder,
            check=True,
            timeout=300,
        )
    return folder / "node_modules"


def run(sandbox: Sandbox, key: str, event: object) -> InvokeResult:
    """Invoke the function `key` (`http:get-boom`) in the sandbox's own pools, as a gateway does."""
    assert sandbox.server is not None
    fn = next(f for f in sandbox.inventory.functions if f.key == key)
    assert sandbox.server.state is not None
    pools = sandbox.server.state.pools
    return sandbox.call(lambda: pools.invoke(fn, event))
