"""Delivery semantics of the event bus, with an in-process recorder as the function.

The recorder stands in for the worker pool only; what is checked is the bus: shapes,
batching, FIFO order per group under concurrency, redelivery with rising
ApproximateReceiveCount, drops, and that publishing never waits for a subscriber.
End-to-end runs through real workers are in test_events_sandbox.py.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pyarc.inventory.model import (
    Event,
    Function,
    FunctionConfig,
    Inventory,
    Queue,
    Scheduled,
    Table,
    TableStream,
)
from pyarc.sandbox.bus.bus import EventBus, MessageTooLarge, UnknownTarget
from pyarc.sandbox.bus.delivery import DeliveryPolicy

FAST = DeliveryPolicy(
    event_retry_delays=(0.01, 0.01), queue_retry_delay=0.01, queue_max_receives=3
)


@dataclass
class Result:
    ok: bool
    error: object = None


class Recorder:
    """An async stand-in for WorkerPools.invoke that records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.fail: set[str] = set()  # bodies/messages whose batch should fail
        self.delay = 0.0

    async def __call__(self, fn: Function, event: dict) -> Result:
        self.calls.append((fn.name, event))
        if self.delay:
            await asyncio.sleep(random.random() * self.delay)  # simulated work, not sync
        bodies = {r.get("body") or r.get("Sns", {}).get("Message") for r in event.get("Records", [])}
        if bodies & self.fail:
            return Result(False, "Boom: told to fail")
        return Result(True)


class Clock:
    """The bus's injected clock, moved by hand: time windows pass without waiting."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class Hang:
    """A handler stand-in that never returns, to see what stopping does to its delivery."""

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def __call__(self, fn: Function, event: dict) -> Result:
        self.started.set()
        await asyncio.Event().wait()  # never set
        raise AssertionError("unreachable")


def fn(kind: str, name: str) -> Function:
    return Function(kind=kind, name=name, src=Path("/nowhere"), config=FunctionConfig())  # type: ignore[arg-type]


def inventory() -> Inventory:
    return Inventory(
        app="shop",
        cwd=Path("/nowhere"),
        manifest=Path("/nowhere/app.arc"),
        events=[Event("order-placed", fn("events", "order-placed"))],
        queues=[
            Queue("jobs", fn("queues", "jobs"), fifo=True, batch_size=1),
            Queue("batched", fn("queues", "batched"), fifo=False, batch_size=5, batch_window=0.2),
            Queue("loose", fn("queues", "loose"), fifo=False, batch_size=1),
        ],
        scheduled=[Scheduled("nightly", "cron(0 3 * * ? *)", fn("scheduled", "nightly"))],
        tables=[Table("data", "pk", "String", stream=True)],
        streams=[TableStream("data", "data", fn("tables-streams", "data"))],
    )


async def make_bus(recorder: Recorder) -> EventBus:
    bus = EventBus(inventory(), recorder, log=LOG.append, policy=FAST, run_schedules=False)
    await bus.start()
    return bus


LOG: list[str] = []


@pytest.fixture(autouse=True)
def clear_log() -> None:
    LOG.clear()


def test_sns_shape_field_by_field() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        bus = await make_bus(recorder)
        message_id = bus.publish("order-placed", json.dumps({"id": 7}), subject="hi",
                                 attributes={"kind": {"Type": "String", "Value": "x"}})
        await bus.idle()
        await bus.aclose()
        [(name, event)] = recorder.calls
        assert name == "order-placed"
        [record] = event["Records"]
        assert record["EventSource"] == "aws:sns"
        assert record["EventVersion"] == "1.0"
        topic = "arn:aws:sns:us-west-2:123456789012:shop-testing-order-placed"
        assert record["EventSubscriptionArn"].startswith(topic + ":")
        sns = record["Sns"]
        assert sns["Type"] == "Notification"
        assert sns["MessageId"] == message_id
        assert sns["TopicArn"] == topic
        assert sns["Subject"] == "hi"
        assert json.loads(sns["Message"]) == {"id": 7}
        assert sns["Timestamp"].endswith("Z") and len(sns["Timestamp"]) == 24
        assert sns["MessageAttributes"] == {"kind": {"Type": "String", "Value": "x"}}

    asyncio.run(scenario())


def test_publish_does_not_wait_for_a_slow_subscriber() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        gate = asyncio.Event()

        async def slow(fn: Function, event: dict) -> Result:
            await gate.wait()  # blocks until released below
            return await recorder(fn, event)

        bus = EventBus(inventory(), slow, log=LOG.append, policy=FAST, run_schedules=False)
        await bus.start()
        ids = [bus.publish("order-placed", str(i)) for i in range(50)]  # returns at once
        assert len(set(ids)) == 50 and recorder.calls == []
        gate.set()
        await bus.idle()
        await bus.aclose()
        assert sorted(e["Records"][0]["Sns"]["Message"] for _, e in recorder.calls) == sorted(
            str(i) for i in range(50)
        )

    asyncio.run(scenario())


def test_failing_event_subscriber_is_retried_twice_then_dropped() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        recorder.fail = {"bad"}
        bus = await make_bus(recorder)
        bus.publish("order-placed", "bad")
        bus.publish("order-placed", "good")
        await bus.idle()
        await bus.aclose()
        messages = [e["Records"][0]["Sns"]["Message"] for _, e in recorder.calls]
        assert messages.count("bad") == 3 and messages.count("good") == 1
        assert any("dropped after 3 attempts" in line and "Boom" in line for line in LOG)

    asyncio.run(scenario())


def test_sqs_shape_and_fifo_order_per_group_under_concurrency() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        recorder.delay = 0.005
        bus = await make_bus(recorder)

        async def producer(group: str) -> None:
            for i in range(20):
                bus.send("jobs", f"{group}-{i}", group_id=group, dedup_id=f"{group}-{i}")
                await asyncio.sleep(0)  # interleave producers

        await asyncio.gather(*(producer(g) for g in "abcd"))
        await bus.idle()
        await bus.aclose()
        records = [r for _, e in recorder.calls for r in e["Records"]]
        for group in "abcd":
            bodies = [r["body"] for r in records if r["attributes"]["MessageGroupId"] == group]
            assert bodies == [f"{group}-{i}" for i in range(20)]
        record = records[0]
        assert record["eventSource"] == "aws:sqs"
        assert record["eventSourceARN"] == "arn:aws:sqs:us-west-2:123456789012:shop-testing-jobs.fifo"
        assert record["awsRegion"] == "us-west-2"
        assert record["attributes"]["ApproximateReceiveCount"] == "1"
        assert set(record["attributes"]) >= {
            "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
            "SequenceNumber", "MessageGroupId", "MessageDeduplicationId",
        }
        assert record["receiptHandle"] and record["md5OfBody"]

    asyncio.run(scenario())


def test_fifo_dedup_id_sends_once() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        bus = await make_bus(recorder)
        first, _ = bus.send("jobs", "x", group_id="g", dedup_id="same")
        second, _ = bus.send("jobs", "x", group_id="g", dedup_id="same")
        await bus.idle()
        await bus.aclose()
        assert first == second and len(recorder.calls) == 1

    asyncio.run(scenario())


def test_failed_message_is_redelivered_with_rising_count_then_dropped() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        recorder.fail = {"poison"}
        bus = await make_bus(recorder)
        bus.send("jobs", "poison", group_id="g")
        bus.send("jobs", "after", group_id="g")
        await bus.idle()
        await bus.aclose()
        seen = [(r["body"], r["attributes"]["ApproximateReceiveCount"])
                for _, e in recorder.calls for r in e["Records"]]
        # FIFO: the group waits behind its failing message until it is dropped
        assert seen == [("poison", "1"), ("poison", "2"), ("poison", "3"), ("after", "1")]
        assert any("dropped after 3 receives" in line for line in LOG)

    asyncio.run(scenario())


def test_batching_by_size_and_window() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        bus = await make_bus(recorder)
        for i in range(12):
            bus.send("batched", str(i))
        await bus.idle()
        await bus.aclose()
        sizes = [len(e["Records"]) for _, e in recorder.calls]
        assert sizes == [5, 5, 2]  # the last two waited out the 0.2 s window
        bodies = [r["body"] for _, e in recorder.calls for r in e["Records"]]
        assert sorted(bodies, key=int) == [str(i) for i in range(12)]

    asyncio.run(scenario())


def test_unknown_names_and_oversized_messages() -> None:
    async def scenario() -> None:
        bus = await make_bus(Recorder())
        with pytest.raises(UnknownTarget, match="no event 'nope'.*declared: order-placed"):
            bus.publish("nope", "{}")
        with pytest.raises(UnknownTarget, match="no queue 'nope'"):
            bus.send("nope", "{}")
        with pytest.raises(MessageTooLarge, match="262144 bytes"):
            bus.publish("order-placed", "x" * (256 * 1024 + 1))
        await bus.aclose()

    asyncio.run(scenario())


def test_stream_records_in_order_and_batched() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        bus = await make_bus(recorder)
        records = [
            {"eventName": name, "dynamodb": {"Keys": {"pk": {"S": "a"}}, "SequenceNumber": str(i)}}
            for i, name in enumerate(["INSERT", "MODIFY", "REMOVE"])
        ]
        bus.stream_listener("shop-staging-data", records[:1])
        bus.stream_listener("shop-staging-data", records[1:])
        bus.stream_listener("shop-staging-other", records)  # not streamed: ignored
        await bus.idle()
        await bus.aclose()
        shaped = [r for _, e in recorder.calls for r in e["Records"]]
        assert [r["eventName"] for r in shaped] == ["INSERT", "MODIFY", "REMOVE"]
        assert all(r["eventSource"] == "aws:dynamodb" for r in shaped)
        assert shaped[0]["eventSourceARN"].startswith(
            "arn:aws:dynamodb:us-west-2:123456789012:table/shop-staging-data/stream/"
        )

    asyncio.run(scenario())


def test_scheduled_fire_on_demand_shape() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        bus = await make_bus(recorder)
        result = await bus.fire("nightly")
        await bus.aclose()
        assert result.ok
        [(name, event)] = recorder.calls
        assert name == "nightly"
        assert event["detail-type"] == "Scheduled Event"
        assert event["source"] == "aws.scheduler"
        assert event["resources"] == [
            "arn:aws:scheduler:us-west-2:123456789012:schedule/default/shop-testing-nightly"
        ]
        assert event["detail"] == {} and event["account"] == "123456789012"
        assert bus.next_fire_times()["nightly"].hour == 3
        with pytest.raises(UnknownTarget):
            await bus.fire("nope")

    asyncio.run(scenario())


def test_fifo_content_based_dedup_lasts_five_minutes() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        clock = Clock(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
        bus = EventBus(inventory(), recorder, log=LOG.append, policy=FAST, run_schedules=False, now=clock)
        await bus.start()
        first = bus.send("jobs", "same body", group_id="g")
        assert bus.send("jobs", "same body", group_id="other") == first  # body decides
        assert first[1] is not None and len(first[1]) == 20 and first[1].isdigit()
        await bus.idle()
        assert len(recorder.calls) == 1
        record = recorder.calls[0][1]["Records"][0]
        assert record["attributes"]["SequenceNumber"] == first[1]
        clock.at += timedelta(minutes=5) - timedelta(seconds=1)
        assert bus.send("jobs", "same body", group_id="g") == first  # still inside the window
        clock.at += timedelta(seconds=1)  # the 5 minutes have passed
        later = bus.send("jobs", "same body", group_id="g")
        assert later[0] != first[0] and int(later[1]) > int(first[1])
        await bus.idle()
        await bus.aclose()
        assert len(recorder.calls) == 2
        assert recorder.calls[1][1]["Records"][0]["attributes"]["SentTimestamp"] == str(
            int(clock.at.timestamp() * 1000)
        )

    asyncio.run(scenario())


def test_a_failed_message_stays_invisible_until_the_bus_clock_passes_its_timeout() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        recorder.fail.add("flaky")
        clock = Clock(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
        policy = DeliveryPolicy(queue_retry_delay=30.0)  # a visibility timeout no test waits out
        bus = EventBus(inventory(), recorder, log=LOG.append, policy=policy, run_schedules=False, now=clock)
        await bus.start()
        runner = bus.queues["loose"]
        bus.send("loose", "flaky")
        while not (recorder.calls and runner.pending and runner.in_flight == 0):  # failure handled
            await asyncio.sleep(0)
        assert runner.counts() == {"visible": 0, "not_visible": 1, "delayed": 0}
        clock.at += timedelta(seconds=29)
        bus.clock_moved()
        for _ in range(20):  # let the woken waits look at the clock
            await asyncio.sleep(0)
        assert len(recorder.calls) == 1 and runner.counts()["not_visible"] == 1
        recorder.fail.clear()
        clock.at += timedelta(seconds=1)  # the visibility timeout has passed
        bus.clock_moved()
        await asyncio.wait_for(bus.idle(), timeout=5)
        await bus.aclose()
        receives = [e["Records"][0]["attributes"]["ApproximateReceiveCount"] for _, e in recorder.calls]
        assert receives == ["1", "2"]

    asyncio.run(scenario())


def test_event_retries_wait_on_the_bus_clock() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        recorder.fail.add("flaky")
        clock = Clock(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
        policy = DeliveryPolicy(event_retry_delays=(60.0, 120.0))  # minutes apart, as on AWS
        bus = EventBus(inventory(), recorder, log=LOG.append, policy=policy, run_schedules=False, now=clock)
        await bus.start()
        bus.publish("order-placed", "flaky")
        while not recorder.calls:  # poll: the first attempt ran
            await asyncio.sleep(0)
        clock.at += timedelta(seconds=59)
        bus.clock_moved()
        for _ in range(20):  # let the woken waits look at the clock
            await asyncio.sleep(0)
        assert len(recorder.calls) == 1  # the first back-off is not over
        clock.at += timedelta(seconds=1)
        bus.clock_moved()
        while len(recorder.calls) < 2:  # poll: the first retry ran
            await asyncio.sleep(0)
        recorder.fail.clear()
        clock.at += timedelta(seconds=120)
        bus.clock_moved()
        await asyncio.wait_for(bus.idle(), timeout=5)
        await bus.aclose()
        assert len(recorder.calls) == 3
        assert any("attempt 1 of 3 failed" in line for line in LOG)

    asyncio.run(scenario())


def test_aclose_cancels_an_in_flight_delivery_and_leaves_no_task() -> None:
    async def scenario() -> None:
        hang = Hang()
        bus = EventBus(inventory(), hang, log=LOG.append, policy=FAST, run_schedules=False)
        await bus.start()
        bus.send("loose", "stuck")
        bus.publish("order-placed", "stuck too")
        bus.stream_listener("shop-staging-data", [{"eventName": "INSERT"}])
        await asyncio.wait_for(hang.started.wait(), timeout=5)
        await asyncio.wait_for(bus.aclose(), timeout=5)
        others = asyncio.all_tasks() - {asyncio.current_task()}
        assert others == set(), others

    asyncio.run(scenario())


def test_delay_seconds_holds_a_standard_queue_message_back() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        clock = Clock(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
        bus = EventBus(inventory(), recorder, log=LOG.append, policy=FAST, run_schedules=False, now=clock)
        await bus.start()
        runner = bus.queues["loose"]
        bus.send("loose", "later", delay_seconds=1)
        bus.send("loose", "now")
        assert runner.counts()["delayed"] == 1
        while not (recorder.calls and runner.in_flight == 0):  # poll: "now" was delivered
            await asyncio.sleep(0)
        assert runner.counts()["delayed"] == 1
        clock.at += timedelta(seconds=1)  # the delay is over
        bus.clock_moved()
        await asyncio.wait_for(bus.idle(), timeout=5)
        await bus.aclose()
        bodies = [e["Records"][0]["body"] for _, e in recorder.calls]
        assert bodies == ["now", "later"]
        record = recorder.calls[1][1]["Records"][0]
        waited = int(record["attributes"]["ApproximateFirstReceiveTimestamp"]) - int(
            record["attributes"]["SentTimestamp"]
        )
        assert waited == 1000

    asyncio.run(scenario())


def test_sqs_record_attributes_carry_only_the_value_their_type_has() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        bus = await make_bus(recorder)
        bus.send("loose", "x", attributes={
            "s": {"DataType": "String", "StringValue": "v"},
            "b": {"DataType": "Binary", "BinaryValue": "AAE="},
        })
        await bus.idle()
        await bus.aclose()
        attributes = recorder.calls[0][1]["Records"][0]["messageAttributes"]
        assert attributes["s"] == {"stringValue": "v", "stringListValues": [],
                                   "binaryListValues": [], "dataType": "String"}
        assert attributes["b"] == {"binaryValue": "AAE=", "stringListValues": [],
                                   "binaryListValues": [], "dataType": "Binary"}

    asyncio.run(scenario())


def test_stream_batches_follow_the_deployed_batch_size() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        bus = EventBus(inventory(), recorder, log=LOG.append, run_schedules=False)
        await bus.start()
        records = [
            {"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": str(i)}}, "SequenceNumber": str(i)}}
            for i in range(25)
        ]
        bus.stream_listener("shop-staging-data", records)
        await bus.idle()
        await bus.aclose()
        assert [len(e["Records"]) for _, e in recorder.calls] == [10, 10, 5]  # BatchSize 10

    asyncio.run(scenario())


def test_an_invalid_schedule_is_a_clear_error_and_a_reload_keeps_the_running_bus() -> None:
    from pyarc.errors import PyarcError

    def with_schedule(expression: str) -> Inventory:
        inv = inventory()
        inv.scheduled = [Scheduled("nightly", expression, fn("scheduled", "nightly"))]
        return inv

    async def scenario() -> None:
        broken = EventBus(with_schedule("cron(0 25 * * ? *)"), Recorder(), log=LOG.append, run_schedules=False)
        with pytest.raises(PyarcError, match="@scheduled 'nightly'.*hours value 25 is outside 0-23"):
            await broken.start()
        recorder = Recorder()
        bus = await make_bus(recorder)
        await bus.reload(with_schedule("cron(0 0 31W * ? *)x"))
        assert any("reload failed" in line and "@scheduled 'nightly'" in line for line in LOG)
        result = await bus.fire("nightly")  # the previous schedules still run
        assert result.ok
        await bus.aclose()

    asyncio.run(scenario())
