"""GSIs whose key schema has several HASH and RANGE attributes (up to four of each)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pyarc.tables.engine import Engine

MATCHES_INDEX = {
    "IndexName": "by-match",
    "KeySchema": [
        {"AttributeName": "tournament", "KeyType": "HASH"},
        {"AttributeName": "area", "KeyType": "HASH"},
        {"AttributeName": "round", "KeyType": "RANGE"},
        {"AttributeName": "bracket", "KeyType": "RANGE"},
        {"AttributeName": "score", "KeyType": "RANGE"},
    ],
    "Projection": {"ProjectionType": "ALL"},
}
DEFINITIONS = [("tournament", "S"), ("area", "S"), ("round", "S"), ("bracket", "S"),
               ("score", "N")]
ROWS = [
    # id, tournament, region, round, bracket, score
    ("m1", "WINTER", "EU", "FINAL", "UPPER", 10),
    ("m2", "WINTER", "EU", "SEMI", "LOWER", 7),
    ("m3", "WINTER", "EU", "SEMI", "UPPER", 3),
    ("m4", "WINTER", "EU", "SEMI", "UPPER", 9),
    ("m5", "WINTER", "NA", "SEMI", "UPPER", 5),
    ("m6", "SUMMER", "EU", "SEMI", "UPPER", 1),
]


def put_rows(ddb: Any) -> None:
    for match, tournament, region, rnd, bracket, score in ROWS:
        ddb.put_item(TableName="matches", Item={
            "pk": {"S": match}, "tournament": {"S": tournament}, "area": {"S": region},
            "round": {"S": rnd}, "bracket": {"S": bracket}, "score": {"N": str(score)},
        })
    ddb.put_item(TableName="matches", Item={  # no score: stays out of the index
        "pk": {"S": "m7"}, "tournament": {"S": "WINTER"}, "area": {"S": "EU"},
        "round": {"S": "SEMI"}, "bracket": {"S": "UPPER"},
    })


@pytest.fixture
def matches(ddb: Any, make_table: Any) -> str:
    make_table("matches", range_key=None, more_definitions=DEFINITIONS,
               GlobalSecondaryIndexes=[MATCHES_INDEX])
    put_rows(ddb)
    return "matches"


def query(ddb: Any, condition: str, **values: Any) -> Any:
    names = {"ExpressionAttributeNames": {"#r": "round"}} if "#r" in condition else {}
    return ddb.query(
        TableName="matches", IndexName="by-match", KeyConditionExpression=condition, **names,
        ExpressionAttributeValues={f":{k}": v for k, v in values.items()},
    )


def ids(answer: Any) -> list[str]:
    return [item["pk"]["S"] for item in answer["Items"]]


S = lambda text: {"S": text}  # noqa: E731
N = lambda number: {"N": str(number)}  # noqa: E731
HASH = "tournament = :t AND area = :g"


def test_describe_keeps_every_key_attribute_in_order(ddb: Any, matches: str) -> None:
    index = ddb.describe_table(TableName="matches")["Table"]["GlobalSecondaryIndexes"][0]
    assert index["KeySchema"] == MATCHES_INDEX["KeySchema"]


def test_all_hash_attributes_give_the_partition_in_range_order(ddb: Any, matches: str) -> None:
    answer = query(ddb, HASH, t=S("WINTER"), g=S("EU"))
    assert ids(answer) == ["m1", "m2", "m3", "m4"]  # FINAL < SEMI, LOWER < UPPER, 3 < 9
    backwards = ddb.query(
        TableName="matches", IndexName="by-match", ScanIndexForward=False,
        KeyConditionExpression=HASH,
        ExpressionAttributeValues={":t": S("WINTER"), ":g": S("EU")},
    )
    assert ids(backwards) == ["m4", "m3", "m2", "m1"]


def test_range_prefix_with_a_condition_on_the_last(ddb: Any, matches: str) -> None:
    assert ids(query(ddb, f"{HASH} AND #r = :r", t=S("WINTER"), g=S("EU"), r=S("SEMI"))) == [
        "m2", "m3", "m4"
    ]
    assert ids(query(ddb, f"{HASH} AND #r = :r AND bracket = :b AND score > :s",
                     t=S("WINTER"), g=S("EU"), r=S("SEMI"), b=S("UPPER"), s=N(3))) == ["m4"]
    assert ids(query(ddb, f"{HASH} AND #r = :r AND bracket = :b AND score BETWEEN :lo AND :hi",
                     t=S("WINTER"), g=S("EU"), r=S("SEMI"), b=S("UPPER"), lo=N(1),
                     hi=N(9))) == ["m3", "m4"]
    assert ids(query(ddb, f"{HASH} AND #r = :r AND begins_with(bracket, :b)",
                     t=S("WINTER"), g=S("EU"), r=S("SEMI"), b=S("UP"))) == ["m3", "m4"]
    assert ids(query(ddb, f"{HASH} AND #r < :r", t=S("WINTER"), g=S("EU"), r=S("SEMI"))) == [
        "m1"
    ]


def test_items_missing_a_key_attribute_stay_out(ddb: Any, matches: str) -> None:
    answer = query(ddb, f"{HASH} AND #r = :r AND bracket = :b",
                   t=S("WINTER"), g=S("EU"), r=S("SEMI"), b=S("UPPER"))
    assert ids(answer) == ["m3", "m4"]  # m7 has no score
    scanned = ddb.scan(TableName="matches", IndexName="by-match")
    assert sorted(ids(scanned)) == ["m1", "m2", "m3", "m4", "m5", "m6"]


def test_pages_carry_every_key_attribute(ddb: Any, matches: str) -> None:
    request: dict[str, Any] = {
        "TableName": "matches", "IndexName": "by-match", "KeyConditionExpression": HASH,
        "ExpressionAttributeValues": {":t": S("WINTER"), ":g": S("EU")}, "Limit": 3,
    }
    first = ddb.query(**request)
    assert ids(first) == ["m1", "m2", "m3"]
    assert set(first["LastEvaluatedKey"]) == {
        "pk", "tournament", "area", "round", "bracket", "score"
    }
    second = ddb.query(**request, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert ids(second) == ["m4"]


@pytest.mark.parametrize(
    ("condition", "values", "message"),
    [
        ("tournament = :t", {"t": S("WINTER")},
         "Query condition missed key schema element: area"),
        (f"{HASH} AND bracket = :b", {"t": S("WINTER"), "g": S("EU"), "b": S("UPPER")},
         "Query condition missed key schema element: round"),
        (f"{HASH} AND #r > :r AND bracket = :b",
         {"t": S("WINTER"), "g": S("EU"), "r": S("A"), "b": S("UPPER")},
         "Query key condition not supported"),
        ("tournament = :t AND area > :g", {"t": S("WINTER"), "g": S("EU")},
         "Query key condition not supported"),
    ],
)
def test_key_condition_errors(
    ddb: Any, matches: str, err: Any, condition: str, values: dict[str, Any], message: str
) -> None:
    names = {"#r": "round"} if "#r" in condition else None
    extra = {"ExpressionAttributeNames": names} if names else {}
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName="matches", IndexName="by-match", KeyConditionExpression=condition,
                  ExpressionAttributeValues={f":{k}": v for k, v in values.items()}, **extra)
    assert err(excinfo) == ("ValidationException", message)


def test_update_table_adds_a_multi_attribute_index(ddb: Any, make_table: Any) -> None:
    make_table("later", range_key=None)
    ddb.put_item(TableName="later", Item={"pk": S("a"), "x": S("1"), "y": N(2), "z": S("q")})
    ddb.put_item(TableName="later", Item={"pk": S("b"), "x": S("1"), "y": N(1), "z": S("q")})
    ddb.update_table(
        TableName="later",
        AttributeDefinitions=[{"AttributeName": "x", "AttributeType": "S"},
                              {"AttributeName": "y", "AttributeType": "N"},
                              {"AttributeName": "z", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "xz-y",
            "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"},
                          {"AttributeName": "z", "KeyType": "HASH"},
                          {"AttributeName": "y", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }}],
    )
    answer = ddb.query(TableName="later", IndexName="xz-y",
                       KeyConditionExpression="x = :x AND z = :z",
                       ExpressionAttributeValues={":x": S("1"), ":z": S("q")})
    assert [i["pk"]["S"] for i in answer["Items"]] == ["b", "a"]


def test_create_table_key_schema_rules(ddb: Any, make_table: Any, err: Any) -> None:
    def index(*elements: tuple[str, str]) -> dict[str, Any]:
        return {"IndexName": "idx", "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [{"AttributeName": n, "KeyType": k} for n, k in elements]}

    five = [(f"h{n}", "HASH") for n in range(5)]
    with pytest.raises(ClientError) as excinfo:
        make_table("bad", range_key=None, more_definitions=[(n, "S") for n, _ in five],
                   GlobalSecondaryIndexes=[index(*five)])
    assert err(excinfo) == (
        "ValidationException", "One or more parameter values were invalid: Too many HASH keys in KeySchema"
    )
    with pytest.raises(ClientError) as excinfo:
        make_table("bad", range_key=None, more_definitions=[("a", "S"), ("b", "S")],
                   GlobalSecondaryIndexes=[index(("a", "HASH"), ("b", "RANGE"), ("pk", "HASH"))])
    assert err(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Invalid KeySchema: every HASH "
        "KeySchemaElement must come before the RANGE ones",
    )
    with pytest.raises(ClientError) as excinfo:  # tables and LSIs keep one HASH, one RANGE
        ddb.create_table(
            TableName="bad", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "a", "KeyType": "HASH"},
                       {"AttributeName": "b", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"},
                                  {"AttributeName": "b", "AttributeType": "S"}],
        )
    assert err(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Invalid KeySchema: The first KeySchemaElement "
        "is not a HASH key type",
    )


def test_multi_attribute_index_survives_a_restart(tmp_path: Any) -> None:
    engine = Engine(tmp_path)
    engine.handle("CreateTable", {
        "TableName": "matches", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]
        + [{"AttributeName": n, "AttributeType": t} for n, t in DEFINITIONS],
        "GlobalSecondaryIndexes": [MATCHES_INDEX],
    })
    engine.close()
    again = Engine(tmp_path)
    index = again.handle("DescribeTable", {"TableName": "matches"})["Table"][
        "GlobalSecondaryIndexes"][0]
    assert index["KeySchema"] == MATCHES_INDEX["KeySchema"]
    again.close()


def test_legacy_key_conditions_on_a_multi_attribute_index(ddb: Any, matches: str) -> None:
    answer = ddb.query(TableName="matches", IndexName="by-match", KeyConditions={
        "tournament": {"ComparisonOperator": "EQ", "AttributeValueList": [S("WINTER")]},
        "area": {"ComparisonOperator": "EQ", "AttributeValueList": [S("EU")]},
        "round": {"ComparisonOperator": "EQ", "AttributeValueList": [S("SEMI")]},
        "bracket": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("UP")]},
    })
    assert ids(answer) == ["m3", "m4"]


def test_legacy_key_conditions_on_a_table(ddb: Any, things: str, err: Any) -> None:
    for sk in ("a", "b", "c"):
        ddb.put_item(TableName="things", Item={"pk": S("p"), "sk": S(sk)})
    answer = ddb.query(TableName="things", KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]},
        "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [S("b"), S("c")]},
    })
    assert [i["sk"]["S"] for i in answer["Items"]] == ["b", "c"]
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName="things", KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p"), S("q")]},
        })
    assert err(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Invalid number of argument(s) for the EQ "
        "ComparisonOperator",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName="things", KeyConditions={
            "pk": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("p")]},
        })
    assert err(excinfo) == ("ValidationException", "Query key condition not supported")
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName="things", FilterExpression="x = :x",
                  ExpressionAttributeValues={":x": S("1")}, KeyConditions={
                      "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]}})
    assert err(excinfo) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {KeyConditions} Expression parameters: "
        "{FilterExpression, ExpressionAttributeValues}",
    )
