"""The sandbox process's own work per HTTP request and per WebSocket connect+close cycle.

    python bench/bench_gateway.py [--requests 2000] [--paths http,ws] [--no-valgrind]

The main port's ASGI app (what uvicorn calls: `LocalApi` around `SandboxServer._main_app`,
the inspector's recorder on, as `pyarc sandbox` runs) is driven directly, in this
process, with the scope, receive and send uvicorn's httptools protocol gives it; the worker
pools are a stub answering at once with what a worker would return, so what is counted is
the gateway's work (routing, the event, the inspector's record, the response, the log
call), not the worker round trip. The floor is a bare Starlette app driven the same way
(`/ping` answering `ok`; a WebSocket route that accepts and waits for the close).

Each path is counted two ways:
- instructions (valgrind's callgrind, counting only inside the measured loop: the loop
  runs inside `operator.call`, and `--toggle-collect=_operator_call` counts what runs
  inside that C function). Instruction counts repeat to within a fraction of a percent
  run to run, however busy the machine is, which wall-clock timings on a shared two-core
  machine do not;
- microseconds (perf_counter, best of 5 rounds; noisy on a shared machine).

The loop is the sandbox's (uvloop when installed; `--loop asyncio` for asyncio's own).
Rows: `http quiet` (`--quiet`, as bench_sandbox.py runs), `http console` (the console line
printed, to a file that keeps nothing), `ws quiet`, `ws console`, and the stub's own cost
(subtracted in the `own` column), each next to its floor; `wsproto`: the WebSocket
protocol object uvicorn builds for each connection (`quiet`: the sandbox's, with API
Gateway's limits; `floor`: uvicorn's own; `stub`: the loop's cost of a unit).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import operator
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

APP = {
    "app.arc": "@app\nbench-gateway\n\n@http\nget /ping\n\n@ws\n",
    "src/http/get-ping/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
    """,
    "src/ws/connect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    "src/ws/disconnect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
}
# what a worker answers for each (the payload after its JSON round trip)
PAYLOADS = {
    "http": {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"},
    "ws": {"statusCode": 200},
}
HTTP_HEADERS = [
    (b"host", b"127.0.0.1:3333"),
    (b"accept", b"*/*"),
    (b"accept-encoding", b"gzip, deflate"),
    (b"connection", b"keep-alive"),
    (b"user-agent", b"python-httpx/0.28.1"),
]
WS_HEADERS = [
    (b"host", b"127.0.0.1:3333"),
    (b"upgrade", b"websocket"),
    (b"connection", b"Upgrade"),
    (b"sec-websocket-key", b"dGhlIHNhbXBsZSBub25jZQ=="),
    (b"sec-websocket-version", b"13"),
    (b"sec-websocket-extensions", b"permessage-deflate; client_max_window_bits"),
    (b"user-agent", b"Python/3.11 websockets/15.0.1"),
]
ROUNDS = 5


def http_scope() -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 3333),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "GET",
        "root_path": "",
        "path": "/ping",
        "raw_path": b"/ping",
        "query_string": b"",
        "headers": list(HTTP_HEADERS),
        "state": {},
    }


def ws_scope() -> dict[str, Any]:
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "ws",
        "server": ("127.0.0.1", 3333),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": list(WS_HEADERS),
        "subprotocols": [],
        "state": {},
        "extensions": {"websocket.http.response": {}},
    }


async def _send(message: dict[str, Any]) -> None:
    pass


async def http_once(app: Any) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    await app(http_scope(), receive, _send)


async def ws_once(app: Any) -> None:
    """One cycle: the handshake, the client's close frame, the app's return."""
    first = True

    async def receive() -> dict[str, Any]:
        nonlocal first
        if first:
            first = False
            return {"type": "websocket.connect"}
        return {"type": "websocket.disconnect", "code": 1000, "reason": ""}

    await app(ws_scope(), receive, _send)


class StubPools:
    """The worker pools' `invoke`, answering at once with what the worker would return."""

    def __init__(self) -> None:
        from pyarc.sandbox.workers.results import InvokeResult

        self._result = InvokeResult
        self._n = 0

    async def invoke(self, fn: Any, event: dict, **options: Any) -> Any:
        self._n += 1
        payload = PAYLOADS["http" if fn.kind == "http" else "ws"]
        return self._result(True, dict(payload), None, 0.25, False, f"{self._n:036d}")

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


class _Discard(io.TextIOBase):
    """A console file that keeps nothing (not a terminal, like a redirected stdout)."""

    def write(self, text: str) -> int:
        return len(text)


def sandbox_app(root: Path, quiet: bool) -> Any:
    """The main port's app as `pyarc sandbox` serves it, on a stub pool."""
    from pyarc.inventory import load
    from pyarc.sandbox.config import SandboxConfig
    from pyarc.sandbox.local_api import LocalApi
    from pyarc.sandbox.logs import SandboxLog
    from pyarc.sandbox.server import SandboxServer

    for relative, text in APP.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip())
    config = SandboxConfig(
        port=0, tables_port=0, arc_port=0, events_port=0, quiet=quiet, watch=False,
        schedules=False,
    )  # fmt: skip
    from rich.console import Console

    console = Console(file=_Discard(), highlight=False, soft_wrap=True)  # as the sandbox's
    server = SandboxServer(load(root), config, log=SandboxLog(quiet=quiet, console=console))
    server._make_pools = StubPools  # type: ignore[method-assign]
    server._bind_ports()
    server._build_services()
    return LocalApi(server._main_app, server._identity, server.log.recent_lines)


def floor_app() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocketDisconnect

    async def ping(request: Any) -> Any:
        return PlainTextResponse("ok")

    async def ws(websocket: Any) -> None:
        await websocket.accept()
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass

    return Starlette(routes=[Route("/ping", ping), WebSocketRoute("/", ws)])


async def stub_once(pools: StubPools, fn: Any) -> None:
    await pools.invoke(fn, {})


def build(case: str, root: Path) -> Callable[[], Awaitable[None]]:
    """A coroutine function doing one unit of `case` (made inside the running loop)."""
    path, _, variant = case.partition(" ")
    if path == "wsproto":
        return protocol_unit(variant)
    once = http_once if path == "http" else ws_once
    if variant == "floor":
        app = floor_app()
        return lambda: once(app)
    if variant == "stub":  # the stub alone: two invocations per WS cycle, one per request
        from pyarc.inventory import load

        pools, inventory = StubPools(), load(root / "stub")
        fn = inventory.functions[0] if path == "http" else inventory.ws[0].function
        calls = 1 if path == "http" else 2

        async def stub() -> None:
            for _ in range(calls):
                await pools.invoke(fn, {})

        return stub
    app = sandbox_app(root / variant, quiet=(variant == "quiet"))
    return lambda: once(app)


def protocol_unit(variant: str) -> Callable[[], Awaitable[None]]:
    """What uvicorn builds for each WebSocket connection on the main port: its
    websockets-sansio protocol (floor) or the sandbox's, with API Gateway's limits."""
    import uvicorn
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState

    from pyarc.sandbox.ws_transport import GatewayWebSocketProtocol

    async def app(scope: Any, receive: Any, send: Any) -> None:
        pass

    config = uvicorn.Config(app, ws_max_size=(131072, 32768), ws_per_message_deflate=False)  # type: ignore[arg-type]
    config.load()
    state, loop = ServerState(), asyncio.get_running_loop()
    kind = WebSocketsSansIOProtocol if variant == "floor" else GatewayWebSocketProtocol

    async def unit() -> None:
        if variant != "stub":  # the stub row: the loop's own cost, taken off the sandbox's
            kind(config, state, {}, loop)

    return unit


LOOP_VARIABLE = "BENCH_GATEWAY_LOOP"  # how the outer run tells its inner runs the loop


def new_loop(which: str) -> asyncio.AbstractEventLoop:
    """The sandbox's loop (uvloop when installed, as `pyarc sandbox` runs), or asyncio's."""
    from pyarc.sandbox import stack

    factory = stack._loop_factory() if which == "sandbox" else None
    return factory() if factory is not None else asyncio.new_event_loop()


def loop_name(which: str) -> str:
    return type(new_loop(which)).__module__.split(".")[0]


def inner(case: str, n: int, count: bool) -> None:
    """Warm up, then run `n` units; under callgrind only the loop inside `operator.call` counts."""
    root = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    if case.endswith(" stub"):
        for relative, text in APP.items():
            target = root / "stub" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip())
    loop = new_loop(os.environ.get(LOOP_VARIABLE, "sandbox"))
    asyncio.set_event_loop(loop)

    async def setup() -> Callable[[], Awaitable[None]]:
        return build(case, root)

    unit = loop.run_until_complete(setup())

    async def run(times: int) -> None:
        for _ in range(times):
            await unit()

    loop.run_until_complete(run(200))  # warm: caches, the first record, imports
    if count:
        # `operator.call`, which nothing else here calls, runs the loop: callgrind counts
        # only while inside its C function (`--toggle-collect=_operator_call`)
        operator.call(loop.run_until_complete, run(n))
        return
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter_ns()
        loop.run_until_complete(run(n))
        best = min(best, (time.perf_counter_ns() - start) / n / 1000)
    print(f"{best:.2f}")


def count_instructions(case: str, n: int) -> float:
    """Instructions per unit of `case`, from callgrind's total inside the loop."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=_operator_call",
            f"--callgrind-out-file={out}", sys.executable, __file__, "--inner", case,
            "--requests", str(n), "--count",
        ]  # fmt: skip
        env = dict(os.environ, PYTHONHASHSEED="0")
        subprocess.run(command, check=True, env=env, capture_output=True)
        text = out.read_text()
    found = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    if found is None:
        raise SystemExit(f"no instruction total in callgrind's output for {case}")
    return int(found.group(1)) / n


def micros(case: str, n: int) -> float:
    command = [sys.executable, __file__, "--inner", case, "--requests", str(n)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="units per figure")
    parser.add_argument("--paths", default="http,ws,wsproto")
    parser.add_argument("--jobs", type=int, default=2, help="callgrind runs at once")
    parser.add_argument("--no-valgrind", action="store_true", help="microseconds only")
    parser.add_argument(
        "--loop", choices=("sandbox", "asyncio"), default="sandbox",
        help="sandbox: uvloop when installed, as `pyarc sandbox` runs; asyncio: its own loop",
    )  # fmt: skip
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner, args.requests, args.count)
        return
    os.environ[LOOP_VARIABLE] = args.loop
    paths = args.paths.split(",")
    cases = [f"{p} {v}" for p in paths for v in VARIANTS if (p, v) != ("wsproto", "console")]
    counts: dict[str, float] = dict.fromkeys(cases, 0.0)
    if not args.no_valgrind:
        with ThreadPoolExecutor(args.jobs) as pool:
            found = pool.map(lambda case: count_instructions(case, args.requests), cases)
            counts = dict(zip(cases, found, strict=True))
    loop = loop_name(args.loop)
    print(f"python {sys.version.split()[0]}, {loop} loop, {args.requests} units per figure")
    print("case          | instr/unit | own (- stub) | own/floor | us/unit (best of 5)")
    for case in cases:
        path, _, variant = case.partition(" ")
        unit = {"http": "request", "ws": "cycle", "wsproto": "connection"}[path]
        own = counts[case] - (counts[f"{path} stub"] if variant in OWN else 0)
        floor = counts[f"{path} floor"]
        ratio = f"{own / floor:.2f}x" if variant in OWN and floor else ""
        us = micros(case, args.requests)
        print(f"{case:<13} | {counts[case]:>10,.0f} | {own:>12,.0f} | {ratio:>9} | {us:.1f} us/{unit}")


VARIANTS = ("floor", "stub", "quiet", "console")
OWN = ("quiet", "console")  # the sandbox's rows: the stub's count is taken off


if __name__ == "__main__":
    main()
