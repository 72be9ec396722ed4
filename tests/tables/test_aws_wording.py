"""DynamoDB's exact validation wording, Select rules, Scan segments and table ARNs (issue 11).

The messages are DynamoDB's as recorded against the real service (moto's `aws_verified`
tests, AWS users' reports); where the source is weaker it says so next to the test. Note
DynamoDB's own quirks kept as they are: PutItem, UpdateItem and DeleteItem count their
request errors ("1 validation error detected: ..."), GetItem, Scan, BatchGetItem and
TransactWriteItems do not; a Query counts its Select errors, a Scan does not.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.tables.conftest import CREDENTIALS

DETECTED = "1 validation error detected: "
KEY = {"pk": {"S": "a"}, "sk": {"S": "1"}}
SET_NOT_EMPTY = "One or more parameter values were invalid: An string set  may not be empty"


def refused(call, **request):
    with pytest.raises(ClientError) as raised:
        call(**request)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def invalid(message):
    return ("ValidationException", message)


@pytest.fixture
def raw(tables_server):
    """A client without boto3's own checks, to reach the endpoint's (other SDKs send these)."""
    config = Config(parameter_validation=False, retries={"max_attempts": 1})
    return boto3.client("dynamodb", endpoint_url=tables_server.url, config=config, **CREDENTIALS)


# -- 1. validation wording -----------------------------------------------------------------


def test_an_empty_update_expression_and_empty_maps(ddb, things, raw):
    assert refused(ddb.update_item, TableName=things, Key=KEY, UpdateExpression="") == invalid(
        DETECTED + "Invalid UpdateExpression: The expression can not be empty;")
    assert refused(ddb.update_item, TableName=things, Key=KEY, UpdateExpression="SET a = :a",
                   ExpressionAttributeValues={}) == invalid(
        DETECTED + "ExpressionAttributeValues must not be empty")
    assert refused(ddb.get_item, TableName=things, Key=KEY, ProjectionExpression="a",
                   ExpressionAttributeNames={}) == invalid(
        "ExpressionAttributeNames must not be empty")


UNUSED = "Value provided in ExpressionAttributeNames unused in expressions: keys: {#count}"
NAMES = {"#e": "e", "#count": "count"}


def test_unused_names_in_every_operation_with_dynamodb_prefix_or_not(ddb, things):
    item = {**KEY, "e": {"S": "x"}}
    cases = {
        "PutItem": (ddb.put_item, DETECTED, {"Item": item, "ConditionExpression":
                                              "attribute_not_exists(#e)"}),
        "UpdateItem": (ddb.update_item, DETECTED, {"Key": KEY, "UpdateExpression": "SET #e = e"}),
        "DeleteItem": (ddb.delete_item, DETECTED, {"Key": KEY, "ConditionExpression":
                                                    "attribute_exists(#e)"}),
        "GetItem": (ddb.get_item, "", {"Key": KEY, "ProjectionExpression": "#e"}),
        "Scan": (ddb.scan, "", {"FilterExpression": "attribute_exists(#e)"}),
    }
    for name, (call, prefix, request) in cases.items():
        got = refused(call, TableName=things, ExpressionAttributeNames=NAMES, **request)
        assert got == invalid(prefix + UNUSED), name
    batch = {things: {"Keys": [KEY], "ProjectionExpression": "#e",
                      "ExpressionAttributeNames": NAMES}}
    assert refused(ddb.batch_get_item, RequestItems=batch) == invalid(UNUSED)
    for kind, spec in (("Update", {"Key": KEY, "UpdateExpression": "SET #e = e"}),
                       ("Delete", {"Key": KEY, "ConditionExpression": "attribute_exists(#e)"}),
                       ("ConditionCheck", {"Key": KEY,
                                           "ConditionExpression": "attribute_exists(#e)"})):
        entry = {kind: {"TableName": things, "ExpressionAttributeNames": NAMES, **spec}}
        assert refused(ddb.transact_write_items, TransactItems=[entry]) == invalid(UNUSED), kind
    values = {":a": {"S": "x"}, ":countChange": {"N": "1"}}
    assert refused(ddb.update_item, TableName=things, Key=KEY, UpdateExpression="SET a = :a",
                   ExpressionAttributeValues=values) == invalid(
        DETECTED + "Value provided in ExpressionAttributeValues unused in expressions: keys: "
        "{:countChange}")


@pytest.mark.parametrize("clause", ["SET", "ADD", "REMOVE", "DELETE"])
def test_a_clause_may_be_used_once(ddb, things, clause):
    expression = {"SET": "SET a = :n SET b = :n", "ADD": "ADD a :n SET c = :n ADD b :n",
                  "REMOVE": "REMOVE a SET c = :n REMOVE b",
                  "DELETE": "DELETE a :s SET c = :n DELETE b :s"}[clause]
    values = {":n": {"N": "1"}, ":s": {"SS": ["x"]}}
    used = {k: v for k, v in values.items() if k in expression}
    assert refused(ddb.update_item, TableName=things, Key=KEY, UpdateExpression=expression,
                   ExpressionAttributeValues=used) == invalid(
        f'{DETECTED}Invalid UpdateExpression: The "{clause}" section can only be used once in '
        "an update expression;")


OVERLAP = ("Invalid UpdateExpression: Two document paths overlap with each other; must remove "
           "or rewrite one of these paths; ")


def test_overlapping_paths_are_shown_by_name_and_split(ddb, things):
    values = {":h": {"S": "H"}}
    assert refused(ddb.update_item, TableName=things, Key=KEY,
                   UpdateExpression="SET #s = :h, #s = :h", ExpressionAttributeNames={"#s": "ss"},
                   ExpressionAttributeValues=values) == invalid(
        DETECTED + OVERLAP + "path one: [ss], path two: [ss]")
    assert refused(ddb.update_item, TableName=things, Key=KEY,
                   UpdateExpression="SET ss.nested = :h, ss.nested = :h",
                   ExpressionAttributeValues=values) == invalid(
        DETECTED + OVERLAP + "path one: [ss, nested], path two: [ss, nested]")
    # a name holding a dot is one attribute: no overlap with its "parent" (as on AWS)
    ddb.update_item(TableName=things, Key=KEY, UpdateExpression="SET ss = :h, #n = :h",
                    ExpressionAttributeNames={"#n": "ss.nested"}, ExpressionAttributeValues=values)


def test_delete_and_add_on_one_set_overlap(ddb, things):
    assert refused(ddb.update_item, TableName=things, Key=KEY,
                   UpdateExpression="ADD #s :add DELETE #s :del",
                   ExpressionAttributeNames={"#s": "string_set"},
                   ExpressionAttributeValues={":add": {"SS": ["c"]}, ":del": {"SS": ["a"]}}
                   ) == invalid(DETECTED + OVERLAP + "path one: [string_set], path two: [string_set]")


def test_empty_sets_in_items_and_values(ddb, things):
    assert refused(ddb.put_item, TableName=things, Item={**KEY, "s": {"SS": []}}) == invalid(
        DETECTED + SET_NOT_EMPTY)
    assert refused(ddb.update_item, TableName=things, Key=KEY, UpdateExpression="SET x = :e",
                   ExpressionAttributeValues={":e": {"SS": []}}) == invalid(DETECTED + SET_NOT_EMPTY)
    # elsewhere DynamoDB names the value's key (wording as dynalite recorded it from AWS)
    assert refused(ddb.scan, TableName=things, FilterExpression="x = :e",
                   ExpressionAttributeValues={":e": {"SS": []}}) == invalid(
        f"ExpressionAttributeValues contains invalid value: {SET_NOT_EMPTY} for key :e")
    assert refused(ddb.batch_write_item, RequestItems={things: [
        {"PutRequest": {"Item": {**KEY, "s": {"SS": []}}}}]}) == invalid(SET_NOT_EMPTY)


def test_between_bounds_that_have_no_order(ddb, things):
    # not verified against AWS: worded as DynamoDB words other operand-type errors
    assert refused(ddb.scan, TableName=things, FilterExpression="a BETWEEN :lo AND :hi",
                   ExpressionAttributeValues={":lo": {"NULL": True}, ":hi": {"NULL": True}}
                   ) == invalid("Invalid FilterExpression: Incorrect operand type for operator or "
                                "function; operator or function: BETWEEN, operand type: NULL")


HASH_TOO_LONG = invalid("One or more parameter values were invalid: Size of hashkey has exceeded "
                        "the maximum size limit of2048 bytes")
RANGE_TOO_LONG = invalid("One or more parameter values were invalid: Aggregated size of all "
                         "range keys has exceeded the size limit of 1024 bytes")


def test_key_size_limits_in_every_operation(ddb, things):
    long_hash = {"pk": {"S": "x" * 2049}, "sk": {"S": "1"}}
    long_range = {"pk": {"S": "a"}, "sk": {"S": "é" * 513}}  # 1026 bytes, 513 characters
    ddb.put_item(TableName=things, Item={"pk": {"S": "x" * 2048}, "sk": {"S": "y" * 1024}})
    for key, wanted in ((long_hash, HASH_TOO_LONG), (long_range, RANGE_TOO_LONG)):
        assert refused(ddb.put_item, TableName=things, Item=key) == wanted
        assert refused(ddb.get_item, TableName=things, Key=key) == wanted
        assert refused(ddb.update_item, TableName=things, Key=key,
                       UpdateExpression="SET a = :a",
                       ExpressionAttributeValues={":a": {"S": "b"}}) == wanted
        assert refused(ddb.delete_item, TableName=things, Key=key) == wanted
        assert refused(ddb.batch_get_item, RequestItems={things: {"Keys": [key]}}) == wanted
        assert refused(ddb.batch_write_item,
                       RequestItems={things: [{"DeleteRequest": {"Key": key}}]}) == wanted
        assert refused(ddb.transact_write_items,
                       TransactItems=[{"Delete": {"TableName": things, "Key": key}}]) == wanted
    assert refused(ddb.query, TableName=things, KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": long_hash["pk"]}) == HASH_TOO_LONG


def test_a_wrong_attribute_in_a_key_condition_names_the_missed_key(ddb, make_table):
    make_table("keyed", more_definitions=[("gpk", "S"), ("gsk", "S")],
               GlobalSecondaryIndexes=[{"IndexName": "gidx", "Projection": {"ProjectionType": "ALL"},
                                        "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"},
                                                      {"AttributeName": "gsk", "KeyType": "RANGE"}]}])
    v = {":a": {"S": "a"}, ":b": {"S": "b"}}
    missed = "Query condition missed key schema element: "
    cases = [({}, "wrong = :a", "pk"), ({}, "gpk = :a", "pk"), ({"IndexName": "gidx"}, "pk = :a", "gpk"),
             ({"IndexName": "gidx"}, "gpk = :a AND wrong BETWEEN :a AND :b", "gsk")]
    for extra, condition, key in cases:
        values = {k: val for k, val in v.items() if k in condition}
        assert refused(ddb.query, TableName="keyed", KeyConditionExpression=condition,
                       ExpressionAttributeValues=values, **extra) == invalid(missed + key)


def test_missing_colon_and_missing_value_in_a_scan_filter(ddb, things):
    assert refused(ddb.scan, TableName=things, FilterExpression="attr = loc",
                   ExpressionAttributeValues={"loc": {"S": "x"}}) == invalid(
        'ExpressionAttributeValues contains invalid key: Syntax error; key: "loc"')
    assert refused(ddb.scan, TableName=things, FilterExpression="attr = :v",
                   ExpressionAttributeValues={":w": {"S": "x"}}) == invalid(
        "Invalid FilterExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :v")


def test_create_table_definitions_must_name_key_attributes_only(ddb):
    hash_only = [{"AttributeName": "id", "KeyType": "HASH"}]
    with_extra = [{"AttributeName": "id", "AttributeType": "S"},
                  {"AttributeName": "created_at", "AttributeType": "N"}]
    assert refused(ddb.create_table, TableName="extra", KeySchema=hash_only,
                   AttributeDefinitions=with_extra, BillingMode="PAY_PER_REQUEST") == invalid(
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions")
    index = {"IndexName": "by-user", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}]}
    assert refused(ddb.create_table, TableName="extra", KeySchema=hash_only,
                   AttributeDefinitions=[*with_extra, {"AttributeName": "user", "AttributeType": "S"}],
                   GlobalSecondaryIndexes=[index], BillingMode="PAY_PER_REQUEST") == invalid(
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
        "AttributeDefinitions: [created_at, id, user], keys used: [id, user]")


# -- 2. Select -----------------------------------------------------------------------------


@pytest.fixture
def indexed(ddb, make_table):
    make_table("sel", more_definitions=[("g", "S")], GlobalSecondaryIndexes=[
        {"IndexName": "gsi", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    return "sel"


def read(ddb, operation, index=None, **request):
    request = {"TableName": "sel", **request}
    if index:
        request["IndexName"] = index
    if operation == "query":
        request["KeyConditionExpression"] = ("g" if index else "pk") + " = :k"
        request["ExpressionAttributeValues"] = {":k": {"S": "v"}}
        return ddb.query(**request)
    return ddb.scan(**request)


@pytest.mark.parametrize(("operation", "prefix"), [("query", DETECTED), ("scan", "")])
def test_select_rules_and_words(ddb, indexed, operation, prefix):
    def fails(**request):
        return refused(lambda **r: read(ddb, operation, **r), **request)

    assert fails(Select="ALL_PROJECTED_ATTRIBUTES") == invalid(
        prefix + "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    assert fails(Select="SPECIFIC_ATTRIBUTES") == invalid(
        prefix + "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
        "SPECIFIC_ATTRIBUTES")
    for select, shown in (("ALL_ATTRIBUTES", "ALL_ATTRIBUTES"), ("COUNT", "only the Count"),
                          ("ALL_PROJECTED_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES")):
        assert fails(index="gsi", Select=select, ProjectionExpression="g") == invalid(
            f"{prefix}Cannot specify the ProjectionExpression when choosing to get {shown}")
    assert fails(index="gsi", Select="ALL_ATTRIBUTES") == invalid(
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
        "for global secondary index gsi because its projection type is not ALL")
    assert read(ddb, operation, index="gsi", Select="ALL_PROJECTED_ATTRIBUTES")["Count"] == 0
    assert read(ddb, operation, Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="pk")["Count"] == 0
    assert "Items" not in read(ddb, operation, Select="COUNT")


def test_attributes_to_get_with_another_select_is_refused(ddb, indexed):
    assert refused(ddb.scan, TableName="sel", Select="COUNT", AttributesToGet=["pk"]) == invalid(
        "Cannot specify the AttributesToGet when choosing to get only the Count")


# -- 3. parallel Scan ------------------------------------------------------------------------


def test_segment_bounds(ddb, things, raw):
    assert refused(ddb.scan, TableName=things, Segment=3, TotalSegments=3) == invalid(
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 3 is not less than TotalSegments: 3")
    assert refused(raw.scan, TableName=things, Segment=-1, TotalSegments=3) == invalid(
        "1 validation error detected: Value '-1' at 'segment' failed to satisfy constraint: "
        "Member must have value greater than or equal to 0")
    assert refused(raw.scan, TableName=things, Segment=0, TotalSegments=0) == invalid(
        "1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")
    assert refused(ddb.scan, TableName=things, Segment=1) == invalid(
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present")


# -- 4. table ARNs, binary values ---------------------------------------------------------------


def test_the_table_arn_goes_wherever_a_table_name_does(ddb, things):
    arn = ddb.describe_table(TableName=things)["Table"]["TableArn"]
    ddb.put_item(TableName=arn, Item={**KEY, "v": {"S": "one"}})
    ddb.batch_write_item(RequestItems={arn: [{"PutRequest": {"Item": {"pk": {"S": "b"},
                                                                      "sk": {"S": "1"}}}}]})
    ddb.transact_write_items(TransactItems=[{"Update": {
        "TableName": arn, "Key": KEY, "UpdateExpression": "SET w = :w",
        "ExpressionAttributeValues": {":w": {"S": "two"}}}}])
    assert ddb.get_item(TableName=arn, Key=KEY)["Item"]["w"] == {"S": "two"}
    got = ddb.batch_get_item(RequestItems={arn: {"Keys": [KEY]}})["Responses"]
    assert list(got) == [arn] and got[arn][0]["v"] == {"S": "one"}
    assert ddb.query(TableName=arn, KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "b"}})["Count"] == 1
    assert ddb.scan(TableName=arn)["Count"] == 2
    assert ddb.transact_get_items(TransactItems=[{"Get": {"TableName": arn, "Key": KEY}}])[
        "Responses"][0]["Item"]["v"] == {"S": "one"}
    ddb.delete_item(TableName=arn, Key=KEY)
    other = arn.replace("000000000000", "111111111111")
    assert refused(ddb.get_item, TableName=other, Key=KEY) == (
        "ResourceNotFoundException", "Requested resource not found")


def test_binary_values_round_trip_through_batch_write(ddb, things):
    blobs = [bytes(range(256)), b"\x00", b"\xff\xfe"]
    ddb.batch_write_item(RequestItems={things: [{"PutRequest": {"Item": {
        **KEY, "b": {"B": blobs[0]}, "bs": {"BS": blobs[1:]}}}}]})
    item = ddb.get_item(TableName=things, Key=KEY)["Item"]
    assert item["b"]["B"] == blobs[0] and sorted(item["bs"]["BS"]) == sorted(blobs[1:])
