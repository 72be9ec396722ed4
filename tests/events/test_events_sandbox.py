"""Events, queues, schedules and table streams through a real sandbox and real workers.

The test app (tests/events/app) records what each subscriber received in its `log`
table; the tests read it back with boto3, the way any client would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import httpx
import pytest
from boto3.dynamodb.conditions import Key

from pyarc.testing import Sandbox, wait_until

APP = Path(__file__).parent / "app"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(APP) as sb:
        yield sb


@pytest.fixture(scope="module")
def aws(sandbox: Sandbox) -> Iterator[dict[str, str]]:
    """The test process's boto3 reaches the sandbox through the same variables handlers get."""
    saved = dict(os.environ)
    os.environ.update(sandbox.env)
    yield sandbox.env
    os.environ.clear()
    os.environ.update(saved)


def log_table(aws: dict[str, str]):  # type: ignore[no-untyped-def]
    return boto3.resource("dynamodb").Table("bus-test-staging-log")


def received(aws: dict[str, str], sk: str) -> dict | None:
    return log_table(aws).get_item(Key={"pk": "received", "sk": sk}).get("Item")


def wait_received(aws: dict[str, str], sk: str, timeout: float = 20) -> dict:
    wait_until(lambda: received(aws, sk) is not None, timeout, f"{sk} to be received")
    item = received(aws, sk)
    assert item is not None
    return json.loads(item["raw"])


def test_boto3_sns_publish_reaches_the_subscriber_with_the_sns_shape(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    ssm = boto3.client("ssm")
    topic = ssm.get_parameter(Name="/BusTestTesting/events/ping")["Parameter"]["Value"]
    assert topic == "arn:aws:sns:us-west-2:123456789012:bus-test-testing-ping"
    sent = boto3.client("sns").publish(
        TopicArn=topic, Message=json.dumps({"id": "sns1"}), Subject="greetings",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}},
    )
    event = wait_received(aws, "sns1-event")
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns" and record["EventVersion"] == "1.0"
    assert record["EventSubscriptionArn"].startswith(topic + ":")
    sns = record["Sns"]
    assert sns["MessageId"] == sent["MessageId"]
    assert sns["TopicArn"] == topic and sns["Type"] == "Notification"
    assert sns["Subject"] == "greetings"
    assert json.loads(sns["Message"]) == {"id": "sns1"}
    assert sns["MessageAttributes"] == {"kind": {"Type": "String", "Value": "test"}}
    assert sns["Timestamp"].endswith("Z")


def test_a_handler_publishes_with_the_runtime_helpers(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    response = httpx.post(f"{sandbox.url}/publish", json={"id": "h1"})
    assert response.status_code == 200, response.text
    event = wait_received(aws, "h1-event")
    assert json.loads(event["Records"][0]["Sns"]["Message"]) == {"id": "h1"}
    record = wait_received(aws, "h1-queue")
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-west-2:123456789012:bus-test-testing-jobs.fifo"
    assert record["attributes"]["MessageGroupId"] == "g"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert json.loads(record["body"]) == {"id": "h1"}


def test_architect_event_bus_endpoint_and_its_errors(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    bus = sandbox.events_url
    ok = httpx.post(f"{bus}/events", json={"name": "ping", "payload": {"id": "arc1"}})
    assert ok.status_code == 202 and ok.json()["messageId"]
    wait_received(aws, "arc1-event")
    queued = httpx.post(f"{bus}/queues", json={"name": "jobs", "payload": {"id": "arc2"}})
    assert queued.status_code == 202
    wait_received(aws, "arc2-queue")
    unknown = httpx.post(f"{bus}/events", json={"name": "nope", "payload": {}})
    assert unknown.status_code == 404 and "no event 'nope'" in unknown.json()["error"]
    broken = httpx.post(f"{bus}/events", content=b"{not json")
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]
    shapeless = httpx.post(f"{bus}/queues", json=["jobs"])
    assert shapeless.status_code == 400
    huge = httpx.post(f"{bus}/events", json={"name": "ping", "payload": "x" * 300_000})
    assert huge.status_code == 413 and "262144" in huge.json()["error"]
    # the bus is still serving
    assert httpx.post(f"{bus}/events", json={"name": "ping", "payload": {"id": "arc3"}}).status_code == 202
    wait_received(aws, "arc3-event")


def test_sns_and_sqs_errors_are_what_boto3_expects(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish(TopicArn="arn:aws:sns:us-west-2:123456789012:nope", Message="x")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn="arn:aws:sns:us-west-2:123456789012:bus-test-testing-ping",
                    Message="x" * 300_000)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="nope")


def test_fifo_order_per_group_under_concurrent_sends(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="bus-test-testing-jobs.fifo")["QueueUrl"]
    for start in range(0, 30, 10):  # three batches of ten, alternating two groups
        entries = [
            {"Id": str(n), "MessageBody": json.dumps({"n": n}), "MessageGroupId": f"o{n % 2}",
             "MessageDeduplicationId": f"o-{n}"}
            for n in range(start, start + 10)
        ]
        assert len(sqs.send_message_batch(QueueUrl=url, Entries=entries)["Successful"]) == 10
    sandbox.idle()
    table = log_table(aws)
    for group in (0, 1):
        seen = table.get_item(Key={"pk": f"order-o{group}", "sk": "order"})["Item"]["seen"]
        assert [int(v) for v in seen] == [n for n in range(30) if n % 2 == group]


def test_a_failed_message_is_redelivered_with_a_higher_receive_count(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="bus-test-testing-flaky")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"try": 1}))
    record = wait_received(aws, "flaky")
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    receives = log_table(aws).get_item(Key={"pk": "flaky-receives", "sk": "order"})["Item"]["seen"]
    assert receives == ["1", "2"]


def test_a_crashing_subscriber_is_retried_and_does_not_break_publishing(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    bus = sandbox.events_url
    assert httpx.post(f"{bus}/events", json={"name": "crash", "payload": {}}).status_code == 202
    assert httpx.post(f"{bus}/events", json={"name": "ping", "payload": {"id": "after-crash"}}).status_code == 202
    wait_received(aws, "after-crash-event")
    sandbox.idle()
    attempts = log_table(aws).get_item(Key={"pk": "crash-attempts", "sk": "order"})["Item"]["seen"]
    assert len(attempts) == 3 and len(set(attempts)) == 1  # Lambda async: 1 try + 2 retries


def test_publishing_never_waits_for_a_slow_subscriber(sandbox: Sandbox, aws, tmp_path: Path):  # type: ignore[no-untyped-def]
    release = tmp_path / "release"
    response = httpx.post(
        f"{sandbox.events_url}/events",
        json={"name": "blocked", "payload": {"id": "slow", "release": str(release)}},
    )
    assert response.status_code == 202  # answered while the subscriber is still waiting
    assert received(aws, "slow-blocked") is None
    release.touch()
    wait_received(aws, "slow-blocked")


def test_table_stream_records_for_insert_modify_remove(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    data = boto3.resource("dynamodb").Table("bus-test-staging-data")
    data.put_item(Item={"id": "s1", "v": 1})
    data.update_item(Key={"id": "s1"}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": 2})
    data.delete_item(Key={"id": "s1"})
    sandbox.idle()
    seen = log_table(aws).get_item(Key={"pk": "stream", "sk": "order"})["Item"]["seen"]
    records = [json.loads(r) for r in seen if json.loads(r)["dynamodb"]["Keys"]["id"]["S"] == "s1"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    assert insert["eventSource"] == "aws:dynamodb"
    assert insert["eventSourceARN"].startswith(
        "arn:aws:dynamodb:us-west-2:123456789012:table/bus-test-staging-data/stream/"
    )
    assert insert["dynamodb"]["NewImage"] == {"id": {"S": "s1"}, "v": {"N": "1"}}
    assert "OldImage" not in insert["dynamodb"]
    assert modify["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert remove["dynamodb"]["OldImage"]["v"] == {"N": "2"} and "NewImage" not in remove["dynamodb"]
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence == sorted(sequence)


def test_fire_a_schedule_on_demand(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    result = sandbox.fire("tick")
    assert result["ok"], result
    fired_at = result["payload"]["ticked"]
    items = log_table(aws).query(KeyConditionExpression=Key("pk").eq("ticks"))["Items"]
    events = [json.loads(i["raw"]) for i in items]
    [event] = [e for e in events if e["time"] == fired_at]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.scheduler"
    assert event["resources"] == [
        "arn:aws:scheduler:us-west-2:123456789012:schedule/default/bus-test-testing-tick"
    ]


def test_pyarc_invoke_against_the_running_sandbox(sandbox: Sandbox, aws):  # type: ignore[no-untyped-def]
    port = sandbox.events_url.rsplit(":", 1)[1]
    run = subprocess.run(
        [sys.executable, "-m", "pyarc", "invoke", "events", "ping",
         "--payload", '{"id": "cli1"}', "--port", port],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "ok" in run.stdout
    wait_received(aws, "cli1-event")
    failed = subprocess.run(
        [sys.executable, "-m", "pyarc", "invoke", "events", "crash", "--port", port],
        capture_output=True, text=True, timeout=60,
    )
    assert failed.returncode == 1 and "this subscriber always fails" in failed.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "pyarc", "invoke", "queues", "nope", "--port", port],
        capture_output=True, text=True, timeout=60,
    )
    assert unknown.returncode == 2 and "no @queues 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "pyarc", "invoke", "events", "ping", "--payload", "{oops", "--port", port],
        capture_output=True, text=True, timeout=60,
    )
    assert bad.returncode == 2 and "--payload is not valid JSON" in bad.stderr


def test_schedules_fire_by_themselves_while_the_sandbox_runs() -> None:
    """`rate(...)` fires when the schedule starts (as EventBridge Scheduler does with no
    start date), then every interval; the next fire time is reported for the banner."""
    with Sandbox(APP, schedules=True) as sb:
        env = sb.env
        table = boto3.resource(
            "dynamodb", endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"], region_name=env["AWS_REGION"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        ).Table("bus-test-staging-log")

        def ticks() -> list[dict]:
            return table.query(KeyConditionExpression=Key("pk").eq("ticks"))["Items"]

        wait_until(lambda: len(ticks()) == 1, 20, "the rate schedule's first fire")
        assert sb.server is not None and sb.server.event_bus is not None
        upcoming = sb.server.event_bus.next_fire_times()["tick"]
        fired = datetime.strptime(json.loads(ticks()[0]["raw"])["time"], "%Y-%m-%dT%H:%M:%SZ")
        gap = upcoming - fired.replace(tzinfo=UTC)
        assert timedelta(days=1) <= gap < timedelta(days=1, seconds=1)  # one day after the first
