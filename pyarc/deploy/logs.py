"""`pyarc logs`: a deployed function's CloudWatch Logs.

The log group is found through the stack (the physical id of the function's log-group
resource, `names.log_group_id`), so it is whatever the deployed template named it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import botocore.exceptions

from pyarc.errors import PyarcError
from pyarc.inventory.model import Function

SINCE = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
FOLLOW_POLL_S = 2.0


@dataclass(frozen=True)
class LogLine:
    timestamp_ms: int
    message: str
    event_id: str = ""


def parse_since(text: str) -> timedelta:
    """`10m`, `2h`, `30s`, `1d`, `1w` -> a timedelta; a PyarcError for anything else."""
    match = SINCE.match(text)
    if match is None:
        raise PyarcError(
            f"--since {text!r} is not a duration; write a number and a unit, e.g. 30s, 10m, 2h "
            "or 1d."
        )
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def log_group_name(cfn: Any, stack_name: str, fn: Function) -> str:
    """The physical name of `fn`'s log group in the deployed stack `stack_name`."""
    from pyarc.template import names

    logical = names.log_group_id(fn)
    try:
        found = cfn.describe_stack_resource(StackName=stack_name, LogicalResourceId=logical)
    except botocore.exceptions.ClientError as exc:
        message = exc.response.get("Error", {}).get("Message", "")
        if "does not exist" in message and "Stack" in message:
            raise PyarcError(
                f"There is no deployed stack {stack_name}; deploy it first (pyarc deploy), or "
                "pass --production or --name as you did when deploying."
            ) from None
        raise PyarcError(
            f"The stack {stack_name} has no log group for the {fn.kind} function '{fn.name}' "
            "(deployed before it was added?); run pyarc deploy again."
        ) from None
    return found["StackResourceDetail"]["PhysicalResourceId"]


def read_logs(logs: Any, group: str, start_ms: int, seen: set[str] | None = None) -> list[LogLine]:
    """Every event of `group` from `start_ms` on, oldest first (skipping ids in `seen`)."""
    found: list[LogLine] = []
    paginator = logs.get_paginator("filter_log_events")
    try:
        for page in paginator.paginate(logGroupName=group, startTime=start_ms):
            for event in page.get("events", []):
                event_id = event.get("eventId", "")
                if seen is not None and event_id in seen:
                    continue
                found.append(LogLine(event["timestamp"], event.get("message", ""), event_id))
    except logs.exceptions.ResourceNotFoundException:
        return []  # the group appears with the first invocation
    return sorted(found, key=lambda line: line.timestamp_ms)


def follow_logs(
    logs: Any,
    group: str,
    start_ms: int,
    sleep: Callable[[float], None] = time.sleep,
    polls: int | None = None,
) -> Iterator[LogLine]:
    """New events as they arrive, polling every FOLLOW_POLL_S (`polls`: stop after that many)."""
    seen: set[str] = set()
    done = 0
    while polls is None or done < polls:
        lines = read_logs(logs, group, start_ms, seen)
        for line in lines:
            seen.add(line.event_id)
            start_ms = max(start_ms, line.timestamp_ms)
            yield line
        done += 1
        if polls is None or done < polls:
            sleep(FOLLOW_POLL_S)


def format_line(line: LogLine) -> str:
    """`14:05:01.123 START RequestId: ...` in local time."""
    local = time.localtime(line.timestamp_ms / 1000)
    return f"{time.strftime('%H:%M:%S', local)}.{line.timestamp_ms % 1000:03d} {line.message.rstrip()}"
