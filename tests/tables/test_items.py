"""PutItem/GetItem/UpdateItem/DeleteItem through boto3 against the real endpoint."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

KEY = {"pk": {"S": "a"}, "sk": {"S": "1"}}


def err(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_put_get_roundtrip_normalises_numbers(ddb, things):
    item = {**KEY, "n": {"N": "01.500"}, "big": {"N": "12345678901234567890123456789012345678"},
            "b": {"B": b"\x00\x01"}, "ns": {"NS": ["1", "2.0"]}, "m": {"M": {"x": {"NULL": True}}}}
    ddb.put_item(TableName=things, Item=item)
    got = ddb.get_item(TableName=things, Key=KEY)["Item"]
    assert got["n"] == {"N": "1.5"}
    assert got["big"]["N"] == "12345678901234567890123456789012345678"
    assert got["b"] == {"B": b"\x00\x01"}
    assert sorted(got["ns"]["NS"]) == ["1", "2"]
    assert got["m"] == {"M": {"x": {"NULL": True}}}


def test_get_missing_item_has_no_item_key(ddb, things):
    assert "Item" not in ddb.get_item(TableName=things, Key=KEY)


def test_number_precision_limit(ddb, things):
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=things, Item={**KEY, "n": {"N": "1" * 39}})
    assert err(excinfo) == (
        "ValidationException",
        "Attempting to store more than 38 significant digits in a Number",
    )


def test_put_missing_key_and_wrong_type(ddb, things):
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=things, Item={"pk": {"S": "a"}})
    assert err(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Missing the key sk in the item",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=things, Item={"pk": {"N": "1"}, "sk": {"S": "x"}})
    assert err(excinfo)[1] == (
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"
    )


def test_empty_string_key_rejected(ddb, things):
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=things, Item={"pk": {"S": ""}, "sk": {"S": "x"}})
    assert "cannot contain an empty string value. Key: pk" in err(excinfo)[1]


def test_get_with_wrong_key_shape(ddb, things):
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName=things, Key={"pk": {"S": "a"}})
    assert err(excinfo) == ("ValidationException", "The provided key element does not match the schema")


def test_missing_table(ddb):
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName="nope", Key=KEY)
    assert err(excinfo) == ("ResourceNotFoundException", "Requested resource not found")


def test_item_size_limit(ddb, things):
    big = "x" * (400 * 1024)
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=things, Item={**KEY, "blob": {"S": big}})
    assert err(excinfo) == ("ValidationException", "Item size has exceeded the maximum allowed size")
    ddb.put_item(TableName=things, Item={**KEY, "blob": {"S": "x" * (399 * 1024)}})


def test_conditional_put_and_return_values_on_failure(ddb, things):
    ddb.put_item(TableName=things, Item={**KEY, "v": {"N": "1"}})
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(
            TableName=things,
            Item={**KEY, "v": {"N": "2"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert err(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert excinfo.value.response["Item"]["v"] == {"N": "1"}
    old = ddb.put_item(TableName=things, Item={**KEY, "v": {"N": "3"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"]["v"] == {"N": "1"}


def test_put_rejects_update_return_values(ddb, things):
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=things, Item=KEY, ReturnValues="ALL_NEW")
    assert err(excinfo) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE")


def test_update_return_values_variants(ddb, things):
    ddb.put_item(TableName=things, Item={**KEY, "a": {"N": "1"}, "b": {"S": "keep"}})
    common = {"TableName": things, "Key": KEY, "ExpressionAttributeValues": {":one": {"N": "1"}}}
    r = ddb.update_item(UpdateExpression="SET a = a + :one", ReturnValues="UPDATED_OLD", **common)
    assert r["Attributes"] == {"a": {"N": "1"}}
    r = ddb.update_item(UpdateExpression="SET a = a + :one", ReturnValues="UPDATED_NEW", **common)
    assert r["Attributes"] == {"a": {"N": "3"}}
    r = ddb.update_item(UpdateExpression="SET a = a + :one", ReturnValues="ALL_NEW", **common)
    assert r["Attributes"]["b"] == {"S": "keep"} and r["Attributes"]["a"] == {"N": "4"}
    r = ddb.update_item(UpdateExpression="SET a = a + :one", ReturnValues="ALL_OLD", **common)
    assert r["Attributes"]["a"] == {"N": "4"}


def test_update_creates_item_and_rejects_key_update(ddb, things):
    ddb.update_item(TableName=things, Key=KEY, UpdateExpression="SET c = :c",
                    ExpressionAttributeValues={":c": {"S": "new"}})
    assert ddb.get_item(TableName=things, Key=KEY)["Item"]["c"] == {"S": "new"}
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(TableName=things, Key=KEY, UpdateExpression="SET sk = :c",
                        ExpressionAttributeValues={":c": {"S": "x"}})
    assert err(excinfo)[1] == (
        "One or more parameter values were invalid: Cannot update attribute sk. "
        "This attribute is part of the key"
    )


def test_delete_with_condition_and_return(ddb, things):
    ddb.put_item(TableName=things, Item={**KEY, "state": {"S": "open"}})
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_item(TableName=things, Key=KEY, ConditionExpression="#s = :closed",
                        ExpressionAttributeNames={"#s": "state"},
                        ExpressionAttributeValues={":closed": {"S": "closed"}})
    assert err(excinfo)[0] == "ConditionalCheckFailedException"
    r = ddb.delete_item(TableName=things, Key=KEY, ReturnValues="ALL_OLD")
    assert r["Attributes"]["state"] == {"S": "open"}
    assert "Item" not in ddb.get_item(TableName=things, Key=KEY)


def test_resource_api_round_trip(ddb_resource, things):
    from decimal import Decimal

    table = ddb_resource.Table(things)
    table.put_item(Item={"pk": "r", "sk": "1", "price": Decimal("9.99"), "tags": {"a", "b"}})
    table.update_item(Key={"pk": "r", "sk": "1"}, UpdateExpression="ADD tags :t",
                      ExpressionAttributeValues={":t": {"c"}})
    item = table.get_item(Key={"pk": "r", "sk": "1"}, ProjectionExpression="price, tags")["Item"]
    assert item == {"price": Decimal("9.99"), "tags": {"a", "b", "c"}}


def test_consumed_capacity_reported(ddb, things):
    r = ddb.put_item(TableName=things, Item=KEY, ReturnConsumedCapacity="TOTAL")
    assert r["ConsumedCapacity"] == {"TableName": things, "CapacityUnits": 1.0}
