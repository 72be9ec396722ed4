"""Helpers shared by the item operations: expressions, conditions, return values, capacity."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import DynamoError, condition_failed, not_found, validation
from pyarc.tables.expressions.evaluate import matches, project
from pyarc.tables.expressions.nodes import Path
from pyarc.tables.expressions.parser import ExpressionContext, parse_condition, parse_projection
from pyarc.tables.values import Item, item_size

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store
    from pyarc.tables.store.table import Table

TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]+")
TABLE_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/([a-zA-Z0-9_.-]{3,255})")

EXPRESSION_KEYS = (
    "ConditionExpression",
    "UpdateExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)


def context_for(request: dict[str, Any]) -> ExpressionContext:
    names = request.get("ExpressionAttributeNames")
    values = request.get("ExpressionAttributeValues")
    has_expression = any(request.get(k) is not None for k in EXPRESSION_KEYS)
    if names is not None and not has_expression:
        raise validation("ExpressionAttributeNames can only be specified when using expressions")
    if values is not None and not has_expression:
        raise validation("ExpressionAttributeValues can only be specified when using expressions")
    return ExpressionContext(names, values)


def condition_of(request: dict[str, Any], context: ExpressionContext) -> Any:
    source = request.get("ConditionExpression")
    return None if source is None else parse_condition(source, "ConditionExpression", context)


def projection_of(request: dict[str, Any], context: ExpressionContext) -> list[Path] | None:
    source = request.get("ProjectionExpression")
    attributes = request.get("AttributesToGet")
    if source is not None and attributes is not None:
        raise validation(
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributesToGet} Expression parameters: "
            "{ProjectionExpression}"
        )
    if attributes is not None:
        return [Path((name,)) for name in attributes]
    return None if source is None else parse_projection(source, context)


def check_condition(old: Item | None, condition: Any, request: dict[str, Any]) -> None:
    """Raise ConditionalCheckFailedException (with the old item when asked) if unmet."""
    if condition is None or matches(old, condition):
        return
    wants_item = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    raise condition_failed(old if wants_item and old is not None else None)


def apply_projection(item: Item, paths: list[Path] | None) -> Item:
    return item if paths is None else project(item, paths)


def consumed(request: dict[str, Any], table: str, units: float) -> dict[str, Any]:
    if request.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES"):
        return {"ConsumedCapacity": {"TableName": table, "CapacityUnits": units}}
    return {}


def write_units(*items: Item | None) -> float:
    size = max((item_size(i) for i in items if i), default=0)
    return float(max(1, math.ceil(size / 1024)))


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units if consistent else units / 2)


def table_of(store: Store, name: Any, *, described: bool = False) -> Table:
    """The table a request names, by name or by ARN, as DynamoDB accepts either wherever a
    TableName goes; ResourceNotFoundException worded as DynamoDB does."""
    arn = TABLE_ARN.fullmatch(name) if isinstance(name, str) else None
    if arn is not None:
        table = store.tables.get(arn.group(1))
        if table is None or table.arn != name:  # another region or account: not here
            raise not_found()
        return table
    check_table_name(name)
    table = store.tables.get(name)
    if table is None:
        if described:
            raise not_found(f"Requested resource not found: Table: {name} not found")
        raise not_found()
    return table


def check_table_name(name: Any, field: str = "tableName") -> None:
    if not isinstance(name, str):
        raise DynamoError("SerializationException", "Unexpected value type in payload")
    if len(name) < 3 or len(name) > 255:
        bound = "greater than or equal to 3" if len(name) < 3 else "less than or equal to 255"
        raise validation(
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy "
            f"constraint: Member must have length {bound}"
        )
    if not TABLE_NAME.fullmatch(name):
        raise validation(
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        )
