"""The sandbox's event bus: one object that knows every `@events` topic, `@queues`
queue, `@scheduled` schedule and `@tables-streams` stream of an Inventory, and
delivers to their functions with AWS-shaped events.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory, Scheduled
from pyarc.inventory.schedules import (
    Rate,
    Schedule,
    ScheduleError,
    next_fires,
    parse_schedule,
    timezone,
)
from pyarc.sandbox.bus import clock, names
from pyarc.sandbox.bus.delivery import (
    ClockWaits,
    DeliveryPolicy,
    Invoke,
    Log,
    Outcome,
    QueueRunner,
    StreamRunner,
    Tracker,
    deliver_event,
)
from pyarc.sandbox.lambda_events import scheduler, sns

MAX_MESSAGE_BYTES = 256 * 1024  # SNS and SQS


class UnknownTarget(PyarcError):
    """A publish or invoke named an event, queue or schedule the manifest does not declare."""


class MessageTooLarge(PyarcError):
    """A message over 256 KB, which SNS and SQS refuse."""


@dataclass(frozen=True, slots=True)
class QueueState:
    """What GetQueueUrl / GetQueueAttributes report of one queue, now."""

    url: str
    arn: str
    fifo: bool
    visibility_timeout: int
    visible: int
    not_visible: int
    delayed: int


@dataclass
class ScheduleState:
    spec: Scheduled
    schedule: Schedule
    next_fire: datetime | None


class EventBus:
    def __init__(
        self,
        inventory: Inventory,
        invoke: Invoke,
        *,
        log: Log,
        policy: DeliveryPolicy | None = None,
        run_schedules: bool = True,
        endpoint: str = "http://127.0.0.1:4444",
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.endpoint = endpoint  # where SQS queue URLs point
        self.inventory = inventory
        self.invoke = invoke
        self.log = log
        self.policy = policy or DeliveryPolicy()
        self.run_schedules = run_schedules
        self.tracker = Tracker()
        self.region = inventory.aws.region
        self.queues: dict[str, QueueRunner] = {}
        self.streams: dict[str, list[StreamRunner]] = {}  # physical table name -> runners
        self.schedules: dict[str, ScheduleState] = {}
        self._tasks: set[asyncio.Task[object]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._now = now  # injected so tests compute fire times without waiting
        self._waits = ClockWaits(now)  # retry back-off counts on the same clock
        self._schedule_runner: asyncio.Task[object] | None = None

    # life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        await self._start({}, at_start=True)

    async def _start(self, previous: dict[str, ScheduleState], *, at_start: bool) -> None:
        parsed = check_schedules(self.inventory)  # before anything runs: fail whole
        self._loop = asyncio.get_running_loop()
        app = self.inventory.app
        for queue in self.inventory.queues:
            runner = QueueRunner(
                queue.function,
                names.queue_arn(app, queue.name, queue.fifo, self.region),
                fifo=queue.fifo,
                batch_size=queue.batch_size,
                batch_window=queue.batch_window,
                invoke=self.invoke,
                policy=self.policy,
                tracker=self.tracker,
                log=self.log,
                now=self._now,
            )
            runner.start()
            self.queues[queue.name] = runner
        for stream in self.inventory.streams:
            for env in ("staging", "production"):
                table_name = self.inventory.table(stream.table).physical_name(app, env)
                runner = StreamRunner(
                    stream.function,
                    names.stream_arn(table_name, self.region),
                    invoke=self.invoke,
                    policy=self.policy,
                    tracker=self.tracker,
                    log=self.log,
                )
                runner.start()
                self.streams.setdefault(table_name, []).append(runner)
        self.schedules = plan_schedules(
            self.inventory,
            parsed,
            previous,
            self._now(),
            fire_at_start=at_start and self.inventory.prefs.sandbox.fire_at_start,
        )
        if self.run_schedules and self.schedules:
            self._schedule_runner = asyncio.get_running_loop().create_task(self._run_schedules())

    async def aclose(self) -> None:
        if self._schedule_runner is not None:
            self._schedule_runner.cancel()
            await asyncio.gather(self._schedule_runner, return_exceptions=True)
            self._schedule_runner = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for runner in self.queues.values():
            await runner.aclose()
        for runners in self.streams.values():
            for runner in runners:
                await runner.aclose()

    async def reload(self, inventory: Inventory) -> None:
        """The manifest changed: rebuild topics, queues and streams. A reload fires no
        schedule: one whose expression and time zone did not change keeps its next fire
        time; a new or changed one fires at its next time counted from now. A schedule
        the sandbox cannot run is logged and the previous bus keeps running."""
        try:
            check_schedules(inventory)
        except PyarcError as exc:
            self.log(f"event bus: reload failed: {exc} (keeping the previous events, queues and schedules)")
            return
        await self.aclose()
        self.inventory = inventory
        self.region = inventory.aws.region
        previous = self.schedules
        self.queues, self.streams, self.schedules = {}, {}, {}
        self.tracker = Tracker()
        await self._start(previous, at_start=False)

    def clock_moved(self) -> None:
        """The injected clock jumped (tests): end every wait that is now over."""
        self._waits.moved()
        for runner in self.queues.values():
            runner.wake()

    async def idle(self) -> None:
        """Wait until every published message, queued message and stream record is done."""
        await self.tracker.idle()

    # @events -----------------------------------------------------------------------------
    def topic_arns(self) -> dict[str, str]:
        app = self.inventory.app
        return {e.name: names.topic_arn(app, e.name, self.region) for e in self.inventory.events}

    def publish(
        self,
        event_name: str,
        message: str,
        *,
        subject: str | None = None,
        attributes: dict[str, dict[str, str]] | None = None,
    ) -> str:
        """SNS Publish: enqueue delivery to the subscriber; returns the MessageId."""
        event = next((e for e in self.inventory.events if e.name == event_name), None)
        if event is None:
            known = ", ".join(e.name for e in self.inventory.events) or "none"
            raise UnknownTarget(
                f"there is no event '{event_name}' in @events (declared: {known}); "
                f"add it under @events in {self.inventory.manifest.name}"
            )
        _check_size(message)
        message_id = str(uuid.uuid4())
        payload = sns.sns_event(
            topic_arn=names.topic_arn(self.inventory.app, event_name, self.region),
            message=message,
            message_id=message_id,
            published=self._now(),
            subject=subject,
            attributes=attributes,
        )
        label = f"event {event_name} ({message_id})"
        self._spawn(
            deliver_event(
                event.function, payload, self.invoke, self.policy, self.log, label, self._waits.sleep
            )
        )
        return message_id

    def event_for_arn(self, topic_arn: str) -> str:
        for name, arn in self.topic_arns().items():
            if arn == topic_arn or topic_arn.endswith(f":{name}"):
                return name
        raise UnknownTarget(f"topic '{topic_arn}' does not exist in this sandbox")

    # @queues -----------------------------------------------------------------------------
    def send(
        self,
        queue_name: str,
        body: str,
        *,
        group_id: str | None = None,
        dedup_id: str | None = None,
        attributes: dict[str, dict[str, str]] | None = None,
        delay_seconds: int = 0,
    ) -> tuple[str, str | None]:
        """SQS SendMessage; returns (MessageId, SequenceNumber for FIFO queues)."""
        runner = self.queues.get(queue_name)
        if runner is None:
            known = ", ".join(self.queues) or "none"
            raise UnknownTarget(
                f"there is no queue '{queue_name}' in @queues (declared: {known}); "
                f"add it under @queues in {self.inventory.manifest.name}"
            )
        _check_size(body)
        if runner.fifo and group_id is None:
            group_id = "default"  # Architect's queues.publish sends one group when none given
        return runner.send(
            body, group_id=group_id, dedup_id=dedup_id, attributes=attributes, delay_seconds=delay_seconds
        )

    def queue_fifo(self, queue_name: str) -> bool:
        return self.queues[queue_name].fifo

    def queue_state(self, queue_name: str) -> QueueState:
        queue = next(q for q in self.inventory.queues if q.name == queue_name)
        counts = self.queues[queue_name].counts()
        visibility = queue.visibility_timeout
        app = self.inventory.app
        return QueueState(
            url=names.queue_url(app, queue.name, queue.fifo, self.endpoint),
            arn=names.queue_arn(app, queue.name, queue.fifo, self.region),
            fifo=queue.fifo,
            visibility_timeout=queue.function.config.timeout if visibility is None else visibility,
            visible=counts["visible"], not_visible=counts["not_visible"], delayed=counts["delayed"],
        )

    def queue_for_name(self, physical_or_logical: str) -> str:
        app = self.inventory.app
        for queue in self.inventory.queues:
            if physical_or_logical in (queue.name, names.queue_name(app, queue.name, queue.fifo)):
                return queue.name
        raise UnknownTarget(f"queue '{physical_or_logical}' does not exist in this sandbox")

    # @tables-streams ---------------------------------------------------------------------
    def stream_listener(self, table_name: str, records: list[dict]) -> None:
        """Called by the tables engine (any thread) after each write to a streamed table."""
        runners = self.streams.get(table_name)
        if not runners or self._loop is None:
            return
        for runner in runners:
            self._loop.call_soon_threadsafe(runner.add, list(records))

    # @scheduled --------------------------------------------------------------------------
    def next_fire_times(self) -> dict[str, datetime | None]:
        return {name: state.next_fire for name, state in self.schedules.items()}

    async def fire(self, name: str) -> Outcome:
        """Fire one schedule now (`pyarc invoke scheduled NAME`); returns the invoke result."""
        state = self.schedules.get(name)
        if state is None:
            known = ", ".join(self.schedules) or "none"
            raise UnknownTarget(f"there is no @scheduled '{name}' (declared: {known})")
        return await self._invoke_schedule(state, self._now())

    def fire_due(self) -> list[str]:
        """Start every schedule whose fire time has come and move it to its next time
        after now (a sandbox that was suspended fires once, not once per missed time, as
        EventBridge does not catch up); returns the names fired."""
        now = self._now()
        fired: list[str] = []
        for state in self.schedules.values():
            if state.next_fire is None or state.next_fire > now:
                continue
            when = state.next_fire
            state.next_fire = following_fire(state, when, now)
            fired.append(state.spec.name)
            self._spawn(self._fire_logged(state, when))
        return fired

    async def _run_schedules(self) -> None:
        while True:
            upcoming = [s.next_fire for s in self.schedules.values() if s.next_fire is not None]
            if not upcoming:
                return
            delay = (min(upcoming) - self._now()).total_seconds()
            if delay > 0:
                await asyncio.sleep(delay)  # waiting for the clock, not synchronising
            self.fire_due()

    async def _fire_logged(self, state: ScheduleState, fired: datetime) -> None:
        result = await self._invoke_schedule(state, fired)
        if not result.ok:
            error = result.error
            kind = getattr(error, "error_type", None) or str(error)
            self.log(f"scheduled {state.spec.name} failed: {kind} (its error is above)")

    async def _invoke_schedule(self, state: ScheduleState, fired: datetime) -> Outcome:
        event = scheduler.scheduler_event(
            schedule_arn=names.schedule_arn(self.inventory.app, state.spec.name, self.region),
            fired=fired,
            execution_id=str(uuid.uuid4()),
        )
        return await self.invoke(state.spec.function, event)

    # internals ---------------------------------------------------------------------------
    def _spawn(self, coro: Coroutine[None, None, object], *, track: bool = True) -> None:
        """Run `coro` in the background; `track` counts it as a delivery in progress."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        if track:
            self.tracker.begin()

        def done(t: asyncio.Task[object]) -> None:
            self._tasks.discard(t)
            if track:
                self.tracker.end()
            if not t.cancelled() and t.exception() is not None:
                self.log(f"event bus: delivery failed: {t.exception()!r}")

        task.add_done_callback(done)


def check_schedules(inventory: Inventory) -> dict[str, Schedule]:
    """Parse every `@scheduled` expression; PyarcError naming the schedule when one is
    invalid (the manifest reader checks the shape; AWS would refuse the rest at deploy)."""
    parsed: dict[str, Schedule] = {}
    for spec in inventory.scheduled:
        try:
            parsed[spec.name] = parse_schedule(spec.expression)
            timezone(spec.timezone)
        except ScheduleError as exc:
            where = f" ({spec.location})" if spec.location else ""
            raise PyarcError(f"@scheduled '{spec.name}'{where}: {exc}") from None
    return parsed


def plan_schedules(
    inventory: Inventory,
    parsed: dict[str, Schedule],
    previous: dict[str, ScheduleState],
    now: datetime,
    *,
    fire_at_start: bool,
) -> dict[str, ScheduleState]:
    """Each schedule's state at start or reload: an unchanged one (same expression and
    time zone) keeps its next fire time; a new or changed one gets its first fire."""
    states: dict[str, ScheduleState] = {}
    for spec in inventory.scheduled:
        old = previous.get(spec.name)
        if old is not None and (old.spec.expression, old.spec.timezone) == (spec.expression, spec.timezone):
            states[spec.name] = ScheduleState(spec, old.schedule, old.next_fire)
        else:
            state = ScheduleState(spec, parsed[spec.name], None)
            state.next_fire = first_fire(state, now, fire_at_start=fire_at_start)
            states[spec.name] = state
    return states


def first_fire(state: ScheduleState, now: datetime, *, fire_at_start: bool) -> datetime | None:
    """A new EventBridge rate schedule first fires one period after it is created
    (prefs.arc `@sandbox fire-at-start true` fires it at once); a cron at its next time."""
    if isinstance(state.schedule, Rate):
        return now if fire_at_start else now + state.schedule.every
    fires = next_fires(state.schedule, now, 1, tz=timezone(state.spec.timezone))
    return fires[0] if fires else None


def following_fire(state: ScheduleState, fired: datetime, now: datetime) -> datetime | None:
    """The next fire strictly after `now`, keeping a rate's rhythm counted from `fired`."""
    if isinstance(state.schedule, Rate):
        return state.schedule.next_fire(now, fired)
    fires = next_fires(state.schedule, now, 1, tz=timezone(state.spec.timezone))
    return fires[0] if fires else None


def _check_size(message: str) -> None:
    size = len(message.encode())
    if size > MAX_MESSAGE_BYTES:
        raise MessageTooLarge(
            f"the message is {size} bytes; SNS and SQS accept at most {MAX_MESSAGE_BYTES} bytes"
        )


def payload_text(payload: object) -> str:
    """Architect's convention: a published payload travels as its JSON text."""
    return json.dumps(payload)

