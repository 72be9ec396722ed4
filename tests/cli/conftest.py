"""Helpers for the CLI tests: run `pyarc` as a user does, in a subprocess."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pyarc.testing import wait_until

FREE_PORTS = ["--port", "0", "--tables-port", "0", "--events-port", "0", "--arc-port", "0"]


def run_pyarc(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`pyarc ARGS` in `cwd`, with wide output so messages are not wrapped."""
    return subprocess.run(
        [sys.executable, "-m", "pyarc", *args],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "300", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class RunningPyarc:
    """A long-running `pyarc ...` (e.g. the sandbox) whose output lines are collected."""

    def __init__(self, *args: str, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pyarc", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "COLUMNS": "300", **(env or {})},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def _drain(self) -> None:
        while not self.lines.empty():
            self.output.append(self.lines.get_nowait())

    def wait_for_line(self, pattern: str, timeout: float = 60) -> str:
        def seen() -> bool:
            self._drain()
            return any(re.search(pattern, line) for line in self.output)

        wait_until(seen, timeout, f"a line matching {pattern!r}; got {self.output!r}")
        return next(line for line in self.output if re.search(pattern, line))

    def count(self, pattern: str) -> int:
        self._drain()
        return sum(1 for line in self.output if re.search(pattern, line))

    def port_of(self, banner_line: str) -> int:
        """The port on the banner line starting with `banner_line` (`pyarc sandbox`, `events`)."""
        line = self.wait_for_line(rf"^{re.escape(banner_line)}\b.*(:|port )\d+")
        return int(re.search(r"(?::|port )(\d+)", line).group(1))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture
def pyarc() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`pyarc("deploy", "--dry-run", cwd=app)`: one command run to completion."""
    return run_pyarc


@pytest.fixture
def start_pyarc() -> Iterator[Callable[..., RunningPyarc]]:
    """`start_pyarc("sandbox", *FREE_PORTS, cwd=app)`: stopped at the end of the test."""
    started: list[RunningPyarc] = []

    def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> RunningPyarc:
        started.append(RunningPyarc(*args, cwd=cwd, env=env))
        return started[-1]

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def free_ports() -> list[str]:
    """Sandbox flags putting every port on a free one."""
    return list(FREE_PORTS)
