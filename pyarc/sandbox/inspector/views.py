"""What the inspector shows of the running sandbox, as plain JSON-ready data."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyarc.inventory.model import Function, Inventory
from pyarc.sandbox.bus import names
from pyarc.sandbox.ids import iso_time

if TYPE_CHECKING:
    from pyarc.sandbox.bus.bus import EventBus
    from pyarc.sandbox.connections import ConnectionRegistry
    from pyarc.sandbox.inspector.recorder import Recorder

RECENT_STREAM_RECORDS = 50
# the bus's delivery sentences (bus/delivery.py): "queue jobs: ...", "event pinged (<id>): ..."
_NOTE_TARGET = re.compile(r"^(?P<kind>event|queue|stream) (?P<name>[^\s:]+)")


def function_view(fn: Function, inventory: Inventory) -> dict[str, Any]:
    """A function's folder and the settings Lambda runs it with."""
    try:
        folder = str(fn.src.relative_to(inventory.cwd))
    except ValueError:
        folder = str(fn.src)
    handler_file = fn.handler_file
    return {
        "key": fn.key,
        "folder": folder,
        "handler": fn.handler,
        "handlerFile": _relative(handler_file, inventory.cwd) if handler_file else None,
        "runtime": fn.config.runtime,
        "memory": fn.config.memory,
        "timeout": fn.config.timeout,
        "architecture": fn.config.architecture,
        "concurrency": fn.config.concurrency,
    }


def routes_view(inventory: Inventory) -> dict[str, Any]:
    return {
        "http": [
            {
                "method": route.method.upper(),
                "path": route.path,
                "routeKey": route.route_key,
                "function": function_view(route.function, inventory),
            }
            for route in inventory.http
        ],
        "ws": [
            {"routeKey": route.route_key, "function": function_view(route.function, inventory)}
            for route in inventory.ws
        ],
    }


def connections_view(registry: ConnectionRegistry) -> list[dict[str, Any]]:
    rows = []
    for connection in registry.all():
        if not connection.open:
            continue
        rows.append(
            {
                "connectionId": connection.id,
                "connectedAt": iso_time(connection.connected_at),
                "lastActiveAt": iso_time(connection.last_active_at),
                "sourceIp": connection.source_ip,
                "userAgent": connection.user_agent,
                "query": dict(connection.websocket.query_params.multi_items()),
            }
        )
    return sorted(rows, key=lambda row: row["connectedAt"])


def bus_view(inventory: Inventory, bus: EventBus | None, recorder: Recorder) -> dict[str, Any]:
    """@events, @queues, @scheduled and @tables-streams with their live state."""
    region = inventory.aws.region
    failures = _failures_by_function(recorder)
    fires: dict[str, datetime | None] = bus.next_fire_times() if bus is not None else {}
    retried, dropped = _delivery_counts(recorder)
    queues = bus.queues if bus is not None else {}
    return {
        "events": [
            {
                "name": event.name,
                "arn": names.topic_arn(inventory.app, event.name, region),
                "function": function_view(event.function, inventory),
                "failedInvocations": failures.get(event.function.key, 0),
                "retried": retried.get(("event", event.name), 0),
                "dropped": dropped.get(("event", event.name), 0),
            }
            for event in inventory.events
        ],
        "queues": [
            {
                "name": queue.name,
                "fifo": queue.fifo,
                "batchSize": queue.batch_size,
                "url": names.queue_url(inventory.app, queue.name, queue.fifo, bus.endpoint)
                if bus is not None
                else None,
                "counts": queues[queue.name].counts() if queue.name in queues else None,
                "inFlightBatches": queues[queue.name].in_flight if queue.name in queues else 0,
                "function": function_view(queue.function, inventory),
                "failedInvocations": failures.get(queue.function.key, 0),
                "retried": retried.get(("queue", queue.name), 0),
                "dropped": dropped.get(("queue", queue.name), 0),
            }
            for queue in inventory.queues
        ],
        "schedules": [
            {
                "name": spec.name,
                "expression": spec.expression,
                "timezone": spec.timezone,
                "nextFire": _iso(fires.get(spec.name)),
                "running": bus is not None and bus.run_schedules,
                "function": function_view(spec.function, inventory),
                "failedInvocations": failures.get(spec.function.key, 0),
            }
            for spec in inventory.scheduled
        ],
        "streams": [
            {
                "name": stream.name,
                "table": stream.table,
                "function": function_view(stream.function, inventory),
                "failedInvocations": failures.get(stream.function.key, 0),
                "retried": retried.get(("stream", stream.name), 0),
                "dropped": dropped.get(("stream", stream.name), 0),
            }
            for stream in inventory.streams
        ],
        "streamRecords": recent_stream_records(recorder),
        "deliveryNotes": [
            {"at": at, "message": message} for at, message in reversed(recorder.delivery_notes)
        ],
    }


def recent_stream_records(recorder: Recorder) -> list[dict[str, Any]]:
    """The newest stream records, read from the stream invocations the recorder kept."""
    records: list[dict[str, Any]] = []
    for invocation in recorder.all():
        if invocation.kind != "tables-streams" or not isinstance(invocation.event, dict):
            continue
        batch = invocation.event.get("Records")
        for record in reversed(batch if isinstance(batch, list) else []):
            records.append({"function": invocation.name, "invocation": invocation.id, **record})
            if len(records) >= RECENT_STREAM_RECORDS:
                return records
    return records


def _delivery_counts(
    recorder: Recorder,
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """(retries, drops) per (kind, name), counted from the bus's delivery sentences."""
    retried: dict[tuple[str, str], int] = {}
    dropped: dict[tuple[str, str], int] = {}
    for _, message in recorder.delivery_notes:
        found = _NOTE_TARGET.match(message)
        if found is None:
            continue
        target = (found["kind"], found["name"])
        counts = dropped if " dropped after " in message else retried
        counts[target] = counts.get(target, 0) + 1
    return retried, dropped


def _failures_by_function(recorder: Recorder) -> dict[str, int]:
    counts: dict[str, int] = {}
    for invocation in recorder.all():
        if invocation.ok is False:
            counts[invocation.function] = counts.get(invocation.function, 0) + 1
    return counts


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
