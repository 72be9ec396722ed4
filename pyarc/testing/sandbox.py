"""Run an app's whole sandbox inside a test: `with Sandbox("path/to/app") as sb: ...`.

The sandbox runs in a background thread with its own event loop, on free ports
by default, so a test can use blocking clients (httpx, boto3) or its own asyncio
loop (websockets) against it.

    from pyarc.testing import Sandbox

    def test_home():
        with Sandbox("examples/cage_socket") as sb:
            assert httpx.get(sb.url + "/").status_code == 200

A pytest fixture factory: `sandbox = sandbox_fixture("path/to/app")` in a conftest.py.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pyarc.errors import PyarcError
from pyarc.inventory import load
from pyarc.inventory.model import Inventory
from pyarc.sandbox.config import SandboxConfig
from pyarc.sandbox.environment import sandbox_env
from pyarc.sandbox.logs import SandboxLog
from pyarc.sandbox.server import SandboxServer

T = TypeVar("T")


class CapturingLog(SandboxLog):
    """The sandbox console, also keeping every line handlers print (quiet or not)."""

    def __init__(self, quiet: bool) -> None:
        super().__init__(quiet=quiet)
        self.lines: list[tuple[str, str]] = []  # (function key, line)
        self._lines_lock = threading.Lock()

    def handler_output(self, function_key: str, line: str) -> None:
        with self._lines_lock:
            self.lines.append((function_key, line.rstrip()))
        super().handler_output(function_key, line)

    def handler_error(self, function_key: str, line: str) -> None:
        with self._lines_lock:
            self.lines.append((function_key, line.rstrip()))
        super().handler_error(function_key, line)


class Sandbox:
    """A running sandbox for tests. Every port defaults to 0 (a free one)."""

    def __init__(
        self,
        path: str | Path = ".",
        *,
        port: int = 0,
        tables_port: int = 0,
        arc_port: int = 0,
        events_port: int = 0,
        inventory: Inventory | None = None,
        cold: bool = False,
        quiet: bool = True,
        watch: bool = True,
        ws_idle_timeout: float | None = None,
        ws_max_lifetime: float | None = None,
        config: SandboxConfig | None = None,
        startup_timeout: float = 30.0,
        schedules: bool = False,
        strict: bool | None = None,
    ) -> None:
        self.path = Path(path).resolve()
        base = config or SandboxConfig()
        self.config = replace(
            base,
            port=port,
            tables_port=tables_port,
            arc_port=arc_port,
            events_port=events_port,
            cold=cold,
            quiet=quiet,
            watch=watch,
            ws_idle_timeout=ws_idle_timeout or base.ws_idle_timeout,
            ws_max_lifetime=ws_max_lifetime or base.ws_max_lifetime,
            schedules=schedules,
        )
        self._inventory = inventory
        self.strict = strict  # manifest warnings as errors (None: PYARC_STRICT decides)
        self._log = CapturingLog(quiet=True)  # replaced at start()
        self.startup_timeout = startup_timeout
        self.server: SandboxServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopped: asyncio.Event | None = None
        self._error: BaseException | None = None

    # lifecycle ----------------------------------------------------------------------
    def start(self) -> Sandbox:
        # made here, so its console writes to whatever sys.stdout is when the sandbox starts
        self._log = CapturingLog(quiet=self.config.quiet)
        inventory = self._inventory or self._load()
        loader = None if self._inventory is not None else self._load
        self.server = SandboxServer(
            inventory, self.config, log=self._log, loader=loader
        )
        self._thread = threading.Thread(target=self._run, name="pyarc-sandbox", daemon=True)
        self._thread.start()
        if not self._ready.wait(self.startup_timeout):
            raise TimeoutError(
                f"the sandbox for {self.path} did not start in {self.startup_timeout}s"
            )
        if self._error is not None:
            raise self._error
        return self

    def _load(self) -> Inventory:
        """The app's Inventory, its manifest warnings on the sandbox console (at start and at
        each reload), or refused under `strict`."""
        from pyarc.inventory.strict import report

        inventory = load(self.path)
        report(inventory, self._log.warning, self.strict)
        return inventory

    def stop(self) -> None:
        if self._loop is not None and self._stopped is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(60)
        self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        assert self.server is not None
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:  # report to the starting thread
            self._error = exc
            self._ready.set()
            await self.server.stop()
            return
        self._ready.set()
        await self._stopped.wait()
        await self.server.stop()

    # what a test needs --------------------------------------------------------------
    def call(self, make: Callable[[], Coroutine[Any, Any, T]], timeout: float = 30) -> T:
        """Run a coroutine on the sandbox's own loop and wait for its result."""
        if self._loop is None:
            raise PyarcError("The sandbox is not running; start it first.")
        future = asyncio.run_coroutine_threadsafe(make(), self._loop)
        return future.result(timeout)

    def _ports(self) -> Any:
        if self.server is None or self.server.ports is None:
            raise PyarcError("The sandbox is not running; start it first.")
        return self.server.ports

    @property
    def port(self) -> int:
        return self._ports().http

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def tables_url(self) -> str | None:
        tables = self._ports().tables
        return f"http://127.0.0.1:{tables}" if tables else None

    @property
    def inventory(self) -> Inventory:
        assert self.server is not None
        return self.server.inventory

    @property
    def env(self) -> dict[str, str]:
        """Variables that let this test process reach the sandbox with plain boto3."""
        return sandbox_env(self.inventory, self._ports(), self.config.host)

    def client(self, service: str, endpoint_url: str | None = None, **options: Any) -> Any:
        """A boto3 client for `service` that reaches this sandbox as a handler's does: its
        endpoint (`AWS_ENDPOINT_URL_<SERVICE>`, else the one AWS endpoint), region and dummy
        credentials; `options` (e.g. `config=`) go to `boto3.client`."""
        import boto3  # here: a test without AWS clients does not pay for it

        env = self.env
        endpoint = endpoint_url or env.get(f"AWS_ENDPOINT_URL_{service.upper()}") or env.get(
            "AWS_ENDPOINT_URL"
        )
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=env["AWS_REGION"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            **options,
        )

    def reset_tables(self) -> None:
        """Empty every table and create the app's tables again (seed data reloaded)."""
        assert self.server is not None
        self.server.reset_tables()

    @property
    def events_url(self) -> str:
        """The events port: Architect's `POST /events` / `/queues`, and SNS/SQS for boto3."""
        return f"http://127.0.0.1:{self._ports().events}"

    def invoke(self, pragma: str, name: str, payload: object = None, timeout: float = 60) -> dict:
        """Run one function with an AWS-shaped event, as `pyarc invoke` does; returns
        `{"ok", "payload", "error", "durationMs", "cold"}`."""
        assert self.server is not None and self.server.invoker is not None
        invoker = self.server.invoker
        return self.call(lambda: invoker(pragma, name, payload), timeout)

    def fire(self, name: str, timeout: float = 60) -> dict:
        """Fire one `@scheduled` function now (tests start with schedules off)."""
        return self.invoke("scheduled", name, None, timeout)

    def idle(self, timeout: float = 30) -> None:
        """Wait until every published event, queued message and stream record is handled."""
        assert self.server is not None and self.server.event_bus is not None
        bus = self.server.event_bus
        self.call(bus.idle, timeout)

    def output(self, function: str | None = None) -> list[str]:
        """What handlers printed (stdout, stderr, `logging`, error reports), oldest first;
        `function` narrows it to one function key, e.g. `"http:get-index"`."""
        with self._log._lines_lock:
            lines = list(self._log.lines)
        return [line for key, line in lines if function is None or key == function]

    @property
    def connection_count(self) -> int:
        assert self.server is not None and self.server.state is not None
        return len(self.server.state.registry)


def sandbox_fixture(path: str | Path, scope: str = "module", **options: Any) -> Any:
    """A pytest fixture running `Sandbox(path, **options)` for the fixture's scope.

    In a conftest.py: `sandbox = sandbox_fixture("examples/cage_socket")`.
    """
    import pytest

    @pytest.fixture(scope=scope)
    def _sandbox() -> Iterator[Sandbox]:
        with Sandbox(path, **options) as running:
            yield running

    return _sandbox
