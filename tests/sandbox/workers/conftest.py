"""Helpers for the worker pool tests: handler dirs in tmp_path, a pool, a log sink."""

from __future__ import annotations

import asyncio
import gc
import os
import textwrap
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from pyarc.inventory.model import Function, FunctionConfig
from pyarc.sandbox.workers import WorkerPools


def write_handler(src: Path, code: str, file: str = "lambda.py") -> Path:
    src.mkdir(parents=True, exist_ok=True)
    path = src / file
    path.write_text(textwrap.dedent(code))
    return path


def process_exists(pid: int) -> bool:
    """True while `pid` is running or a zombie nobody reaped."""
    return os.path.exists(f"/proc/{pid}")


class Log:
    """A `log` callback that records (function_key, line) pairs."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str]] = []

    def __call__(self, key: str, line: str) -> None:
        self.records.append((key, line))

    def lines(self, key: str | None = None) -> list[str]:
        return [line for k, line in self.records if key is None or k == key]


class Harness:
    """Builds functions in a tmp dir and runs a coroutine against a fresh WorkerPools."""

    write_handler = staticmethod(write_handler)
    process_exists = staticmethod(process_exists)

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log = Log()

    def function(
        self, code: str | None, name: str = "get-index", kind: str = "http", **config: Any
    ) -> Function:
        src = self.root / "src" / kind / name
        if code is not None:
            write_handler(src, code)
        return Function(kind, name, src, FunctionConfig(**config))  # type: ignore[arg-type]

    def run(
        self,
        scenario: Callable[[WorkerPools], Coroutine[Any, Any, Any]],
        env: dict[str, str] | Callable[[Function], dict[str, str]] | None = None,
        **pool_options: Any,
    ) -> Any:
        env_for = env if callable(env) else (lambda fn: dict(env or {}))

        async def main() -> Any:
            pool_options.setdefault("log", self.log)
            pools = WorkerPools(env_for=env_for, **pool_options)
            try:
                return await scenario(pools)
            finally:
                await pools.aclose()

        result = asyncio.run(main())
        gc.collect()  # surface transports left open by this scenario in this test
        return result


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    return Harness(tmp_path)
