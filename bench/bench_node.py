"""Node.js next to Python: warm invoke and HTTP round trip, each next to its floor.

    python bench/bench_node.py [--invocations 2000] [--requests 2000]

- warm invoke (`WorkerPools.invoke`, one warm worker, the same trivial handler in each
  runtime): vs a bare length-prefixed JSON echo over a socketpair to a child of the same
  runtime (`node` for Node.js, `python` for Python): the IPC any out-of-process design pays;
- HTTP round trip p50/p95, warm handler, keep-alive client, `pyarc sandbox` in its own
  process serving `get /py` (Python) and `get /js` (Node.js): vs a bare Starlette endpoint
  under the same uvicorn (bench_sandbox.py's floor).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other bench modules

from bench_sandbox import (  # noqa: E402
    describe_stack,
    http_latency,
    start_floor,
    start_sandbox,
    stop,
    wait_for_200,
    write_tree,
)
from bench_workers import EVENT, echo_floor, row  # noqa: E402

from pyarc.inventory.model import Function, FunctionConfig  # noqa: E402
from pyarc.sandbox.workers import WorkerPools  # noqa: E402
from pyarc.testing import free_port  # noqa: E402

PYTHON_HANDLER = """
def handler(event, context):
    return {"statusCode": 200, "body": event.get("body", "")}
"""
NODE_HANDLER = """
export async function handler (event) {
  return { statusCode: 200, body: event.body ?? '' }
}
"""
# the Node.js floor: the same framing as bench_workers.ECHO_CHILD, in node
NODE_ECHO_CHILD = """
const net = require('net')
const socket = new net.Socket({ fd: Number(process.argv[1]), readable: true, writable: true })
let buffer = Buffer.alloc(0)
socket.on('data', chunk => {
  buffer = Buffer.concat([ buffer, chunk ])
  while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32BE(0)) {
    const size = buffer.readUInt32BE(0)
    const message = JSON.parse(buffer.subarray(4, 4 + size))
    buffer = buffer.subarray(4 + size)
    const out = Buffer.from(JSON.stringify({ ok: true, payload: message.event }))
    const header = Buffer.alloc(4)
    header.writeUInt32BE(out.length)
    socket.write(Buffer.concat([ header, out ]))
  }
})
"""
TEXT = {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
APP = {
    "app.arc": "@app\nbenchnode\n\n@http\nget /\nget /py\nget /js\n",
    "src/http/get-index/lambda.py": f"def handler(event, context):\n    return {TEXT!r}\n",
    "src/http/get-py/lambda.py": f"def handler(event, context):\n    return {TEXT!r}\n",
    "src/http/get-js/config.arc": "@aws\nruntime nodejs22.x\n",
    "src/http/get-js/index.mjs": f"export const handler = async () => ({json.dumps(TEXT)})\n",
}


async def warm_invokes(n: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        functions = {}
        for label, runtime, file, text in (
            ("python", "python3.13", "lambda.py", PYTHON_HANDLER),
            ("node", "nodejs22.x", "index.mjs", NODE_HANDLER),
        ):
            src = Path(tmp) / "src" / "http" / f"get-{label}"
            src.mkdir(parents=True)
            (src / file).write_text(text)
            functions[label] = Function(
                "http", f"get-{label}", src, FunctionConfig(runtime=runtime)
            )
        pools = WorkerPools(env_for=lambda f: {}, log=lambda key, line: None)
        times: dict[str, list[float]] = {}
        for label, fn in functions.items():
            await pools.invoke(fn, EVENT)  # warm up
            times[label] = []
            for _ in range(n):
                result = await pools.invoke(fn, EVENT)
                assert result.ok, result.error
                times[label].append(result.duration_ms)
        await pools.aclose()
    return times


def http_round_trips(n: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = write_tree(Path(tmp) / "app", APP)
        floor_dir = Path(tmp) / "floor"
        floor_dir.mkdir()
        port, tables_port, floor_port = free_port(), free_port(), free_port()
        sandbox = start_sandbox("fast", app, port, tables_port)
        floor = start_floor("fast", floor_dir, floor_port)
        try:
            wait_for_200(f"http://127.0.0.1:{port}/js", sandbox)
            wait_for_200(f"http://127.0.0.1:{floor_port}/", floor)
            return {
                "python": http_latency(f"http://127.0.0.1:{port}/py", n),
                "node": http_latency(f"http://127.0.0.1:{port}/js", n),
                "floor": http_latency(f"http://127.0.0.1:{floor_port}/", n),
            }
        finally:
            stop(sandbox, floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invocations", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    warm = asyncio.run(warm_invokes(args.invocations))
    python_echo = asyncio.run(echo_floor(args.invocations))
    node_echo = asyncio.run(echo_floor(args.invocations, ("node", "-e", NODE_ECHO_CHILD)))
    http = http_round_trips(args.requests)

    print(f"Node.js and Python ({args.invocations} invocations, {args.requests} requests; "
          f"{describe_stack('fast')})")  # fmt: skip
    row("warm invoke, Python (WorkerPools.invoke)", warm["python"], python_echo)
    row("warm invoke, Node.js (WorkerPools.invoke)", warm["node"], node_echo)
    row("HTTP round trip, Python handler", http["python"], http["floor"])
    row("HTTP round trip, Node.js handler", http["node"], http["floor"])
    print("floors: warm = JSON echo over a socketpair to a python / node child; "
          "HTTP = a Starlette endpoint under the same uvicorn")  # fmt: skip


if __name__ == "__main__":
    main()
