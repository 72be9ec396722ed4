"""The fuzz app: one sandbox with every kind of endpoint, its clients, and the checks shared
by the fuzzers (tests/test_bad_input.py) and the regressions they found (pinned next to the
tests of each module: tests/tables, tests/events and tests/sandbox test_fuzz_regressions.py).
Test modules get `sb` and `clients` through their directory's conftest.py."""

from __future__ import annotations

import json
import textwrap
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.config import Config

from pyarc.testing import Sandbox

MANIFEST = """\
@app
fuzz-app

@http
get /
post /echo

@ws
whoami

@tables
things
  id *String

@events
ping

@queues
jobs
"""

HANDLERS = {
    "src/http/get-index/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "home"}
    """,
    "src/http/post-echo/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": str(len(event.get("body") or ""))}
    """,
    "src/ws/connect/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200}
    """,
    "src/ws/disconnect/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200}
    """,
    "src/ws/default/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": "echo:" + (event.get("body") or "")}
    """,
    "src/ws/whoami/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": event["requestContext"]["connectionId"]}
    """,
    "src/events/ping/lambda.py": """
        from pyarc.functions import tables

        def handler(event, context):
            for record in event["Records"]:
                message = record["Sns"]["Message"]
                if message.startswith("health-"):
                    tables.table("things").put_item(Item={"id": "event:" + message})
    """,
    "src/queues/jobs/lambda.py": """
        from pyarc.functions import tables

        def handler(event, context):
            for record in event["Records"]:
                if record["body"].startswith("health-"):
                    tables.table("things").put_item(Item={"id": "queue:" + record["body"]})
    """,
}

LEAKS = ("Traceback", "object at 0x", "KeyError", "TypeError", "AttributeError",
         "ValueError", "RecursionError", "Internal server error", 'File "')
TABLE = "fuzz-app-staging-things"


TABLE = "fuzz-app-staging-things"


# the sandbox and its clients ---------------------------------------------------------------
@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    app = tmp_path_factory.mktemp("fuzz-app")
    (app / "app.arc").write_text(MANIFEST)
    for name, source in HANDLERS.items():
        path = app / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    with Sandbox(app, watch=False) as running:
        yield running


def _client(sb: Sandbox, service: str, url: str) -> Any:
    return sb.client(service, url, config=Config(retries={"max_attempts": 1}))


@pytest.fixture(scope="module")
def clients(sb: Sandbox) -> dict[str, Any]:
    arc = f"http://127.0.0.1:{sb.server.ports.arc}"  # type: ignore[union-attr]
    return {
        "dynamodb": _client(sb, "dynamodb", sb.tables_url or ""),
        "sns": _client(sb, "sns", sb.events_url),
        "sqs": _client(sb, "sqs", sb.events_url),
        "ssm": _client(sb, "ssm", arc),
        "http": httpx.Client(timeout=30),
    }


def _arc_url(sb: Sandbox) -> str:
    return f"http://127.0.0.1:{sb.server.ports.arc}"  # type: ignore[union-attr]


# what a good answer to bad input looks like -------------------------------------------------
def _names_problem(message: object) -> None:
    assert isinstance(message, str) and message.strip(), f"no message: {message!r}"
    for leak in LEAKS:
        assert leak not in message, f"the message leaks {leak!r}: {message!r}"


def _json(response: httpx.Response) -> dict:
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(
            f"not JSON ({response.status_code}): {response.content[:300]!r}"
        ) from None
    assert isinstance(body, dict), body
    return body


# health checks: each endpoint still answers a good request correctly ------------------------
def _healthy_tables(clients: dict[str, Any]) -> None:
    key = {"id": {"S": "health-" + uuid.uuid4().hex}}
    clients["dynamodb"].put_item(TableName=TABLE, Item={**key, "n": {"N": "1"}})
    item = clients["dynamodb"].get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]
    assert item == {**key, "n": {"N": "1"}}


def _delivered(sb: Sandbox, clients: dict[str, Any], item_id: str) -> None:
    sb.idle()
    found = clients["dynamodb"].get_item(TableName=TABLE, Key={"id": {"S": item_id}})
    assert "Item" in found, f"{item_id} was not delivered"


def _healthy_sns(sb: Sandbox, clients: dict[str, Any]) -> None:
    message = "health-" + uuid.uuid4().hex
    topic = f"arn:aws:sns:{sb.env['AWS_REGION']}:000000000000:ping"
    clients["sns"].publish(TopicArn=topic, Message=message)
    _delivered(sb, clients, "event:" + message)


def _healthy_sqs(sb: Sandbox, clients: dict[str, Any]) -> None:
    url = clients["sqs"].get_queue_url(QueueName="jobs")["QueueUrl"]
    body = "health-" + uuid.uuid4().hex
    clients["sqs"].send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    _delivered(sb, clients, "queue:" + body)


def _healthy_ssm(sb: Sandbox, clients: dict[str, Any]) -> None:
    found = clients["ssm"].get_parameters_by_path(Path="/FuzzAppTesting", Recursive=True)
    names = {p["Name"] for p in found["Parameters"]}
    assert "/FuzzAppTesting/tables/things" in names, names


def _healthy_http(sb: Sandbox, clients: dict[str, Any]) -> None:
    response = clients["http"].get(sb.url + "/")
    assert (response.status_code, response.text) == (200, "home")


# good requests the fuzzers mutate and the regressions start from --------------------------
KEY = {"id": {"S": "fuzz"}}
DYNAMO_GOOD: dict[str, dict] = {
    "GetItem": {"TableName": TABLE, "Key": KEY},
    "PutItem": {"TableName": TABLE, "Item": {**KEY, "n": {"N": "1"}, "l": {"L": [{"S": "a"}]}},
                "ConditionExpression": "attribute_not_exists(#k)",
                "ExpressionAttributeNames": {"#k": "id"}},
    "UpdateItem": {"TableName": TABLE, "Key": KEY, "UpdateExpression": "SET #n = :v ADD c :one",
                   "ExpressionAttributeNames": {"#n": "n"},
                   "ExpressionAttributeValues": {":v": {"N": "2"}, ":one": {"N": "1"}},
                   "ReturnValues": "ALL_NEW"},
    "DeleteItem": {"TableName": TABLE, "Key": {"id": {"S": "nothing"}}},
    "Query": {"TableName": TABLE, "KeyConditionExpression": "id = :i",
              "ExpressionAttributeValues": {":i": {"S": "fuzz"}}, "Limit": 5,
              "ExclusiveStartKey": KEY, "ScanIndexForward": False},
    "Scan": {"TableName": TABLE, "FilterExpression": "size(l) > :z",
             "ExpressionAttributeValues": {":z": {"N": "0"}}, "Segment": 0, "TotalSegments": 2},
    "BatchGetItem": {"RequestItems": {TABLE: {"Keys": [KEY]}}},
    "BatchWriteItem": {"RequestItems": {TABLE: [{"PutRequest": {"Item": KEY}}]}},
    "TransactWriteItems": {"TransactItems": [{"Put": {"TableName": TABLE, "Item": KEY}}]},
    "TransactGetItems": {"TransactItems": [{"Get": {"TableName": TABLE, "Key": KEY}}]},
    "DescribeTable": {"TableName": TABLE},
    "ListTables": {"Limit": 3, "ExclusiveStartTableName": "a"},
    "CreateTable": {"TableName": "fuzz-created", "BillingMode": "PAY_PER_REQUEST",
                    "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}]},
    "DescribeTimeToLive": {"TableName": TABLE},
}
SQS_GOOD: dict[str, dict] = {
    "GetQueueUrl": {"QueueName": "jobs"},
    "GetQueueAttributes": {"QueueUrl": "http://127.0.0.1/000000000000/fuzz-app-staging-jobs",
                           "AttributeNames": ["All"]},
    "SendMessage": {"QueueUrl": "http://127.0.0.1/000000000000/jobs", "MessageBody": "x",
                    "MessageGroupId": "g",
                    "DelaySeconds": 0, "MessageAttributes": {
                        "a": {"DataType": "String", "StringValue": "v"}}},
    "SendMessageBatch": {"QueueUrl": "http://127.0.0.1/000000000000/jobs",
                         "Entries": [{"Id": "a", "MessageBody": "x", "MessageGroupId": "g"}]},
}


# regressions found by the fuzzers -----------------------------------------------------------
DEEP = b"[" * 5000 + b"]" * 5000
NESTED_ITEM = {"id": {"S": "deep"}, "m": {"M": {}}}
_level = NESTED_ITEM["m"]["M"]
for _ in range(40):
    _level["m"] = {"M": {}}
    _level = _level["m"]["M"]

# (endpoint, X-Amz-Target, body, status, error type, words the message must hold)
REGRESSION_FIELDS = ("where", "target", "body", "status", "error", "words")


def check_regression(sb: Sandbox, clients: dict[str, Any], where: str, target: str,
                     body: object, status: int, error: str | None, words: str) -> None:
    """Each of these was answered wrongly before the fix: most with a 500 from an uncaught
    exception (and a traceback in the log); the 33-level item and MaxResults=50 were accepted."""
    url = {"tables": sb.tables_url, "sqs": sb.events_url, "_arc": _arc_url(sb)}.get(
        where, sb.events_url + where
    )
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = clients["http"].post(url, content=content, headers={"x-amz-target": target})
    assert response.status_code == status, response.content[:300]
    answer = _json(response)
    message = answer.get("message") or answer.get("error")
    _names_problem(message)
    assert words in message
    if error is not None:
        assert answer["__type"].rpartition("#")[2] == error, answer
    _healthy_tables(clients)
    _healthy_ssm(sb, clients)
    _healthy_sqs(sb, clients)
