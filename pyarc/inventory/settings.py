"""`key value` settings (@aws, @static, @sandbox, config.arc) -> validated Python values."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyarc.inventory.model import ACCESS_KEYS, DEFAULT_RUNTIME, DeclaredAccess, FunctionConfig
from pyarc.inventory.source import Source, describe

# Function settings valid in @aws and in a function's config.arc.
FUNCTION_KEYS = (
    "runtime",
    "memory",
    "timeout",
    "concurrency",
    "layers",
    "policies",
    "architecture",
    "storage",
    "handler",
    *ACCESS_KEYS,
)
STATIC_BUCKET_ACCESS = ("read", "write", "none")
SINGULAR = {"layer": "layers", "policy": "policies"}
# a plausible value per setting, for messages that show how to write one
EXAMPLE_VALUES = {
    "folder": "public",
    "region": "us-west-2",
    "profile": "default",
    "runtime": "python3.13",
    "handler": "lambda.handler",
    "architecture": "arm64",
    "apigateway": "http",
    "bucket": "my-deploy-bucket",
    "prefix": "assets",
    "timezone": "Europe/Paris",
    "src": "src/lib",
}
DEFAULT_NODE_RUNTIME = "nodejs24.x"  # Lambda's newest Node.js
RUNTIME_ALIASES = {
    "python": DEFAULT_RUNTIME,
    "py": DEFAULT_RUNTIME,
    "python3": DEFAULT_RUNTIME,
    "node": DEFAULT_NODE_RUNTIME,  # Architect's aliases for its newest Node.js
    "nodejs": DEFAULT_NODE_RUNTIME,
    "node.js": DEFAULT_NODE_RUNTIME,
}
# The Lambda runtimes pyarc runs (the sandbox runs them all; deploy refuses the blocked ones)
PYTHON_RUNTIMES = tuple(f"python3.{minor}" for minor in range(9, 15))
NODE_RUNTIMES = ("nodejs20.x", "nodejs22.x", "nodejs24.x")
# Runtimes Lambda refuses for new functions and updates, after their deprecation (AWS's
# runtime deprecation policy; the dates as in cfn-lint's LmbdRuntimeLifecycle data):
# runtime -> (date updates stopped, the successor). The sandbox still runs them.
LAMBDA_BLOCKED_RUNTIMES = {
    "python3.9": ("2026-07-01", "python3.14"),
    "python3.10": ("2026-08-31", "python3.14"),
    "python3.11": ("2026-08-31", "python3.14"),
    "nodejs20.x": ("2026-07-01", "nodejs24.x"),
}


def runtime_choices() -> str:
    """Which runtimes to set, from the lists above and the blocked runtimes."""

    def choice(runtimes: tuple[str, ...], default: str) -> str:
        others = [r for r in runtimes if r != default and r not in LAMBDA_BLOCKED_RUNTIMES]
        return f"{default} (or {', '.join(others)})" if others else default

    blocked = [r for r in PYTHON_RUNTIMES + NODE_RUNTIMES if r in LAMBDA_BLOCKED_RUNTIMES]
    return (
        f"use {choice(PYTHON_RUNTIMES, DEFAULT_RUNTIME)} for Python handlers, "
        f"{choice(NODE_RUNTIMES, DEFAULT_NODE_RUNTIME)} for JavaScript ones "
        f"({', '.join(blocked)} still run in the sandbox, but Lambda no longer accepts them)"
    )


HANDLER_PATTERN = re.compile(r"^[A-Za-z_][\w./-]*\.[A-Za-z_]\w*$")
RANGES = {
    "memory": (128, 10240, "MB"),
    "timeout": (1, 900, "seconds"),
    "storage": (512, 10240, "MB"),
}


@dataclass
class Setting:
    key: str
    value: Any  # scalar, list (several values / vector), or dict (map)
    index: int  # item index in the pragma, for error positions


def settings(source: Source, pragma: str) -> Iterator[Setting]:
    """Each item of a settings pragma as (key, value): `key v`, `key v1 v2`, vectors, maps."""
    for index, item in enumerate(source.items(pragma)):
        if isinstance(item, list):
            key, rest = item[0], item[1:]
            value: Any = rest[0] if len(rest) == 1 else rest
        elif isinstance(item, dict):
            key, value = next(iter(item.items()))
        else:
            key, value = item, None
        yield Setting(str(key), value, index)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def as_bool(source: Source, pragma: str, setting: Setting) -> bool:
    if isinstance(setting.value, bool):
        return setting.value
    source.fail(
        f"@{pragma} {setting.key} must be true or false, not '{describe(setting.value)}'",
        pragma,
        setting.index,
    )


def as_int(source: Source, pragma: str, setting: Setting) -> int:
    value = setting.value
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        source.fail(
            f"@{pragma} {setting.key} must be a whole number, not '{describe(value)}'",
            pragma,
            setting.index,
        )
    return int(value)


def as_str(source: Source, pragma: str, setting: Setting) -> str:
    value = setting.value
    if isinstance(value, list | dict) or value is None:
        source.fail(
            f"@{pragma} {setting.key} takes one value, as in "
            f"'{setting.key} {EXAMPLE_VALUES.get(setting.key, 'value')}'",
            pragma,
            setting.index,
        )
    return describe(value)


def apply_function_setting(
    config: FunctionConfig, setting: Setting, source: Source, pragma: str
) -> bool:
    """Apply one function setting to `config`; False when the key is not a function setting."""
    key = SINGULAR.get(setting.key, setting.key)
    if key not in FUNCTION_KEYS:
        return False
    if key in RANGES:
        low, high, unit = RANGES[key]
        number = as_int(source, pragma, setting)
        if not low <= number <= high:
            source.fail(
                f"@{pragma} {key} {number} is out of range; use {low} to {high} ({unit})",
                pragma,
                setting.index,
            )
        setattr(config, key, number)
    elif key == "concurrency":
        number = as_int(source, pragma, setting)
        if number < 0:
            source.fail(
                f"@{pragma} concurrency must be 0 or more, not {number}", pragma, setting.index
            )
        config.concurrency = number
    elif key == "architecture":
        arch = as_str(source, pragma, setting)
        if arch not in ("arm64", "x86_64"):
            source.fail(
                f"@{pragma} architecture '{arch}' is not valid; use arm64 or x86_64",
                pragma,
                setting.index,
            )
        config.architecture = arch  # type: ignore[assignment]
    elif key == "runtime":
        runtime = RUNTIME_ALIASES.get(as_str(source, pragma, setting).lower())
        runtime = runtime or as_str(source, pragma, setting)
        if runtime not in PYTHON_RUNTIMES + NODE_RUNTIMES:
            source.fail(
                f"@{pragma} runtime '{runtime}' is not a runtime pyarc runs: {runtime_choices()}",
                pragma,
                setting.index,
            )
        config.runtime = runtime
    elif key in ACCESS_KEYS:
        config.access.append(declared_access(key, setting, source, pragma))
    elif key == "handler":
        handler = as_str(source, pragma, setting)
        if not HANDLER_PATTERN.match(handler):
            source.fail(
                f"@{pragma} handler '{handler}' must look like 'module.function' "
                "(for example 'app.handler')",
                pragma,
                setting.index,
            )
        config.handler = handler
    else:  # layers, policies: accumulate, deduplicated, like Architect's upsert
        values = [describe(v) for v in as_list(setting.value)]
        if not values:
            source.fail(f"@{pragma} {key} needs at least one value", pragma, setting.index)
        current: list[str] = getattr(config, key)
        setattr(config, key, list(dict.fromkeys(current + values)))
    return True


def declared_access(key: str, setting: Setting, source: Source, pragma: str) -> DeclaredAccess:
    """`tables-read notes users`, `publish ping`, `send jobs`, `connections true`,
    `static-bucket read`: a right declared instead of detected."""
    values = [describe(v) for v in as_list(setting.value)]
    if key == "connections":
        values = [describe(as_bool(source, pragma, setting)).lower()]
    elif key == "static-bucket" and (len(values) != 1 or values[0] not in STATIC_BUCKET_ACCESS):
        source.fail(
            f"@{pragma} static-bucket takes one of {', '.join(STATIC_BUCKET_ACCESS)}",
            pragma,
            setting.index,
        )
    elif not values:
        source.fail(
            f"@{pragma} {key} needs at least one name, as in '{key} notes'", pragma, setting.index
        )
    return DeclaredAccess(key, values, source.location(pragma, setting.index))


def copy_config(config: FunctionConfig) -> FunctionConfig:
    return dataclasses.replace(
        config,
        layers=list(config.layers),
        policies=list(config.policies),
        access=list(config.access),
    )
