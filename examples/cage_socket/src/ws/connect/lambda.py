"""$connect: remember the new connection as a bird looking straight ahead.

The record lives in the `data` table (see `shared/aviary.py`), with a `ttl` two hours
ahead so DynamoDB sweeps it up even if `$disconnect` never runs.
"""

from __future__ import annotations

import time
from typing import Any

from shared.aviary import CONNECTION_TTL_S, SCOPE

from pyarc.functions import tables


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
