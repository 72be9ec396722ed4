"""Sandbox benchmark: figures next to a bare Starlette floor doing the same work.

    python bench/bench_sandbox.py [--requests 2000]

Both servers run in their own process (the sandbox via `pyarc sandbox`, the floor
via uvicorn), the clients in this one. Prints, for each measure, the sandbox
figure, the floor figure and the target from issue 3.

The broadcast rows time one WebSocket message -> handler -> a post to each client
through the Management API, until every client has its frame: once with
`pyarc.functions.ws.broadcast` (what users write) and once with a plain boto3
`post_to_connection` loop, so both are visible.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from pyarc.testing import free_port, wait_for_port

APP = {
    "app.arc": "@app\nbench\n\n@http\nget /\n\n@ws\nbroadcast\nsequential\n",
    "src/http/get-index/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
    """,
    "src/ws/connect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    "src/ws/disconnect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    "src/ws/default/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": event["requestContext"]["connectionId"]}
    """,
    # what users write: the public helper (signed POSTs over kept-alive connections)
    "src/ws/broadcast/lambda.py": """
        import json
        from pyarc.functions import ws

        def handler(event, context):
            ws.broadcast(json.loads(event["body"])["ids"], b"tick")
            return {"statusCode": 200}
    """,
    # the same with plain boto3, one post_to_connection after another
    "src/ws/sequential/lambda.py": """
        import json
        import boto3

        client = boto3.client("apigatewaymanagementapi")

        def handler(event, context):
            body = json.loads(event["body"])
            for connection_id in body["ids"]:
                client.post_to_connection(ConnectionId=connection_id, Data=b"tick")
            return {"statusCode": 200}
    """,
}

FLOOR = """
import json
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute

clients = {}

async def index(request):
    return PlainTextResponse("ok")

async def ws(websocket):
    await websocket.accept()
    key = str(id(websocket))
    clients[key] = websocket
    try:
        while True:
            text = await websocket.receive_text()
            if text.startswith("{"):
                for other in json.loads(text)["ids"]:
                    await clients[other].send_text("tick")
            else:
                await websocket.send_text(key)
    except Exception:
        clients.pop(key, None)

app = Starlette(routes=[Route("/", index), WebSocketRoute("/", ws)])
"""


def write_app(root: Path) -> None:
    for relative, text in APP.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip())


def start_sandbox(app: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, ARC_TABLES_PORT="0", ARC_INTERNAL_PORT="0", ARC_EVENTS_PORT="0")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pyarc",
            "sandbox",
            "--quiet",
            "--port",
            str(port),
            "--cwd",
            str(app),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def start_floor(directory: Path, port: int) -> subprocess.Popen:
    (directory / "floor_app.py").write_text(FLOOR)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "floor_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--ws",
            "websockets-sansio",
            "--no-access-log",
        ],
        cwd=directory,
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def http_latency(url: str, n: int) -> tuple[float, float]:
    with httpx.Client() as client:
        for _ in range(50):
            client.get(url)
        times = []
        for _ in range(n):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), pct(times, 0.95)


async def http_throughput(url: str, n: int, concurrency: int = 8) -> float:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as client:
        for _ in range(20):
            await client.get(url)
        remaining = n

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                (await client.get(url)).raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return n / (time.perf_counter() - start)


async def broadcast(
    ws_url: str, fan_out: int, rounds: int, action: str = "broadcast"
) -> tuple[float, float]:
    clients = [await connect(ws_url) for _ in range(fan_out)]
    ids = []
    for ws in clients:
        await ws.send("who")
        ids.append(await ws.recv())
    times = []
    for _ in range(rounds + 3):
        start = time.perf_counter()
        await clients[0].send(json.dumps({"action": action, "ids": ids}))
        await asyncio.gather(*(ws.recv() for ws in clients))
        times.append((time.perf_counter() - start) * 1000)
    await asyncio.gather(*(ws.close() for ws in clients))
    times = times[3:]
    return statistics.median(times), pct(times, 0.95)


async def connect_cycles(ws_url: str, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        async with connect(ws_url):
            pass
    return n / (time.perf_counter() - start)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def idle_rss(ws_url: str, pid: int, n: int = 1000) -> tuple[float, float]:
    before = rss_mb(pid)
    clients = []
    for i in range(0, n, 50):
        clients += await asyncio.gather(*(connect(ws_url) for _ in range(min(50, n - i))))
    after = rss_mb(pid)
    await asyncio.gather(*(ws.close() for ws in clients))
    return before, after


def startup_to_first_200(app: Path) -> float:
    port = free_port()
    start = time.perf_counter()
    process = start_sandbox(app, port)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                    return (time.perf_counter() - start) * 1000
            except httpx.TransportError:
                time.sleep(0.002)  # polling a starting process, not synchronising a test
    finally:
        process.send_signal(2)
        process.wait(30)


def row(name: str, sandbox: str, floor: str, target: str) -> None:
    print(f"{name:<48} {sandbox:>14} {floor:>14}   {target}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_app(root / "app")
        sandbox_port, floor_port = free_port(), free_port()
        sandbox = start_sandbox(root / "app", sandbox_port)
        floor = start_floor(root, floor_port)
        try:
            wait_for_port(sandbox_port, timeout=30)
            wait_for_port(floor_port, timeout=30)
            sandbox_url, floor_url = (
                f"http://127.0.0.1:{sandbox_port}/",
                f"http://127.0.0.1:{floor_port}/",
            )
            sandbox_ws, floor_ws = (
                f"ws://127.0.0.1:{sandbox_port}/",
                f"ws://127.0.0.1:{floor_port}/",
            )
            print(f"{'measure':<48} {'sandbox':>14} {'floor':>14}   target")
            s50, s95 = http_latency(sandbox_url, args.requests)
            f50, f95 = http_latency(floor_url, args.requests)
            row(
                "HTTP round trip p50/p95 (ms)",
                f"{s50:.2f}/{s95:.2f}",
                f"{f50:.2f}/{f95:.2f}",
                "p50 < 3 ms",
            )
            s_rps = asyncio.run(http_throughput(sandbox_url, args.requests))
            f_rps = asyncio.run(http_throughput(floor_url, args.requests))
            row("HTTP req/s, 8 concurrent clients", f"{s_rps:.0f}", f"{f_rps:.0f}", ">= 1000")
            for fan_out, action, label in (
                (10, "broadcast", "ws.broadcast"),
                (100, "broadcast", "ws.broadcast"),
                (100, "sequential", "boto3 loop"),
            ):
                s50, s95 = asyncio.run(broadcast(sandbox_ws, fan_out, 30, action))
                f50, f95 = asyncio.run(broadcast(floor_ws, fan_out, 30))
                target = "p50 < 30 ms" if (fan_out, action) == (100, "broadcast") else ""
                row(
                    f"WS broadcast to {fan_out}, {label} p50/p95 (ms)",
                    f"{s50:.1f}/{s95:.1f}",
                    f"{f50:.1f}/{f95:.1f}",
                    target,
                )
            s_cps = asyncio.run(connect_cycles(sandbox_ws, 200))
            f_cps = asyncio.run(connect_cycles(floor_ws, 200))
            row("WS connect+disconnect cycles/s", f"{s_cps:.0f}", f"{f_cps:.0f}", "")
            s_before, s_after = asyncio.run(idle_rss(sandbox_ws, sandbox.pid))
            f_before, f_after = asyncio.run(idle_rss(floor_ws, floor.pid))
            row(
                "RSS MB before -> with 1,000 idle sockets",
                f"{s_before:.0f}->{s_after:.0f}",
                f"{f_before:.0f}->{f_after:.0f}",
                "",
            )
        finally:
            for process in (sandbox, floor):
                process.send_signal(2)
                process.wait(60)
        startup = statistics.median(startup_to_first_200(root / "app") for _ in range(3))
        row("start-up to first 200 (ms, median of 3)", f"{startup:.0f}", "", "< 1000 ms")


if __name__ == "__main__":
    main()
