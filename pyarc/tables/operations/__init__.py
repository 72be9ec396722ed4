"""DynamoDB operations by name: each takes (engine, request) and returns the response body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyarc.tables.operations import batch, items, reads, schema

Operation = Callable[[Any, dict[str, Any]], dict[str, Any]]

OPERATIONS: dict[str, Operation] = {
    "CreateTable": schema.create_table,
    "DescribeTable": schema.describe_table,
    "DeleteTable": schema.delete_table,
    "ListTables": schema.list_tables,
    "UpdateTable": schema.update_table,
    "UpdateTimeToLive": schema.update_time_to_live,
    "DescribeTimeToLive": schema.describe_time_to_live,
    "DescribeEndpoints": schema.describe_endpoints,
    "TagResource": schema.tag_resource,
    "UntagResource": schema.untag_resource,
    "ListTagsOfResource": schema.list_tags_of_resource,
    "PutItem": items.put_item,
    "GetItem": items.get_item,
    "UpdateItem": items.update_item,
    "DeleteItem": items.delete_item,
    "Query": reads.query,
    "Scan": reads.scan,
    "BatchGetItem": batch.batch_get_item,
    "BatchWriteItem": batch.batch_write_item,
    "TransactGetItems": batch.transact_get_items,
    "TransactWriteItems": batch.transact_write_items,
}
