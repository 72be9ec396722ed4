"""Every invocation the sandbox runs, kept in a ring buffer for the inspector.

All invocations (HTTP routes, WebSocket routes, events, queues, schedules, streams and
`pyarc invoke`) pass through the worker pools' `invoke`; `RecordingPools` wraps it, so the
recorder sits at that one place. What a handler prints reaches the pools' log sink keyed by
function; `Recorder.output` gives each line to the invocation of that function in flight
(a worker runs one invocation at a time and hands over all its output before answering).
"""

from __future__ import annotations

import itertools
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from pyarc.inventory.model import Function
from pyarc.sandbox.http_responses import MalformedResponse, normalise
from pyarc.sandbox.inspector.live import LiveHub

DEFAULT_KEEP = 500  # invocations kept in memory
DELIVERY_NOTES = 200  # the event bus's retry and drop sentences kept
OUTPUT_LINES = 2000  # lines kept per invocation; the rest are counted
BIG_BODY = 256 * 1024  # event bodies over this are cut in the copy the inspector keeps
# a log record as Lambda's runtimes write it names its request: Python's `logging`
# (`[INFO]\t<time>\t<id>\t...`, runtime.LOG_FORMAT), Node's console (`<time>\t<id>\tINFO\t...`)
_LOG_RECORD = re.compile(r"^(?:\[[A-Z]+\]\t[^\t]*|\d{4}-\d\d-\d\dT[^\t]*Z)\t([0-9a-f-]{36})\t")


@dataclass
class Invocation:
    """One function call as the inspector shows it."""

    id: int  # increasing: the page asks for what came after the last one it has
    function: str  # `http:get-index`
    kind: str  # the pragma: http, ws, events, queues, scheduled, tables-streams
    name: str
    trigger: str  # `GET /things/42`, `ws $connect`, `queue jobs (2 messages)`, ...
    started_at: float  # epoch seconds
    event: Any
    running: bool = True
    ok: bool | None = None
    # `200`, `500`, `ok`, `ZeroDivisionError`, `Sandbox.Timedout`; "" until first shown (an
    # HTTP status is worked out as the gateway maps the response, only when someone looks)
    status: str = "running"
    duration_ms: float | None = None
    cold: bool | None = None
    request_id: str = ""
    result: Any = None
    error: dict[str, Any] | None = None
    output: list[str] = field(default_factory=list)
    output_dropped: int = 0
    output_shared: bool = False  # printed while another invocation of the function ran

    def summary(self) -> dict[str, Any]:
        """The row of the list: everything but the event, result and output."""
        return {
            "id": self.id,
            "function": self.function,
            "kind": self.kind,
            "name": self.name,
            "trigger": self.trigger,
            "startedAt": self.started_at,
            "running": self.running,
            "ok": self.ok,
            "status": self.shown_status(),
            "durationMs": self.duration_ms,
            "cold": self.cold,
            "requestId": self.request_id,
            "errorType": self.error["errorType"] if self.error else None,
            "outputLines": len(self.output) + self.output_dropped,
        }

    def shown_status(self) -> str:
        if not self.status:
            self.status = outcome_status(self.kind, self.ok, self.error, self.result, self.event)
        return self.status

    def detail(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "event": self.event,
            "result": self.result,
            "error": self.error,
            "output": self.output,
            "outputDropped": self.output_dropped,
            "outputShared": self.output_shared,
        }


class Recorder:
    """The last `keep` invocations, newest last, and the ones running now."""

    def __init__(self, live: LiveHub | None = None, keep: int = DEFAULT_KEEP) -> None:
        self.live = live or LiveHub()
        self.keep = keep
        self._done: deque[Invocation] = deque(maxlen=keep)
        self._running: dict[str, list[Invocation]] = {}  # function key -> in flight
        self._ids = itertools.count(1)
        self.delivery_notes: deque[tuple[float, str]] = deque(maxlen=DELIVERY_NOTES)

    # recording ----------------------------------------------------------------------
    def begin(self, fn: Function, event: Any) -> Invocation:
        record = Invocation(
            id=next(self._ids),
            function=fn.key,
            kind=fn.kind,
            name=fn.name,
            trigger=describe_trigger(fn, event),
            started_at=time.time(),
            event=_kept(event),
        )
        self._running.setdefault(record.function, []).append(record)
        if self.live.listening:  # a row is built only for an open page
            self.live.publish("invocation", record.summary())
        return record

    def finish(self, record: Invocation, result: Any) -> None:
        """`result`: the pools' InvokeResult."""
        running = self._running.get(record.function, [])
        if record in running:
            running.remove(record)
        if not running:
            self._running.pop(record.function, None)
        record.running = False
        record.ok = bool(result.ok)
        record.duration_ms = round(float(result.duration_ms), 3)
        record.cold = bool(result.cold)
        record.request_id = result.request_id
        if record.output_shared:  # keep the logging records of other requests out
            record.output = [line for line in record.output if _own_line(line, record.request_id)]
        record.result = _kept(result.payload)
        error = result.error
        if error is not None:
            record.error = {
                "errorType": error.error_type,
                "errorMessage": error.error_message,
                "stackTrace": list(error.stack_trace),
                "kind": error.kind,
                "hint": error.hint,
            }
        record.status = ""  # shown_status() works it out when a page or the API asks...
        if not record.ok or record.result is not result.payload:  # ...unless it is the
            # error's type (cheap), or the response was cut: then from the whole response
            record.status = outcome_status(
                record.kind, record.ok, record.error, result.payload, record.event
            )
        self._done.append(record)
        if self.live.listening:
            self.live.publish("invocation", record.summary())

    def abandon(self, record: Invocation) -> None:
        """The invocation was cancelled (the sandbox stopping, a client gone mid-call)."""
        running = self._running.get(record.function, [])
        if record in running:
            running.remove(record)
        record.running, record.ok, record.status = False, False, "cancelled"
        self._done.append(record)
        if self.live.listening:
            self.live.publish("invocation", record.summary())

    def output(self, function_key: str, line: str) -> None:
        """A line a handler printed (stdout, stderr, `logging`)."""
        running = self._running.get(function_key)
        if not running:
            return  # a prewarm's import, or a worker printing after its invocation
        for record in running:
            if len(record.output) < OUTPUT_LINES:
                record.output.append(line)
            else:
                record.output_dropped += 1
            record.output_shared = len(running) > 1 or record.output_shared
        if self.live.listening:
            for record in running:
                self.live.publish("output", {"id": record.id, "line": line})

    def delivery_note(self, message: str) -> None:
        """A sentence of the event bus about a delivery (a retry, a drop), as the console
        prints it."""
        self.delivery_notes.append((time.time(), message))
        self.live.publish("changed", {"what": "bus"})

    # reading ------------------------------------------------------------------------
    def all(self) -> list[Invocation]:
        """Newest first: the running ones, then the finished ones."""
        running = sorted(
            (r for records in self._running.values() for r in records), key=lambda r: -r.id
        )
        return running + list(reversed(self._done))

    def get(self, invocation_id: int) -> Invocation | None:
        return next((r for r in self.all() if r.id == invocation_id), None)

    def clear(self) -> None:
        self._done.clear()


class RecordingPools:
    """The worker pools with every `invoke` recorded; everything else passes through."""

    def __init__(self, pools: Any, recorder: Recorder) -> None:
        self._pools = pools
        self._recorder = recorder

    async def invoke(self, fn: Function, event: dict, **options: Any) -> Any:
        record = self._recorder.begin(fn, event)
        try:
            result = await self._pools.invoke(fn, event, **options)
        except BaseException:
            self._recorder.abandon(record)
            raise
        self._recorder.finish(record, result)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pools, name)


# what a row says -----------------------------------------------------------------------
def describe_trigger(fn: Function, event: Any) -> str:
    """What started the invocation, read from its AWS-shaped event."""
    event = event if isinstance(event, dict) else {}
    context = event.get("requestContext") if isinstance(event.get("requestContext"), dict) else {}
    if fn.kind == "http":
        http = context.get("http") if isinstance(context.get("http"), dict) else {}
        method = http.get("method") or event.get("httpMethod") or ""
        path = event.get("rawPath") or event.get("path") or ""
        query = event.get("rawQueryString") or ""
        return f"{method} {path}{'?' + query if query else ''}".strip()
    if fn.kind == "ws":
        return f"ws {context.get('routeKey') or fn.name}"
    records = event.get("Records") if isinstance(event.get("Records"), list) else None
    if fn.kind == "queues" and records is not None:
        return f"queue {fn.name} ({_count(len(records), 'message')})"
    if fn.kind == "tables-streams" and records is not None:
        return f"stream {fn.name} ({_count(len(records), 'record')})"
    if fn.kind == "events":
        return f"event {fn.name}"
    if fn.kind == "scheduled":
        return f"schedule {fn.name}"
    return f"{fn.kind} {fn.name}"


def outcome_status(
    kind: str, ok: bool | None, error: dict[str, Any] | None, payload: Any, event: Any
) -> str:
    """What the caller got: for HTTP the status the gateway answers (a response it cannot
    map is its 500), for WebSocket routes the gateway's status, else `ok` or the error."""
    if not ok:
        return error["errorType"] if error is not None else "error"
    if kind == "http":
        version = event.get("version") if isinstance(event, dict) else None
        try:
            return str(normalise(payload, "1.0" if version == "1.0" else "2.0").status)
        except MalformedResponse:
            return "500"
    if kind == "ws":  # as the gateway logs it: a returned statusCode, else 200
        code = payload.get("statusCode") if isinstance(payload, dict) else None
        return str(code) if isinstance(code, int) else "200"
    return "ok"


def _own_line(line: str, request_id: str) -> bool:
    found = _LOG_RECORD.match(line)
    return found is None or found.group(1) == request_id


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _kept(value: Any) -> Any:
    """An event or a result as kept: a `body` over BIG_BODY is cut (500 kept invocations
    stay small)."""
    if isinstance(value, dict) and isinstance(value.get("body"), str):
        body = value["body"]
        if len(body) > BIG_BODY:
            return {**value, "body": body[:BIG_BODY] + f"... ({len(body)} characters in all)"}
    return value
