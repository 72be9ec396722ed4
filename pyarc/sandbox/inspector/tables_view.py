"""The inspector's table browser: every request goes through `Engine.handle`, the tables
engine's one entry point, so an item the page writes is checked exactly as a PutItem over
the wire is (and refused with DynamoDB's own message).

Items travel as plain JSON (numbers, strings, lists, objects; binary as base64) or, with
`format: "dynamodb"`, as DynamoDB JSON (`{"S": "x"}`).
"""

from __future__ import annotations

import base64
import functools
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pyarc.inventory.model import Inventory
from pyarc.tables.engine import Engine

Format = Literal["plain", "dynamodb"]
PAGE_LIMIT = 50
EXPORT_PAGE = 1000

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer


@functools.cache
def _codec() -> tuple[TypeSerializer, TypeDeserializer]:
    """boto3's attribute-value codec, imported on the page's first table call: importing
    boto3 at sandbox start-up costs ~0.2 s and ~20 MiB that the first request never needs."""
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


class BadInput(Exception):
    """Input the page sent that is not a request the table browser can make."""


def list_tables(engine: Engine, inventory: Inventory) -> list[dict[str, Any]]:
    """Each table the endpoint holds: keys, indexes, TTL, stream, item count and size."""
    logical = {
        table.physical_name(inventory.app, env): (table.name, env)
        for table in inventory.tables
        for env in ("staging", "production")
    }
    rows = []
    for name in engine.handle("ListTables", {}).get("TableNames", []):
        described = engine.handle("DescribeTable", {"TableName": name})["Table"]
        ttl = engine.handle("DescribeTimeToLive", {"TableName": name}).get(
            "TimeToLiveDescription", {}
        )
        app_name, env = logical.get(name, (None, None))
        rows.append(
            {
                "name": name,
                "logicalName": app_name,
                "env": env,
                "keySchema": described.get("KeySchema", []),
                "attributeDefinitions": described.get("AttributeDefinitions", []),
                "indexes": [
                    {"name": index["IndexName"], "keySchema": index["KeySchema"]}
                    for index in described.get("GlobalSecondaryIndexes", [])
                    + described.get("LocalSecondaryIndexes", [])
                ],
                "ttl": ttl.get("AttributeName")
                if ttl.get("TimeToLiveStatus") == "ENABLED"
                else None,
                "stream": described.get("StreamSpecification", {}).get("StreamViewType"),
                "itemCount": described.get("ItemCount", 0),
                "sizeBytes": described.get("TableSizeBytes", 0),
            }
        )
    return rows


def read_items(engine: Engine, body: dict[str, Any]) -> dict[str, Any]:
    """One page of a Scan or a Query, built from the page's form."""
    table = _text(body, "table")
    operation = "Query" if body.get("keyCondition") else "Scan"
    request: dict[str, Any] = {"TableName": table, "Limit": _limit(body.get("limit"))}
    if body.get("index"):
        request["IndexName"] = _text(body, "index")
    if body.get("keyCondition"):
        request["KeyConditionExpression"] = _text(body, "keyCondition")
    if body.get("filter"):
        request["FilterExpression"] = _text(body, "filter")
    if body.get("names"):
        request["ExpressionAttributeNames"] = _object(body, "names")
    fmt = _format(body)
    if body.get("values"):
        request["ExpressionAttributeValues"] = to_dynamodb(_object(body, "values"), fmt)
    if body.get("startKey"):
        request["ExclusiveStartKey"] = _object(body, "startKey")  # as the last page gave it
    answer = engine.handle(operation, request)
    return {
        "operation": operation,
        "items": [from_dynamodb(item, fmt) for item in answer.get("Items", [])],
        "count": answer.get("Count", 0),
        "scannedCount": answer.get("ScannedCount", 0),
        "nextKey": answer.get("LastEvaluatedKey"),  # DynamoDB JSON, sent back as startKey
    }


def put_item(engine: Engine, body: dict[str, Any]) -> dict[str, Any]:
    item = to_dynamodb(_object(body, "item"), _format(body))
    engine.handle("PutItem", {"TableName": _text(body, "table"), "Item": item})
    return {"ok": True}


def delete_item(engine: Engine, body: dict[str, Any]) -> dict[str, Any]:
    key = to_dynamodb(_object(body, "key"), _format(body))
    request = {"TableName": _text(body, "table"), "Key": key, "ReturnValues": "ALL_OLD"}
    answer = engine.handle("DeleteItem", request)
    return {"deleted": "Attributes" in answer}


def export_items(engine: Engine, table: str) -> list[dict[str, Any]]:
    """Every item of `table` as plain JSON, in scan order."""
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table, "Limit": EXPORT_PAGE}
    while True:
        answer = engine.handle("Scan", dict(request))
        items += [from_dynamodb(item, "plain") for item in answer.get("Items", [])]
        if "LastEvaluatedKey" not in answer:
            return items
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


# DynamoDB JSON <-> plain JSON ------------------------------------------------------------
def to_dynamodb(values: dict[str, Any], fmt: Format) -> dict[str, Any]:
    if fmt == "dynamodb":
        return values
    try:
        return {name: _codec()[0].serialize(_numbers(value)) for name, value in values.items()}
    except TypeError as exc:
        raise BadInput(f"The item cannot be written as DynamoDB values: {exc}.") from None


def from_dynamodb(item: dict[str, Any], fmt: Format) -> dict[str, Any]:
    if fmt == "dynamodb":
        return item
    return {name: _plain(_codec()[1].deserialize(value)) for name, value in item.items()}


def _numbers(value: Any) -> Any:
    """JSON floats as Decimal (boto3's serializer refuses floats, as DynamoDB numbers are
    decimal); booleans stay booleans."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    from boto3.dynamodb.types import Binary  # imported already by _codec()

    if isinstance(value, Binary):
        return base64.b64encode(value.value).decode("ascii")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, set):
        return sorted((_plain(v) for v in value), key=lambda v: json.dumps(v))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# the page's form -------------------------------------------------------------------------
def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise BadInput(f"'{name}' must be a non-empty string.")
    return value


def _object(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name)
    if not isinstance(value, dict):
        raise BadInput(f'\'{name}\' must be a JSON object, as in {{"id": "a"}}.')
    return value


def _format(body: dict[str, Any]) -> Format:
    fmt = body.get("format", "plain")
    if fmt not in ("plain", "dynamodb"):
        raise BadInput('\'format\' must be "plain" or "dynamodb".')
    return fmt


def _limit(value: Any) -> int:
    if value is None:
        return PAGE_LIMIT
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise BadInput("'limit' must be a number from 1 to 1000.")
    return value
