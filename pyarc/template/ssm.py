"""Service discovery: SSM parameters under `/<StackName>/{tables,events,queues,static,ws}/`.

Handlers find physical names with one `GetParametersByPath` on `/<StackName>`,
exactly as the sandbox answers it locally.
"""

from __future__ import annotations

from typing import Any

from pyarc.template import names
from pyarc.template.context import Draft
from pyarc.template.intrinsics import arn, execute_api_host, ref, sub


def parameter(draft: Draft, logical_id: str, path: str, value: Any, owner: str) -> None:
    draft.add(
        logical_id,
        {
            "Type": "AWS::SSM::Parameter",
            "Properties": {
                "Type": "String",
                "Name": sub(f"/${{AWS::StackName}}/{path}"),
                "Value": value,
            },
        },
        owner=owner,
    )


def add_parameters(draft: Draft) -> None:
    inventory = draft.inventory
    for table in inventory.tables:
        table_id = names.table_id(table.name)
        parameter(
            draft,
            table_id + "Param",
            f"tables/{table.name}",
            ref(table_id),
            f"@tables {table.name}",
        )
    for event in inventory.events:
        topic = names.topic_id(event.name)
        parameter(
            draft, topic + "Param", f"events/{event.name}", ref(topic), f"@events {event.name}"
        )
    for queue in inventory.queues:
        queue_id = names.queue_id(queue.name)
        parameter(
            draft,
            queue_id + "Param",
            f"queues/{queue.name}",
            ref(queue_id),
            f"@queues {queue.name}",
        )
    if draft.static is not None:
        parameter(
            draft, "StaticBucketParam", "static/bucket", draft.static_bucket_name(), "@static"
        )
        parameter(
            draft,
            "StaticFingerprintParam",
            "static/fingerprint",
            str(draft.static.fingerprint).lower(),
            "@static",
        )
    if inventory.ws:
        parameter(
            draft,
            "WSSParam",
            "ws/wss",
            sub(f"wss://{execute_api_host(names.WS_API)}/{draft.env}"),
            "@ws",
        )
        parameter(
            draft,
            "WSHttpsParam",
            "ws/https",
            sub(f"https://{execute_api_host(names.WS_API)}/{draft.env}"),
            "@ws",
        )
    draft.grant(
        "ArcParameterStorePolicy",
        "Discovery",
        ["ssm:GetParametersByPath", "ssm:GetParameter", "ssm:GetParameters"],
        [arn("ssm", "parameter/${AWS::StackName}"), arn("ssm", "parameter/${AWS::StackName}/*")],
    )
