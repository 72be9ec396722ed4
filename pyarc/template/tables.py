"""`@tables` + `@tables-indexes` -> `AWS::DynamoDB::Table` (PAY_PER_REQUEST)."""

from __future__ import annotations

from pyarc.inventory.model import Table
from pyarc.inventory.table_definition import table_definition
from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import get_att, sub


def streamed_tables(draft: Draft) -> set[str]:
    """Tables with `stream true` or a `@tables-streams` entry."""
    return {t.name for t in draft.inventory.tables if t.stream} | {
        s.table for s in draft.inventory.streams
    }


def keeps_data(draft: Draft) -> bool:
    """Production tables outlive their stack (Retain) and can be restored to any second of the
    last 35 days (PITR); staging ones go with it, unless `@aws retain-tables true`."""
    return draft.env == "production" or draft.inventory.aws.retain_tables


def add_tables(draft: Draft) -> None:
    streamed = streamed_tables(draft)
    keep = keeps_data(draft)
    for table in draft.inventory.tables:
        properties = table_properties(table, streamed)
        if keep:
            properties["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
        policy = "Retain" if keep else "Delete"
        draft.add(
            names.table_id(table.name),
            {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": policy,
                "UpdateReplacePolicy": policy,
                "Properties": properties,
            },
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
    definition = table_definition(table, streamed=table.name in streamed)
    properties: Json = {
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": definition.key_schema,
        "AttributeDefinitions": definition.attribute_definitions,
    }
    if definition.global_secondary_indexes:
        properties["GlobalSecondaryIndexes"] = [
            i.to_json() for i in definition.global_secondary_indexes
        ]
    if definition.ttl_attribute:
        properties["TimeToLiveSpecification"] = {
            "AttributeName": definition.ttl_attribute,
            "Enabled": True,
        }
    if table.pitr:
        properties["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
    if table.encrypt:
        sse: Json = {"SSEEnabled": True}
        if isinstance(table.encrypt, str):
            sse |= {"SSEType": "KMS", "KMSMasterKeyId": table.encrypt}
        properties["SSESpecification"] = sse
    if definition.stream_view_type:
        properties["StreamSpecification"] = {"StreamViewType": definition.stream_view_type}
    return properties
