"""One `AWS::Serverless::Function` (plus its log group) per handler in the Inventory."""

from __future__ import annotations

import os
import re
from typing import Any

from pyarc.errors import PyarcError
from pyarc.inventory.model import Function
from pyarc.inventory.settings import LAMBDA_BLOCKED_RUNTIMES
from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import execute_api_host, get_att, ref, sub

LOG_RETENTION_DAYS = 30
SESSION_TABLE_DEFAULT = "jwe"  # Architect's default: JWE cookie sessions, no table

# Names Lambda sets itself and refuses in a function's configuration.
RESERVED_ENV = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
}
ENV_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
ENV_MAX_BYTES = 4096  # Lambda's limit on the whole environment


def log_group_name(fn: Function) -> str:
    """Each function logs to `/aws/lambda/<StackName>/<LogicalId>`, so the role can name it."""
    return f"/aws/lambda/${{AWS::StackName}}/{names.function_id(fn)}"


def add_functions(draft: Draft) -> None:
    shared_env = arc_environment(draft)
    for fn in draft.inventory.functions:
        check_config(fn)
        draft.add(names.log_group_id(fn), log_group(fn), owner=f"the log group of {fn.key}")
        draft.add(names.function_id(fn), function(draft, fn, shared_env), owner=describe(fn))


def describe(fn: Function) -> str:
    where = f" ({fn.location})" if fn.location else ""
    return f"{fn.kind} function {fn.name!r}{where}"


def log_group(fn: Function) -> Json:
    return {
        "Type": "AWS::Logs::LogGroup",
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            "LogGroupName": sub(log_group_name(fn)),
            "RetentionInDays": LOG_RETENTION_DAYS,
        },
    }


def function(draft: Draft, fn: Function, shared_env: dict[str, Any]) -> Json:
    config = fn.config
    properties: Json = {
        "CodeUri": code_uri(draft, fn),
        "Handler": fn.handler,
        "Runtime": config.runtime,
        "Architectures": [config.architecture],
        "MemorySize": config.memory,
        "Timeout": config.timeout,
        "EphemeralStorage": {"Size": config.storage},
        "Role": get_att(names.APP_ROLE, "Arn"),  # the function's own role, unless shared
        "LoggingConfig": {"LogGroup": sub(log_group_name(fn))},
        "Environment": {"Variables": dict(shared_env)},
    }
    if config.concurrency is not None:
        properties["ReservedConcurrentExecutions"] = config.concurrency
    if config.layers:
        properties["Layers"] = list(config.layers)
    return {
        "Type": "AWS::Serverless::Function",
        "DependsOn": [names.log_group_id(fn)],
        "Properties": properties,
    }


def code_uri(draft: Draft, fn: Function) -> str | dict[str, str]:
    given = draft.code_uris.get(fn.key)
    if given is not None:
        return dict(given) if isinstance(given, dict) else given
    try:
        relative = fn.src.relative_to(draft.inventory.cwd)
    except ValueError:
        relative = fn.src
    return relative.as_posix()


def arc_environment(draft: Draft) -> dict[str, Any]:
    """What every function sees: Architect's ARC_* variables, then the user's `@env` ones."""
    inventory = draft.inventory
    variables: dict[str, Any] = {
        "ARC_APP_NAME": inventory.app,
        "ARC_ENV": draft.env,
        "ARC_STACK_NAME": ref("AWS::StackName"),
        "ARC_SESSION_TABLE_NAME": SESSION_TABLE_DEFAULT,
    }
    if draft.static is not None:
        variables["ARC_STATIC_BUCKET"] = draft.static_bucket_name()
    if inventory.ws:
        variables["ARC_WSS_URL"] = sub(f"wss://{execute_api_host(names.WS_API)}/{draft.env}")
    user = inventory.env_vars(draft.env)
    check_user_env(draft, user)
    variables.update(user)
    return variables


def check_user_env(draft: Draft, user: dict[str, str]) -> None:
    prefs = draft.inventory.prefs.file
    where = prefs.name if prefs else "prefs.arc"
    for name in user:
        if not ENV_NAME.match(name):
            raise PyarcError(
                f"@env {draft.env} variable {name!r} in {where} is not a valid Lambda variable "
                "name; use letters, digits and underscores, starting with a letter."
            )
        if name in RESERVED_ENV:
            raise PyarcError(
                f"@env {draft.env} variable {name} in {where} is reserved by Lambda; "
                "choose another name."
            )
    size = sum(len(k.encode()) + len(str(v).encode()) for k, v in user.items())
    if size > ENV_MAX_BYTES:
        raise PyarcError(
            f"@env {draft.env} variables in {where} take {size} bytes, over Lambda's "
            f"{ENV_MAX_BYTES}-byte limit; move large values to SSM parameters."
        )


def check_config(fn: Function) -> None:
    config = fn.config
    limits = {
        "memory": (config.memory, 128, 10240),
        "timeout": (config.timeout, 1, 900),
        "storage": (config.storage, 512, 10240),
    }
    for setting, (value, low, high) in limits.items():
        if not low <= value <= high:
            raise PyarcError(
                f"{describe(fn)} has {setting} {value}, outside Lambda's range {low}-{high}; "
                f"change it in {os.path.join(fn.src.name, 'config.arc')} or @aws."
            )
    if not (config.runtime.startswith("python") or config.is_node):
        raise PyarcError(
            f"{describe(fn)} has runtime {config.runtime!r}; pyarc deploys Python and Node.js "
            "handlers, so set a pythonX.Y or nodejsNN.x runtime."
        )
    blocked = LAMBDA_BLOCKED_RUNTIMES.get(config.runtime)
    if blocked is not None:
        since, successor = blocked
        raise PyarcError(
            f"{describe(fn)} has runtime {config.runtime}, which Lambda no longer accepts for "
            f"creating or updating functions (since {since}); set runtime {successor} in "
            f"{os.path.join(fn.src.name, 'config.arc')} or @aws."
        )
    if config.concurrency is not None and config.concurrency < 0:
        raise PyarcError(f"{describe(fn)} has concurrency {config.concurrency}; use 0 or more.")
