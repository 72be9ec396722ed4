"""events.publish/parse and queues.publish/parse against moto's SNS and SQS."""

from __future__ import annotations

import json

import boto3
import pytest

from pyarc.functions import events, queues

pytestmark = pytest.mark.usefixtures("moto_in_process")

STACK = "CageSocketStaging"


def _put(name: str, value: str) -> None:
    boto3.client("ssm", region_name="us-east-1").put_parameter(
        Name=name, Value=value, Type="String", Overwrite=True
    )


def _receive(sqs, url: str) -> list[dict]:
    answer = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
    )
    return answer.get("Messages", [])


def test_events_publish_goes_to_the_discovered_topic():
    sns = boto3.client("sns", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="cage-socket-staging-ping")["TopicArn"]
    inbox = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
    _put(f"/{STACK}/events/ping", topic)

    message_id = events.publish("ping", {"hello": "sns", "n": 1})

    (message,) = _receive(sqs, inbox)
    envelope = json.loads(message["Body"])
    assert envelope["MessageId"] == message_id
    assert envelope["TopicArn"] == topic
    assert json.loads(envelope["Message"]) == {"hello": "sns", "n": 1}


def test_queues_publish_to_a_standard_queue():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="cage-socket-staging-jobs")["QueueUrl"]
    _put(f"/{STACK}/queues/jobs", url)
    message_id = queues.publish("jobs", ["a", 1])
    (message,) = _receive(sqs, url)
    assert message["MessageId"] == message_id
    assert json.loads(message["Body"]) == ["a", 1]


def test_queues_publish_to_a_fifo_queue_sets_the_group():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(
        QueueName="cage-socket-staging-jobs.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    _put(f"/{STACK}/queues/jobs", url)
    queues.publish("jobs", {"first": 1})
    queues.publish("jobs", {"second": 2}, group_id="room-7", dedup_id="d-2")
    messages = _receive(sqs, url)
    groups = {
        json.dumps(json.loads(m["Body"])): m["Attributes"]["MessageGroupId"] for m in messages
    }
    assert groups == {'{"first": 1}': "jobs", '{"second": 2}': "room-7"}


def test_events_parse_reads_sns_records():
    event = {
        "Records": [
            {"EventSource": "aws:sns", "Sns": {"Message": '{"a":1}', "TopicArn": "arn"}},
            {"EventSource": "aws:sns", "Sns": {"Message": "not json", "TopicArn": "arn"}},
        ]
    }
    assert events.parse(event) == [{"a": 1}, "not json"]
    assert events.parse({}) == []


def test_queues_parse_reads_sqs_records():
    event = {
        "Records": [
            {"eventSource": "aws:sqs", "body": '{"job":"resize"}', "messageId": "1"},
            {"eventSource": "aws:sqs", "body": "[1,2]", "messageId": "2"},
        ]
    }
    assert queues.parse(event) == [{"job": "resize"}, [1, 2]]


def test_publish_and_parse_round_trip_through_a_real_queue():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="round-trip")["QueueUrl"]
    _put(f"/{STACK}/queues/round-trip", url)
    payload = {"nested": {"list": [1, 2.5, None, True]}, "text": "héllo"}
    queues.publish("round-trip", payload)
    records = [{"body": m["Body"]} for m in _receive(sqs, url)]
    assert queues.parse({"Records": records}) == [payload]
