"""@events (SNS topics) and @queues (SQS queues, FIFO by default)."""

from __future__ import annotations

from pyarc.inventory.functions import build_function, resolve_src
from pyarc.inventory.model import Event, Queue
from pyarc.inventory.pragmas.context import (
    Context,
    check_topic_name,
    check_unique,
    item_name,
    warn_unknown_settings,
)
from pyarc.inventory.settings import Setting, as_bool, as_int
from pyarc.inventory.source import Source

QUEUE_KEYS = ("fifo", "batchSize", "batchWindow", "visibilityTimeout")


def read_events(ctx: Context) -> list[Event]:
    events: list[Event] = []
    names: list[tuple[str, int]] = []
    for index, item in enumerate(ctx.source.items("events")):
        name, settings = item_name(ctx, "events", index, item)
        check_topic_name(ctx, "events", index, name, "event name")
        warn_unknown_settings(ctx, "events", index, name, settings, ("src",))
        location = ctx.source.location("events", index)
        function, _ = build_function(
            kind="events",
            name=name,
            src=resolve_src(ctx.cwd, f"src/events/{name}", settings.get("src")),
            defaults=ctx.defaults,
            location=location,
            app_source=ctx.source,
        )
        events.append(Event(name=name, function=function, location=location))
        names.append((name, index))
    check_unique(ctx, "events", names, "event")
    return events


def read_queues(ctx: Context) -> list[Queue]:
    queues: list[Queue] = []
    names: list[tuple[str, int]] = []
    for index, item in enumerate(ctx.source.items("queues")):
        name, settings = item_name(ctx, "queues", index, item)
        check_topic_name(ctx, "queues", index, name, "queue name")
        location = ctx.source.location("queues", index)
        function, extras = build_function(
            kind="queues",
            name=name,
            src=resolve_src(ctx.cwd, f"src/queues/{name}", settings.get("src")),
            defaults=ctx.defaults,
            location=location,
            app_source=ctx.source,
            extra_keys=QUEUE_KEYS,
        )
        queue = Queue(name=name, function=function, location=location)
        # manifest settings first, then the function's config.arc (which wins)
        for key, value in settings.items():
            if key == "src":
                continue
            if key not in QUEUE_KEYS:
                ctx.source.fail(
                    f"@queues '{name}' setting '{key}' is unknown; use src, "
                    f"{', '.join(QUEUE_KEYS)}",
                    "queues",
                    index,
                    key,
                )
            _apply(queue, Setting(key, value, index), ctx.source, "queues")
        if extras.source is not None:
            for setting in extras.values.values():
                _apply(queue, setting, extras.source, "aws")
        if queue.fifo and queue.batch_size > 10:
            ctx.source.fail(
                f"@queues '{name}' is a FIFO queue, which takes batchSize 1 to 10, not "
                f"{queue.batch_size}; lower it or add 'fifo false'",
                "queues",
                index,
            )
        queues.append(queue)
        names.append((name, index))
    check_unique(ctx, "queues", names, "queue")
    return queues


def _apply(queue: Queue, setting: Setting, source: Source, pragma: str) -> None:
    if setting.key == "fifo":
        queue.fifo = as_bool(source, pragma, setting)
        return
    number = as_int(source, pragma, setting)
    if setting.key == "batchSize":
        if not 1 <= number <= 10000:
            source.fail(
                f"batchSize {number} is out of range; use 1 to 10000 (10 for FIFO queues)",
                pragma,
                setting.index,
            )
        queue.batch_size = number
    elif setting.key == "batchWindow":
        if not 0 <= number <= 300:
            source.fail(
                f"batchWindow {number} is out of range; use 0 to 300 seconds", pragma, setting.index
            )
        queue.batch_window = number
    else:
        if not 0 <= number <= 43200:
            source.fail(
                f"visibilityTimeout {number} is out of range; use 0 to 43200 seconds",
                pragma,
                setting.index,
            )
        queue.visibility_timeout = number
