"""Regressions the fuzzers of tests/test_bad_input.py found in the events port (SQS JSON protocol, the Architect bus, /_arc/invoke): each request was
answered wrongly before its fix. The app, `sb`, `clients` and the check live in
tests/fuzz_app.py."""

from __future__ import annotations

import pytest

from tests.fuzz_app import DEEP, REGRESSION_FIELDS, SQS_GOOD, check_regression

REGRESSIONS = [
    # (endpoint, X-Amz-Target, body, status, error type, words the message must hold)
    ("sqs", "AmazonSQS.GetQueueUrl", [], 400, "InvalidParameterValue", "JSON object"),
    ("sqs", "AmazonSQS.SendMessage", {"QueueUrl": 5, "MessageBody": "x"}, 400,
     "InvalidParameterValue", "QueueUrl"),
    ("sqs", "AmazonSQS.SendMessage",
     {**SQS_GOOD["SendMessage"], "MessageAttributes": {"a": {"DataType": 5}}}, 400,
     "InvalidParameterValue", "MessageAttributes.a.DataType"),
    ("sqs", "AmazonSQS.SendMessageBatch",
     {"QueueUrl": SQS_GOOD["SendMessage"]["QueueUrl"], "Entries": ["x"]}, 400,
     "InvalidParameterValue", "Entries.1"),
    ("sqs", "AmazonSQS.GetQueueUrl", DEEP, 400, "InvalidParameterValue", "JSON"),
    ("sqs", "AmazonSQS.GetQueueAttributes", {"QueueUrl": None, "AttributeNames": ["All"]}, 400,
     "MissingParameter", "QueueUrl"),  # null is absent, and the model requires it
    ("/events", "", b"\x80", 400, None, "not UTF-8"),
    ("/queues", "", DEEP, 400, None, "nested too deeply"),
    ("/_arc/invoke", "", {"pragma": "http", "name": 5}, 400, None, "pragma"),
]


@pytest.mark.parametrize(REGRESSION_FIELDS, REGRESSIONS)
def test_regressions_found_by_fuzzing(sb, clients, where, target, body, status, error, words):
    check_regression(sb, clients, where, target, body, status, error, words)
