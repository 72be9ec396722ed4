"""Events, queues, schedules and table streams through a real sandbox and real workers.

The test app (tests/events/app) records what each subscriber received in its `log`
table; the tests read it back with boto3, the way any client would.
"""

from __future__ import annotations

import json
import os
import shutil
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
def sandbox_env(sandbox: Sandbox) -> Iterator[dict[str, str]]:
    """The test process's boto3 reaches the sandbox through the same variables handlers get."""
    saved = dict(os.environ)
    os.environ.update(sandbox.env)
    yield sandbox.env
    os.environ.clear()
    os.environ.update(saved)


def log_table(sandbox_env: dict[str, str]):  # type: ignore[no-untyped-def]
    return boto3.resource("dynamodb").Table("bus-test-staging-log")


def received(sandbox_env: dict[str, str], sk: str) -> dict | None:
    return log_table(sandbox_env).get_item(Key={"pk": "received", "sk": sk}).get("Item")


def wait_received(sandbox_env: dict[str, str], sk: str, timeout: float = 20) -> dict:
    wait_until(lambda: received(sandbox_env, sk) is not None, timeout, f"{sk} to be received")
    item = received(sandbox_env, sk)
    assert item is not None
    return json.loads(item["raw"])


def test_boto3_sns_publish_reaches_the_subscriber_with_the_sns_shape(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    ssm = boto3.client("ssm")
    topic = ssm.get_parameter(Name="/BusTestTesting/events/ping")["Parameter"]["Value"]
    assert topic == "arn:aws:sns:us-west-2:123456789012:bus-test-testing-ping"
    sent = boto3.client("sns").publish(
        TopicArn=topic, Message=json.dumps({"id": "sns1"}), Subject="greetings",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}},
    )
    event = wait_received(sandbox_env, "sns1-event")
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


def test_a_handler_publishes_with_the_runtime_helpers(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    response = httpx.post(f"{sandbox.url}/publish", json={"id": "h1"})
    assert response.status_code == 200, response.text
    event = wait_received(sandbox_env, "h1-event")
    assert json.loads(event["Records"][0]["Sns"]["Message"]) == {"id": "h1"}
    record = wait_received(sandbox_env, "h1-queue")
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-west-2:123456789012:bus-test-testing-jobs.fifo"
    assert record["attributes"]["MessageGroupId"] == "g"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert json.loads(record["body"]) == {"id": "h1"}


def test_architect_event_bus_endpoint_and_its_errors(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    bus = sandbox.events_url
    ok = httpx.post(f"{bus}/events", json={"name": "ping", "payload": {"id": "arc1"}})
    assert ok.status_code == 202 and ok.json()["messageId"]
    wait_received(sandbox_env, "arc1-event")
    queued = httpx.post(f"{bus}/queues", json={"name": "jobs", "payload": {"id": "arc2"}})
    assert queued.status_code == 202
    wait_received(sandbox_env, "arc2-queue")
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
    wait_received(sandbox_env, "arc3-event")


def test_sns_and_sqs_errors_are_what_boto3_expects(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish(TopicArn="arn:aws:sns:us-west-2:123456789012:nope", Message="x")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn="arn:aws:sns:us-west-2:123456789012:bus-test-testing-ping",
                    Message="x" * 300_000)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="nope")


def test_fifo_order_per_group_under_concurrent_sends(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
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
    table = log_table(sandbox_env)
    for group in (0, 1):
        seen = table.get_item(Key={"pk": f"order-o{group}", "sk": "order"})["Item"]["seen"]
        assert [int(v) for v in seen] == [n for n in range(30) if n % 2 == group]


def test_a_failed_message_is_redelivered_with_a_higher_receive_count(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="bus-test-testing-flaky")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"try": 1}))
    record = wait_received(sandbox_env, "flaky")
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    receives = log_table(sandbox_env).get_item(Key={"pk": "flaky-receives", "sk": "order"})["Item"]["seen"]
    assert receives == ["1", "2"]


def test_a_crashing_subscriber_is_retried_and_does_not_break_publishing(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    bus = sandbox.events_url
    assert httpx.post(f"{bus}/events", json={"name": "crash", "payload": {}}).status_code == 202
    assert httpx.post(f"{bus}/events", json={"name": "ping", "payload": {"id": "after-crash"}}).status_code == 202
    wait_received(sandbox_env, "after-crash-event")
    sandbox.idle()
    attempts = log_table(sandbox_env).get_item(Key={"pk": "crash-attempts", "sk": "order"})["Item"]["seen"]
    assert len(attempts) == 3 and len(set(attempts)) == 1  # Lambda async: 1 try + 2 retries


def test_publishing_never_waits_for_a_slow_subscriber(sandbox: Sandbox, sandbox_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    release = tmp_path / "release"
    response = httpx.post(
        f"{sandbox.events_url}/events",
        json={"name": "blocked", "payload": {"id": "slow", "release": str(release)}},
    )
    assert response.status_code == 202  # answered while the subscriber is still waiting
    assert received(sandbox_env, "slow-blocked") is None
    release.touch()
    wait_received(sandbox_env, "slow-blocked")


def test_table_stream_records_for_insert_modify_remove(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    data = boto3.resource("dynamodb").Table("bus-test-staging-data")
    data.put_item(Item={"id": "s1", "v": 1})
    data.update_item(Key={"id": "s1"}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": 2})
    data.delete_item(Key={"id": "s1"})
    sandbox.idle()
    seen = log_table(sandbox_env).get_item(Key={"pk": "stream", "sk": "order"})["Item"]["seen"]
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


def test_fire_a_schedule_on_demand(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    result = sandbox.fire("tick")
    assert result["ok"], result
    fired_at = result["payload"]["ticked"]
    items = log_table(sandbox_env).query(KeyConditionExpression=Key("pk").eq("ticks"))["Items"]
    events = [json.loads(i["raw"]) for i in items]
    [event] = [e for e in events if e["time"] == fired_at]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.scheduler"
    assert event["resources"] == [
        "arn:aws:scheduler:us-west-2:123456789012:schedule/default/bus-test-testing-tick"
    ]


def test_pyarc_invoke_against_the_running_sandbox(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    port = sandbox.events_url.rsplit(":", 1)[1]
    run = subprocess.run(
        [sys.executable, "-m", "pyarc", "invoke", "events", "ping",
         "--payload", '{"id": "cli1"}', "--port", port],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "ok" in run.stdout
    wait_received(sandbox_env, "cli1-event")
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


def test_schedules_fire_by_themselves_while_the_sandbox_runs(tmp_path: Path) -> None:
    """With prefs.arc `@sandbox fire-at-start true` a `rate(...)` fires when the sandbox
    starts (by default it first fires one period later, as a new EventBridge schedule),
    then every interval; the next fire time is reported for the banner."""
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    (app / "prefs.arc").write_text("@sandbox\nfire-at-start true\n")
    with Sandbox(app, schedules=True) as sb:
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


# --- SNS and SQS as boto3 speaks them: validation, batches and errors as AWS answers -------
TOPIC = "arn:aws:sns:us-west-2:123456789012:bus-test-testing-ping"


def error_code(info: pytest.ExceptionInfo) -> str:  # type: ignore[type-arg]
    return info.value.response["Error"]["Code"]  # type: ignore[attr-defined]


def test_sns_message_structure_json_delivers_the_lambda_entry(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sns = boto3.client("sns")
    message = json.dumps({"default": json.dumps({"id": "ms-default"}), "lambda": json.dumps({"id": "ms1"})})
    sns.publish(TopicArn=TOPIC, Message=message, MessageStructure="json")
    only_default = json.dumps({"default": json.dumps({"id": "ms2"}), "email": "hello"})
    sns.publish(TopicArn=TOPIC, Message=only_default, MessageStructure="json")
    assert json.loads(wait_received(sandbox_env, "ms1-event")["Records"][0]["Sns"]["Message"]) == {"id": "ms1"}
    assert json.loads(wait_received(sandbox_env, "ms2-event")["Records"][0]["Sns"]["Message"]) == {"id": "ms2"}
    with pytest.raises(sns.exceptions.InvalidParameterException, match="No default entry"):
        sns.publish(TopicArn=TOPIC, Message=json.dumps({"lambda": "x"}), MessageStructure="json")
    with pytest.raises(sns.exceptions.InvalidParameterException, match="failed to parse"):
        sns.publish(TopicArn=TOPIC, Message="not json", MessageStructure="json")


def test_sns_message_attributes_of_every_type(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sns = boto3.client("sns")
    sns.publish(
        TopicArn=TOPIC, Message=json.dumps({"id": "attrs1"}),
        MessageAttributes={
            "s": {"DataType": "String", "StringValue": "text"},
            "n": {"DataType": "Number", "StringValue": "12.5"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
            "a": {"DataType": "String.Array", "StringValue": '["x", 1, true]'},
        },
    )
    sns_event = wait_received(sandbox_env, "attrs1-event")["Records"][0]["Sns"]
    assert sns_event["Subject"] is None  # SNS sends null when no subject was given
    assert sns_event["MessageAttributes"] == {
        "s": {"Type": "String", "Value": "text"},
        "n": {"Type": "Number", "Value": "12.5"},
        "b": {"Type": "Binary", "Value": "AAH/"},
        "a": {"Type": "String.Array", "Value": '["x", 1, true]'},
    }
    with pytest.raises(sns.exceptions.InvalidParameterValueException, match="type prefixes") as info:
        sns.publish(TopicArn=TOPIC, Message="x",
                    MessageAttributes={"k": {"DataType": "Text", "StringValue": "v"}})
    assert error_code(info) == "ParameterValueInvalid"
    with pytest.raises(sns.exceptions.InvalidParameterValueException, match="cast"):
        sns.publish(TopicArn=TOPIC, Message="x",
                    MessageAttributes={"k": {"DataType": "Number", "StringValue": "ten"}})


def test_sns_publish_batch_and_its_limits(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sns = boto3.client("sns")
    answer = sns.publish_batch(TopicArn=TOPIC, PublishBatchRequestEntries=[
        {"Id": "one", "Message": json.dumps({"id": "pb1"}), "Subject": "batch"},
        {"Id": "two", "Message": json.dumps({"id": "pb2"})},
        {"Id": "bad", "Message": "x", "MessageAttributes": {"k": {"DataType": "Number", "StringValue": "NaN?"}}},
    ])
    assert [e["Id"] for e in answer["Successful"]] == ["one", "two"]
    assert [(e["Id"], e["Code"], e["SenderFault"]) for e in answer["Failed"]] == [
        ("bad", "ParameterValueInvalid", True)
    ]
    first = wait_received(sandbox_env, "pb1-event")["Records"][0]["Sns"]
    assert first["MessageId"] == answer["Successful"][0]["MessageId"] and first["Subject"] == "batch"
    wait_received(sandbox_env, "pb2-event")
    eleven = [{"Id": f"m{n}", "Message": "x"} for n in range(11)]
    with pytest.raises(sns.exceptions.TooManyEntriesInBatchRequestException):
        sns.publish_batch(TopicArn=TOPIC, PublishBatchRequestEntries=eleven)
    with pytest.raises(sns.exceptions.BatchEntryIdsNotDistinctException):
        sns.publish_batch(TopicArn=TOPIC, PublishBatchRequestEntries=[{"Id": "a", "Message": "x"}] * 2)
    with pytest.raises(sns.exceptions.InvalidBatchEntryIdException):
        sns.publish_batch(TopicArn=TOPIC, PublishBatchRequestEntries=[{"Id": "no spaces", "Message": "x"}])
    with pytest.raises(sns.exceptions.EmptyBatchRequestException):
        sns.publish_batch(TopicArn=TOPIC, PublishBatchRequestEntries=[])
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish_batch(TopicArn=TOPIC + "-nope", PublishBatchRequestEntries=[{"Id": "a", "Message": "x"}])


def test_sqs_fifo_rules_as_aws_enforces_them(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="bus-test-testing-jobs.fifo")["QueueUrl"]
    with pytest.raises(sqs.exceptions.ClientError) as info:
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"id": "nogroup"}))
    assert error_code(info) == "MissingParameter" and "MessageGroupId" in str(info.value)
    with pytest.raises(sqs.exceptions.ClientError) as info:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", DelaySeconds=5)
    assert error_code(info) == "InvalidParameterValue" and "DelaySeconds" in str(info.value)
    batch = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "ok", "MessageBody": json.dumps({"id": "fifo-ok"}), "MessageGroupId": "g"},
        {"Id": "late", "MessageBody": "x", "MessageGroupId": "g", "DelaySeconds": 3},
    ])
    assert [e["Id"] for e in batch["Successful"]] == ["ok"]
    assert [(e["Id"], e["Code"]) for e in batch["Failed"]] == [("late", "InvalidParameterValue")]
    wait_received(sandbox_env, "fifo-ok-queue")
    # content-based deduplication, as the deployed queue has: same body -> same message
    body = json.dumps({"id": "dedup1"})
    first = sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    again = sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"] and len(first["SequenceNumber"]) == 20
    record = wait_received(sandbox_env, "dedup1-queue")
    assert record["attributes"]["SequenceNumber"] == first["SequenceNumber"]
    sandbox.idle()
    deliveries = log_table(sandbox_env).get_item(Key={"pk": "deliveries-dedup1", "sk": "order"})["Item"]["seen"]
    assert deliveries == [first["MessageId"]]


def test_sqs_batch_limits_raise_the_exceptions_boto3_models(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="bus-test-testing-flaky")["QueueUrl"]
    cases = [
        ([{"Id": f"m{n}", "MessageBody": "x"} for n in range(11)],
         sqs.exceptions.TooManyEntriesInBatchRequest, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"),
        ([{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}],
         sqs.exceptions.BatchEntryIdsNotDistinct, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"),
        ([{"Id": "a.b", "MessageBody": "x"}],
         sqs.exceptions.InvalidBatchEntryId, "AWS.SimpleQueueService.InvalidBatchEntryId"),
        ([], sqs.exceptions.EmptyBatchRequest, "AWS.SimpleQueueService.EmptyBatchRequest"),
        ([{"Id": f"m{n}", "MessageBody": "x" * 100_000} for n in range(3)],
         sqs.exceptions.BatchRequestTooLong, "AWS.SimpleQueueService.BatchRequestTooLong"),
    ]
    for entries, exception, code in cases:
        with pytest.raises(exception) as info:
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        assert error_code(info) == code
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as info:
        sqs.send_message(QueueUrl=url + "-nope", MessageBody="x")
    assert error_code(info) == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(sqs.exceptions.ClientError) as info:
        sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901)
    assert error_code(info) == "InvalidParameterValue"


def test_sqs_message_attributes_reach_the_consumer_in_lambda_shape(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="bus-test-testing-jobs.fifo")["QueueUrl"]
    sqs.send_message(
        QueueUrl=url, MessageBody=json.dumps({"id": "sqsattrs"}), MessageGroupId="g",
        MessageAttributes={
            "s": {"DataType": "String", "StringValue": "text"},
            "n": {"DataType": "Number", "StringValue": "3"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
        },
    )
    attributes = wait_received(sandbox_env, "sqsattrs-queue")["messageAttributes"]
    empty = {"stringListValues": [], "binaryListValues": []}
    assert attributes == {
        "s": {"stringValue": "text", **empty, "dataType": "String"},
        "n": {"stringValue": "3", **empty, "dataType": "Number"},
        "b": {"binaryValue": "AP8=", **empty, "dataType": "Binary"},
    }
    with pytest.raises(sqs.exceptions.ClientError) as info:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                         MessageAttributes={"k": {"DataType": "Text", "StringValue": "v"}})
    assert error_code(info) == "InvalidParameterValue"


def test_sqs_get_queue_attributes(sandbox: Sandbox, sandbox_env):  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    fifo = sqs.get_queue_url(QueueName="bus-test-testing-jobs.fifo")["QueueUrl"]
    everything = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
    assert everything["QueueArn"] == "arn:aws:sqs:us-west-2:123456789012:bus-test-testing-jobs.fifo"
    assert everything["FifoQueue"] == "true" and everything["ContentBasedDeduplication"] == "true"
    assert everything["VisibilityTimeout"] == "5"  # the function timeout, as deployed
    assert everything["ApproximateNumberOfMessages"].isdigit()
    standard = sqs.get_queue_url(QueueName="bus-test-testing-flaky")["QueueUrl"]
    some = sqs.get_queue_attributes(QueueUrl=standard, AttributeNames=["QueueArn", "FifoQueue"])
    assert some["Attributes"] == {"QueueArn": "arn:aws:sqs:us-west-2:123456789012:bus-test-testing-flaky"}
    with pytest.raises(sqs.exceptions.InvalidAttributeName):
        sqs.get_queue_attributes(QueueUrl=standard, AttributeNames=["Colour"])


def test_pyarc_invoke_starts_a_one_off_sandbox_when_none_answers(tmp_path: Path) -> None:
    from pyarc.testing import free_port

    silent = free_port()  # nothing listens here
    run = subprocess.run(
        [sys.executable, "-m", "pyarc", "invoke", "scheduled", "tick", "--port", str(silent),
         "--cwd", str(APP)],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "starting a one-off sandbox" in run.stdout and "ok" in run.stdout
    assert '"ticked"' in run.stdout  # the handler's return value is printed
    unknown = subprocess.run(
        [sys.executable, "-m", "pyarc", "invoke", "events", "nope", "--port", str(silent),
         "--cwd", str(APP)],
        capture_output=True, text=True, timeout=120,
    )
    assert unknown.returncode == 2 and "no @events 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    broken = tmp_path / "broken"
    (broken / "src/scheduled/bad").mkdir(parents=True)
    (broken / "app.arc").write_text("@app\nbroken\n\n@scheduled\nbad cron(70 * * * ? *)\n")
    (broken / "src/scheduled/bad/lambda.py").write_text("def handler(event, context):\n    return 1\n")
    bad = subprocess.run(
        [sys.executable, "-m", "pyarc", "invoke", "scheduled", "bad", "--port", str(silent),
         "--cwd", str(broken)],
        capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
    assert "@scheduled 'bad'" in bad.stderr and "minutes value 70 is outside 0-59" in bad.stderr
