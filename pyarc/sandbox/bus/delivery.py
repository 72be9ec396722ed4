"""Delivery to subscribers: `@events` (SNS, async invoke with retries), `@queues` (SQS
event source mapping: batching, FIFO order per group, redelivery), `@tables-streams`
(ordered batches per table).

A publisher never waits for a subscriber: publishing only enqueues. Everything here runs
in the sandbox's event loop; `invoke` is the worker pools' `invoke`.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import hashlib
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from pyarc.inventory.model import Function
from pyarc.sandbox.bus import clock
from pyarc.sandbox.lambda_events import sqs, streams


class Outcome(Protocol):
    """What the worker pools return (`pyarc.sandbox.workers.InvokeResult`)."""

    ok: bool
    error: Any


Invoke = Callable[[Function, dict], Awaitable[Outcome]]
Log = Callable[[str], None]


@dataclass
class DeliveryPolicy:
    """Retry behaviour. AWS's values are minutes apart; the sandbox keeps the counts and
    shortens the waits so that a retry is visible while you watch."""

    event_retry_delays: tuple[float, ...] = (1.0, 2.0)  # Lambda async: two retries
    queue_max_receives: int = 3  # then the message is dropped (AWS: a DLQ's maxReceiveCount)
    queue_retry_delay: float = 1.0  # stands in for the visibility timeout
    queue_concurrency: int = 4  # batches in flight at once for a standard queue
    stream_batch_size: int = 10  # the BatchSize `pyarc deploy` gives the stream's event source
    dedup_window: float = 300.0  # SQS FIFO: a deduplication id counts for 5 minutes
    stream_max_attempts: int = 3


class Tracker:
    """Counts deliveries in progress so tests (and `pyarc invoke`) can wait for quiet."""

    def __init__(self) -> None:
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def begin(self) -> None:
        self._busy += 1
        self._idle.clear()

    def end(self) -> None:
        self._busy -= 1
        if self._busy == 0:
            self._idle.set()

    async def idle(self) -> None:
        await self._idle.wait()


class ClockWaits:
    """Waits measured on the bus's clock, so a test moves the clock instead of sleeping:
    `moved()` after the clock jumps ends every wait that is now over."""

    def __init__(self, now: Callable[[], datetime] = clock.now) -> None:
        self.now = now
        self._moved = asyncio.Event()

    def moved(self) -> None:
        self._moved.set()
        self._moved = asyncio.Event()  # waiters hold the one just set

    async def sleep(self, seconds: float) -> None:
        deadline = self.now() + timedelta(seconds=seconds)
        while (left := (deadline - self.now()).total_seconds()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._moved.wait(), timeout=left)


def describe_failure(result: Outcome) -> str:
    error = result.error
    if error is None:
        return "failed"
    return f"{getattr(error, 'error_type', 'Error')}: {getattr(error, 'error_message', error)}"


async def deliver_event(
    fn: Function,
    event: dict,
    invoke: Invoke,
    policy: DeliveryPolicy,
    log: Log,
    label: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> bool:
    """Invoke an `@events` subscriber like Lambda's async invocation: two retries, then drop."""
    attempts = 1 + len(policy.event_retry_delays)
    for attempt in range(1, attempts + 1):
        result = await invoke(fn, event)
        if result.ok:
            return True
        if attempt < attempts:
            log(f"{label}: attempt {attempt} of {attempts} failed ({describe_failure(result)}); retrying")
            await sleep(policy.event_retry_delays[attempt - 1])
        else:
            log(f"{label}: dropped after {attempts} attempts ({describe_failure(result)})")
    return False


@dataclass(order=True)
class QueuedMessage:
    sequence: int
    message_id: str = field(compare=False)
    body: str = field(compare=False)
    sent: datetime = field(compare=False)
    group_id: str | None = field(default=None, compare=False)
    dedup_id: str | None = field(default=None, compare=False)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    receive_count: int = field(default=0, compare=False)
    first_received: datetime | None = field(default=None, compare=False)
    ready_at: float = field(default=0.0, compare=False)  # bus-clock seconds it is visible from


class _Runner:
    """A background loop owned by the bus: `start()` in the loop, `aclose()` to stop."""

    def __init__(
        self, fn: Function, *, invoke: Invoke, policy: DeliveryPolicy, tracker: Tracker, log: Log
    ) -> None:
        self.fn = fn
        self.invoke = invoke
        self.policy = policy
        self.tracker = tracker
        self.log = log
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()  # in flight; aclose cancels them

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def wake(self) -> None:
        """Look again now: after the bus's clock moved (tests), a wait may be over."""
        self._wake.set()

    def _spawn_delivery(self, coro: Coroutine[None, None, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def aclose(self) -> None:
        """Stop polling and cancel every delivery in flight; returns once all have ended."""
        tasks = [t for t in (self._task, *self._deliveries) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None

    async def _run(self) -> None:
        raise NotImplementedError


class QueueRunner(_Runner):
    """One `@queues` event source mapping: polls its queue and invokes the function."""

    # SQS FIFO sequence numbers: large, increasing, 20 digits (like "18849496460467696128")
    _sequence = itertools.count(time.time_ns() * 10)

    def __init__(
        self,
        fn: Function,
        queue_arn: str,
        *,
        fifo: bool,
        batch_size: int,
        batch_window: float,
        invoke: Invoke,
        policy: DeliveryPolicy,
        tracker: Tracker,
        log: Log,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        super().__init__(fn, invoke=invoke, policy=policy, tracker=tracker, log=log)
        self._now = now  # the bus's clock: the deduplication window counts on it
        self.queue_arn = queue_arn
        self.fifo = fifo
        self.batch_size = max(1, batch_size)
        self.batch_window = batch_window
        self.pending: list[QueuedMessage] = []  # in send order (FIFO order per group)
        self.busy_groups: set[str] = set()
        self.in_flight = 0  # batches being delivered
        self.in_flight_messages = 0
        self.dedup_seen: dict[str, tuple[datetime, str, str]] = {}  # id -> (sent, MessageId, seq)

    def send(
        self,
        body: str,
        *,
        group_id: str | None = None,
        dedup_id: str | None = None,
        attributes: dict[str, dict[str, str]] | None = None,
        delay_seconds: int = 0,
    ) -> tuple[str, str | None]:
        """Enqueue; returns (MessageId, SequenceNumber or None).

        A FIFO queue deduplicates as the queue `pyarc deploy` creates does
        (`ContentBasedDeduplication: true`): by `dedup_id`, else by the SHA-256 of the
        body, for 5 minutes; a duplicate is accepted, not delivered, and answered with the
        first message's MessageId and SequenceNumber.
        """
        sent = self._now()
        now = sent.timestamp()
        if self.fifo:
            dedup_id = dedup_id or hashlib.sha256(body.encode()).hexdigest()
            for key, (at, _, _) in list(self.dedup_seen.items()):
                if (sent - at).total_seconds() >= self.policy.dedup_window:
                    del self.dedup_seen[key]
            if dedup_id in self.dedup_seen:
                _, message_id, sequence_number = self.dedup_seen[dedup_id]
                return message_id, sequence_number
        sequence = next(self._sequence)
        message = QueuedMessage(
            sequence=sequence,
            message_id=str(uuid.uuid4()),
            body=body,
            sent=sent,
            group_id=group_id,
            dedup_id=dedup_id,
            attributes=attributes or {},
            ready_at=now + max(0, delay_seconds),
        )
        if self.fifo and dedup_id:
            self.dedup_seen[dedup_id] = (sent, message.message_id, str(sequence))
        self.pending.append(message)
        self.tracker.begin()
        self._wake.set()
        return message.message_id, (str(sequence) if self.fifo else None)

    def counts(self) -> dict[str, int]:
        """GetQueueAttributes' ApproximateNumberOfMessages{,NotVisible,Delayed}."""
        now = self._now().timestamp()
        waiting = [m for m in self.pending if m.ready_at > now]
        return {
            "visible": len(self.pending) - len(waiting),
            "not_visible": self.in_flight_messages + sum(1 for m in waiting if m.receive_count),
            "delayed": sum(1 for m in waiting if not m.receive_count),
        }

    async def _run(self) -> None:
        while True:
            batch, wait = self._take_batch(self._now().timestamp())
            if batch:
                self.in_flight += 1
                self._spawn_delivery(self._deliver(batch))
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    def _take_batch(self, now: float) -> tuple[list[QueuedMessage], float | None]:
        """The next batch to deliver, or ([], seconds to wait before looking again)."""
        if not self.fifo and self.in_flight >= self.policy.queue_concurrency:
            return [], None
        ready: list[QueuedMessage] = []
        blocked: set[str] = set(self.busy_groups)
        next_ready: float | None = None
        for message in self.pending:
            group = message.group_id or ""
            if self.fifo and group in blocked:
                continue
            if message.ready_at > now:
                next_ready = message.ready_at if next_ready is None else min(next_ready, message.ready_at)
                if self.fifo:
                    blocked.add(group)  # later messages of this group wait behind it
                continue
            ready.append(message)
            if len(ready) == self.batch_size:
                break
        if not ready:
            return [], (None if next_ready is None else max(0.0, next_ready - now))
        oldest_wait = now - min(m.ready_at for m in ready)
        if len(ready) < self.batch_size and self.batch_window > 0 and oldest_wait < self.batch_window:
            # MaximumBatchingWindowInSeconds: gather more before invoking
            return [], self.batch_window - oldest_wait
        self.in_flight_messages += len(ready)
        for message in ready:
            self.pending.remove(message)
            if self.fifo:
                self.busy_groups.add(message.group_id or "")
        return ready, None

    async def _deliver(self, batch: list[QueuedMessage]) -> None:
        received = self._now()
        records = []
        for message in batch:
            message.receive_count += 1
            message.first_received = message.first_received or received
            records.append(
                sqs.sqs_record(
                    queue_arn=self.queue_arn,
                    message_id=message.message_id,
                    body=message.body,
                    sent=message.sent,
                    first_received=message.first_received,
                    receive_count=message.receive_count,
                    group_id=message.group_id if self.fifo else None,
                    dedup_id=message.dedup_id,
                    sequence_number=str(message.sequence),
                    attributes=message.attributes,
                )
            )
        try:
            result = await self.invoke(self.fn, {"Records": records})
        except Exception as exc:  # the pool itself failed: treat as a failed batch
            result = _Failed(exc)
        finished = 0
        if result.ok:
            finished = len(batch)
        else:
            for message in batch:
                if message.receive_count >= self.policy.queue_max_receives:
                    self.log(
                        f"queue {self.fn.name}: message {message.message_id} dropped after "
                        f"{message.receive_count} receives ({describe_failure(result)})"
                    )
                    finished += 1
                else:
                    message.ready_at = self._now().timestamp() + self.policy.queue_retry_delay
                    bisect.insort(self.pending, message)
            if finished < len(batch):
                self.log(
                    f"queue {self.fn.name}: batch of {len(batch)} failed "
                    f"({describe_failure(result)}); its messages return after "
                    f"{self.policy.queue_retry_delay:g}s"
                )
        for message in batch:
            if self.fifo:
                self.busy_groups.discard(message.group_id or "")
        self.in_flight -= 1
        self.in_flight_messages -= len(batch)
        for _ in range(finished):
            self.tracker.end()
        self._wake.set()


@dataclass
class _Failed:
    exc: BaseException
    ok: bool = False

    @property
    def error(self) -> str:
        return f"{type(self.exc).__name__}: {self.exc}"


class StreamRunner(_Runner):
    """One `@tables-streams` function: ordered batches of a table's stream records."""

    def __init__(
        self,
        fn: Function,
        stream_arn: str,
        *,
        invoke: Invoke,
        policy: DeliveryPolicy,
        tracker: Tracker,
        log: Log,
    ) -> None:
        super().__init__(fn, invoke=invoke, policy=policy, tracker=tracker, log=log)
        self.stream_arn = stream_arn
        self.pending: list[dict] = []

    def add(self, records: list[dict]) -> None:
        for _ in records:
            self.tracker.begin()
        self.pending.extend(records)
        self._wake.set()

    async def _run(self) -> None:
        while True:
            if not self.pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = self.pending[: self.policy.stream_batch_size]
            del self.pending[: len(batch)]
            event = streams.stream_event(batch, self.stream_arn)
            for attempt in range(1, self.policy.stream_max_attempts + 1):
                result = await self.invoke(self.fn, event)
                if result.ok:
                    break
                if attempt == self.policy.stream_max_attempts:
                    self.log(
                        f"stream {self.fn.name}: batch of {len(batch)} dropped after "
                        f"{attempt} attempts ({describe_failure(result)})"
                    )
                else:
                    self.log(
                        f"stream {self.fn.name}: attempt {attempt} failed "
                        f"({describe_failure(result)}); retrying the same batch"
                    )
            for _ in batch:
                self.tracker.end()
