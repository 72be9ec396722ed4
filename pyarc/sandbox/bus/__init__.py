"""Events, queues, schedules and table streams in the sandbox.

`attach(server)` is called by `SandboxServer.start()` (pyarc.sandbox.server): it
adds the events port (default 4444) and, once the sandbox is up, an `EventBus` that
delivers to the app's subscribers through the sandbox's worker pools.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from pyarc.sandbox.server import SandboxServer


class _Deferred:
    """An ASGI app whose real app exists only once the sandbox has started."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None
        self.ready = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if self.app is None:
            await asyncio.wait_for(self.ready.wait(), timeout=10)
        if self.app is None:  # pragma: no cover - start-up failed
            await JSONResponse({"error": "the event bus is not running"}, 503)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def attach(server: SandboxServer) -> None:
    from pyarc.sandbox.bus.bus import EventBus
    from pyarc.sandbox.bus.invoke import Invoker
    from pyarc.sandbox.bus.wire import create_app
    from pyarc.sandbox.environment import local_host

    deferred = _Deferred()

    async def start_bus() -> None:
        state, ports = server.state, server.ports
        assert state is not None and ports is not None
        dial = local_host(server.config.host)

        async def invoke(fn, event):  # type: ignore[no-untyped-def]
            result = await state.pools.invoke(fn, event)
            label = f"{fn.kind} {fn.name}"
            status = 200 if result.ok else (result.error.kind if result.error else "error")
            state.log.invocation(label, status, result.duration_ms, result.cold)
            return result

        def log(message: str) -> None:
            if "dropped" in message or "failed" in message:
                state.log.warning(message)
            else:
                state.log.info(message)

        bus = EventBus(
            server.inventory,
            invoke,
            log=log,
            endpoint=f"http://{dial}:{ports.events}",
            run_schedules=server.config.schedules,
        )
        await bus.start()
        server.event_bus = bus
        if server.tables_engine is not None:
            server.tables_engine.add_stream_listener(bus.stream_listener)
        invoker = Invoker(bus, invoke, lambda: f"http://{dial}:{ports.http}")
        server.invoker = invoker
        deferred.app = create_app(bus, invoker)
        deferred.ready.set()

    async def run() -> None:
        try:
            await asyncio.Event().wait()  # serve until the sandbox stops
        finally:
            if server.event_bus is not None:
                await server.event_bus.aclose()

    server.start_hooks.append(start_bus)
    server.add_service("events", deferred, server.config.events_port, run)
