"""`pyarc env`: the user's environment variables for each environment.

- `testing` lives in `prefs.arc` under `@env` (edited in place: every other line, comment and
  blank line of the file is kept as it was);
- `staging` and `production` live in SSM Parameter Store as SecureString parameters named
  `/<app>/<env>/<NAME>`, Architect's convention (architect/env `_add.js`), which the deploy
  reads into each function's environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory

ENVIRONMENTS = ("testing", "staging", "production")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
BARE_VALUE = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./:+=,-]*$")
# Names Lambda sets itself and refuses in a function's configuration (AWS wins over Architect)
RESERVED = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "ARC_APP_NAME", "ARC_ENV",
}  # fmt: skip


def check_env(env: str) -> None:
    if env not in ENVIRONMENTS:
        raise PyarcError(f"Unknown environment {env!r}; use testing, staging or production.")


def check_name(name: str) -> None:
    if not NAME.match(name):
        raise PyarcError(
            f"{name!r} is not a valid variable name; use letters, digits and underscores, "
            "not starting with a digit."
        )
    if name in RESERVED:
        raise PyarcError(f"{name} is set by Lambda or pyarc itself; choose another name.")


# ---- staging / production: SSM ----------------------------------------------------------


def parameter_path(app: str, env: str) -> str:
    return f"/{app}/{env}"


def read_ssm(ssm: Any, app: str, env: str) -> dict[str, str]:
    found: dict[str, str] = {}
    paginator = ssm.get_paginator("get_parameters_by_path")
    for page in paginator.paginate(Path=parameter_path(app, env), WithDecryption=True):
        for parameter in page["Parameters"]:
            found[parameter["Name"].rsplit("/", 1)[1]] = parameter["Value"]
    return dict(sorted(found.items()))


def put_ssm(ssm: Any, app: str, env: str, name: str, value: str) -> None:
    ssm.put_parameter(
        Name=f"{parameter_path(app, env)}/{name}",
        Value=value,
        Type="SecureString",
        Overwrite=True,
    )


def delete_ssm(ssm: Any, app: str, env: str, name: str) -> bool:
    try:
        ssm.delete_parameter(Name=f"{parameter_path(app, env)}/{name}")
        return True
    except ssm.exceptions.ParameterNotFound:
        return False


# ---- testing: prefs.arc -----------------------------------------------------------------


def _indent(line: str) -> int:
    expanded = line.replace("\t", "  ")
    return len(expanded) - len(expanded.lstrip(" "))


def _code(line: str) -> str:
    """The line without its comment (good enough for names: quotes never hold a `#` here)."""
    return line.split("#", 1)[0].strip()


def arc_value(value: str) -> str:
    """`value` as an .arc token: bare when safe, else quoted with a quote it does not contain."""
    if BARE_VALUE.match(value) and value not in ("true", "false"):
        return value
    for quote in ('"', "'", "`"):
        if quote not in value and "\n" not in value:
            return f"{quote}{value}{quote}"
    return '"' + value.replace('"', '\\"') + '"'


@dataclass
class _Block:
    start: int  # index of the `testing` line
    end: int  # index after its last entry


def _section(lines: list[str], pragma: str) -> tuple[int, int] | None:
    """(index of `@pragma`, index after its last line) or None."""
    for i, line in enumerate(lines):
        if _code(line).lower() == f"@{pragma}":
            end = i + 1
            while end < len(lines) and not _code(lines[end]).startswith("@"):
                end += 1
            return i, end
    return None


def _env_block(lines: list[str], start: int, end: int, env: str) -> _Block | None:
    for i in range(start + 1, end):
        if _code(lines[i]) == env:
            level = _indent(lines[i])
            last = i + 1
            j = i + 1
            while j < end:
                code = _code(lines[j])
                if code and _indent(lines[j]) <= level:
                    break
                if code:
                    last = j + 1
                j += 1
            return _Block(i, last)
    return None


def set_prefs_variable(text: str, env: str, name: str, value: str | None) -> str:
    """`text` of prefs.arc with `name` set to `value` under `@env <env>` (None removes it)."""
    lines = text.splitlines()
    section = _section(lines, "env")
    entry = f"{name} {arc_value(value)}" if value is not None else None
    if section is None:
        if entry is None:
            return text
        tail = [] if not lines or not lines[-1].strip() else [""]
        return "\n".join([*lines, *tail, "@env", env, f"  {entry}"]) + "\n"
    start, end = section
    block = _env_block(lines, start, end, env)
    if block is None:
        if entry is None:
            return text
        insert_at = end
        while insert_at > start + 1 and not lines[insert_at - 1].strip():
            insert_at -= 1
        lines[insert_at:insert_at] = [env, f"  {entry}"]
        return "\n".join(lines) + "\n"
    level = _indent(lines[block.start])
    child_indent = " " * (level + 2)
    for i in range(block.start + 1, block.end):
        words = _code(lines[i]).split(None, 1)
        if words and words[0] == name:
            if entry is None:
                del lines[i]
                remaining = [ln for ln in lines[block.start + 1 : block.end - 1] if _code(ln)]
                if not remaining:
                    del lines[block.start]
            else:
                child_indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
                lines[i] = f"{child_indent}{entry}"
            return "\n".join(lines) + "\n"
    if entry is not None:
        lines.insert(block.end, f"{child_indent}{entry}")
    return "\n".join(lines) + "\n"


def prefs_path(inventory: Inventory) -> Path:
    return inventory.prefs.file or inventory.cwd / "prefs.arc"


# ---- the three operations -----------------------------------------------------------------


def list_variables(
    inventory: Inventory, session: boto3.Session | None = None
) -> dict[str, dict[str, str]]:
    """env -> {NAME: value}; staging/production read from SSM (needs credentials)."""
    from pyarc.deploy.credentials import aws_session

    result = {"testing": dict(sorted(inventory.env_vars("testing").items()))}
    session = session or aws_session(inventory.aws)
    ssm = session.client("ssm")
    for env in ("staging", "production"):
        result[env] = read_ssm(ssm, inventory.app, env)
    return result


def add_variable(
    inventory: Inventory,
    env: str,
    name: str,
    value: str,
    session: boto3.Session | None = None,
) -> str:
    """Set `name`; return where it was written."""
    check_env(env)
    check_name(name)
    if env == "testing":
        path = prefs_path(inventory)
        text = path.read_text() if path.is_file() else ""
        path.write_text(set_prefs_variable(text, env, name, value))
        return str(path)
    from pyarc.deploy.credentials import aws_session

    session = session or aws_session(inventory.aws)
    put_ssm(session.client("ssm"), inventory.app, env, name, value)
    return f"SSM {parameter_path(inventory.app, env)}/{name}"


def remove_variable(
    inventory: Inventory, env: str, name: str, session: boto3.Session | None = None
) -> str:
    check_env(env)
    if env == "testing":
        path = prefs_path(inventory)
        if path.is_file():
            path.write_text(set_prefs_variable(path.read_text(), env, name, None))
        return str(path)
    from pyarc.deploy.credentials import aws_session

    session = session or aws_session(inventory.aws)
    if not delete_ssm(session.client("ssm"), inventory.app, env, name):
        raise PyarcError(
            f"{name} is not set for {env} (no SSM parameter "
            f"{parameter_path(inventory.app, env)}/{name}); nothing to remove."
        )
    return f"SSM {parameter_path(inventory.app, env)}/{name}"
