"""Table operations, TTL settings, batches and transactions."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def k(pk, sk="1"):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def test_table_lifecycle(ddb, make_table, err):
    make_table("alpha")
    make_table("beta", ("id", "N"), None)
    described = ddb.describe_table(TableName="beta")["Table"]
    assert described["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert described["TableStatus"] == "ACTIVE"
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    page = ddb.list_tables(Limit=1)
    assert page["TableNames"] == ["alpha"] and page["LastEvaluatedTableName"] == "alpha"
    assert ddb.list_tables(ExclusiveStartTableName="alpha")["TableNames"] == ["beta"]
    with pytest.raises(ClientError) as excinfo:
        make_table("alpha")
    assert err(excinfo) == ("ResourceInUseException", "Table already exists: alpha")
    assert ddb.delete_table(TableName="alpha")["TableDescription"]["TableStatus"] == "DELETING"
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_table(TableName="alpha")
    assert err(excinfo) == (
        "ResourceNotFoundException", "Requested resource not found: Table: alpha not found"
    )
    ddb.get_waiter("table_exists").wait(TableName="beta")


def test_create_table_validation(ddb, err):
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(TableName="bad", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "x", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
    assert err(excinfo)[1] == (
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(TableName="bad", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    assert "ReadCapacityUnits and WriteCapacityUnits must both be specified" in err(excinfo)[1]


def test_update_table_adds_a_gsi_over_existing_items(ddb, make_table):
    make_table("things")
    ddb.put_item(TableName="things", Item={**k("a"), "colour": {"S": "red"}})
    ddb.update_table(
        TableName="things",
        AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "by-colour",
            "KeySchema": [{"AttributeName": "colour", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}}],
    )
    r = ddb.query(TableName="things", IndexName="by-colour", KeyConditionExpression="colour = :c",
                  ExpressionAttributeValues={":c": {"S": "red"}})
    assert r["Count"] == 1


def test_gsi_key_type_mismatch_rejected(ddb, make_table, err):
    make_table("things", more_definitions=[("colour", "S")], GlobalSecondaryIndexes=[{
        "IndexName": "by-colour", "KeySchema": [{"AttributeName": "colour", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName="things", Item={**k("a"), "colour": {"N": "1"}})
    assert err(excinfo)[1] == (
        "One or more parameter values were invalid: Type mismatch for Index Key colour "
        "Expected: S Actual: N IndexName: by-colour"
    )


def test_time_to_live_settings(ddb, make_table, err):
    make_table("things")
    assert ddb.describe_time_to_live(TableName="things")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    ddb.update_time_to_live(TableName="things",
                            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName="things")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    with pytest.raises(ClientError) as excinfo:
        ddb.update_time_to_live(TableName="things",
                                TimeToLiveSpecification={"Enabled": True, "AttributeName": "x"})
    assert err(excinfo) == ("ValidationException", "TimeToLive is already enabled")


def test_batch_write_and_get(ddb, things, err):
    ddb.batch_write_item(RequestItems={things: [
        {"PutRequest": {"Item": {**k(f"p{n}"), "n": {"N": str(n)}}}} for n in range(25)]})
    ddb.batch_write_item(RequestItems={things: [{"DeleteRequest": {"Key": k("p0")}}]})
    r = ddb.batch_get_item(RequestItems={things: {
        "Keys": [k("p0"), k("p1"), k("p24")], "ProjectionExpression": "n"}})
    assert sorted(i["n"]["N"] for i in r["Responses"][things]) == ["1", "24"]
    assert r["UnprocessedKeys"] == {}
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_write_item(RequestItems={things: [
            {"PutRequest": {"Item": k("x")}}, {"DeleteRequest": {"Key": k("x")}}]})
    assert err(excinfo) == ("ValidationException", "Provided list of item keys contains duplicates")
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_get_item(RequestItems={things: {"Keys": [k(f"q{n}") for n in range(101)]}})
    assert err(excinfo)[1] == "Too many items requested for the BatchGetItem call"


def test_batch_write_is_validated_before_any_write(ddb, things):
    with pytest.raises(ClientError):
        ddb.batch_write_item(RequestItems={things: [
            {"PutRequest": {"Item": k("good")}}, {"PutRequest": {"Item": {"pk": {"S": "bad"}}}}]})
    assert "Item" not in ddb.get_item(TableName=things, Key=k("good"))


def test_transaction_cancellation_reasons_and_atomicity(ddb, things, err):
    ddb.put_item(TableName=things, Item={**k("stock"), "left": {"N": "1"}})
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": things, "Item": k("order-1")}},
            {"Update": {"TableName": things, "Key": k("stock"),
                        "UpdateExpression": "SET #l = #l - :one",
                        "ConditionExpression": "#l >= :two",
                        "ExpressionAttributeNames": {"#l": "left"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}, ":two": {"N": "2"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        ])
    code, message = err(excinfo)
    assert code == "TransactionCanceledException"
    assert message == ("Transaction cancelled, please refer cancellation reasons for specific "
                       "reasons [None, ConditionalCheckFailed]")
    reasons = excinfo.value.response["CancellationReasons"]
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ConditionalCheckFailed"
    assert reasons[1]["Item"]["left"] == {"N": "1"}
    assert "Item" not in ddb.get_item(TableName=things, Key=k("order-1"))


def test_transaction_success_and_transact_get(ddb, things, err):
    ddb.put_item(TableName=things, Item={**k("gone")})
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": things, "Item": {**k("a"), "v": {"N": "1"}}}},
        {"Delete": {"TableName": things, "Key": k("gone")}},
        {"ConditionCheck": {"TableName": things, "Key": k("nothing"),
                            "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    r = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": things, "Key": k("a")}}, {"Get": {"TableName": things, "Key": k("gone")}}])
    assert r["Responses"][0]["Item"]["v"] == {"N": "1"} and r["Responses"][1] == {}
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": things, "Item": k("a")}},
            {"Delete": {"TableName": things, "Key": k("a")}}])
    assert err(excinfo)[1] == "Transaction request cannot include multiple operations on one item"
