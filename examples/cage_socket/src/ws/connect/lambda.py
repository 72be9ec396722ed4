"""$connect: remember the new connection as a bird looking straight ahead.

The record lives in the `data` table under scopeID "connection", dataID = the
connection id, with a `ttl` two hours ahead (API Gateway's own connection limit)
so DynamoDB sweeps it up even if `$disconnect` never runs.
"""

from __future__ import annotations

import time
from typing import Any

from pyarc.functions import tables

SCOPE = "connection"
CONNECTION_TTL_S = 2 * 60 * 60  # API Gateway closes every WebSocket after 2 hours


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["requestContext"]
    connected_at_ms = int(request.get("connectedAt") or time.time() * 1000)
    tables.table("data").put_item(
        Item={
            "scopeID": SCOPE,
            "dataID": request["connectionId"],
            "direction": "center",
            "connectedAt": connected_at_ms,
            "ttl": connected_at_ms // 1000 + CONNECTION_TTL_S,
        }
    )
    return {"statusCode": 200}
