"""Starting a Node.js worker: `node bootstrap.mjs <settings>` over the same socket protocol.

The bootstrap is the Node twin of `runtime.py` (the frames are runtime.py's TypedDicts); this
module finds the local `node`, checks its version once, and gives `Worker` its `launch`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyarc.inventory.model import Function

from ..results import InvokeError
from ..runtime import ACCOUNT_ID_VARIABLE, END_MARKER, MAX_RESPONSE_BYTES

if TYPE_CHECKING:
    from ..worker import Worker

BOOTSTRAP_FILE = str(Path(__file__).resolve().with_name("bootstrap.mjs"))
# Lambda's oldest supported Node.js runtime (nodejs20.x); the bootstrap needs module.register
MIN_NODE_MAJOR = 20
_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)")


@dataclass(frozen=True)
class LocalNode:
    """The `node` on PATH: its path and version (`v20.20.2`), or why there is none usable."""

    path: str | None
    version: str | None
    problem: str = ""  # "" when usable

    @property
    def major(self) -> int:
        match = _VERSION.match(self.version or "")
        return int(match.group(1)) if match else 0


@functools.cache
def local_node() -> LocalNode:
    """Find and check `node` once per process (a new sandbox run looks again)."""
    path = shutil.which("node")
    if path is None:
        return LocalNode(None, None, "no `node` is on PATH")
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError) as e:
        return LocalNode(path, None, f"`{path} --version` failed ({e})")
    version = done.stdout.strip()
    found = LocalNode(path, version)
    if found.major < MIN_NODE_MAJOR:
        return LocalNode(path, version, f"{path} is Node.js {version or '(unknown version)'}")
    return found


def node_problem(fn: Function) -> InvokeError | None:
    """The one error a Node.js function gets when no usable `node` is installed; else None."""
    node = local_node()
    if not node.problem:
        return None
    return InvokeError(
        "Sandbox.NodeNotFound",
        f"{fn.key} has runtime {fn.config.runtime}, but {node.problem}: install Node.js "
        f"{MIN_NODE_MAJOR} or later (https://nodejs.org, or Debian's `apt-get install nodejs`) "
        "and start the sandbox again",
        [],
        "crash",
    )


def settings(worker: Worker, fd: int) -> str:
    """The bootstrap's one argument (JSON): the socket, the handler, the protocol's constants."""
    resolve_from = worker.import_path.before_stdlib[0] if worker.import_path.before_stdlib else ""
    return json.dumps(
        {
            "fd": fd,
            "handler": worker.handler,
            "src": str(worker.src),
            "marker": END_MARKER.decode(),
            "maxResponseBytes": MAX_RESPONSE_BYTES,
            "accountVariable": ACCOUNT_ID_VARIABLE,
            "resolveFrom": resolve_from,
        }
    )


async def spawn_node(
    worker: Worker, child_sock: socket.socket, output: int
) -> asyncio.subprocess.Process:
    """`Worker.launch` for Node.js functions."""
    from ..worker import spawn_process

    node = local_node().path or "node"
    argv = [node, BOOTSTRAP_FILE, settings(worker, child_sock.fileno())]
    return await spawn_process(worker, argv, child_sock, output)
