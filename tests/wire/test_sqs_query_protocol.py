"""SQS in the query protocol, as boto3 1.34 releases before botocore 1.34.90 send it (pyarc
allows boto3 >= 1.34): a real botocore client built on botocore 1.34.50's own SQS model
(`botocore-1.34.50/`: its service-2.json, `protocol: query`, documentation stripped) gets
the same answers and errors as today's JSON client."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests import fuzz_app
from tests.fuzz_app import TABLE, _delivered

sb = fuzz_app.sb
clients = fuzz_app.clients
LEGACY_MODELS = Path(__file__).parent / "botocore-1.34.50"


def _legacy_sqs(sb: Any, validate: bool = True) -> Any:
    session = botocore.session.Session()
    session.get_component("data_loader").search_paths.insert(0, str(LEGACY_MODELS))
    env = sb.env
    return boto3.Session(botocore_session=session).client(
        "sqs", endpoint_url=sb.events_url, region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        config=Config(parameter_validation=validate, retries={"max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def legacy(sb):  # type: ignore[no-untyped-def]
    client = _legacy_sqs(sb)
    assert client.meta.service_model.protocol == "query"  # the form body, XML answers
    return client


def test_the_query_protocol_sends_and_answers_as_json_does(sb, clients, legacy) -> None:  # type: ignore[no-untyped-def]
    url = legacy.get_queue_url(QueueName="jobs")["QueueUrl"]
    assert url == clients["sqs"].get_queue_url(QueueName="jobs")["QueueUrl"]
    body = "health-" + uuid.uuid4().hex
    sent = legacy.send_message(
        QueueUrl=url, MessageBody=body, MessageGroupId="g",
        MessageAttributes={"colour": {"DataType": "String", "StringValue": "red"}},
    )
    assert sent["MessageId"] and sent["SequenceNumber"]
    _delivered(sb, clients, "queue:" + body)
    batch = legacy.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "health-a-" + uuid.uuid4().hex, "MessageGroupId": "g"},
        {"Id": "b", "MessageBody": "x", "MessageGroupId": "g", "DelaySeconds": 5},
    ])
    assert [entry["Id"] for entry in batch["Successful"]] == ["a"]
    assert batch["Failed"] == [{
        "Id": "b", "SenderFault": True, "Code": "InvalidParameterValue",
        "Message": "Value 5 for parameter DelaySeconds is invalid. Reason: The request include "
                   "parameter that is not valid for this queue type."}]
    attributes = legacy.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    today = clients["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes.keys() == today.keys() and attributes["FifoQueue"] == "true"
    assert clients["dynamodb"].describe_table(TableName=TABLE)  # the sandbox still serves


def test_the_query_protocol_gets_sqs_errors(sb, legacy) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(legacy.exceptions.QueueDoesNotExist):
        legacy.get_queue_url(QueueName="nope")
    unchecked = _legacy_sqs(sb, validate=False)
    url = legacy.get_queue_url(QueueName="jobs")["QueueUrl"]
    with pytest.raises(ClientError) as caught:
        unchecked.send_message(QueueUrl=url, MessageGroupId="g")
    assert caught.value.response["Error"]["Code"] == "MissingParameter"
    assert caught.value.response["Error"]["Message"] == (
        "The request must contain the parameter MessageBody.")
    with pytest.raises(ClientError) as caught:
        unchecked.send_message(QueueUrl=url, MessageBody="m", MessageGroupId="g", DelaySeconds="soon")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "DelaySeconds" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as caught:
        legacy.receive_message(QueueUrl=url)
    assert caught.value.response["Error"]["Code"] == "AWS.SimpleQueueService.UnsupportedOperation"
