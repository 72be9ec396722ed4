"""Edits recycle Node.js workers as they do Python ones: the next invocation loads the new code."""

from __future__ import annotations

from pathlib import Path

import httpx

from pyarc.inventory import load
from pyarc.sandbox.watcher import Recycle, classify
from pyarc.testing import Sandbox, wait_until

from .conftest import write_app

MANIFEST = "@app\nnode-reload\n@aws\nruntime nodejs22.x\n@http\nget /\n"
HANDLER = "let calls = 0\nexport const handler = async () => ({ statusCode: 200, body: `TEXT ${++calls}` })\n"


def test_an_edit_recycles_the_worker(tmp_path: Path) -> None:
    app = write_app(tmp_path, MANIFEST, {"src/http/get-index/index.mjs": HANDLER.replace("TEXT", "one")})
    with Sandbox(app, watch=True) as sandbox:
        assert httpx.get(sandbox.url).text == "one 1"
        assert httpx.get(sandbox.url).text == "one 2"  # warm: module state kept
        (app / "src/http/get-index/index.mjs").write_text(HANDLER.replace("TEXT", "two"))
        wait_until(lambda: httpx.get(sandbox.url).text.startswith("two"), timeout=20)
        assert httpx.get(sandbox.url).text.startswith("two ")


def test_package_json_changes_reinstall(tmp_path: Path) -> None:
    app = write_app(tmp_path, MANIFEST + "get /py\n", {"src/http/get-py/config.arc": "@aws\nruntime python3.12\n"})
    inventory = load(app)
    node_fn = next(fn for fn in inventory.functions if fn.config.is_node)
    own = classify({node_fn.src / "package.json"}, inventory)
    assert isinstance(own, Recycle) and own.reinstall == (node_fn,)
    root = classify({app / "package.json"}, inventory)
    assert isinstance(root, Recycle) and root.functions == (node_fn,) == root.reinstall
