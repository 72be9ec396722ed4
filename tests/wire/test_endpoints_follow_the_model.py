"""The SNS, SQS and SSM endpoints refuse what botocore's models refuse, in each protocol's
error shape, for requests boto3 sends when its own validation is off. Each of these was
answered wrongly by the hand-written checks before (noted per case)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests import fuzz_app
from tests.fuzz_app import _arc_url, _healthy_sns, _healthy_sqs, _healthy_ssm

sb = fuzz_app.sb
clients = fuzz_app.clients


@pytest.fixture(scope="module")
def unchecked(sb):  # type: ignore[no-untyped-def]
    """boto3 clients that send whatever they are given (`parameter_validation=False`)."""
    def client(service: str, url: str) -> Any:
        config = Config(parameter_validation=False, retries={"max_attempts": 1})
        return sb.client(service, url, config=config)

    return {"sns": client("sns", sb.events_url), "sqs": client("sqs", sb.events_url),
            "ssm": client("ssm", _arc_url(sb))}


def _refused(call: Any, **request: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**request)
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return {"Code": error["Code"], "Message": error["Message"]}


def _null(member: str) -> str:
    return (f"1 validation error detected: Value null at '{member}' failed to satisfy "
            "constraint: Member must not be null")


def test_sns_refuses_what_its_model_requires(sb, clients, unchecked) -> None:  # type: ignore[no-untyped-def]
    sns = unchecked["sns"]
    topic = f"arn:aws:sns:{sb.env['AWS_REGION']}:000000000000:ping"
    # before: the entry failed alone with "Empty message" and the batch was answered 200
    assert _refused(sns.publish_batch, TopicArn=topic,
                    PublishBatchRequestEntries=[{"Id": "a"}]) == {
        "Code": "ValidationError", "Message": _null("publishBatchRequestEntries.1.member.message")}
    # before: NotFound "Topic does not exist"
    assert _refused(sns.publish_batch, PublishBatchRequestEntries=[{"Id": "a", "Message": "m"}]) == {
        "Code": "ValidationError", "Message": _null("topicArn")}
    # before: ParameterValueInvalid, "an invalid message attribute type"
    assert _refused(sns.publish, TopicArn=topic, Message="m",
                    MessageAttributes={"colour": {"StringValue": "red"}}) == {
        "Code": "ValidationError", "Message": _null("messageAttributes.colour.member.dataType")}
    with pytest.raises(sns.exceptions.InvalidParameterException, match="Empty message"):
        sns.publish(TopicArn=topic, Message="")  # SNS's own rule, still there
    _healthy_sns(sb, clients)


def test_sqs_refuses_what_its_model_requires_or_types_otherwise(sb, clients, unchecked) -> None:  # type: ignore[no-untyped-def]
    sqs = unchecked["sqs"]
    url = clients["sqs"].get_queue_url(QueueName="jobs")["QueueUrl"]
    good = {"QueueUrl": url, "MessageBody": "m", "MessageGroupId": "g"}
    # before: QueueDoesNotExist
    assert _refused(sqs.send_message, MessageBody="m") == {
        "Code": "MissingParameter", "Message": "The request must contain the parameter QueueUrl."}
    # before: accepted; the hand list did not know MessageSystemAttributes
    trace = {"AWSTraceHeader": {"DataType": "String", "StringValue": 5}}
    assert _refused(sqs.send_message, **good, MessageSystemAttributes=trace) == {
        "Code": "InvalidParameterValue",
        "Message": "Value 5 for parameter MessageSystemAttributes.AWSTraceHeader.StringValue is "
                   "invalid. Reason: it must be a string."}
    # before: "must contain non-empty message attribute value" for a value that was there
    assert _refused(sqs.send_message, **good,
                    MessageAttributes={"n": {"DataType": "Number", "StringValue": 5}}) == {
        "Code": "InvalidParameterValue",
        "Message": "Value 5 for parameter MessageAttributes.n.StringValue is invalid. Reason: it "
                   "must be a string."}
    # before: the entry failed alone; the model requires MessageBody of every entry
    assert _refused(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": "a"}]) == {
        "Code": "MissingParameter",
        "Message": "The request must contain the parameter Entries.1.MessageBody."}
    _healthy_sqs(sb, clients)


def test_ssm_refuses_what_its_model_requires_or_types_otherwise(sb, clients, unchecked) -> None:  # type: ignore[no-untyped-def]
    ssm = unchecked["ssm"]
    # before: ParameterNotFound "Parameter  not found."
    assert _refused(ssm.get_parameter) == {"Code": "ValidationException", "Message": _null("name")}
    # before: accepted; WithDecryption was not on the hand list
    assert _refused(ssm.get_parameters_by_path, Path="/FuzzAppTesting", WithDecryption="yes") == {
        "Code": "SerializationException",
        "Message": "STRING_VALUE cannot be converted (at 'WithDecryption', which must be true "
                   "or false)"}
    # before: "Path must start with /." for a path that was not there at all
    assert _refused(ssm.get_parameters_by_path, Recursive=True) == {
        "Code": "ValidationException", "Message": _null("path")}
    # before: accepted; SSM takes at most 10 names
    names = [f"/FuzzAppTesting/n{n}" for n in range(11)]
    assert _refused(ssm.get_parameters, Names=names) == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '[{', '.join(names)}]' at 'names' failed "
                   "to satisfy constraint: Member must have length less than or equal to 10"}
    # before: the same check by hand, worded "between 1 and 10"
    assert _refused(ssm.get_parameters_by_path, Path="/FuzzAppTesting", MaxResults=50) == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value '50' at 'maxResults' failed to satisfy "
                   "constraint: Member must have value less than or equal to 10"}
    _healthy_ssm(sb, clients)
