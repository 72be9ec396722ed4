"""The DynamoDB Streams records a Lambda consumer of `@tables-streams` receives."""

from __future__ import annotations

import uuid


def stream_event(records: list[dict], stream_arn: str) -> dict:
    """DynamoDB Streams records as Lambda receives them."""
    region = stream_arn.split(":")[3]
    shaped = []
    for record in records:
        shaped.append(
            {
                "eventID": record.get("eventID") or uuid.uuid4().hex,
                "eventName": record["eventName"],
                "eventVersion": record.get("eventVersion", "1.1"),
                "eventSource": "aws:dynamodb",
                "awsRegion": region,
                "dynamodb": record["dynamodb"],
                "eventSourceARN": stream_arn,
                **({"userIdentity": record["userIdentity"]} if "userIdentity" in record else {}),
            }
        )
    return {"Records": shaped}
