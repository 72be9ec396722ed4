"""pyarc.wire: botocore's model, compiled once, refuses wrong types and missing members."""

from __future__ import annotations

import pytest

from pyarc.wire import MissingMember, OutOfRange, WrongType, check, input_shape


def test_a_member_of_the_wrong_type_is_named_with_its_path() -> None:
    shape = input_shape("sqs", "SendMessageBatch")
    assert shape is not None
    request = {"QueueUrl": "q", "Entries": [{"Id": "a", "MessageBody": "x", "DelaySeconds": "5"}]}
    with pytest.raises(WrongType) as caught:
        check(shape, request)
    assert caught.value.path == "Entries[0].DelaySeconds"
    assert caught.value.message == (
        "STRING_VALUE cannot be converted (at 'Entries[0].DelaySeconds', which must be an integer)"
    )


def test_a_missing_required_member_gets_aws_wording_and_member_path() -> None:
    shape = input_shape("ssm", "GetParametersByPath")
    assert shape is not None
    with pytest.raises(MissingMember) as caught:
        check(shape, {"Recursive": True})
    assert caught.value.message == (
        "1 validation error detected: Value null at 'path' failed to satisfy constraint: "
        "Member must not be null"
    )
    shape = input_shape("dynamodb", "CreateTable")
    assert shape is not None
    with pytest.raises(MissingMember, match="'keySchema.1.member.keyType'"):
        check(shape, {"TableName": "t", "KeySchema": [{"AttributeName": "pk"}],
                      "AttributeDefinitions": []})


def test_nulls_are_absent_and_opaque_shapes_go_to_the_hook() -> None:
    shape = input_shape("dynamodb", "PutItem", frozenset({"AttributeValue"}))
    assert shape is not None
    seen: list[tuple[object, str, object]] = []

    def hook(value: object, holder: str, key: object) -> object:
        seen.append((value, holder, key))
        return {"S": "normalised"}

    request = {"TableName": "t", "Item": {"pk": {"S": "a"}}, "ConditionExpression": None}
    check(shape, request, hook)
    assert "ConditionExpression" not in request
    assert request["Item"] == {"pk": {"S": "normalised"}}
    assert seen == [({"S": "a"}, "PutItemInputAttributeMap", "pk")]


def test_an_operation_botocore_does_not_know_has_nothing_to_check() -> None:
    assert input_shape("sqs", "NoSuchOperation") is None


def test_ranges_are_checked_only_when_asked() -> None:
    shape = input_shape("ssm", "GetParametersByPath")
    assert shape is not None
    check(shape, {"Path": "/a", "MaxResults": 0})  # types only: DynamoDB's operations range-check
    with pytest.raises(OutOfRange) as caught:
        check(shape, {"Path": "/a", "MaxResults": 0}, ranges=True)
    assert caught.value.message == (
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    with pytest.raises(OutOfRange, match="'path' .* length greater than or equal to 1"):
        check(shape, {"Path": ""}, ranges=True)
