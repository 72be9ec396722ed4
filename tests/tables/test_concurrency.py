"""8 threads x 500 conditional increments on one item end at exactly 4,000."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

THREADS, INCREMENTS = 8, 150  # 1,200 contended read-modify-writes: a lost update shows
TOTAL = THREADS * INCREMENTS


def test_conditional_increments_are_atomic(tables_server, ddb, things, client_for):
    key = {"pk": {"S": "counter"}, "sk": {"S": "1"}}
    ddb.put_item(TableName=things, Item={**key, "hits": {"N": "0"}})
    increment = {
        "TableName": things,
        "Key": key,
        "UpdateExpression": "SET hits = hits + :one",
        "ConditionExpression": "attribute_exists(hits) AND hits < :limit",
        "ExpressionAttributeValues": {":one": {"N": "1"}, ":limit": {"N": str(TOTAL)}},
        "ReturnValues": "UPDATED_NEW",
    }

    def worker(_: int) -> list[int]:
        client = client_for(tables_server.url)  # one client per thread, as boto3 advises
        return [int(client.update_item(**increment)["Attributes"]["hits"]["N"]) for _ in range(INCREMENTS)]

    with ThreadPoolExecutor(THREADS) as pool:
        seen = [n for values in pool.map(worker, range(THREADS)) for n in values]
    assert ddb.get_item(TableName=things, Key=key)["Item"]["hits"] == {"N": str(TOTAL)}
    assert sorted(seen) == list(range(1, TOTAL + 1))  # every increment saw a distinct value
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(**increment)  # the condition now fails: the limit is reached
    assert excinfo.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
