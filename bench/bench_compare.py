"""Two or more builds of pyarc side by side, interleaved: HTTP p50, connect cycles, WS echo.

    python bench/bench_compare.py [--rounds 30] PYTHON [PYTHON ...]

Each PYTHON is an interpreter whose `pyarc` is one build (e.g. a venv with another checkout
installed editable; run this from a folder outside every checkout, so `python -m pyarc`
imports the installed build and not the current directory's). One sandbox per build and the
floor of bench_sandbox.py (a bare Starlette app, and its `/hop` route: the isolation floor)
all run at once; every round measures each of them in turn with a small batch, so a
neighbour's load on a shared machine falls on all of them alike. Each figure is the median
of the rounds' medians; the first build is `a`, the next `b`, and so on.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench_sandbox import (
    APP,
    connect_cycles,
    http_latency,
    start_floor,
    start_sandbox,
    stop,
    wait_for_200,
    write_seed,
    write_tree,
    ws_echo,
)

from pyarc.testing import free_port, wait_for_port


def start_build(python: str, app: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = start_sandbox("fast", app, port, free_port(), interpreter=python)
    wait_for_200(f"http://127.0.0.1:{port}/", process)
    return process, port


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--requests", type=int, default=200, help="HTTP requests per round")
    parser.add_argument("--cycles", type=int, default=50, help="connect cycles per round")
    parser.add_argument("--echoes", type=int, default=100, help="WS echoes per round")
    parser.add_argument("pythons", nargs="+")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        app = write_tree(root / "app", APP)
        write_seed(app, 10)
        processes: list[subprocess.Popen] = []
        targets: dict[str, tuple[int, str]] = {}  # name -> (port, path)
        try:
            for index, python in enumerate(args.pythons):
                process, port = start_build(python, app)
                processes.append(process)
                targets[chr(ord("a") + index)] = (port, "")
            floor_port = free_port()
            processes.append(start_floor("fast", root, floor_port))
            wait_for_port(floor_port, timeout=60)
            targets["floor"], targets["hop"] = (floor_port, ""), (floor_port, "hop")
            latency = {name: [] for name in targets}
            cycles = {name: [] for name in targets}
            echo = {name: [] for name in targets if name not in ("floor", "hop")}
            for _ in range(args.rounds):
                for name, (port, path) in targets.items():
                    url = f"127.0.0.1:{port}/{path}"
                    latency[name].append(
                        statistics.median(http_latency(f"http://{url}", args.requests))
                    )
                    cycles[name].append(asyncio.run(connect_cycles(f"ws://{url}", args.cycles)))
                    if name in echo:
                        echo[name].append(
                            statistics.median(asyncio.run(ws_echo(f"ws://{url}", args.echoes)))
                        )
        finally:
            stop(*processes)
    floor_ms, floor_cps = statistics.median(latency["floor"]), statistics.median(cycles["floor"])
    print(f"{args.rounds} rounds; floor: bare Starlette; hop: floor + a child-process round trip")
    for index, python in enumerate(args.pythons):
        print(f"  {chr(ord('a') + index)} = {python}")
    print(
        f"{'':6} {'HTTP p50 ms':>12} {'x floor':>8} {'cycles/s':>9} {'x floor':>8} {'WS echo ms':>11}"
    )
    for name in targets:
        ms, cps = statistics.median(latency[name]), statistics.median(cycles[name])
        echo_ms = f"{statistics.median(echo[name]):11.2f}" if name in echo else ""
        print(
            f"{name:6} {ms:12.3f} {ms / floor_ms:8.2f} {cps:9.0f} {cps / floor_cps:8.2f} {echo_ms}"
        )


if __name__ == "__main__":
    main()
