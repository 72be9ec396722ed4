"""Attribute values in DynamoDB JSON form: validation, numbers, ordering and item size.

Items are stored exactly as DynamoDB JSON (`{"S": "x"}`, `{"N": "1.5"}`, `{"M": {...}}`);
numbers are normalised to their canonical text on the way in (as DynamoDB returns them)
and compared as 38-digit decimals.
"""

from __future__ import annotations

import base64
import binascii
import decimal
from decimal import Decimal
from typing import Any

from pyarc.tables.errors import DynamoError, invalid_value, validation

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

MAX_ITEM_BYTES = 400 * 1024
NUMBER_CONTEXT = decimal.Context(prec=38, traps=[decimal.Inexact, decimal.Rounded])
_WIDE = decimal.Context(prec=200)
TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
_SET_NAMES = {"SS": "string", "NS": "number", "BS": "binary"}


def parse_number(text: Any) -> Decimal:
    """A DynamoDB number as a Decimal, with DynamoDB's limits (38 digits, 1e-130..1e126)."""
    if not isinstance(text, str):
        raise DynamoError("SerializationException", "NUMBER_VALUE cannot be converted to String")
    try:
        value = Decimal(text.strip())
    except decimal.InvalidOperation:
        raise validation("A value provided cannot be converted into a number") from None
    if not value.is_finite() or not text.strip():
        raise validation("A value provided cannot be converted into a number")
    if value == 0:
        return Decimal(0)
    digits = value.normalize(_WIDE).as_tuple().digits
    if len(digits) > 38:
        raise validation("Attempting to store more than 38 significant digits in a Number")
    exponent = value.adjusted()
    if exponent > 125:
        raise validation(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        )
    if exponent < -130:
        raise validation(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        )
    return value


def format_number(value: Decimal) -> str:
    """Canonical text for a number: no exponent, no trailing zeros (`1.50` -> `1.5`)."""
    if value == 0:
        return "0"
    text = format(value.normalize(_WIDE), "f")
    return text


def normalise_number(text: Any) -> str:
    return format_number(parse_number(text))


def decode_binary(text: Any) -> bytes:
    if isinstance(text, bytes | bytearray):
        return bytes(text)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise DynamoError(
            "SerializationException", "Base64 encoded length is expected a multiple of 4 bytes"
        ) from None


def validate_value(value: Any) -> AttributeValue:
    """Check one attribute value and return it with numbers normalised."""
    if not isinstance(value, dict) or len(value) != 1:
        if isinstance(value, dict) and len(value) > 1:
            raise validation(
                "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                "one of the supported datatypes"
            )
        raise validation(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    ((kind, raw),) = value.items()
    if kind == "S":
        if not isinstance(raw, str):
            raise DynamoError(
                "SerializationException", "Start of structure or map found where not expected"
            )
        return value
    if kind == "N":
        return {"N": normalise_number(raw)}
    if kind == "B":
        decode_binary(raw)
        return value
    if kind in _SET_NAMES:
        if not isinstance(raw, list):
            raise DynamoError("SerializationException", "Unexpected value type in payload")
        if not raw:
            raise invalid_value(f"An {_SET_NAMES[kind]} set  may not be empty")
        if kind == "NS":
            members = [normalise_number(x) for x in raw]
            seen = {parse_number(x) for x in members}
        elif kind == "BS":
            members = list(raw)
            seen = {decode_binary(x) for x in raw}
        else:
            members = list(raw)
            seen = set(raw)
        if len(seen) != len(members):
            shown = ", ".join(str(x) for x in raw)
            raise invalid_value(f"Input collection [{shown}] contains duplicates.")
        return {kind: members}
    if kind == "M":
        if not isinstance(raw, dict):
            raise DynamoError("SerializationException", "Unexpected value type in payload")
        return {"M": {k: validate_value(v) for k, v in raw.items()}}
    if kind == "L":
        if not isinstance(raw, list):
            raise DynamoError("SerializationException", "Unexpected value type in payload")
        return {"L": [validate_value(v) for v in raw]}
    if kind == "NULL":
        if raw is not True:
            raise validation(
                "One or more parameter values were invalid: Null attribute value types must have the value of true"
            )
        return value
    if kind == "BOOL":
        if not isinstance(raw, bool):
            raise DynamoError("SerializationException", "Unexpected value type in payload")
        return value
    raise validation(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    )


def type_of(value: AttributeValue) -> str:
    return next(iter(value))


def comparable(value: AttributeValue) -> Any:
    """A Python value that orders like DynamoDB orders S, N and B (key attributes)."""
    kind, raw = next(iter(value.items()))
    if kind == "N":
        return Decimal(raw)
    if kind == "B":
        return decode_binary(raw)
    if kind == "S":
        return raw  # code point order == UTF-8 byte order
    raise TypeError(kind)


def _set_members(kind: str, raw: list[Any]) -> frozenset[Any]:
    if kind == "NS":
        return frozenset(Decimal(x) for x in raw)
    if kind == "BS":
        return frozenset(decode_binary(x) for x in raw)
    return frozenset(raw)


def values_equal(a: AttributeValue, b: AttributeValue) -> bool:
    """DynamoDB equality: same type and value; sets compare unordered, numbers numerically."""
    ka, kb = type_of(a), type_of(b)
    if ka != kb:
        return False
    ra, rb = a[ka], b[kb]
    if ka in ("N", "B"):
        return comparable(a) == comparable(b)
    if ka in _SET_NAMES:
        return _set_members(ka, ra) == _set_members(kb, rb)
    if ka == "M":
        return ra.keys() == rb.keys() and all(values_equal(ra[k], rb[k]) for k in ra)
    if ka == "L":
        return len(ra) == len(rb) and all(values_equal(x, y) for x, y in zip(ra, rb, strict=True))
    return ra == rb


def set_members(value: AttributeValue) -> frozenset[Any]:
    kind = type_of(value)
    return _set_members(kind, value[kind])


def _number_size(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").strip("0")
    return (len(digits) + 1) // 2 + 1


def value_size(value: AttributeValue) -> int:
    """Bytes a value counts towards the 400 KB item limit (AWS's published formula)."""
    kind, raw = next(iter(value.items()))
    if kind == "S":
        return len(raw.encode("utf-8"))
    if kind == "N":
        return _number_size(raw)
    if kind == "B":
        return len(decode_binary(raw))
    if kind == "SS":
        return sum(len(x.encode("utf-8")) for x in raw)
    if kind == "NS":
        return sum(_number_size(x) for x in raw)
    if kind == "BS":
        return sum(len(decode_binary(x)) for x in raw)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + value_size(v) + 1 for k, v in raw.items())
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in raw)
    return 1  # NULL, BOOL


def item_size(item: Item) -> int:
    return sum(len(name.encode("utf-8")) + value_size(v) for name, v in item.items())


def check_item_size(
    item: Item, message: str = "Item size has exceeded the maximum allowed size"
) -> None:
    if item_size(item) > MAX_ITEM_BYTES:
        raise validation(message)
