"""@tables, @tables-indexes, @tables-streams -> DynamoDB tables and stream events."""

from __future__ import annotations

import pytest

from pyarc.errors import PyarcError
from pyarc.template import build


def test_minimal_table_is_on_demand_with_its_key(app):
    app.table("notes", "noteID")
    table = build(app.inventory)["Resources"]["NotesTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["Properties"] == {
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "noteID", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "noteID", "AttributeType": "S"}],
    }


def test_sort_key_ttl_pitr_encryption_and_stream(app):
    app.table(
        "notes",
        "noteID",
        sort_key="created",
        sort_key_type="Number",
        ttl="expires",
        pitr=True,
        encrypt=True,
        stream=True,
    )
    props = build(app.inventory)["Resources"]["NotesTable"]["Properties"]
    assert props["KeySchema"] == [
        {"AttributeName": "noteID", "KeyType": "HASH"},
        {"AttributeName": "created", "KeyType": "RANGE"},
    ]
    assert props["AttributeDefinitions"] == [
        {"AttributeName": "noteID", "AttributeType": "S"},
        {"AttributeName": "created", "AttributeType": "N"},
    ]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_encryption_with_a_customer_key(app):
    key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    app.table("notes", "id", encrypt=key)
    props = build(app.inventory)["Resources"]["NotesTable"]["Properties"]
    assert props["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": key,
    }


def test_global_secondary_indexes_with_projections(app):
    app.table("notes", "noteID")
    app.index("notes", "userID-created-index", "userID", sort_key="created", sort_key_type="Number")
    app.index("notes", "tag-index", "tag", projection="keys")
    app.index("notes", "userID-index", "userID", projection=["title", "body"])
    props = build(app.inventory)["Resources"]["NotesTable"]["Properties"]
    assert props["AttributeDefinitions"] == [
        {"AttributeName": "noteID", "AttributeType": "S"},
        {"AttributeName": "userID", "AttributeType": "S"},
        {"AttributeName": "created", "AttributeType": "N"},
        {"AttributeName": "tag", "AttributeType": "S"},
    ]
    indexes = {i["IndexName"]: i for i in props["GlobalSecondaryIndexes"]}
    assert indexes["userID-created-index"] == {
        "IndexName": "userID-created-index",
        "KeySchema": [
            {"AttributeName": "userID", "KeyType": "HASH"},
            {"AttributeName": "created", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }
    assert indexes["tag-index"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert indexes["userID-index"]["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["title", "body"],
    }


def test_tables_streams_turns_the_stream_on_and_wires_the_handler(app):
    app.table("notes", "noteID").stream("notes")
    resources = build(app.inventory)["Resources"]
    assert resources["NotesTable"]["Properties"]["StreamSpecification"] == {
        "StreamViewType": "NEW_AND_OLD_IMAGES"
    }
    events = resources["NotesStreamLambda"]["Properties"]["Events"]
    assert events == {
        "NotesStreamEvent": {
            "Type": "DynamoDB",
            "Properties": {
                "Stream": {"Fn::GetAtt": ["NotesTable", "StreamArn"]},
                "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 10,
            },
        }
    }


def test_stream_for_an_unknown_table_is_refused(app):
    app.table("notes", "noteID").stream("nope")
    with pytest.raises(PyarcError, match="names table nope, which is not in @tables"):
        build(app.inventory)


def test_one_attribute_with_two_types_is_refused(app):
    app.table("notes", "noteID")
    app.index("notes", "byNote", "noteID", partition_key_type="Number")
    with pytest.raises(PyarcError, match="attribute 'noteID' is Number in index 'byNote' but String in the table key"):
        build(app.inventory)


def test_ttl_on_a_key_is_refused(app):
    app.table("notes", "noteID", ttl="noteID")
    with pytest.raises(PyarcError, match="TTL attribute 'noteID' is also a key"):
        build(app.inventory)


def test_shared_role_table_grants_name_each_table_and_its_indexes(app):
    app.aws(roles="shared").http("get", "/", "get-index").table("notes", "noteID").table("users", "userID")
    policies = build(app.inventory)["Resources"]["Role"]["Properties"]["Policies"]
    [dynamo] = [p for p in policies if p["PolicyName"] == "ArcDynamoPolicy"]
    [statement] = dynamo["PolicyDocument"]["Statement"]
    assert "dynamodb:Query" in statement["Action"]
    assert statement["Resource"] == [
        {"Fn::GetAtt": ["NotesTable", "Arn"]},
        {"Fn::GetAtt": ["UsersTable", "Arn"]},
        {"Fn::Sub": "${NotesTable.Arn}/*"},
        {"Fn::Sub": "${UsersTable.Arn}/*"},
    ]
