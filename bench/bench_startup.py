"""Start-up benchmark: a fresh `pyarc sandbox` process until its first 200, next to a floor.

    python bench/bench_startup.py [--runs 7]

Each run starts a new process (`python -m pyarc sandbox --quiet` on free ports) and polls
GET / until it answers 200; the figure is the median of `--runs`. The floor is a bare
Starlette app answering GET / under uvicorn (`python -m uvicorn`), started and polled the
same way: the cost of an interpreter, uvicorn and Starlette, with no manifest, no workers.

The `cpu` figure is the CPU time the process tree (the sandbox, its zygote and workers)
spent until then, median of the runs: on a shared machine it moves far less than wall time.

Rows: a 4-function app (four `@http` routes, no tables) and examples/cage_socket (HTTP,
WebSocket, static, `@tables`). The first line says which uvicorn stack ran (httptools +
uvloop when installed, else h11 + asyncio).

Bytecode: every process gets a private `PYTHONPYCACHEPREFIX` (PYTHONDONTWRITEBYTECODE
removed) and each command runs once unmeasured first, so both sides read compiled .pyc
files as an installed package does; `--no-bytecode-cache` measures with the caller's
environment as is (where PYTHONDONTWRITEBYTECODE=1 recompiles pyarc's sources every start).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from bench_sandbox import describe_stack, write_tree  # bench/ is this script's sys.path[0]

from pyarc.testing import free_port

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cage_socket"
HANDLER = """
    def handler(event, context):
        return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
"""
FOUR_FUNCTIONS = {
    "app.arc": "@app\nfour\n\n@http\nget /\nget /ping\nget /items\npost /items\n",
    "src/http/get-index/lambda.py": HANDLER,
    "src/http/get-ping/lambda.py": HANDLER,
    "src/http/get-items/lambda.py": HANDLER,
    "src/http/post-items/lambda.py": HANDLER,
}
FLOOR = """
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

async def index(request):
    return PlainTextResponse("ok")

app = Starlette(routes=[Route("/", index)])
"""


def sandbox_command(app: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "pyarc", "sandbox", "--quiet", "--port", str(port),
            "--cwd", str(app)]  # fmt: skip


def floor_command(directory: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "floor_app:app", "--port", str(port),
            "--log-level", "warning", "--no-access-log", "--app-dir", str(directory)]  # fmt: skip


BYTECODE: dict[str, str] = {}  # extra environment: the bytecode cache, when used


def tree_cpu_ms(pid: int) -> float:
    """CPU time spent so far by `pid`, its threads and its live descendants (schedstat, ns)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                total += int((task / "schedstat").read_text().split()[0])
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total / 1e6


def to_first_200(command: Callable[[int], list[str]]) -> tuple[float, float]:
    """(wall ms, CPU ms of the process tree) from spawning a fresh process until GET / answers
    200: on a shared machine the wall time swings with the load, the CPU time much less."""
    port = free_port()
    env = dict(os.environ, ARC_TABLES_PORT="0", ARC_INTERNAL_PORT="0", ARC_EVENTS_PORT="0")
    if BYTECODE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(BYTECODE)
    start = time.perf_counter()
    process = subprocess.Popen(
        command(port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{' '.join(command(port))} exited with {process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200:
                    return (time.perf_counter() - start) * 1000, tree_cpu_ms(process.pid)
            except httpx.TransportError:
                time.sleep(0.002)  # polling a starting process, not synchronising a test
    finally:
        process.send_signal(2)
        process.wait(30)


Figure = tuple[float, float, float, float]  # wall median, min, max; CPU median


def median_of(runs: int, command: Callable[[int], list[str]]) -> Figure:
    if BYTECODE:
        to_first_200(command)  # writes the .pyc files
    samples = [to_first_200(command) for _ in range(runs)]
    times = sorted(wall for wall, _ in samples)
    cpu = statistics.median(cpu for _, cpu in samples)
    return statistics.median(times), times[0], times[-1], cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-bytecode-cache", action="store_true", help="the caller's env as is")
    args = parser.parse_args()
    cache = "caller's environment" if args.no_bytecode_cache else "bytecode cached"
    print(
        f"uvicorn stack: {describe_stack('fast')}; Python {sys.version.split()[0]}; "
        f"median of {args.runs}; {cache}"
    )
    print(f"{'to first 200 (ms, median [min-max] cpu)':<40} {'sandbox':>26} {'floor':>26}   target")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if not args.no_bytecode_cache:
            BYTECODE["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        write_tree(root / "floor", {"floor_app.py": FLOOR})
        four = write_tree(root / "four", FOUR_FUNCTIONS)
        floor = median_of(args.runs, lambda port: floor_command(root / "floor", port))
        for label, app, target in (
            ("4-function app", four, "<= 350 ms"),
            ("examples/cage_socket (with tables)", EXAMPLE, "<= 500 ms"),
        ):
            figure = median_of(args.runs, lambda port, app=app: sandbox_command(app, port))
            print(f"{label:<40} {_shown(figure):>26} {_shown(floor):>26}   {target}")


def _shown(figure: Figure) -> str:
    median, low, high, cpu = figure
    return f"{median:.0f} [{low:.0f}-{high:.0f}] cpu {cpu:.0f}"


if __name__ == "__main__":
    main()
