"""TTL expiry through the running sweeper, and stream records for each kind of write."""

from __future__ import annotations

import threading
import time

from pyarc.testing import wait_until


def _collect(engine):
    records: list[tuple[str, dict]] = []
    lock = threading.Lock()

    def listener(table, batch):
        with lock:
            records.extend((table, r) for r in batch)

    engine.add_stream_listener(listener)
    return records


def _streamed_table(ddb, make_table, name="events"):
    make_table(name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return name


def test_stream_records_insert_modify_remove(ddb, engine, make_table):
    table = _streamed_table(ddb, make_table)
    records = _collect(engine)
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    ddb.put_item(TableName=table, Item={**key, "v": {"N": "1"}})
    ddb.put_item(TableName=table, Item={**key, "v": {"N": "1"}})  # no change: no record
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET v = :two",
                    ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.delete_item(TableName=table, Key=key)
    assert [r["eventName"] for _, r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (r for _, r in records)
    assert insert["dynamodb"]["NewImage"]["v"] == {"N": "1"} and "OldImage" not in insert["dynamodb"]
    assert modify["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert remove["dynamodb"]["Keys"] == key and "NewImage" not in remove["dynamodb"]
    assert insert["eventSource"] == "aws:dynamodb"
    assert insert["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for _, r in records]
    assert sequence == sorted(sequence) and len(set(sequence)) == 3
    assert all("userIdentity" not in r for _, r in records)
    assert insert["eventSourceARN"].startswith(f"arn:aws:dynamodb:us-west-2:000000000000:table/{table}/stream/")


def test_tables_without_streams_emit_nothing(ddb, engine, things):
    records = _collect(engine)
    ddb.put_item(TableName=things, Item={"pk": {"S": "a"}, "sk": {"S": "1"}})
    assert records == []


def test_ttl_expiry_removes_items_and_records_service_identity(ddb, engine, make_table):
    table = _streamed_table(ddb, make_table, "sessions")
    ddb.update_time_to_live(TableName=table,
                            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    records = _collect(engine)
    now = int(time.time())
    ddb.put_item(TableName=table, Item={"pk": {"S": "old"}, "sk": {"S": "1"}, "expires": {"N": str(now - 10)}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "new"}, "sk": {"S": "1"}, "expires": {"N": str(now + 3600)}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "text"}, "sk": {"S": "1"}, "expires": {"S": "0"}})
    ancient = now - 6 * 365 * 24 * 3600  # AWS ignores TTL values more than five years old
    ddb.put_item(TableName=table, Item={"pk": {"S": "ancient"}, "sk": {"S": "1"}, "expires": {"N": str(ancient)}})

    def gone() -> bool:
        return "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "old"}, "sk": {"S": "1"}})

    wait_until(gone, timeout=10, what="the expired item to be swept")
    left = sorted(i["pk"]["S"] for i in ddb.scan(TableName=table)["Items"])
    assert left == ["ancient", "new", "text"]
    removals = [r for _, r in records if r["eventName"] == "REMOVE"]
    assert len(removals) == 1
    assert removals[0]["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert removals[0]["dynamodb"]["OldImage"]["pk"] == {"S": "old"}
