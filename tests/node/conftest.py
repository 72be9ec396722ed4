"""Node.js apps for the sandbox tests: real `node` workers behind real servers on free ports."""

from __future__ import annotations

import shutil
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


def run(sandbox: Sandbox, key: str, event: object) -> InvokeResult:
    """Invoke the function `key` (`http:get-boom`) in the sandbox's own pools, as a gateway does."""
    assert sandbox.server is not None
    fn = next(f for f in sandbox.inventory.functions if f.key == key)
    assert sandbox.server.state is not None
    pools = sandbox.server.state.pools
    return sandbox.call(lambda: pools.invoke(fn, event))
