"""What each function may do: its rights, each with the reason it has them.

Sources, strongest first:
1. `policies` in config.arc (or `@aws`): the function gets those, in a role SAM makes,
   and nothing from pyarc (see iam.py);
2. a right declared under `@aws` (`tables-read`, `tables-write`, `publish`, `send`,
   `connections`, `static-bucket`): for its kind it replaces what the code analysis found;
3. the analysis of the function's code (pyarc/template/analysis.py);
plus what every function, or every function of a kind, needs: writing its own log group,
reading the app's SSM discovery path, reading the stream or queue that invokes it, and
managing connections for `@ws` functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pyarc.inventory.model import DeclaredAccess, Function, Inventory
from pyarc.template import names
from pyarc.template.analysis import Use, function_uses
from pyarc.template.context import Draft
from pyarc.template.functions import log_group_name
from pyarc.template.intrinsics import arn, get_att, ref, sub
from pyarc.template.static import bucket_arns

TABLE_READ = ["GetItem", "BatchGetItem", "Query", "Scan", "DescribeTable", "ConditionCheckItem",
              "PartiQLSelect"]  # fmt: skip
TABLE_WRITE = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "PartiQLInsert",
               "PartiQLUpdate", "PartiQLDelete"]  # fmt: skip
# DynamoDB operations -> the IAM actions they need (most are the operation's own name)
TABLE_OPERATION_ACTIONS = {
    "TransactWriteItems": ["PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"],
    "TransactGetItems": ["GetItem"],
    "ExecuteStatement": ["PartiQLSelect", "PartiQLInsert", "PartiQLUpdate", "PartiQLDelete"],
    "BatchExecuteStatement": ["PartiQLSelect", "PartiQLInsert", "PartiQLUpdate",
                              "PartiQLDelete"],  # fmt: skip
    "ExecuteTransaction": ["PartiQLSelect", "PartiQLInsert", "PartiQLUpdate", "PartiQLDelete"],
}
INDEX_OPERATIONS = {"Query", "Scan", "PartiQLSelect"}  # also act on the table's indexes
STREAM_READ = ["DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"]
QUEUE_CONSUME = ["ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
                 "GetQueueAttributes"]  # fmt: skip
QUEUE_OPERATION_ACTIONS = {
    "SendMessage": "SendMessage", "SendMessageBatch": "SendMessage",
    "ReceiveMessage": "ReceiveMessage", "DeleteMessage": "DeleteMessage",
    "DeleteMessageBatch": "DeleteMessage", "ChangeMessageVisibility": "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
    "GetQueueAttributes": "GetQueueAttributes", "GetQueueUrl": "GetQueueUrl",
}  # fmt: skip
TOPIC_OPERATION_ACTIONS = {"Publish": "Publish", "PublishBatch": "Publish"}
BUCKET_READ = ["GetObject", "ListBucket"]
BUCKET_WRITE = ["PutObject", "DeleteObject"]
BUCKET_OPERATION_ACTIONS = {
    "GetObject": ["GetObject"], "HeadObject": ["GetObject"], "PutObject": ["PutObject"],
    "DeleteObject": ["DeleteObject"], "DeleteObjects": ["DeleteObject"],
    "CopyObject": ["GetObject", "PutObject"], "ListObjects": ["ListBucket"],
    "ListObjectsV2": ["ListBucket"], "CreateMultipartUpload": ["PutObject"],
    "UploadPart": ["PutObject"], "CompleteMultipartUpload": ["PutObject"],
}  # fmt: skip
CONNECTION_OPERATIONS = {"PostToConnection", "GetConnection", "DeleteConnection"}
DISCOVERY = ["ssm:GetParametersByPath", "ssm:GetParameter", "ssm:GetParameters"]
# declared kind -> the service whose detected uses it replaces
DECLARED_SERVICE = {
    "tables-read": "dynamodb", "tables-write": "dynamodb", "publish": "sns", "send": "sqs",
    "connections": "apigatewaymanagementapi", "static-bucket": "s3",
}  # fmt: skip


@dataclass
class Right:
    """One grant of a function's role, and why it is there (one line of --explain-iam)."""

    actions: list[str]  # "dynamodb:GetItem"
    resources: list[Any]  # ARNs (intrinsics) of the app's own resources
    target: str  # what the resources are, for people: "table notes"
    reason: str  # "src/http/get-index/lambda.py:7 notes.get_item(...)", "declared ...", ...


@dataclass
class FunctionRights:
    function: Function
    rights: list[Right] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # uses pyarc did not grant, and why
    uses_sessions: bool = False


def function_rights(draft: Draft, fn: Function) -> FunctionRights:
    inventory, env = draft.inventory, draft.env
    result = FunctionRights(fn)
    group = sub(f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:"
                f"{log_group_name(fn)}")  # fmt: skip
    streams = sub(f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:"
                  f"{log_group_name(fn)}:log-stream:*")  # fmt: skip
    result.rights.append(
        Right(["logs:CreateLogStream", "logs:PutLogEvents"], [group, streams],
              "its own log group", "every function writes its logs")  # fmt: skip
    )
    result.rights.append(
        Right(DISCOVERY, [arn("ssm", "parameter/${AWS::StackName}"),
                          arn("ssm", "parameter/${AWS::StackName}/*")],
              "the app's SSM parameters", "every function finds the app's resources by name")
    )  # fmt: skip
    result.rights += trigger_rights(inventory, env, fn)
    uses = function_uses(inventory, fn)
    result.uses_sessions = any(u.service == "sessions" for u in uses)
    declared = {DECLARED_SERVICE[d.kind] for d in fn.config.access}
    for access in fn.config.access:
        result.rights += declared_rights(draft, access, result)
    for use in uses:
        if use.service == "sessions":
            continue
        if use.service in declared:
            result.refused.append(f"{use.where} {use.code}: beyond what @aws declares for "
                                  "it, which replaces detection")  # fmt: skip
            continue
        right = detected_right(draft, use, result)
        if right is not None:
            result.rights.append(right)
    return result


def trigger_rights(inventory: Inventory, env: str, fn: Function) -> list[Right]:
    """What a function needs to be invoked the way it is: read its stream or its queue, and
    (every @ws function) manage its API's connections."""
    rights: list[Right] = []
    for stream in inventory.streams:
        if stream.function is fn:
            rights.append(
                Right([f"dynamodb:{a}" for a in STREAM_READ],
                      [sub(f"${{{names.table_id(stream.table)}.Arn}}/stream/*")],
                      f"the stream of table {stream.table}", "@tables-streams invokes it")
            )  # fmt: skip
    for queue in inventory.queues:
        if queue.function is fn:
            rights.append(
                Right([f"sqs:{a}" for a in QUEUE_CONSUME],
                      [get_att(names.queue_id(queue.name), "Arn")],
                      f"queue {queue.name}", "@queues invokes it with the queue's messages")
            )  # fmt: skip
    if fn.kind == "ws":
        rights.append(connections_right(env, "every @ws function may send to its connections"))
    return rights


def connections_right(env: str, reason: str) -> Right:
    return Right(["execute-api:ManageConnections"],
                 [arn("execute-api", f"${{{names.WS_API}}}/{env}/*/@connections/*")],
                 "the WebSocket API's connections", reason)  # fmt: skip


def declared_rights(draft: Draft, access: DeclaredAccess, result: FunctionRights) -> list[Right]:
    inventory, env = draft.inventory, draft.env
    reason = f"declared at {access.location}: {access.kind} {' '.join(access.names)}"
    if access.kind in ("tables-read", "tables-write"):
        operations = TABLE_READ + (TABLE_WRITE if access.kind == "tables-write" else [])
        return [
            table_right(table, operations, reason)
            for table in named(inventory.tables, access.names, "table", result, reason)
        ]
    if access.kind == "publish":
        return [
            topic_right(event.name, ["Publish"], reason)
            for event in named(inventory.events, access.names, "event", result, reason)
        ]
    if access.kind == "send":
        return [
            queue_right(queue.name, ["SendMessage", "GetQueueUrl"], reason)
            for queue in named(inventory.queues, access.names, "queue", result, reason)
        ]
    if access.kind == "connections":
        has_ws = bool(inventory.ws)
        if access.names == ["true"] and has_ws and result.function.kind != "ws":
            return [connections_right(env, reason)]
        return []
    level = access.names[0]  # static-bucket read | write | none
    if level == "none" or draft.static is None:
        return []
    return [bucket_right(draft, BUCKET_READ + (BUCKET_WRITE if level == "write" else []), reason)]


def named(found: Iterable[Any], wanted: list[str], kind: str, result: FunctionRights,
          reason: str) -> list[Any]:  # fmt: skip
    """The app's tables/events/queues named in `wanted` (`*`: all of them)."""
    by_name = {item.name: item for item in found}
    if "*" in wanted:
        return list(by_name.values())
    for name in wanted:
        if name not in by_name:
            result.refused.append(f"{reason}: the app has no {kind} {name}, so nothing granted")
    return [by_name[n] for n in wanted if n in by_name]


def detected_right(draft: Draft, use: Use, result: FunctionRights) -> Right | None:
    inventory, env = draft.inventory, draft.env
    reason = f"{use.where} {use.code}"
    if use.service == "dynamodb":
        operations = (
            TABLE_READ + TABLE_WRITE if use.operation is None
            else TABLE_OPERATION_ACTIONS.get(use.operation, [use.operation])
        )  # fmt: skip
        if not set(operations) <= set(TABLE_READ + TABLE_WRITE):
            result.refused.append(f"{reason}: dynamodb:{use.operation} acts on no single table "
                                  "of the app; add it with `policies` if the function needs it")
            return None  # fmt: skip
        tables = pick(inventory.tables, use, "table", result, reason)
        if not tables:
            return None
        right = table_right(tables[0], operations, reason)
        for table in tables[1:]:
            right.resources += table_right(table, operations, reason).resources
        right.target = "table " + ", ".join(t.name for t in tables)
        return right
    if use.service == "sns":
        action = TOPIC_OPERATION_ACTIONS.get(use.operation or "Publish")
        topics = pick(inventory.events, use, "event", result, reason) if action else []
        if not topics:
            return None
        return Right(["sns:Publish"], [ref(names.topic_id(t.name)) for t in topics],
                     "event " + ", ".join(t.name for t in topics), reason)  # fmt: skip
    if use.service == "sqs":
        actions = (
            ["SendMessage", "GetQueueUrl"] if use.operation is None
            else [QUEUE_OPERATION_ACTIONS[use.operation]]
            if use.operation in QUEUE_OPERATION_ACTIONS else []
        )  # fmt: skip
        queues = pick(inventory.queues, use, "queue", result, reason) if actions else []
        if not queues:
            return None
        right = queue_right(queues[0].name, actions, reason)
        right.resources = [get_att(names.queue_id(q.name), "Arn") for q in queues]
        right.target = "queue " + ", ".join(q.name for q in queues)
        return right
    if use.service == "s3":
        if draft.static is None:
            result.refused.append(f"{reason}: the app has no static bucket; S3 rights for other "
                                  "buckets come from `policies`")
            return None  # fmt: skip
        actions = (
            BUCKET_READ + BUCKET_WRITE if use.operation is None
            else BUCKET_OPERATION_ACTIONS.get(use.operation, [])
        )  # fmt: skip
        if not actions:
            result.refused.append(f"{reason}: s3:{use.operation} is not an object operation on "
                                  "the static bucket; add it with `policies`")
            return None  # fmt: skip
        return bucket_right(draft, actions, reason)
    if use.service == "apigatewaymanagementapi":
        if not inventory.ws:
            result.refused.append(f"{reason}: the app has no @ws API to send to")
            return None
        if result.function.kind == "ws":
            return None  # every @ws function has it already
        return connections_right(env, reason)
    return None


def pick(found: Iterable[Any], use: Use, kind: str, result: FunctionRights, reason: str) -> list:
    """The resource a use names, or all of the app's when the name is not a literal."""
    items = list(found)
    if use.name is None:
        return items
    chosen = [item for item in items if item.name == use.name]
    if not chosen:
        result.refused.append(f"{reason}: the app has no {kind} {use.name}, so nothing granted")
    return chosen


def table_right(table: Any, operations: list[str], reason: str) -> Right:
    table_id = names.table_id(table.name)
    resources: list[Any] = [get_att(table_id, "Arn")]
    if INDEX_OPERATIONS & set(operations):
        resources.append(sub(f"${{{table_id}.Arn}}/index/*"))
    return Right([f"dynamodb:{op}" for op in dict.fromkeys(operations)], resources,
                 f"table {table.name}", reason)  # fmt: skip


def topic_right(name: str, operations: list[str], reason: str) -> Right:
    return Right([f"sns:{op}" for op in operations], [ref(names.topic_id(name))],
                 f"event {name}", reason)  # fmt: skip


def queue_right(name: str, actions: list[str], reason: str) -> Right:
    return Right([f"sqs:{a}" for a in actions], [get_att(names.queue_id(name), "Arn")],
                 f"queue {name}", reason)  # fmt: skip


def bucket_right(draft: Draft, actions: list[str], reason: str) -> Right:
    bucket, objects = bucket_arns(draft)
    resources = ([bucket] if "ListBucket" in actions else []) + (
        [objects] if set(actions) - {"ListBucket"} else []
    )
    return Right([f"s3:{a}" for a in actions], resources, "the static bucket", reason)
