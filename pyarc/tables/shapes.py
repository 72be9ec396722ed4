"""Request shapes: check a DynamoDB JSON request's types against DynamoDB's own API model.

DynamoDB's front end rejects a field of the wrong JSON type (a list where a map belongs, a
number where a string belongs) with a 400 `SerializationException` before any operation
runs. `check_request(operation, request)` does the same from botocore's model of the
DynamoDB API (through the shared `pyarc.wire` checker), so the engine only ever sees
fields of the types it expects (and every required member, else DynamoDB's "Value null at '...'" ValidationException); the message
keeps DynamoDB's wording and adds where the value was, e.g.
`Start of list found where not expected (at 'RequestItems', which must be a map)`.

Every `AttributeValue` is checked here, once, by `pyarc.tables.values.validate_value`, with
DynamoDB's messages, after a check that it nests no deeper than DynamoDB allows (32 levels),
and replaced in the request by its normalised form; the operations do not check it again.
"""

from __future__ import annotations

from typing import Any

from pyarc.tables.errors import DynamoError, validation
from pyarc.tables.values import AttributeValue, validate_value
from pyarc.wire import WireError, check, input_shape, refusal

# DynamoDB's AttributeValue is checked here, once, by `attribute_value`, not by the model
_OPAQUE = frozenset({"AttributeValue"})
MAX_NESTING = 32  # levels of M/L, as DynamoDB allows


def attribute_value(value: object, holder: str, key: object) -> AttributeValue:
    """The one check of an attribute value, normalised; `holder` is the shape holding it
    under `key` (DynamoDB names a bad ExpressionAttributeValues entry by its key)."""
    if _too_deep(value):
        raise validation("Nesting Levels have exceeded supported limits")
    try:
        return validate_value(value)
    except DynamoError as error:
        if error.type == "ValidationException" and holder == "ExpressionAttributeValueMap":
            error.value_key = str(key)
        raise


def _too_deep(value: object) -> bool:
    """More than MAX_NESTING levels of M/L (each level is two JSON levels), without recursion."""
    level: list[object] = [value]
    for _ in range(2 * MAX_NESTING + 2):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else
                          item if isinstance(item, list) else ())
        ]
        if not level:
            return False
    return True


def check_request(operation: str, request: dict[str, Any]) -> None:
    """Raise `SerializationException` naming the first field of the wrong JSON type, or
    DynamoDB's ValidationException for a missing member or a bad attribute value. Attribute
    values are normalised in place (numbers in canonical form): this is their only check."""
    shape = input_shape("dynamodb", operation, _OPAQUE)
    if shape is None:
        return
    try:
        check(shape, request, attribute_value)
    except WireError as exc:  # DynamoDB's wording, as SSM's: pyarc.wire.refusals
        refused = refusal("dynamodb", exc)
        raise DynamoError(refused.code, refused.message) from None
