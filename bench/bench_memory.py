"""Process-tree memory of `pyarc sandbox` running examples/cage_socket: idle, with N WebSocket
clients, and some time after they all left (when idle workers have been retired).

The whole tree is measured (the sandbox and every worker it started): RSS and PSS, with
psutil when it is installed, else from /proc. `--idle-timeout` shortens the workers' idle
time (the sandbox's flag) so the "after" figure does not need the default 60 s + margin.

    python bench/bench_memory.py [--clients 50] [--idle-timeout 60] [--after 120]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_sandbox import (  # the same helpers (and cage clients) as bench_sandbox's rows
    EXAMPLE,
    cage_clients,
    stop,
    tree_memory_mib,
    wait_for_200,
)

from pyarc.testing import free_port, wait_until


def tree_mib(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of `pid` and its descendants in MiB: psutil if installed, else /proc."""
    try:
        import psutil
    except ImportError:
        return tree_memory_mib(pid)
    rss = pss = 0
    try:
        root = psutil.Process(pid)
        for process in [root, *root.children(recursive=True)]:
            try:
                info = process.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
    except psutil.NoSuchProcess:
        pass
    return rss / 2**20, pss / 2**20


def settled(pid: int) -> tuple[float, float]:
    """The tree's (RSS, PSS) once RSS stops changing (workers started or retired)."""
    readings = [tree_mib(pid)]

    def steady() -> bool:
        readings.append(tree_mib(pid))
        last = [rss for rss, _ in readings[-5:]]
        return len(readings) > 5 and max(last) - min(last) < 1.0

    wait_until(steady, 120, "the process tree's memory to settle")
    return readings[-1]


def processes(pid: int) -> int:
    """`pid` and all its descendants (workers are the zygote's children, so grandchildren)."""
    try:
        import psutil

        return 1 + len(psutil.Process(pid).children(recursive=True))
    except ImportError:
        pass
    count, pending = 0, [pid]
    while pending:
        current = pending.pop()
        count += 1
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return count


def start(port: int, tables_port: int, idle_timeout: int) -> subprocess.Popen:
    env = dict(os.environ, ARC_INTERNAL_PORT="0", ARC_EVENTS_PORT="0")
    command = [
        sys.executable, "-m", "pyarc", "sandbox", "--quiet", "--cwd", str(EXAMPLE),
        "--port", str(port), "--tables-port", str(tables_port),
        "--idle-timeout", str(idle_timeout),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--idle-timeout", type=int, default=60, help="the sandbox's flag (s)")
    parser.add_argument("--after", type=float, default=120, help="seconds after the clients left")
    args = parser.parse_args()
    port, tables_port = free_port(), free_port()
    sandbox = start(port, tables_port, args.idle_timeout)
    rows = []
    try:
        wait_for_200(f"http://127.0.0.1:{port}/", sandbox)
        rows.append(("idle", settled(sandbox.pid), processes(sandbox.pid)))

        async def with_clients() -> None:
            sockets = await cage_clients(f"ws://127.0.0.1:{port}/", args.clients)
            rows.append((f"{args.clients} clients", settled(sandbox.pid), processes(sandbox.pid)))
            await asyncio.gather(*(ws.close() for ws in sockets))

        asyncio.run(with_clients())
        left = time.monotonic()
        wait_until(lambda: time.monotonic() - left >= args.after, args.after + 60, "the wait")
        after = settled(sandbox.pid)
        rows.append((f"{args.after:g} s after they left", after, processes(sandbox.pid)))
    finally:
        stop(sandbox)
    print(f"cage_socket process tree (--idle-timeout {args.idle_timeout} s)")
    print(f"{'state':<28} {'RSS MiB':>9} {'PSS MiB':>9} {'processes':>10}")
    for name, (rss, pss), count in rows:
        print(f"{name:<28} {rss:>9.0f} {pss:>9.0f} {count:>10}")
    idle_rss, after_rss = rows[0][1][0], rows[-1][1][0]
    print(f"after / idle RSS: {after_rss / idle_rss:.2f} (issue 12 asks for within 1.20)")


if __name__ == "__main__":
    main()
