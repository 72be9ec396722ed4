"""Query and Scan: key conditions, order, pagination with filters, indexes, COUNT, segments."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def orders(ddb, make_table):
    make_table(
        "orders", ("customer", "S"), ("order", "N"),
        more_definitions=[("status", "S"), ("placed", "S")],
        GlobalSecondaryIndexes=[{
            "IndexName": "by-status",
            "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                          {"AttributeName": "placed", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }],
        LocalSecondaryIndexes=[{
            "IndexName": "by-placed",
            "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"},
                          {"AttributeName": "placed", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    )
    for customer in ("ann", "bob"):
        for n in range(1, 31):
            item = {"customer": {"S": customer}, "order": {"N": str(n)},
                    "placed": {"S": f"2026-01-{31 - n:02d}"}, "cents": {"N": str(n * 10)}}
            if n % 3 == 0:
                item["status"] = {"S": "open"}
            ddb.put_item(TableName="orders", Item=item)
    return "orders"


def q(ddb, **kwargs):
    return ddb.query(TableName="orders", **kwargs)


def values(**kw):
    return {f":{k}": v for k, v in kw.items()}


def test_query_range_conditions_in_numeric_order(ddb, orders):
    r = q(ddb, KeyConditionExpression="customer = :c AND #o BETWEEN :a AND :b",
          ExpressionAttributeNames={"#o": "order"},
          ExpressionAttributeValues=values(c={"S": "ann"}, a={"N": "9"}, b={"N": "12"}))
    assert [i["order"]["N"] for i in r["Items"]] == ["9", "10", "11", "12"]
    r = q(ddb, KeyConditionExpression="customer = :c AND #o > :a", ScanIndexForward=False,
          ExpressionAttributeNames={"#o": "order"},
          ExpressionAttributeValues=values(c={"S": "ann"}, a={"N": "27"}))
    assert [i["order"]["N"] for i in r["Items"]] == ["30", "29", "28"]
    r = q(ddb, KeyConditionExpression="customer = :c AND #o <= :a",
          ExpressionAttributeNames={"#o": "order"},
          ExpressionAttributeValues=values(c={"S": "bob"}, a={"N": "2"}))
    assert [i["order"]["N"] for i in r["Items"]] == ["1", "2"]


def test_pagination_with_filter_counts_scanned_items(ddb, orders):
    seen, pages, start = [], 0, {}
    while True:
        r = q(ddb, KeyConditionExpression="customer = :c", FilterExpression="cents >= :min",
              Limit=7,
              ExpressionAttributeValues=values(c={"S": "ann"}, min={"N": "150"}), **start)
        pages += 1
        assert r["ScannedCount"] <= 7
        seen += [int(i["order"]["N"]) for i in r["Items"]]
        if "LastEvaluatedKey" not in r:
            break
        start = {"ExclusiveStartKey": r["LastEvaluatedKey"]}
    assert seen == list(range(15, 31))
    assert pages == 5  # 30 items in pages of 7: 7,7,7,7,2


def test_select_count_and_projection(ddb, orders):
    r = q(ddb, KeyConditionExpression="customer = :c", Select="COUNT",
          ExpressionAttributeValues=values(c={"S": "bob"}))
    assert r["Count"] == 30 and "Items" not in r
    r = q(ddb, KeyConditionExpression="customer = :c", ProjectionExpression="cents",
          ExpressionAttributeValues=values(c={"S": "bob"}), Limit=1)
    assert r["Items"] == [{"cents": {"N": "10"}}]


def test_gsi_query_keys_only_projection_and_pagination(ddb, orders):
    items, start = [], {}
    while True:
        r = q(ddb, IndexName="by-status", KeyConditionExpression="#s = :o",
              ExpressionAttributeNames={"#s": "status"},
              ExpressionAttributeValues=values(o={"S": "open"}), Limit=4, **start)
        items += r["Items"]
        if "LastEvaluatedKey" not in r:
            break
        assert set(r["LastEvaluatedKey"]) == {"customer", "order", "status", "placed"}
        start = {"ExclusiveStartKey": r["LastEvaluatedKey"]}
    assert len(items) == 20
    assert all(set(i) == {"customer", "order", "status", "placed"} for i in items)
    placed = [i["placed"]["S"] for i in items]
    assert placed == sorted(placed)


def test_gsi_consistent_read_rejected_and_unknown_index(ddb, orders, err):
    with pytest.raises(ClientError) as excinfo:
        q(ddb, IndexName="by-status", ConsistentRead=True, KeyConditionExpression="#s = :o",
          ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues=values(o={"S": "open"}))
    assert err(excinfo)[1] == "Consistent reads are not supported on global secondary indexes"
    with pytest.raises(ClientError) as excinfo:
        q(ddb, IndexName="nope", KeyConditionExpression="customer = :c",
          ExpressionAttributeValues=values(c={"S": "x"}))
    assert err(excinfo)[1] == "The table does not have the specified index: nope"


def test_lsi_query_orders_by_index_key(ddb, orders):
    r = q(ddb, IndexName="by-placed", KeyConditionExpression="customer = :c AND begins_with(placed, :p)",
          ExpressionAttributeValues=values(c={"S": "ann"}, p={"S": "2026-01-0"}))
    assert [i["placed"]["S"] for i in r["Items"]] == [f"2026-01-0{d}" for d in range(1, 10)]
    assert r["Items"][0]["cents"] == {"N": "300"}


def test_gsi_updates_follow_item_changes(ddb, orders):
    key = {"customer": {"S": "ann"}, "order": {"N": "3"}}
    ddb.update_item(TableName="orders", Key=key, UpdateExpression="REMOVE #s",
                    ExpressionAttributeNames={"#s": "status"})
    r = q(ddb, IndexName="by-status", KeyConditionExpression="#s = :o", Select="COUNT",
          ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues=values(o={"S": "open"}))
    assert r["Count"] == 19


def test_key_condition_errors(ddb, orders, err):
    cases = [
        ("#o = :n", values(n={"N": "1"}), "Query condition missed key schema element: customer"),
        ("customer = :c OR #o = :n", values(c={"S": "a"}, n={"N": "1"}),
         "Invalid operator used in KeyConditionExpression: OR"),
        ("customer = :n", values(n={"N": "1"}),
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("customer = :c AND begins_with(#o, :n)", values(c={"S": "a"}, n={"S": "1"}),
         "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
         "operator or function: begins_with, operand type: N"),
    ]
    for expression, vals, message in cases:
        names = {"#o": "order"} if "#o" in expression else {}
        with pytest.raises(ClientError) as excinfo:
            q(ddb, KeyConditionExpression=expression, ExpressionAttributeValues=vals,
              **({"ExpressionAttributeNames": names} if names else {}))
        assert err(excinfo) == ("ValidationException", message), expression


def test_filter_on_key_attribute_rejected(ddb, orders, err):
    with pytest.raises(ClientError) as excinfo:
        q(ddb, KeyConditionExpression="customer = :c", FilterExpression="#o > :n",
          ExpressionAttributeNames={"#o": "order"},
          ExpressionAttributeValues=values(c={"S": "ann"}, n={"N": "1"}))
    assert err(excinfo)[1] == (
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: order"
    )


def test_scan_pagination_with_filter_visits_every_item_once(ddb, orders):
    seen, start = [], {}
    while True:
        r = ddb.scan(TableName="orders", Limit=11, FilterExpression="attribute_exists(#s)",
                     ExpressionAttributeNames={"#s": "status"}, **start)
        seen += [(i["customer"]["S"], i["order"]["N"]) for i in r["Items"]]
        if "LastEvaluatedKey" not in r:
            break
        start = {"ExclusiveStartKey": r["LastEvaluatedKey"]}
    assert len(seen) == len(set(seen)) == 20


def test_parallel_scan_segments_partition_the_table(ddb, make_table):
    make_table("spread", ("id", "S"), None)
    for n in range(200):
        ddb.put_item(TableName="spread", Item={"id": {"S": f"id-{n}"}})
    found = []
    for segment in range(4):
        r = ddb.scan(TableName="spread", Segment=segment, TotalSegments=4)
        assert 0 < r["Count"] < 200
        found += [i["id"]["S"] for i in r["Items"]]
    assert sorted(found) == sorted(f"id-{n}" for n in range(200))


def test_segment_validation(ddb, orders, err):
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName="orders", Segment=4, TotalSegments=2)
    assert err(excinfo)[1] == (
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 4 is not less than TotalSegments: 2"  # AWS's words (moto's AWS-verified test)
    )


def test_binary_sort_key_order(ddb, make_table):
    make_table("bins", ("pk", "S"), ("b", "B"))
    for raw in (b"\xff", b"\x00\x01", b"\x10", b"\x00"):
        ddb.put_item(TableName="bins", Item={"pk": {"S": "p"}, "b": {"B": raw}})
    r = ddb.query(TableName="bins", KeyConditionExpression="pk = :p",
                  ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["b"]["B"] for i in r["Items"]] == [b"\x00", b"\x00\x01", b"\x10", b"\xff"]
