"""What both API stages (HTTP and WebSocket) get: an access log and default throttling.

Access logs go to a log group per API (`/aws/apigateway/<StackName>/<api>`, kept
`LOG_RETENTION_DAYS`), one JSON line per request. Throttling applies to every route unless
the account's own limits are lower; `@aws throttle-rate` / `throttle-burst` change it.

WebSocket stages (unlike HTTP APIs) write logs through the account's API Gateway CloudWatch
role (`AWS::ApiGateway::Account`), so an app with `@ws` sets it. That setting is per account
and region and other APIs may rely on it, so the role and the setting are kept (Retain) when
the stack is deleted.
"""

from __future__ import annotations

import json

from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import assume_role, get_att, sub

LOG_RETENTION_DAYS = 30
DEFAULT_RATE = 500  # requests per second, steady
DEFAULT_BURST = 1000  # requests at once
ACCOUNT = "ApiGatewayAccount"
ACCOUNT_ROLE = "ApiGatewayCloudWatchRole"
PUSH_TO_LOGS = (
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
)

# $context variables both API types know; WebSocket adds its connection and event.
COMMON_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "status": "$context.status",
    "routeKey": "$context.routeKey",
    "integrationError": "$context.integrationErrorMessage",
}
HTTP_FIELDS = COMMON_FIELDS | {
    "method": "$context.httpMethod",
    "path": "$context.path",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
}
WS_FIELDS = COMMON_FIELDS | {
    "connectionId": "$context.connectionId",
    "eventType": "$context.eventType",
}


def log_group_id(api_id: str) -> str:
    return f"{api_id}AccessLogs"


def add_access_log_group(draft: Draft, api_id: str, owner: str) -> Json:
    """The log group of `api_id`'s stage; returns the stage's `AccessLogSettings`."""
    group = log_group_id(api_id)
    draft.add(
        group,
        {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "LogGroupName": sub(f"/aws/apigateway/${{AWS::StackName}}/{api_id.lower()}"),
                "RetentionInDays": LOG_RETENTION_DAYS,
            },
        },
        owner=owner,
    )
    fields = WS_FIELDS if owner == "@ws" else HTTP_FIELDS
    return {"DestinationArn": get_att(group, "Arn"), "Format": json.dumps(fields)}


def throttling(draft: Draft) -> Json:
    aws = draft.inventory.aws
    return {
        "ThrottlingRateLimit": aws.throttle_rate or DEFAULT_RATE,
        "ThrottlingBurstLimit": aws.throttle_burst or DEFAULT_BURST,
    }


def add_logging_account(draft: Draft) -> None:
    """API Gateway's account-wide CloudWatch role, which WebSocket access logging needs."""
    draft.add(
        ACCOUNT_ROLE,
        {
            "Type": "AWS::IAM::Role",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "AssumeRolePolicyDocument": assume_role("apigateway.amazonaws.com"),
                "ManagedPolicyArns": [sub(PUSH_TO_LOGS)],
            },
        },
        owner="@ws",
    )
    draft.add(
        ACCOUNT,
        {
            "Type": "AWS::ApiGateway::Account",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {"CloudWatchRoleArn": get_att(ACCOUNT_ROLE, "Arn")},
        },
        owner="@ws",
    )
