"""One `@tables` entry (with its `@tables-indexes` and streams) as a DynamoDB table definition.

`table_definition(table)` is the one home of the rules that turn a declaration into
DynamoDB's table shape: attribute types (`AttributeDefinitions`), key schemas, GSI
projections, the stream view type and the TTL attribute. The manifest loader calls it for
every table, so a conflict (one attribute declared with two types, a TTL attribute that is
also a key) is refused once, at load, with the file:line:column of the declaration; the
template (`AWS::DynamoDB::Table` properties) and the sandbox (its CreateTable request) both
render the same `TableDefinition`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pyarc.errors import ManifestError
from pyarc.inventory.model import KeyType, Location, Table, TableIndex

AttributeType = Literal["S", "N", "B"]
ATTRIBUTE_TYPE: dict[KeyType, AttributeType] = {"String": "S", "Number": "N", "Binary": "B"}
STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES"  # Architect streams both images
Json = dict[str, Any]


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    key_schema: list[Json]
    projection: Json

    def to_json(self) -> Json:
        return {"IndexName": self.name, "KeySchema": self.key_schema, "Projection": self.projection}


@dataclass(frozen=True)
class TableDefinition:
    """DynamoDB's view of one table: what CreateTable and AWS::DynamoDB::Table both say."""

    attribute_definitions: list[Json]
    key_schema: list[Json]
    global_secondary_indexes: list[IndexDefinition]
    stream_view_type: str | None  # None: no stream
    ttl_attribute: str | None

    def create_table_request(self, table_name: str) -> Json:
        """The CreateTable request (TTL is a separate UpdateTimeToLive call in DynamoDB)."""
        request: Json = {
            "TableName": table_name,
            "KeySchema": self.key_schema,
            "AttributeDefinitions": self.attribute_definitions,
            "BillingMode": "PAY_PER_REQUEST",
        }
        if self.global_secondary_indexes:
            request["GlobalSecondaryIndexes"] = [i.to_json() for i in self.global_secondary_indexes]
        if self.stream_view_type:
            request["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": self.stream_view_type,
            }
        return request

    def time_to_live_request(self, table_name: str) -> Json | None:
        if not self.ttl_attribute:
            return None
        return {
            "TableName": table_name,
            "TimeToLiveSpecification": {"Enabled": True, "AttributeName": self.ttl_attribute},
        }


def _fail(message: str, location: Location | None) -> ManifestError:
    if location is None:
        return ManifestError(message)
    return ManifestError(message, location.file, location.line, location.column)


def _key_schema(hash_key: str, range_key: str | None) -> list[Json]:
    schema: list[Json] = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def projection(index: TableIndex) -> Json:
    if index.projection == "all":
        return {"ProjectionType": "ALL"}
    if index.projection == "keys":
        return {"ProjectionType": "KEYS_ONLY"}
    if isinstance(index.projection, list) and index.projection:
        return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(index.projection)}
    raise _fail(
        f"@tables-indexes {index.name}: projection {index.projection!r} is not one of "
        "all, keys or a list of attribute names",
        index.location,
    )


def table_definition(table: Table, *, streamed: bool = False) -> TableDefinition:
    """The DynamoDB definition of `table`; ManifestError (at the declaration) on a conflict.

    `streamed`: a `@tables-streams` entry names the table (the loader also sets
    `table.stream` then; inventories built by hand may not)."""
    types: dict[str, AttributeType] = {}
    declared_in: dict[str, str] = {}

    def define(name: str, key_type: KeyType | None, where: str, location: Location | None) -> None:
        code = ATTRIBUTE_TYPE[key_type or "String"]
        if types.get(name, code) != code:
            raise _fail(
                f"@tables '{table.name}': attribute '{name}' is {key_type} in {where} but "
                f"{_type_word(types[name])} in {declared_in[name]}; give it one type",
                location,
            )
        types.setdefault(name, code)
        declared_in.setdefault(name, where)

    def at(owner: Table | TableIndex, name: str) -> Location | None:
        return owner.key_locations.get(name, owner.location)

    define(
        table.partition_key,
        table.partition_key_type,
        "the table key",
        at(table, table.partition_key),
    )
    if table.sort_key:
        define(table.sort_key, table.sort_key_type, "the table key", at(table, table.sort_key))
    indexes: list[IndexDefinition] = []
    for index in table.indexes:
        where = f"index '{index.name}'"
        hashes, ranges = index.partition_keys, index.sort_keys
        for name, _ in ranges:
            if name in dict(hashes):
                raise _fail(
                    f"@tables-indexes '{table.name}' index '{index.name}' uses '{name}' "
                    "as both partition and sort key; DynamoDB needs two attributes",
                    index.location,
                )
        for name, key_type in hashes + ranges:
            define(name, key_type, where, at(index, name))
        schema = [{"AttributeName": n, "KeyType": "HASH"} for n, _ in hashes] + [
            {"AttributeName": n, "KeyType": "RANGE"} for n, _ in ranges
        ]
        indexes.append(IndexDefinition(index.name, schema, projection(index)))
    if table.ttl and table.ttl in types:
        raise _fail(
            f"@tables '{table.name}': TTL attribute '{table.ttl}' is also a key (in "
            f"{declared_in[table.ttl]}); mark a different attribute TTL",
            at(table, table.ttl),
        )
    return TableDefinition(
        attribute_definitions=[
            {"AttributeName": name, "AttributeType": code} for name, code in types.items()
        ],
        key_schema=_key_schema(table.partition_key, table.sort_key),
        global_secondary_indexes=indexes,
        stream_view_type=STREAM_VIEW_TYPE if table.stream or streamed else None,
        ttl_attribute=table.ttl,
    )


def _type_word(code: AttributeType) -> str:
    return {v: k for k, v in ATTRIBUTE_TYPE.items()}[code]
