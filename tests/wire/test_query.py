"""pyarc.wire.query: a query-protocol form body read as botocore's model describes it, then
checked like a JSON body; pyarc.wire.refusals: each service's wording of a refusal."""

from __future__ import annotations

import pytest

from pyarc.wire import (
    MissingMember,
    WireError,
    WrongType,
    error_statuses,
    input_shape,
    read_form,
    refusal,
)
from pyarc.wire.query import decode, form_tree


def test_lists_maps_and_nested_structures_read_as_the_model_spells_them() -> None:
    form = {
        "Action": "PublishBatch", "Version": "2010-03-31", "TopicArn": "arn:t",
        "PublishBatchRequestEntries.member.2.Id": "b",
        "PublishBatchRequestEntries.member.2.Message": "second",
        "PublishBatchRequestEntries.member.1.Id": "a",
        "PublishBatchRequestEntries.member.1.Message": "first",
        "PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name": "colour",
        "PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType": "String",
        "PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue": "red",
        "Unknown.Parameter": "ignored, as AWS ignores it",
    }
    assert read_form("sns", "PublishBatch", form) == {
        "TopicArn": "arn:t",
        "PublishBatchRequestEntries": [
            {"Id": "a", "Message": "first",
             "MessageAttributes": {"colour": {"DataType": "String", "StringValue": "red"}}},
            {"Id": "b", "Message": "second"},
        ],
    }


def test_an_empty_list_is_the_bare_name() -> None:
    request = read_form("sns", "PublishBatch", {"TopicArn": "t", "PublishBatchRequestEntries": ""})
    assert request["PublishBatchRequestEntries"] == []


def test_scalars_become_the_model_type_or_are_refused_with_their_position() -> None:
    # STS speaks the query protocol too, and has an integer member
    base = {"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "s"}
    assert read_form("sts", "AssumeRole", {**base, "DurationSeconds": "900"})["DurationSeconds"] == 900
    with pytest.raises(WrongType) as caught:
        read_form("sts", "AssumeRole", {**base, "DurationSeconds": "soon"})
    assert (caught.value.where, caught.value.kind) == (("DurationSeconds",), "integer")


def test_a_value_where_a_list_or_structure_belongs_is_the_wrong_type() -> None:
    with pytest.raises(WrongType) as caught:
        read_form("sns", "PublishBatch", {"TopicArn": "t", "PublishBatchRequestEntries": "x"})
    assert caught.value.kind == "list"
    form = {"TopicArn": "t", "Message": "m", "MessageAttributes.entry.1.Name": "a",
            "MessageAttributes.entry.1.Value": "plain"}
    with pytest.raises(WrongType) as caught:
        read_form("sns", "Publish", form)
    assert caught.value.where == ("MessageAttributes", ("a",)) and caught.value.kind == "structure"


def test_a_missing_member_deep_in_the_form_is_named_as_aws_names_it() -> None:
    form = {"TopicArn": "t", "PublishBatchRequestEntries.member.1.Id": "a"}
    with pytest.raises(MissingMember) as caught:
        read_form("sns", "PublishBatch", form)
    assert caught.value.member == "publishBatchRequestEntries.1.member.message"


def test_a_parameter_that_is_also_a_prefix_keeps_both() -> None:
    assert form_tree({"A": "1", "A.B": "2"}) == {"A": {"": "1", "B": "2"}}
    assert form_tree({"A.B": "2", "A": "1"}) == {"A": {"B": "2", "": "1"}}
    shape = input_shape("sns", "Publish")
    assert shape is not None
    assert decode(shape, {"Message": "m", "Message.x": "y"}) == {"Message": {"": "m", "x": "y"}}


def _refused(service: str, error: WireError) -> tuple[str, str]:
    answer = refusal(service, error)
    return answer.code, answer.message


def test_each_service_words_a_refusal_as_it_does() -> None:
    missing = MissingMember(("Entries", 0, "MessageBody"))
    wrong = WrongType(("MessageAttributes", ("a",), "StringValue"), "string", 5)
    assert _refused("sqs", missing) == (
        "MissingParameter", "The request must contain the parameter Entries.1.MessageBody.")
    assert _refused("sqs", wrong) == (
        "InvalidParameterValue", "Value 5 for parameter MessageAttributes.a.StringValue is "
        "invalid. Reason: it must be a string.")
    null = ("1 validation error detected: Value null at 'entries.1.member.messageBody' failed "
            "to satisfy constraint: Member must not be null")
    assert _refused("ssm", missing) == ("ValidationException", null)
    assert _refused("sns", missing) == ("ValidationError", null)
    assert _refused("ssm", wrong) == (
        "SerializationException",
        "NUMBER_VALUE cannot be converted (at 'MessageAttributes.a.StringValue', which must be "
        "a string)")
    assert _refused("sns", WrongType(("PublishBatchRequestEntries",), "list", "x")) == (
        "InvalidParameter", "Invalid parameter: PublishBatchRequestEntries Reason: it must be "
        "a list (Name.member.N=...)")


def test_an_error_status_is_the_one_the_model_declares() -> None:
    statuses = error_statuses("sns")
    assert statuses["NotFound"] == 404 and statuses["AuthorizationError"] == 403
    assert statuses["InvalidParameter"] == 400 and statuses["ParameterValueInvalid"] == 400
