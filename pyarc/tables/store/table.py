"""One table's schema and storage: partitions in hash order, items in sort-key order.

Partitions live in a `SortedDict` keyed by (md5 of the partition key, partition key), so a
Scan walks them in a stable, hash-spread order (as DynamoDB does) that also gives parallel
Scan its segments. Inside a partition, items sit in a `SortedDict` keyed by the sort key.
Secondary indexes keep the same shape, keyed by their own keys plus the table's keys.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedDict

from pyarc.tables.errors import invalid_params, validation
from pyarc.tables.values import Item, comparable, decode_binary, type_of

ACCOUNT = "000000000000"
REGION = "us-west-2"


class _Top:
    """Sorts after every key value (used for exclusive/inclusive range bounds)."""

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return other is not self

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return 0


TOP: Any = _Top()


MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024


def key_bytes(value: dict[str, Any]) -> int:
    """Bytes a key value counts against DynamoDB's key size limits."""
    return len(_key_bytes(value))


def check_key_size(value: dict[str, Any], *, is_hash: bool) -> None:
    """DynamoDB's limits on a table key's size (2048 bytes hash, 1024 range), its words."""
    limit = MAX_HASH_KEY_BYTES if is_hash else MAX_RANGE_KEY_BYTES
    raw = value.get("S")
    if raw is not None and len(raw) * 4 <= limit:  # UTF-8 takes at most 4 bytes a character
        return
    if key_bytes(value) <= limit:
        return
    if is_hash:
        raise invalid_params("Size of hashkey has exceeded the maximum size limit of2048 bytes")
    raise invalid_params(
        "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
    )


@dataclass(frozen=True)
class KeySchema:
    """A key schema; a GSI may have up to four HASH and four RANGE attributes (`more_*`)."""

    hash: str
    range: str | None = None
    more_hash: tuple[str, ...] = ()  # HASH attributes after the first, in schema order
    more_range: tuple[str, ...] = ()  # RANGE attributes after the first

    @property
    def hash_names(self) -> tuple[str, ...]:
        return (self.hash, *self.more_hash)

    @property
    def range_names(self) -> tuple[str, ...]:
        return ((self.range,) if self.range else ()) + self.more_range

    @property
    def multi(self) -> bool:
        return bool(self.more_hash or self.more_range)

    @property
    def names(self) -> tuple[str, ...]:
        if not self.multi:
            return (self.hash,) if self.range is None else (self.hash, self.range)
        return self.hash_names + self.range_names

    def to_json(self) -> list[dict[str, str]]:
        return [{"AttributeName": n, "KeyType": "HASH"} for n in self.hash_names] + [
            {"AttributeName": n, "KeyType": "RANGE"} for n in self.range_names
        ]

    def to_definition(self) -> list[Any]:
        return [self.hash, self.range, *([list(self.more_hash), list(self.more_range)]
                                         if self.multi else [])]

    @classmethod
    def from_definition(cls, data: list[Any]) -> KeySchema:
        more = [tuple(names) for names in data[2:4]]
        return cls(data[0], data[1], *more)


def _key_bytes(value: dict[str, Any]) -> bytes:
    kind, raw = next(iter(value.items()))
    return decode_binary(raw) if kind == "B" else str(raw).encode("utf-8")


def partition_position(value: dict[str, Any]) -> tuple[bytes, Any]:
    return hashlib.md5(_key_bytes(value)).digest(), comparable(value)


def partition_position_of(values: list[dict[str, Any]]) -> tuple[bytes, Any]:
    """The partition of a (possibly multi-attribute) partition key, values in schema order."""
    if len(values) == 1:
        return partition_position(values[0])
    digest = hashlib.md5(b"\x00".join(_key_bytes(v) for v in values)).digest()
    return digest, tuple(comparable(v) for v in values)


@dataclass
class Storage:
    """Partitions -> sorted items; used by the table and by each secondary index."""

    partitions: SortedDict = field(default_factory=SortedDict)

    def insert(self, position: tuple[bytes, Any], inner: tuple, item: Item) -> None:
        partition = self.partitions.get(position)
        if partition is None:
            partition = self.partitions[position] = SortedDict()
        partition[inner] = item

    def discard(self, position: tuple[bytes, Any], inner: tuple) -> None:
        partition = self.partitions.get(position)
        if partition is not None:
            partition.pop(inner, None)
            if not partition:
                del self.partitions[position]

    def scan(self, start: tuple | None = None) -> Iterator[tuple[tuple, tuple, Item]]:
        """(position, inner key, item) in scan order, strictly after `start` if given."""
        if start is None:
            for position, partition in self.partitions.items():
                for inner, item in partition.items():
                    yield position, inner, item
            return
        start_position, start_inner = start
        partition = self.partitions.get(start_position)
        if partition is not None:
            for inner in partition.irange(minimum=start_inner, inclusive=(False, True)):
                yield start_position, inner, partition[inner]
        for position in self.partitions.irange(minimum=start_position, inclusive=(False, True)):
            for inner, item in self.partitions[position].items():
                yield position, inner, item

    def count(self) -> int:
        return sum(len(p) for p in self.partitions.values())

    def clear(self) -> None:
        self.partitions.clear()


@dataclass
class Index:
    name: str
    kind: str  # "GSI" | "LSI"
    keys: KeySchema
    projection: dict[str, Any]
    storage: Storage = field(default_factory=Storage)

    def projected_names(self, table_keys: KeySchema) -> set[str] | None:
        """Attribute names an index holds, or None for ALL."""
        projection_type = self.projection.get("ProjectionType", "ALL")
        if projection_type == "ALL":
            return None
        names = set(self.keys.names) | set(table_keys.names)
        if projection_type == "INCLUDE":
            names |= set(self.projection.get("NonKeyAttributes", []))
        return names


@dataclass
class Table:
    name: str
    keys: KeySchema
    attribute_types: dict[str, str]  # attribute name -> S | N | B (AttributeDefinitions)
    indexes: dict[str, Index] = field(default_factory=dict)
    billing_mode: str = "PAY_PER_REQUEST"
    throughput: dict[str, int] = field(
        default_factory=lambda: {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    )
    stream: dict[str, Any] | None = None  # StreamSpecification when enabled
    stream_label: str | None = None
    ttl_attribute: str | None = None  # set when TTL is enabled
    created: float = field(default_factory=time.time)
    storage: Storage = field(default_factory=Storage)
    tags: list[dict[str, str]] = field(default_factory=list)
    deletion_protection: bool = False
    # settings that are stored and returned, not enforced: "policy" / "stream_policy"
    # ({"Policy", "RevisionId"}), "pitr" ({"days", "since"}); see operations/control.py
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{self.name}"

    @property
    def stream_arn(self) -> str | None:
        return f"{self.arn}/stream/{self.stream_label}" if self.stream_label else None

    # -- keys ----------------------------------------------------------------------------
    def check_key_value(self, name: str, value: dict[str, Any], *, in_item: bool) -> None:
        expected = self.attribute_types[name]
        actual = type_of(value)
        if actual != expected:
            if in_item:
                raise invalid_params(
                    f"Type mismatch for key {name} expected: {expected} actual: {actual}"
                )
            raise validation("The provided key element does not match the schema")
        if actual in ("S", "B") and not value[actual]:
            raise validation(
                "One or more parameter values are not valid. The AttributeValue for a key "
                f"attribute cannot contain an empty string value. Key: {name}"
            )
        check_key_size(value, is_hash=name == self.keys.hash)

    def check_item_keys(self, item: Item) -> None:
        """Validate a full item's table and index keys (PutItem, after UpdateItem)."""
        for name in self.keys.names:
            if name not in item:
                raise invalid_params(f"Missing the key {name} in the item")
            self.check_key_value(name, item[name], in_item=True)
        for index in self.indexes.values():
            for name in index.keys.names:
                value = item.get(name)
                if value is None:
                    continue
                expected = self.attribute_types[name]
                if type_of(value) != expected:
                    raise invalid_params(
                        f"Type mismatch for Index Key {name} Expected: {expected} "
                        f"Actual: {type_of(value)} IndexName: {index.name}"
                    )
                if expected in ("S", "B") and not value[expected]:
                    raise validation(
                        "One or more parameter values are not valid. A value specified for a "
                        "secondary index key is not supported. The AttributeValue for a key "
                        f"attribute cannot contain an empty string value. IndexName: "
                        f"{index.name}, IndexKey: {name}"
                    )
                limit = MAX_HASH_KEY_BYTES if name == index.keys.hash else MAX_RANGE_KEY_BYTES
                size = key_bytes(value)
                if size > limit:
                    raise invalid_params(
                        f"Size limit exceeded for Index Key {name} Actual Size: {size} bytes "
                        f"Max Size: {limit} bytes IndexName: {index.name}"
                    )

    def key_from_request(self, key: Any) -> Item:
        """Check a `Key` parameter (values already checked): exactly the key attributes, with
        the right types."""
        if set(key) != set(self.keys.names):
            raise validation("The provided key element does not match the schema")
        for name in self.keys.names:
            self.check_key_value(name, key[name], in_item=False)
        return {name: key[name] for name in self.keys.names}

    def key_of(self, item: Item) -> Item:
        return {name: item[name] for name in self.keys.names}

    def locate(self, item: Item) -> tuple[tuple[bytes, Any], tuple]:
        position = partition_position(item[self.keys.hash])
        inner = (comparable(item[self.keys.range]),) if self.keys.range else ()
        return position, inner

    def index_locate(self, index: Index, item: Item) -> tuple[tuple[bytes, Any], tuple] | None:
        """Where `item` sits in `index`; None when it lacks any of the index's key attributes."""
        if index.keys.multi:
            hash_values = [item.get(name) for name in index.keys.hash_names]
            range_values = [item.get(name) for name in index.keys.range_names]
            if any(v is None for v in hash_values) or any(v is None for v in range_values):
                return None
            position = partition_position_of(hash_values)  # type: ignore[arg-type]
            inner = tuple(comparable(v) for v in range_values)  # type: ignore[arg-type]
        else:
            hash_value = item.get(index.keys.hash)
            if hash_value is None:
                return None
            inner = ()
            if index.keys.range:
                range_value = item.get(index.keys.range)
                if range_value is None:
                    return None
                inner = (comparable(range_value),)
            position = partition_position(hash_value)
        _, table_inner = self.locate(item)
        table_hash = comparable(item[self.keys.hash])
        return position, inner + (table_hash,) + table_inner

    # -- storage -------------------------------------------------------------------------
    def get(self, key: Item) -> Item | None:
        position, inner = self.locate(key)
        partition = self.storage.partitions.get(position)
        return None if partition is None else partition.get(inner)

    def store(self, item: Item) -> Item | None:
        """Put `item` (replacing any item with its key); return the old item."""
        old = self.get(item)
        if old is not None:
            self._unindex(old)
        position, inner = self.locate(item)
        self.storage.insert(position, inner, item)
        self._index(item)
        return old

    def remove(self, key: Item) -> Item | None:
        old = self.get(key)
        if old is not None:
            self._unindex(old)
            position, inner = self.locate(key)
            self.storage.discard(position, inner)
        return old

    def _index(self, item: Item) -> None:
        for index in self.indexes.values():
            where = self.index_locate(index, item)
            if where is not None:
                index.storage.insert(where[0], where[1], item)

    def _unindex(self, item: Item) -> None:
        for index in self.indexes.values():
            where = self.index_locate(index, item)
            if where is not None:
                index.storage.discard(where[0], where[1])

    def rebuild_index(self, index: Index) -> None:
        index.storage.clear()
        for _, _, item in self.storage.scan():
            where = self.index_locate(index, item)
            if where is not None:
                index.storage.insert(where[0], where[1], item)

    def items(self) -> Iterator[Item]:
        for _, _, item in self.storage.scan():
            yield item

    # -- description ---------------------------------------------------------------------
    def describe(self, status: str = "ACTIVE") -> dict[str, Any]:
        from pyarc.tables.values import item_size

        count = 0
        size = 0
        for item in self.items():
            count += 1
            size += item_size(item)
        used = set(self.keys.names)
        for index in self.indexes.values():
            used |= set(index.keys.names)
        description: dict[str, Any] = {
            "AttributeDefinitions": [
                {"AttributeName": n, "AttributeType": t}
                for n, t in self.attribute_types.items()
                if n in used
            ],
            "TableName": self.name,
            "KeySchema": self.keys.to_json(),
            "TableStatus": status,
            "CreationDateTime": self.created,
            "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, **self.throughput},
            "TableSizeBytes": size,
            "ItemCount": count,
            "TableArn": self.arn,
            "TableId": hashlib.md5(self.arn.encode()).hexdigest(),
            "DeletionProtectionEnabled": self.deletion_protection,
        }
        if self.billing_mode == "PAY_PER_REQUEST":
            description["BillingModeSummary"] = {
                "BillingMode": "PAY_PER_REQUEST",
                "LastUpdateToPayPerRequestDateTime": self.created,
            }
        for kind, field_name in (
            ("GSI", "GlobalSecondaryIndexes"),
            ("LSI", "LocalSecondaryIndexes"),
        ):
            found = [i for i in self.indexes.values() if i.kind == kind]
            if not found:
                continue
            description[field_name] = [
                {
                    "IndexName": i.name,
                    "KeySchema": i.keys.to_json(),
                    "Projection": i.projection,
                    "IndexSizeBytes": 0,
                    "ItemCount": i.storage.count(),
                    "IndexArn": f"{self.arn}/index/{i.name}",
                    **(
                        {
                            "IndexStatus": "ACTIVE",
                            "ProvisionedThroughput": {
                                "NumberOfDecreasesToday": 0,
                                **self.throughput,
                            },
                        }
                        if kind == "GSI"
                        else {}
                    ),
                }
                for i in found
            ]
        if self.stream:
            description["StreamSpecification"] = self.stream
            description["LatestStreamLabel"] = self.stream_label
            description["LatestStreamArn"] = self.stream_arn
        return description

    def definition(self) -> dict[str, Any]:
        """What persistence needs to rebuild this table (schema, TTL, streams; no items)."""
        return {
            "name": self.name,
            "keys": [self.keys.hash, self.keys.range],
            "attribute_types": self.attribute_types,
            "indexes": [
                {
                    "name": i.name,
                    "kind": i.kind,
                    "keys": i.keys.to_definition(),
                    "projection": i.projection,
                }
                for i in self.indexes.values()
            ],
            "billing_mode": self.billing_mode,
            "throughput": self.throughput,
            "stream": self.stream,
            "stream_label": self.stream_label,
            "ttl_attribute": self.ttl_attribute,
            "created": self.created,
            "tags": self.tags,
            "settings": self.settings,
            "deletion_protection": self.deletion_protection,
        }

    @classmethod
    def from_definition(cls, data: dict[str, Any]) -> Table:
        table = cls(
            name=data["name"],
            keys=KeySchema(*data["keys"]),
            attribute_types=dict(data["attribute_types"]),
            billing_mode=data.get("billing_mode", "PAY_PER_REQUEST"),
            throughput=data.get("throughput") or {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
            stream=data.get("stream"),
            stream_label=data.get("stream_label"),
            ttl_attribute=data.get("ttl_attribute"),
            created=data.get("created", time.time()),
            tags=data.get("tags", []),
            settings=data.get("settings", {}),
            deletion_protection=data.get("deletion_protection", False),
        )
        for spec in data.get("indexes", []):
            table.indexes[spec["name"]] = Index(
                spec["name"], spec["kind"], KeySchema.from_definition(spec["keys"]),
                spec["projection"],
            )
        return table
