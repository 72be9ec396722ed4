"""The item formats of table import and export: DynamoDB JSON, Amazon Ion (text) and CSV,
line by line, as AWS's "import formats" and "export output format" pages describe them.

Readers yield, per line of a source object, either an item in DynamoDB JSON or the
sentence saying why that line is not one (DynamoDB counts each as one error and goes on).
Writers give one line per item. Ion (the `amazon-ion` library) and zstd (`zstandard`) are
imported by the first object that needs them.
"""

from __future__ import annotations

import base64
import csv
import gzip
import io
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import orjson

from pyarc.tables.values import Item

ION_VERSION_MARKER = "$ion_1_0"
SET_ANNOTATIONS = {"$dynamodb_SS": "SS", "$dynamodb_NS": "NS", "$dynamodb_BS": "BS"}
DATA_SUFFIX = {"DYNAMODB_JSON": ".json.gz", "ION": ".ion.gz"}

Line = Item | str  # an item, or why the line is not one


class NotAnItem(ValueError):
    """A source line that cannot become an item."""


def decompress(body: bytes, compression: str) -> bytes:
    """The object's bytes as written, for InputCompressionType NONE, GZIP or ZSTD."""
    try:
        if compression == "GZIP":
            return gzip.decompress(body)
        if compression == "ZSTD":
            import zstandard

            with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(body)) as reader:
                return reader.read()
    except Exception as error:  # OSError, EOFError, zlib.error, zstandard.ZstdError
        raise NotAnItem(f"The object is not {compression} compressed data: {error}") from None
    return body


def read_lines(text: str, input_format: str, options: Mapping[str, Any],
               key_types: Mapping[str, str]) -> Iterator[Line]:
    """Each line of an object, as an item or as the reason it is not one."""
    if input_format == "CSV":
        yield from _csv_items(text, options.get("Csv") or {}, key_types)
        return
    parse = _dynamodb_json_item if input_format == "DYNAMODB_JSON" else _ion_item
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            yield parse(line)
        except NotAnItem as error:
            yield str(error)


# DynamoDB JSON -------------------------------------------------------------------------
def _dynamodb_json_item(line: str) -> Item:
    try:
        document = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise NotAnItem("Unexpected token in DynamoDB JSON: the line is not valid JSON") from None
    item = document.get("Item") if isinstance(document, dict) else None
    if not isinstance(item, dict):
        raise NotAnItem('The line is not a DynamoDB JSON item: {"Item": {...}} expected')
    return item


def dynamodb_json_line(item: Item) -> bytes:
    return orjson.dumps({"Item": item}) + b"\n"


# Amazon Ion ----------------------------------------------------------------------------
def _ion_item(line: str) -> Item:
    from amazon.ion import simpleion
    from amazon.ion.exceptions import IonException

    try:
        document = simpleion.loads(line)
    except (IonException, ValueError, TypeError, IndexError) as error:
        raise NotAnItem(f"The line is not valid Ion text: {error}") from None
    from amazon.ion.core import IonType

    item = document.get("Item") if getattr(document, "ion_type", None) is IonType.STRUCT else None
    if getattr(item, "ion_type", None) is not IonType.STRUCT:
        raise NotAnItem("The line is not an Ion item: {Item:{...}} expected")
    return {name: _from_ion(value) for name, value in item.items()}


def _from_ion(value: Any) -> dict[str, Any]:
    from amazon.ion.core import IonType

    kind = getattr(value, "ion_type", None)
    if kind is None or kind is IonType.NULL or getattr(value, "is_null", False):
        return {"NULL": True}
    annotations = [getattr(a, "text", a) for a in getattr(value, "ion_annotations", ())]
    if kind is IonType.BOOL:
        return {"BOOL": bool(value)}
    if kind in (IonType.INT, IonType.DECIMAL, IonType.FLOAT):
        return {"N": str(Decimal(str(value)) if kind is IonType.FLOAT else value)}
    if kind in (IonType.STRING, IonType.SYMBOL):
        return {"S": str(getattr(value, "text", value))}
    if kind in (IonType.BLOB, IonType.CLOB):
        return {"B": base64.b64encode(bytes(value)).decode("ascii")}
    if kind is IonType.STRUCT:
        return {"M": {name: _from_ion(member) for name, member in value.items()}}
    if kind in (IonType.LIST, IonType.SEXP):
        set_type = next((SET_ANNOTATIONS[a] for a in annotations if a in SET_ANNOTATIONS), None)
        members = [_from_ion(member) for member in value]
        if set_type is None:
            return {"L": members}
        scalar = set_type[0]
        if any(next(iter(m)) != scalar for m in members):
            raise NotAnItem(f"A {set_type} set ({annotations[0]}) holds a value of another type")
        return {set_type: [m[scalar] for m in members]}
    raise NotAnItem(f"Ion {kind.name.lower()} values have no DynamoDB type")


def ion_line(item: Item) -> bytes:
    from amazon.ion import simpleion

    text = simpleion.dumps({"Item": {n: _to_ion(v) for n, v in item.items()}}, binary=False,
                           omit_version_marker=True)
    return f"{ION_VERSION_MARKER} {text}\n".encode()


def _to_ion(value: Mapping[str, Any]) -> Any:
    from amazon.ion.core import IonType
    from amazon.ion.simple_types import IonPyBytes, IonPyList, IonPyNull

    (kind, inner), = value.items()
    if kind == "S":
        return inner
    if kind == "N":
        return Decimal(inner)
    if kind == "B":
        return IonPyBytes.from_value(IonType.BLOB, base64.b64decode(inner))
    if kind == "BOOL":
        return bool(inner)
    if kind == "NULL":
        return IonPyNull.from_value(IonType.NULL, None)
    if kind == "M":
        return {name: _to_ion(member) for name, member in inner.items()}
    if kind == "L":
        return [_to_ion(member) for member in inner]
    scalar = kind[0]  # SS, NS, BS
    members = [_to_ion({scalar: member}) for member in inner]
    return IonPyList.from_value(IonType.LIST, members, annotations=(f"$dynamodb_{kind}",))


# CSV -----------------------------------------------------------------------------------
def _csv_items(text: str, options: Mapping[str, Any], key_types: Mapping[str, str]) -> Iterator[Line]:
    """Rows as items: the first row is the header unless a HeaderList is given; key
    attributes (the table's and its indexes') take their defined type, the rest are strings."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=options.get("Delimiter") or ",")
    headers: list[str] | None = list(options["HeaderList"]) if options.get("HeaderList") else None
    for row in rows:
        if headers is None:
            headers = row
            continue
        if not row:
            continue
        if len(row) != len(headers):
            yield (f"The row has {len(row)} columns and the header {len(headers)}: "
                   "every row must have as many columns as the header")
            continue
        item: Item = {}
        for name, cell in zip(headers, row, strict=True):
            kind = key_types.get(name, "S")
            if cell == "" and name not in key_types:
                continue  # an empty cell is no attribute
            item[name] = {kind: cell}
        yield item
