"""Table work runs on the service's own thread, so the event loop keeps serving meanwhile."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from pyarc.tables.engine import Engine
from pyarc.tables.service import TablesService


async def call(service: TablesService, method: str, operation: str) -> tuple[int, Any]:
    """One ASGI request to `service`; (status, JSON body)."""
    scope = {
        "type": "http",
        "method": method,
        "headers": [(b"x-amz-target", f"DynamoDB_20120810.{operation}".encode())],
    }
    messages = [{"type": "http.request", "body": b"{}", "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await service(scope, receive, send)
    return sent[0]["status"], json.loads(sent[1]["body"])


class HeldEngine(Engine):
    """An engine whose ListTables waits until the test lets it go (a stand-in for a big Scan)."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []

    def handle(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        self.release.wait(30)  # a bound for a broken test, not a synchronisation
        return super().handle(operation, request)


def test_a_held_table_operation_leaves_the_event_loop_serving():
    engine = HeldEngine()
    service = TablesService(engine)

    async def scenario() -> None:
        held = asyncio.create_task(call(service, "POST", "ListTables"))
        assert await asyncio.to_thread(engine.entered.wait, 30)
        # the loop is free while the engine is busy: another request is answered meanwhile
        assert await call(service, "GET", "") == (200, {"healthy": True})
        assert not held.done()
        engine.release.set()
        assert await held == (200, {"TableNames": []})

    try:
        asyncio.run(scenario())
    finally:
        engine.release.set()
        service.close()
    assert engine.threads == ["pyarc-tables_0"]


def test_after_close_a_later_request_starts_a_new_table_thread():
    engine = Engine()
    service = TablesService(engine)

    async def scenario() -> list[tuple[int, Any]]:
        return list(await asyncio.gather(*(call(service, "POST", "ListTables") for _ in range(5))))

    assert asyncio.run(scenario()) == [(200, {"TableNames": []})] * 5
    service.close()
    assert asyncio.run(scenario()) == [(200, {"TableNames": []})] * 5
    service.close()
