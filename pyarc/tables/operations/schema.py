"""Table-level operations: Create/Describe/List/Update/DeleteTable and the TTL settings."""

from __future__ import annotations

import datetime
import time
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import DynamoError, invalid_params, validation
from pyarc.tables.operations.common import check_table_name, table_of
from pyarc.tables.operations.control import check_length
from pyarc.tables.store.table import Index, KeySchema, Table

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store

VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")


MULTI_KEY_LIMIT = 4  # a GSI's key schema: up to four HASH and four RANGE attributes


def _key_schema(raw: Any, where: str = "keySchema", *, multi: bool = False) -> KeySchema:
    if not isinstance(raw, list) or not raw:
        raise validation(
            f"1 validation error detected: Value null at '{where}' failed to satisfy constraint: "
            "Member must not be null"
        )
    if multi:
        return multi_key_schema(raw)
    if len(raw) > 2:
        raise validation(
            f"1 validation error detected: Value '{raw}' at '{where}' failed to satisfy "
            "constraint: Member must have length less than or equal to 2"
        )
    for element in raw:
        if element.get("KeyType") not in ("HASH", "RANGE"):
            raise validation(
                f"1 validation error detected: Value '{element.get('KeyType')}' at "
                f"'{where}.1.member.keyType' failed to satisfy constraint: Member must satisfy "
                "enum value set: [HASH, RANGE]"
            )
    hashes = [e["AttributeName"] for e in raw if e["KeyType"] == "HASH"]
    ranges = [e["AttributeName"] for e in raw if e["KeyType"] == "RANGE"]
    if len(hashes) != 1 or raw[0]["KeyType"] != "HASH":
        raise invalid_params("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(ranges) > 1:
        raise invalid_params("Too many RANGE keys in KeySchema")
    if ranges and ranges[0] == hashes[0]:
        raise invalid_params(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    return KeySchema(hashes[0], ranges[0] if ranges else None)


def multi_key_schema(raw: list[dict[str, Any]]) -> KeySchema:
    """A GSI key schema: 1-4 HASH attributes, then 0-4 RANGE attributes, names distinct."""
    if len(raw) > 2 * MULTI_KEY_LIMIT:
        raise invalid_params(
            f"Too many key attributes in KeySchema: a global secondary index allows up to "
            f"{MULTI_KEY_LIMIT} HASH and {MULTI_KEY_LIMIT} RANGE attributes"
        )
    kinds = [e.get("KeyType") for e in raw]
    for kind in kinds:
        if kind not in ("HASH", "RANGE"):
            raise validation(
                f"1 validation error detected: Value '{kind}' at 'keySchema.1.member.keyType' "
                "failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"
            )
    if kinds[0] != "HASH":
        raise invalid_params("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    hashes = [e["AttributeName"] for e in raw if e["KeyType"] == "HASH"]
    ranges = [e["AttributeName"] for e in raw if e["KeyType"] == "RANGE"]
    if kinds != ["HASH"] * len(hashes) + ["RANGE"] * len(ranges):
        raise invalid_params("Invalid KeySchema: every HASH KeySchemaElement must come before the RANGE ones")
    if len(hashes) > MULTI_KEY_LIMIT:
        raise invalid_params("Too many HASH keys in KeySchema")
    if len(ranges) > MULTI_KEY_LIMIT:
        raise invalid_params("Too many RANGE keys in KeySchema")
    names = hashes + ranges
    if len(set(names)) != len(names):
        raise invalid_params("Duplicate attribute names in KeySchema")
    return KeySchema(
        hashes[0], ranges[0] if ranges else None, tuple(hashes[1:]), tuple(ranges[1:])
    )


def _projection(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("ProjectionType") not in (
        "ALL",
        "KEYS_ONLY",
        "INCLUDE",
    ):
        raise invalid_params("Unknown ProjectionType: " + str((raw or {}).get("ProjectionType")))
    if raw["ProjectionType"] == "INCLUDE" and not raw.get("NonKeyAttributes"):
        raise invalid_params("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if raw["ProjectionType"] != "INCLUDE" and raw.get("NonKeyAttributes"):
        raise invalid_params(
            f"ProjectionType is {raw['ProjectionType']}, but NonKeyAttributes is specified"
        )
    return dict(raw)


def _stream(raw: Any) -> tuple[dict[str, Any] | None, str | None]:
    if not raw or not raw.get("StreamEnabled"):
        return None, None
    view = raw.get("StreamViewType")
    if view not in VIEW_TYPES:
        raise validation(
            "One or more parameter values were invalid: "
            "StreamSpecification.StreamViewType must be specified when streams are enabled"
        )
    label = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    return {"StreamEnabled": True, "StreamViewType": view}, label


def _check_definitions(types: dict[str, str], used: set[str], with_indexes: bool) -> None:
    """AttributeDefinitions must name exactly the key attributes (DynamoDB words the
    mismatch differently with and without secondary indexes)."""
    missing = sorted(used - set(types))
    if missing and not with_indexes:
        raise validation("Invalid KeySchema: Some index key attribute have no definition")
    if missing:
        raise invalid_params(
            "Some index key attributes are not defined in AttributeDefinitions. Keys: "
            f"[{', '.join(missing)}], AttributeDefinitions: [{', '.join(sorted(types))}]"
        )
    if set(types) - used and not with_indexes:
        raise invalid_params(
            "Number of attributes in KeySchema does not exactly match number of attributes "
            "defined in AttributeDefinitions"
        )
    if set(types) - used:
        raise invalid_params(
            f"Some AttributeDefinitions are not used. AttributeDefinitions: "
            f"[{', '.join(sorted(types))}], keys used: [{', '.join(sorted(used))}]"
        )


def create_table(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    name = request["TableName"]
    check_table_name(name)
    keys = _key_schema(request.get("KeySchema"))
    definitions = request.get("AttributeDefinitions") or []
    types: dict[str, str] = {}
    for definition in definitions:
        kind = definition.get("AttributeType")
        if kind not in ("S", "N", "B"):
            raise validation(
                f"1 validation error detected: Value '{kind}' at "
                "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [B, N, S]"
            )
        types[definition["AttributeName"]] = kind
    indexes: dict[str, Index] = {}
    for kind, field_name in (("GSI", "GlobalSecondaryIndexes"), ("LSI", "LocalSecondaryIndexes")):
        specs = request.get(field_name)
        if specs is None:
            continue
        if not specs:
            raise invalid_params(f"List of {field_name} is empty")
        for spec in specs:
            index_keys = _key_schema(
                spec.get("KeySchema"), f"{field_name}.keySchema", multi=kind == "GSI"
            )
            if kind == "LSI":
                if keys.range is None:
                    raise invalid_params(
                        "Table KeySchema does not have a range key, which is required when "
                        "specifying a LocalSecondaryIndex"
                    )
                if index_keys.hash != keys.hash or index_keys.range is None:
                    raise invalid_params(
                        "Index KeySchema does not have the same leading hash key as table "
                        f"KeySchema for index: {spec.get('IndexName')}. index hash key: "
                        f"{index_keys.hash}, table hash key: {keys.hash}"
                    )
            index_name = spec.get("IndexName")
            if index_name in indexes:
                raise invalid_params(f"Duplicate index name: {index_name}")
            indexes[index_name] = Index(
                index_name, kind, index_keys, _projection(spec.get("Projection"))
            )
    used = set(keys.names)
    for index in indexes.values():
        used |= set(index.keys.names)
    _check_definitions(types, used, bool(indexes))
    billing = request.get("BillingMode") or "PROVISIONED"
    throughput = {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    if billing == "PROVISIONED":
        given = request.get("ProvisionedThroughput")
        if not given:
            raise invalid_params(
                "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                "BillingMode is PROVISIONED"
            )
        throughput = {
            "ReadCapacityUnits": int(given["ReadCapacityUnits"]),
            "WriteCapacityUnits": int(given["WriteCapacityUnits"]),
        }
    elif request.get("ProvisionedThroughput"):
        raise invalid_params(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
            "is PAY_PER_REQUEST"
        )
    if name in store.tables:
        raise DynamoError("ResourceInUseException", f"Table already exists: {name}")
    stream, label = _stream(request.get("StreamSpecification"))
    table = Table(
        name=name,
        keys=keys,
        attribute_types=types,
        indexes=indexes,
        billing_mode=billing,
        throughput=throughput,
        stream=stream,
        stream_label=label,
        created=time.time(),
        tags=list(request.get("Tags") or []),
        deletion_protection=bool(request.get("DeletionProtectionEnabled")),
    )
    store.tables[name] = table
    store.write_journal([{"o": "create", "d": table.definition()}])
    return {"TableDescription": table.describe()}


def describe_table(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"], described=True)
    return {"Table": table.describe()}


def delete_table(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"], described=True)
    if table.deletion_protection:
        raise validation(
            f"1 validation error detected: Table '{table.name}' can't be deleted while "
            "DeletionProtectionEnabled is set to True"
        )
    description = table.describe("DELETING")
    del store.tables[table.name]
    store.write_journal([{"o": "drop", "t": table.name}])
    return {"TableDescription": description}


def list_tables(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    limit = request.get("Limit", 100)
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value less than or equal to 100"
            if isinstance(limit, int) and limit > 100
            else f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    names = sorted(store.tables)
    start = request.get("ExclusiveStartTableName")
    if start:
        names = [n for n in names if n > start]
    page = names[:limit]
    response: dict[str, Any] = {"TableNames": page}
    if len(names) > limit:
        response["LastEvaluatedTableName"] = page[-1]
    return response


def update_table(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"], described=True)
    for definition in request.get("AttributeDefinitions") or []:
        table.attribute_types.setdefault(definition["AttributeName"], definition["AttributeType"])
    if "BillingMode" in request:
        table.billing_mode = request["BillingMode"]
    if "ProvisionedThroughput" in request:
        given = request["ProvisionedThroughput"]
        table.throughput = {
            "ReadCapacityUnits": int(given["ReadCapacityUnits"]),
            "WriteCapacityUnits": int(given["WriteCapacityUnits"]),
        }
    if "DeletionProtectionEnabled" in request:
        table.deletion_protection = bool(request["DeletionProtectionEnabled"])
    if "StreamSpecification" in request:
        wanted = request["StreamSpecification"]
        if wanted.get("StreamEnabled") and table.stream:
            raise validation(f"Table already has an enabled stream: {table.stream_arn}")
        if not wanted.get("StreamEnabled") and not table.stream:
            raise validation("Table already has stream disabled")
        table.stream, label = _stream(wanted)
        table.stream_label = label or table.stream_label
    for update in request.get("GlobalSecondaryIndexUpdates") or []:
        if "Create" in update:
            spec = update["Create"]
            index_name = spec["IndexName"]
            if index_name in table.indexes:
                raise validation(f"Global Secondary Index already exists: {index_name}")
            index_keys = _key_schema(
                spec.get("KeySchema"), "globalSecondaryIndexUpdates.keySchema", multi=True
            )
            for key_name in index_keys.names:
                if key_name not in table.attribute_types:
                    raise invalid_params(
                        "Some index key attributes are not defined in AttributeDefinitions. "
                        f"Keys: [{key_name}], AttributeDefinitions: [{', '.join(table.attribute_types)}]"
                    )
            index = Index(index_name, "GSI", index_keys, _projection(spec.get("Projection")))
            table.indexes[index_name] = index
            table.rebuild_index(index)
        elif "Delete" in update:
            index_name = update["Delete"]["IndexName"]
            if index_name not in table.indexes:
                raise DynamoError(
                    "ResourceNotFoundException",
                    f"Requested resource not found: Index: {index_name}",
                )
            del table.indexes[index_name]
    store.write_journal([{"o": "define", "d": table.definition()}])
    return {"TableDescription": table.describe()}


def update_time_to_live(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"], described=True)
    spec = request["TimeToLiveSpecification"]  # both members required by the model
    attribute = spec["AttributeName"]
    check_length(attribute, "timeToLiveSpecification.attributeName", 1, 255)
    if spec.get("Enabled"):
        if table.ttl_attribute:
            raise validation("TimeToLive is already enabled")
        table.ttl_attribute = attribute
    else:
        if not table.ttl_attribute:
            raise validation("TimeToLive is already disabled")
        if table.ttl_attribute != attribute:
            raise validation(
                "TimeToLive is active on a different AttributeName: current AttributeName is "
                f"{table.ttl_attribute}"
            )
        table.ttl_attribute = None
    store.write_journal([{"o": "define", "d": table.definition()}])
    return {
        "TimeToLiveSpecification": {
            "Enabled": bool(spec.get("Enabled")),
            "AttributeName": attribute,
        }
    }


def describe_time_to_live(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"], described=True)
    if table.ttl_attribute:
        return {
            "TimeToLiveDescription": {
                "TimeToLiveStatus": "ENABLED",
                "AttributeName": table.ttl_attribute,
            }
        }
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}


def describe_endpoints(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    return {"Endpoints": [{"Address": "localhost", "CachePeriodInMinutes": 1440}]}
