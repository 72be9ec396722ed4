"""$disconnect: forget the connection and show everyone the aviary without it."""

from __future__ import annotations

from typing import Any

from shared.aviary import SCOPE, broadcast_state

from pyarc.functions import tables


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    connection_id = event["requestContext"]["connectionId"]
    tables.table("data").delete_item(Key={"scopeID": SCOPE, "dataID": connection_id})
    broadcast_state({"kind": "leave", "id": connection_id})
    return {"statusCode": 200}
