"""Worker pool benchmark: warm invoke latency, cold start, concurrent throughput.

Each figure is printed next to its floor:
- warm invoke vs. a bare length-prefixed JSON echo over a socketpair to a child process
  (the IPC any out-of-process design pays);
- cold start vs. `python -c pass` (the interpreter's own start-up).

Run: python bench/bench_workers.py [--invocations 2000] [--cold-starts 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import struct
import sys
import tempfile
import time
from pathlib import Path

from pyarc.inventory.model import Function, FunctionConfig
from pyarc.sandbox.workers import WorkerPools

HANDLER = """
def handler(event, context):
    return {"statusCode": 200, "body": event.get("body", "")}
"""

ECHO_CHILD = """
import json, socket, struct, sys
H = struct.Struct(">I")
s = socket.socket(fileno=int(sys.argv[1]))
def exactly(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit(0)
        b += c
    return b
while True:
    m = json.loads(exactly(H.unpack(exactly(4))[0]))
    out = json.dumps({"ok": True, "payload": m["event"]}).encode()
    s.sendall(H.pack(len(out)) + out)
"""

EVENT = {"body": "hello", "headers": {"host": "localhost:3333", "user-agent": "bench"}}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def row(label: str, values: list[float], floor: list[float] | None = None) -> None:
    text = f"{label:<38} p50 {percentile(values, 0.5):8.3f} ms   p95 {percentile(values, 0.95):8.3f} ms"
    if floor:
        text += (
            f"   | floor p50 {percentile(floor, 0.5):8.3f} ms"
            f"   p95 {percentile(floor, 0.95):8.3f} ms"
        )
    print(text)


async def echo_floor(
    n: int, child_argv: tuple[str, ...] = (sys.executable, "-c", ECHO_CHILD)
) -> list[float]:
    """`n` JSON echoes through a child running `child_argv` (given its socket's fd last)."""
    parent, child = socket.socketpair()
    process = await asyncio.create_subprocess_exec(
        *child_argv, str(child.fileno()), pass_fds=(child.fileno(),)
    )
    child.close()
    reader, writer = await asyncio.open_unix_connection(sock=parent)
    header = struct.Struct(">I")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        body = json.dumps({"id": "x", "event": EVENT, "deadline_ms": 0}).encode()
        writer.write(header.pack(len(body)) + body)
        size = header.unpack(await reader.readexactly(4))[0]
        json.loads(await reader.readexactly(size))
        times.append((time.perf_counter() - start) * 1000)
    writer.close()
    process.kill()
    await process.wait()
    return times


async def interpreter_floor(n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
        await process.wait()
        times.append((time.perf_counter() - start) * 1000)
    return times


async def main(invocations: int, cold_starts: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src" / "http" / "get-index"
        src.mkdir(parents=True)
        (src / "lambda.py").write_text(HANDLER)
        fn = Function("http", "get-index", src, FunctionConfig(concurrency=8))
        pools = WorkerPools(env_for=lambda f: {}, log=lambda key, line: None)

        await pools.invoke(fn, EVENT)  # warm up
        warm = []
        for _ in range(invocations):
            result = await pools.invoke(fn, EVENT)
            assert result.ok, result.error
            warm.append(result.duration_ms)

        batch = [pools.invoke(fn, EVENT) for _ in range(invocations)]
        await asyncio.gather(*batch[:8])  # grow the pool to 8 workers first
        start = time.perf_counter()
        results = await asyncio.gather(*batch[8:])
        elapsed = time.perf_counter() - start
        assert all(r.ok for r in results)
        throughput = len(results) / elapsed

        await pools.aclose()
        cold_pools = WorkerPools(env_for=lambda f: {}, log=lambda key, line: None, cold=True)
        cold = []
        for _ in range(cold_starts):
            result = await cold_pools.invoke(fn, EVENT)
            assert result.ok and result.cold
            cold.append(result.duration_ms)
        await cold_pools.aclose()

    echo = await echo_floor(invocations)
    bare = await interpreter_floor(cold_starts)
    print(f"pyarc worker pool benchmark ({invocations} invocations, {cold_starts} cold starts)")
    row("warm invoke (WorkerPools.invoke)", warm, echo)
    row("cold start + first invoke (--cold)", cold, bare)
    print(f"{'all queued at once, 8 warm workers':<38} {throughput:8.0f} invocations/s")
    print("floors: warm = JSON echo over a socketpair to a child process; cold = `python -c pass`")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invocations", type=int, default=2000)
    parser.add_argument("--cold-starts", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.invocations, args.cold_starts))
