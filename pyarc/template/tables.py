"""`@tables` + `@tables-indexes` -> `AWS::DynamoDB::Table` (PAY_PER_REQUEST)."""

from __future__ import annotations

from pyarc.errors import PyarcError
from pyarc.inventory.model import Table, TableIndex
from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import get_att, sub

ATTRIBUTE_TYPE = {"String": "S", "Number": "N", "Binary": "B"}


def streamed_tables(draft: Draft) -> set[str]:
    """Tables with `stream true` or a `@tables-streams` entry."""
    return {t.name for t in draft.inventory.tables if t.stream} | {
        s.table for s in draft.inventory.streams
    }


def add_tables(draft: Draft) -> None:
    streamed = streamed_tables(draft)
    for table in draft.inventory.tables:
        draft.add(
            names.table_id(table.name),
            {"Type": "AWS::DynamoDB::Table", "Properties": table_properties(table, streamed)},
            owner=f"@tables {table.name}",
        )
    if draft.inventory.tables:
        table_arns = [get_att(names.table_id(t.name), "Arn") for t in draft.inventory.tables]
        draft.grant(
            "ArcDynamoPolicy",
            "Tables",
            [
                "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:DeleteItem",
                "dynamodb:DescribeTable",
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:UpdateItem",
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            # `${arn}/*` covers the table's indexes and streams.
            table_arns
            + [sub(f"${{{names.table_id(t.name)}.Arn}}/*") for t in draft.inventory.tables],
        )


def table_properties(table: Table, streamed: set[str]) -> Json:
    attributes: dict[str, str] = {}

    def define(name: str, key_type: str | None, where: str) -> None:
        code = ATTRIBUTE_TYPE[key_type or "String"]
        if attributes.get(name, code) != code:
            raise PyarcError(
                f"@tables {table.name}: attribute {name} is {key_type} in {where} but "
                f"{attributes[name]} elsewhere; give it one type."
            )
        attributes[name] = code

    define(table.partition_key, table.partition_key_type, "the table key")
    key_schema = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
    if table.sort_key:
        define(table.sort_key, table.sort_key_type, "the table key")
        key_schema.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})

    indexes = []
    for index in table.indexes:
        where = f"index {index.name}"
        define(index.partition_key, index.partition_key_type, where)
        index_keys = [{"AttributeName": index.partition_key, "KeyType": "HASH"}]
        if index.sort_key:
            define(index.sort_key, index.sort_key_type, where)
            index_keys.append({"AttributeName": index.sort_key, "KeyType": "RANGE"})
        indexes.append(
            {"IndexName": index.name, "KeySchema": index_keys, "Projection": projection(index)}
        )

    properties: Json = {
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": key_schema,
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": code} for name, code in attributes.items()
        ],
    }
    if indexes:
        properties["GlobalSecondaryIndexes"] = indexes
    if table.ttl:
        if table.ttl in attributes:
            raise PyarcError(
                f"@tables {table.name}: TTL attribute {table.ttl} is also a key; "
                "mark a different attribute TTL."
            )
        properties["TimeToLiveSpecification"] = {"AttributeName": table.ttl, "Enabled": True}
    if table.pitr:
        properties["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
    if table.encrypt:
        sse: Json = {"SSEEnabled": True}
        if isinstance(table.encrypt, str):
            sse |= {"SSEType": "KMS", "KMSMasterKeyId": table.encrypt}
        properties["SSESpecification"] = sse
    if table.name in streamed:
        properties["StreamSpecification"] = {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    return properties


def projection(index: TableIndex) -> Json:
    if index.projection == "all":
        return {"ProjectionType": "ALL"}
    if index.projection == "keys":
        return {"ProjectionType": "KEYS_ONLY"}
    if isinstance(index.projection, list) and index.projection:
        return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(index.projection)}
    raise PyarcError(
        f"@tables-indexes {index.name}: projection {index.projection!r} is not one of "
        "all, keys or a list of attribute names."
    )
