"""DynamoDB operations by name: each takes (store, request) and returns the response body.

A request reaches an operation only through `pyarc.tables.engine.Engine`, which has checked
its shape against botocore's model first. To serve another operation, add it here.
`CHECKS` holds the operations whose checks can run on their own (nothing is written).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyarc.tables.operations import batch, control, items, policies, reads, schema

Operation = Callable[[Any, dict[str, Any]], dict[str, Any]]
Check = Callable[[Any, dict[str, Any]], None]


def _partiql(name: str) -> Operation:
    """A PartiQL operation imported on first use: its parser (lark) costs start-up ~0.1 s."""

    def operation(store: Any, request: dict[str, Any]) -> dict[str, Any]:
        from pyarc.tables import partiql

        return getattr(partiql, name)(store, request)

    return operation

OPERATIONS: dict[str, Operation] = {
    "CreateTable": schema.create_table,
    "DescribeTable": schema.describe_table,
    "DeleteTable": schema.delete_table,
    "ListTables": schema.list_tables,
    "UpdateTable": schema.update_table,
    "UpdateTimeToLive": schema.update_time_to_live,
    "DescribeTimeToLive": schema.describe_time_to_live,
    "DescribeEndpoints": schema.describe_endpoints,
    "TagResource": control.tag_resource,
    "UntagResource": control.untag_resource,
    "ListTagsOfResource": control.list_tags_of_resource,
    "DescribeContinuousBackups": control.describe_continuous_backups,
    "UpdateContinuousBackups": control.update_continuous_backups,
    "DescribeLimits": control.describe_limits,
    "PutResourcePolicy": policies.put_resource_policy,
    "GetResourcePolicy": policies.get_resource_policy,
    "DeleteResourcePolicy": policies.delete_resource_policy,
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
    "ExecuteStatement": _partiql("execute_statement"),
    "BatchExecuteStatement": _partiql("batch_execute_statement"),
    "ExecuteTransaction": _partiql("execute_transaction"),
}

CHECKS: dict[str, Check] = {"PutItem": items.check_put}
