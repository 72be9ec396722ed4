"""Logical ids, following Architect's layout (`GetIndexHTTPLambda`, `NotesTable`, ...)."""

from __future__ import annotations

from pyarc.inventory.model import Function, logical_id

# Function kind -> the suffix Architect puts after the function's own PascalCase name.
FUNCTION_SUFFIX = {
    "http": "HTTPLambda",
    "ws": "WSLambda",
    "events": "EventLambda",
    "queues": "QueueLambda",
    "scheduled": "ScheduledLambda",
    "tables-streams": "StreamLambda",
}

HTTP_API = "HTTP"
WS_API = "WS"
STATIC_BUCKET = "StaticBucket"
APP_ROLE = "Role"
SCHEDULER_ROLE = "SchedulerRole"
CDN = "CDN"


def pascal(name: str) -> str:
    """A manifest name as a CloudFormation-safe PascalCase fragment."""
    return logical_id(name)


def function_id(fn: Function) -> str:
    return pascal(fn.name) + FUNCTION_SUFFIX[fn.kind]


def role_id(fn: Function) -> str:
    """`GetIndexHTTPLambdaRole`: the name SAM would give the role it makes for the function."""
    return function_id(fn) + "Role"


def log_group_id(fn: Function) -> str:
    return function_id(fn) + "LogGroup"


def table_id(name: str) -> str:
    return pascal(name) + "Table"


def topic_id(name: str) -> str:
    return pascal(name) + "EventTopic"


def queue_id(name: str) -> str:
    return pascal(name) + "Queue"


def schedule_id(name: str) -> str:
    return pascal(name) + "Schedule"


def ws_route_id(name: str, part: str) -> str:
    """`ConnectWSRoute`, `ConnectWSIntegration`, `ConnectWSPermission`."""
    return pascal(name) + "WS" + part
