"""`pyarc sandbox` as a user runs it: banner, one log line per request, clean Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from pyarc.testing import free_port, wait_until


def _reader(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


class CliSandbox:
    def __init__(self, app: Path, port: int) -> None:
        env = dict(os.environ, ARC_TABLES_PORT="0", ARC_INTERNAL_PORT="0", ARC_EVENTS_PORT="0")
        env["COLUMNS"] = "300"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pyarc", "sandbox", "--port", str(port), "--cwd", str(app)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(
            target=_reader, args=(self.process.stdout, self.lines), daemon=True
        ).start()

    def wait_for_line(self, pattern: str, timeout: float = 30) -> str:
        def seen() -> bool:
            while not self.lines.empty():
                line = self.lines.get_nowait()
                if line is not None:
                    self.output.append(line)
            return any(re.search(pattern, line) for line in self.output)

        wait_until(seen, timeout, f"a line matching {pattern!r}")
        return next(line for line in self.output if re.search(pattern, line))


@pytest.fixture
def cli(gateway_app_dir: Path):
    port = free_port()
    running = CliSandbox(gateway_app_dir, port)
    running.port = port
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait(10)


def test_banner_lists_routes_and_missing_handlers(cli) -> None:
    cli.wait_for_line(r"Ready in \d+ ms")
    text = "".join(cli.output)
    assert "pyarc sandbox gateway-test" in text
    assert re.search(
        r"GET /things/\{id\}\s+src/http/get-things-000id\s+http://localhost:\d+/things/:id", text
    )
    assert "$connect" in text and "src/ws/connect" in text
    assert "mkdir -p src/http/get-missing" in text


def test_one_log_line_per_invocation(cli) -> None:
    cli.wait_for_line("Ready")
    assert httpx.get(f"http://127.0.0.1:{cli.port}/status/201").status_code == 201
    line = cli.wait_for_line(r"GET /status/\{code\} 201")
    assert re.search(r"201 \d+\.\d ms (cold|warm)", line)


def test_ctrl_c_closes_sockets_with_1001_and_runs_disconnect(cli, disconnects) -> None:
    cli.wait_for_line("Ready")

    async def scenario() -> tuple[str, int | None]:
        async with connect(f"ws://127.0.0.1:{cli.port}") as ws:
            await ws.send('{"action": "whoami"}')
            connection_id = await ws.recv()
            cli.process.send_signal(signal.SIGINT)
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 20)
            return connection_id, ws.close_code

    connection_id, code = asyncio.run(scenario())
    assert code == 1001
    assert cli.process.wait(30) == 0
    event = disconnects.wait_for(connection_id)
    assert event["requestContext"]["disconnectStatusCode"] == 1001
    cli.wait_for_line("Sandbox stopped")
