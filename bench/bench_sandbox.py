"""Sandbox benchmark: every row of issue 13's table, each next to its floor, in one run.

    python bench/bench_sandbox.py [--requests 2000] [--items 50000] [--stack fast|pure]

The sandbox runs as `pyarc sandbox` in its own process, the floor (a bare Starlette app
doing the same work) under the same uvicorn in another, the clients in this one. The
first line says which uvicorn stack both ran: `fast` (httptools + uvloop, when installed;
what the sandbox picks by itself) or `pure` (h11 + asyncio, the fallback; forced here
by hiding httptools and uvloop from both processes).

Rows and their floors:
- HTTP round trip p50/p95, warm handler, keep-alive client: vs the Starlette endpoint, and
  vs the isolation floor: that endpoint plus one round trip to a child process per request
  (the least any sandbox that runs handlers outside its own process pays).
- HTTP req/s with 8 clients: vs the Starlette endpoint.
- WS echo p50: a message -> `$default`-style handler -> boto3 `post_to_connection` back to
  the sender; the floor's endpoint sends the text back itself.
- WS connect+disconnect cycles/s ($connect and $disconnect handlers run): vs a bare accept,
  and vs the isolation floor (one child-process round trip before the accept, one after the
  close).
- broadcast to 100 (`ws.broadcast`, and a plain boto3 loop), until every client has its
  frame: vs the floor relaying in its own process (no handler, no Management API).
- /ping p99 while another client (its own process) pages through a Scan of `--items`
  items, over and over: vs /ping p99 on the same sandbox with no Scan running.
- process-tree RSS (the sandbox and every worker) of examples/cage_socket idle after its
  first 200, then with 50 WebSocket clients that said hello: vs the floor's RSS.
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
import threading
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from pyarc.sandbox import stack as sandbox_stack
from pyarc.testing import free_port, wait_for_port, wait_until

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cage_socket"
TEXT_HANDLER = """
    def handler(event, context):
        return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
"""
APP = {
    "app.arc": (
        "@app\nbench\n\n@http\nget /\nget /ping\n\n@ws\nbroadcast\nsequential\necho\n\n"
        "@tables\nitems\n  pk *String\n"
    ),
    "src/http/get-index/lambda.py": TEXT_HANDLER,
    "src/http/get-ping/lambda.py": TEXT_HANDLER,
    "src/ws/connect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    "src/ws/disconnect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    "src/ws/default/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": event["requestContext"]["connectionId"]}
    """,
    # a message echoed through the Management API with boto3
    "src/ws/echo/lambda.py": """
        import boto3

        client = boto3.client("apigatewaymanagementapi")

        def handler(event, context):
            client.post_to_connection(
                ConnectionId=event["requestContext"]["connectionId"], Data=event["body"]
            )
            return {"statusCode": 200}
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
import asyncio
import json
import socket
import struct
import subprocess
import sys
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
            if not text.startswith("{"):
                await websocket.send_text(key)
                continue
            message = json.loads(text)
            if message.get("action") == "echo":
                await websocket.send_text(text)
            else:
                for other in message["ids"]:
                    await clients[other].send_text("tick")
    except Exception:
        clients.pop(key, None)

# The isolation floor: each request also makes one round trip to a child process (a JSON
# frame out, the same frame back over a socketpair), the least that running a handler
# outside the server's process costs; `/hop` for HTTP, a hop before accept and one after
# the close for WebSocket connects ($connect and $disconnect).
ECHO_CHILD = '''
import json, socket, struct, sys
s = socket.socket(fileno=int(sys.argv[1]))
while header := s.recv(4, socket.MSG_WAITALL):
    body = json.loads(s.recv(struct.unpack(">I", header)[0], socket.MSG_WAITALL))
    out = json.dumps({"statusCode": 200, "body": body["body"]}).encode()
    s.sendall(struct.pack(">I", len(out)) + out)
'''
hop_lock, hop_channel = asyncio.Lock(), []

async def hop(payload):
    async with hop_lock:
        if not hop_channel:
            ours, theirs = socket.socketpair()
            subprocess.Popen([sys.executable, "-c", ECHO_CHILD, str(theirs.fileno())],
                             pass_fds=(theirs.fileno(),))
            theirs.close()
            hop_channel.extend(await asyncio.open_unix_connection(sock=ours))
        reader, writer = hop_channel
        body = json.dumps({"body": payload}).encode()
        writer.write(struct.pack(">I", len(body)) + body)
        header = await reader.readexactly(4)
        return json.loads(await reader.readexactly(struct.unpack(">I", header)[0]))

async def hop_index(request):
    answer = await hop("ok")
    return PlainTextResponse(answer["body"])

async def hop_ws(websocket):
    await hop("connect")
    await websocket.accept()
    try:
        while True:
            await websocket.receive_text()
    except Exception:
        await hop("disconnect")

app = Starlette(routes=[
    Route("/", index), Route("/ping", index), WebSocketRoute("/", ws),
    Route("/hop", hop_index), WebSocketRoute("/hop", hop_ws),
])
"""

# run a module with httptools and uvloop hidden: uvicorn's and the sandbox's pure fallback
PURE = (
    "import runpy, sys; sys.modules['httptools'] = sys.modules['uvloop'] = None; "
    "sys.argv[1:] = sys.argv[2:]; runpy.run_module(sys.argv[0], run_name='__main__')"
)


def python(stack: str, module: str) -> list[str]:
    if stack == "pure":
        return [sys.executable, "-c", PURE.replace("sys.argv[0]", repr(module)), module]
    return [sys.executable, "-m", module]


def describe_stack(stack: str) -> str:
    """The stack both processes run; `fast` is what the sandbox picks by itself."""
    if stack == "pure":
        return "h11 + asyncio (pure-Python fallback, forced)"
    return sandbox_stack.describe()


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip())
    return root


def write_seed(app: Path, items: int) -> None:
    """`items` small items in the `items` table, loaded by the sandbox at start-up."""
    rows = [{"pk": f"item-{i:06d}", "n": i, "text": "x" * 20} for i in range(items)]
    (app / "sandbox-seed.json").write_text(json.dumps({"items": rows}))


def start_sandbox(
    stack: str, app: Path, port: int, tables_port: int, interpreter: str | None = None
) -> subprocess.Popen:
    """`pyarc sandbox` for `app`; `interpreter`: another build's python (bench_compare.py)."""
    env = dict(os.environ, ARC_INTERNAL_PORT="0", ARC_EVENTS_PORT="0")
    launcher = [interpreter, "-m", "pyarc"] if interpreter else python(stack, "pyarc")
    command = launcher + [
        "sandbox", "--quiet", "--port", str(port), "--tables-port", str(tables_port),
        "--cwd", str(app),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def start_floor(stack: str, directory: Path, port: int) -> subprocess.Popen:
    (directory / "floor_app.py").write_text(FLOOR)
    command = python(stack, "uvicorn") + [
        "floor_app:app", "--port", str(port), "--log-level", "warning",
        "--ws", "websockets-sansio", "--no-access-log",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=directory)


def wait_for_200(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    def answers() -> bool:
        if process.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {process.returncode}")
        try:
            return httpx.get(url, timeout=10).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(answers, timeout, f"{url} to answer 200")


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.send_signal(2)
    for process in processes:
        process.wait(60)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def http_latency(url: str, n: int) -> list[float]:
    with httpx.Client() as client:
        for _ in range(min(50, n)):
            client.get(url)
        times = []
        for _ in range(n):
            start = time.perf_counter()
            client.get(url).raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
    return times


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


async def ws_echo(ws_url: str, n: int) -> list[float]:
    async with connect(ws_url) as ws:
        times = []
        for i in range(n + 10):
            text = json.dumps({"action": "echo", "n": i})
            start = time.perf_counter()
            await ws.send(text)
            if await ws.recv() != text:
                raise SystemExit(f"{ws_url} echoed something else than {text}")
            times.append((time.perf_counter() - start) * 1000)
    return times[10:]


async def broadcast(ws_url: str, fan_out: int, rounds: int, action: str) -> list[float]:
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
    return times[3:]


async def connect_cycles(ws_url: str, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        async with connect(ws_url):
            pass
    return n / (time.perf_counter() - start)


def scan_forever(tables_url: str, table: str) -> None:
    """Page through a whole Scan of `table`, over and over; print `ms items` after each."""
    headers = {
        "x-amz-target": "DynamoDB_20120810.Scan",
        "content-type": "application/x-amz-json-1.0",
    }
    with httpx.Client(timeout=120) as client:
        while True:
            start, items, request = time.perf_counter(), 0, {"TableName": table}
            while True:
                answer = client.post(tables_url, content=json.dumps(request), headers=headers)
                page = answer.raise_for_status().json()
                items += page["Count"]
                if "LastEvaluatedKey" not in page:
                    break
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            print(f"{(time.perf_counter() - start) * 1000:.1f} {items}", flush=True)


class Scanner:
    """Another client Scanning `table` over and over, in a process of its own: decoding a
    1 MB page holds a process's GIL for tens of ms, which in this process would delay the
    /ping client's own timing rather than the sandbox's answer."""

    def __init__(self, tables_url: str, table: str) -> None:
        command = [sys.executable, __file__, "--scan-client", tables_url, table]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        self.scans: list[tuple[float, int]] = []  # (ms, items) of each complete Scan
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            ms, items = line.split()
            self.scans.append((float(ms), int(items)))

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)
        self._reader.join(60)


def ping_during_scan(ping_url: str, tables_url: str, n: int) -> tuple[list[float], Scanner]:
    scanner = Scanner(tables_url, "bench-staging-items")
    try:
        wait_until(lambda: bool(scanner.scans) or not scanner.alive(), 300, "a first Scan")
        times = http_latency(ping_url, n)
    finally:
        scanner.stop()
    if not scanner.scans:
        raise SystemExit("the Scan client failed before its first complete Scan")
    return times, scanner


def tree_memory_mib(pid: int) -> tuple[float, float]:
    """(RSS, PSS) summed over `pid` and all its descendants, from /proc (MiB).

    RSS counts a page shared by two processes twice; PSS splits it between them, so a
    tree of forked workers sharing their parent's pages shows in PSS, not in RSS."""
    rss = pss = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return rss / 1024, pss / 1024


def settled_memory(pid: int) -> tuple[float, float]:
    """The tree's (RSS, PSS) once RSS stops changing (e.g. prewarmed workers have started)."""
    readings = [tree_memory_mib(pid)]

    def steady() -> bool:
        readings.append(tree_memory_mib(pid))
        last = [rss for rss, _ in readings[-5:]]
        return len(readings) > 5 and max(last) - min(last) < 1.0

    wait_until(steady, 60, "the process tree's memory to settle")
    return readings[-1]


async def cage_clients(ws_url: str, n: int) -> list:
    clients = []
    for i in range(0, n, 10):
        clients += await asyncio.gather(*(connect(ws_url) for _ in range(min(10, n - i))))
    for ws in clients:
        await ws.send(json.dumps({"action": "hello"}))
    for ws in clients:  # each client hears its welcome (and others' state frames)
        while json.loads(await ws.recv()).get("type") != "welcome":
            pass
    return clients


def memory_rows(stack: str, floor_dir: Path, clients: int, row) -> None:  # noqa: ANN001
    port, tables_port, floor_port = free_port(), free_port(), free_port()
    sandbox = start_sandbox(stack, EXAMPLE, port, tables_port)
    floor = start_floor(stack, floor_dir, floor_port)
    try:
        wait_for_200(f"http://127.0.0.1:{port}/", sandbox)
        wait_for_200(f"http://127.0.0.1:{floor_port}/", floor)
        s_idle, f_idle = settled_memory(sandbox.pid), settled_memory(floor.pid)

        async def loaded(url: str, pid: int) -> tuple[float, float]:
            sockets = await cage_clients(url, clients)
            figure = settled_memory(pid)
            await asyncio.gather(*(ws.close() for ws in sockets))
            return figure

        s_busy = asyncio.run(loaded(f"ws://127.0.0.1:{port}/", sandbox.pid))
        f_busy = settled_memory(floor.pid)
    finally:
        stop(sandbox, floor)
    for index, kind, target in ((0, "RSS", "<= 120 / <= 250"), (1, "PSS", "")):
        row(
            f"tree {kind} MiB, cage_socket idle / {clients} clients",
            f"{s_idle[index]:.0f} / {s_busy[index]:.0f}",
            f"{f_idle[index]:.0f} / {f_busy[index]:.0f}",
            target,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--items", type=int, default=50_000, help="items in the scanned table")
    parser.add_argument("--rounds", type=int, default=30, help="broadcast rounds")
    parser.add_argument("--cycles", type=int, default=200, help="WS connect+disconnect cycles")
    parser.add_argument("--clients", type=int, default=50, help="clients for the RSS row")
    parser.add_argument("--stack", choices=("fast", "pure"), default="fast")
    parser.add_argument("--scan-client", nargs=2, help=argparse.SUPPRESS)  # the Scanner's process
    args = parser.parse_args()
    if args.scan_client:
        scan_forever(*args.scan_client)
        return
    n = args.requests
    print(f"uvicorn stack (sandbox and floor): {describe_stack(args.stack)}")
    print(f"{'measure':<48} {'sandbox':>14} {'floor':>14}   target")

    def row(name: str, sandbox: str, floor: str, target: str) -> None:
        print(f"{name:<48} {sandbox:>14} {floor:>14}   {target}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        app = write_tree(root / "app", APP)
        write_seed(app, args.items)
        port, tables_port, floor_port = free_port(), free_port(), free_port()
        sandbox = start_sandbox(args.stack, app, port, tables_port)
        floor = start_floor(args.stack, root, floor_port)
        try:
            wait_for_200(f"http://127.0.0.1:{port}/", sandbox)
            wait_for_port(floor_port, timeout=60)
            url, floor_url = f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{floor_port}/"
            ws_url, floor_ws = f"ws://127.0.0.1:{port}/", f"ws://127.0.0.1:{floor_port}/"

            s, f = http_latency(url, n), http_latency(floor_url, n)
            hop = http_latency(floor_url + "hop", n)
            row(
                "HTTP round trip p50/p95 (ms)",
                f"{statistics.median(s):.2f}/{pct(s, 0.95):.2f}",
                f"{statistics.median(f):.2f}/{pct(f, 0.95):.2f}",
                f"p50 <= 1.3x floor ({statistics.median(s) / statistics.median(f):.2f}x)",
            )
            row(
                "  isolation floor: + one process hop (ms)",
                "",
                f"{statistics.median(hop):.2f}/{pct(hop, 0.95):.2f}",
                f"({statistics.median(hop) / statistics.median(f):.2f}x floor)",
            )
            s_rps = asyncio.run(http_throughput(url, n))
            f_rps = asyncio.run(http_throughput(floor_url, n))
            row(
                "HTTP req/s, 8 clients",
                f"{s_rps:.0f}",
                f"{f_rps:.0f}",
                f">= 0.8x floor ({s_rps / f_rps:.2f}x)",
            )
            s = asyncio.run(ws_echo(ws_url, n // 4))
            f = asyncio.run(ws_echo(floor_ws, n // 4))
            row(
                "WS echo via post_to_connection p50/p95 (ms)",
                f"{statistics.median(s):.2f}/{pct(s, 0.95):.2f}",
                f"{statistics.median(f):.2f}/{pct(f, 0.95):.2f}",
                "p50 <= 2 ms",
            )
            s_cps = asyncio.run(connect_cycles(ws_url, args.cycles))
            f_cps = asyncio.run(connect_cycles(floor_ws, args.cycles))
            hop_cps = asyncio.run(connect_cycles(floor_ws + "hop", args.cycles))
            row(
                "WS connect+disconnect cycles/s",
                f"{s_cps:.0f}",
                f"{f_cps:.0f}",
                f">= 0.9x floor ({s_cps / f_cps:.2f}x)",
            )
            row(
                "  isolation floor: + a hop per connect, per close",
                "",
                f"{hop_cps:.0f}",
                f"({hop_cps / f_cps:.2f}x floor)",
            )
            for action, label in (("broadcast", "ws.broadcast"), ("sequential", "boto3 loop")):
                s = asyncio.run(broadcast(ws_url, 100, args.rounds, action))
                f = asyncio.run(broadcast(floor_ws, 100, args.rounds, "relay"))
                ratio = statistics.median(s) / statistics.median(f)
                row(
                    f"WS broadcast to 100, {label} p50/p95 (ms)",
                    f"{statistics.median(s):.1f}/{pct(s, 0.95):.1f}",
                    f"{statistics.median(f):.1f}/{pct(f, 0.95):.1f}",
                    f"p50 <= 3x floor ({ratio:.1f}x)" if action == "broadcast" else "",
                )
            idle = http_latency(url + "ping", n)
            busy, scanner = ping_during_scan(url + "ping", f"http://127.0.0.1:{tables_port}/", n)
            scan_ms, scanned = scanner.scans[-1]
            row(
                f"/ping p99 during {scanned:,}-item Scans (ms)",
                f"{pct(busy, 0.99):.1f}",
                f"{pct(idle, 0.99):.1f}",
                f"<= 20 ms (each Scan {scan_ms:.0f} ms; floor: no Scan)",
            )
        finally:
            stop(sandbox, floor)
        memory_rows(args.stack, root, args.clients, row)


if __name__ == "__main__":
    main()
