"""Shared by every subscriber of the test app: write what arrived into the `log` table."""

import json
import time

from pyarc.functions import tables


def record(pk: str, sk: str, event: dict) -> None:
    tables.table("log").put_item(
        Item={"pk": pk, "sk": sk, "raw": json.dumps(event), "at": str(time.time())}
    )


def append(pk: str, value: str) -> None:
    tables.table("log").update_item(
        Key={"pk": pk, "sk": "order"},
        UpdateExpression="SET seen = list_append(if_not_exists(seen, :empty), :v)",
        ExpressionAttributeValues={":empty": [], ":v": [value]},
    )
