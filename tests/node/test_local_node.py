"""The local `node`: its version in the banner, and one clear error when it is missing or
older than Lambda's oldest supported Node.js runtime."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyarc.inventory.model import Function, FunctionConfig
from pyarc.sandbox.banner import banner_lines
from pyarc.sandbox.environment import Ports
from pyarc.sandbox.workers import WorkerPools
from pyarc.sandbox.workers.node.launch import LocalNode, local_node

from .conftest import write_app


@pytest.fixture
def fresh_node_lookup() -> Iterator[None]:
    local_node.cache_clear()
    yield
    local_node.cache_clear()


def _invoke(fn: Function) -> object:
    async def main() -> object:
        pools = WorkerPools(env_for=lambda fn: {}, log=lambda key, line: None)
        try:
            return await pools.invoke(fn, {})
        finally:
            await pools.aclose()

    return asyncio.run(main())


def _node_function(tmp_path: Path) -> Function:
    src = tmp_path / "src/http/get-index"
    src.mkdir(parents=True)
    (src / "index.mjs").write_text("export const handler = async () => 'ok'\n")
    return Function("http", "get-index", src, FunctionConfig(runtime="nodejs22.x"))


def test_the_real_node_runs_it(tmp_path: Path, fresh_node_lookup: None) -> None:
    assert local_node().problem == "" and local_node().major >= 20
    result = _invoke(_node_function(tmp_path))
    assert result.ok and result.payload == "ok"


def test_no_node_on_path_is_one_error_naming_the_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_node_lookup: None
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = _invoke(_node_function(tmp_path))
    assert result.error is not None and result.error.error_type == "Sandbox.NodeNotFound"
    message = result.error.error_message
    assert message.startswith("http:get-index has runtime nodejs22.x, but no `node` is on PATH")
    assert "install Node.js 20 or later" in message


def test_a_node_older_than_lambdas_oldest_runtime_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_node_lookup: None
) -> None:
    bin_dir = tmp_path / "bin"  # Debian 12's nodejs, as far as the version check can tell
    bin_dir.mkdir()
    (bin_dir / "node").write_text("#!/bin/sh\necho v18.19.0\n")
    (bin_dir / "node").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = _invoke(_node_function(tmp_path))
    assert result.error is not None and result.error.error_type == "Sandbox.NodeNotFound"
    assert f"{bin_dir}/node is Node.js v18.19.0" in result.error.error_message


def test_the_banner_says_which_node_runs_the_node_functions(tmp_path: Path) -> None:
    from pyarc.inventory import load

    app = write_app(
        tmp_path,
        "@app\nmixed\n@http\nget /\nget /py\n",
        {
            "src/http/get-index/index.mjs": "export const handler = async () => 'ok'\n",
            "src/http/get-index/config.arc": "@aws\nruntime nodejs22.x\n",
            "src/http/get-py/lambda.py": "def handler(event, context):\n    return 'ok'\n",
        },
    )
    inventory = load(app)
    found = LocalNode("/usr/bin/node", "v22.1.0")
    lines = banner_lines(inventory, Ports(3333), "127.0.0.1", 1.0, node=found)
    assert "node v22.1.0 (/usr/bin/node) runs the 1 Node.js function (nodejs22.x)" in "\n".join(lines)
    missing = LocalNode(None, None, "no `node` is on PATH")
    lines = banner_lines(inventory, Ports(3333), "127.0.0.1", 1.0, node=missing)
    assert any("no `node` is on PATH: the 1 Node.js function will fail" in line for line in lines)
    python_only = load(write_app(tmp_path / "py", "@app\npy\n@http\nget /\n", {}))
    assert not any("node" in line for line in banner_lines(python_only, Ports(3333), "h", 1.0, node=found))


def test_the_banners_missing_handler_lines_name_the_file_of_each_runtime(tmp_path: Path) -> None:
    from pyarc.inventory import load

    app = write_app(
        tmp_path,
        "@app\nmissing\n@http\nget /node\nget /py\n",
        {"src/http/get-node/config.arc": "@aws\nruntime nodejs22.x\n"},  # no index.js yet
    )
    lines = banner_lines(load(app), Ports(3333), "127.0.0.1", 1.0)
    at = next(i for i, line in enumerate(lines) if "missing handlers" in line)
    assert "lambda.py" not in lines[at]  # the heading names no runtime's file
    rows = [" ".join(line.split()) for line in lines[at + 1 : at + 3]]
    assert rows == [
        "mkdir -p src/http/get-node then add index.js exporting `handler` "
        "(`export async function handler(event, context)`)",
        "mkdir -p src/http/get-py then add lambda.py defining `def handler(event, context):`",
    ]
