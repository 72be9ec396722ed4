"""What every pragma reader needs: the manifest source, the app dir and the @aws defaults."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyarc.inventory.model import FunctionConfig
from pyarc.inventory.source import Source, describe

# Architect's `veryLooseName` (DynamoDB, SNS, SQS names) without the empty string.
LOOSE_NAME = re.compile(r"^[a-zA-Z0-9/\-._]+$")
DYNAMODB_CHARS = frozenset(string.ascii_letters + string.digits + "_.-")


@dataclass
class Context:
    source: Source
    cwd: Path
    defaults: FunctionConfig = field(default_factory=FunctionConfig)


def item_name(ctx: Context, pragma: str, index: int, item: Any) -> tuple[str, dict[str, Any]]:
    """A named item: `name` or `name` with an indented map of settings -> (name, settings)."""
    if isinstance(item, str):
        return item, {}
    if isinstance(item, dict):
        name, value = next(iter(item.items()))
        if isinstance(value, dict):
            return str(name), value
        if isinstance(value, list) and not value:
            return str(name), {}
        ctx.source.fail(
            f"@{pragma} '{name}' has a list of values below it; write settings as "
            "'key value' lines",
            pragma,
            index,
        )
    ctx.source.fail(
        f"@{pragma} item '{describe(item)}' is not valid; write one name per line",
        pragma,
        index,
    )


def warn_unknown_settings(
    ctx: Context,
    pragma: str,
    index: int,
    name: str,
    settings: dict[str, Any],
    known: tuple[str, ...],
) -> None:
    """Warn (with a did-you-mean) about each setting under `name` that pyarc would ignore."""
    for key in settings:
        if key not in known:
            what = f"@{pragma} '{name}' setting '{key}'"
            ctx.source.warn_unknown(what, str(key), known, pragma, index)


def check_loose_name(
    ctx: Context, pragma: str, index: int, name: str, what: str = "name", max_length: int = 255
) -> None:
    if not LOOSE_NAME.match(name) or len(name) > max_length:
        ctx.source.fail(
            f"@{pragma} {what} '{name}' may only use letters, numbers, '-', '_', '.' and '/' "
            f"(up to {max_length} characters)",
            pragma,
            index,
        )


def check_dynamodb_name(ctx: Context, pragma: str, index: int, name: str, what: str) -> None:
    """DynamoDB's rule for table and index names: 3-255 of `a-z A-Z 0-9 _ - .`.

    Architect also lets `/` through; DynamoDB rejects it (and so would the sandbox's
    `<app>-staging-<name>` table), so pyarc follows DynamoDB.
    """
    if len(name) < 3 or len(name) > 255:
        ctx.source.fail(
            f"@{pragma} {what} '{name}' is {len(name)} characters long; DynamoDB needs 3 to 255",
            pragma,
            index,
        )
    bad = "".join(dict.fromkeys(c for c in name if c not in DYNAMODB_CHARS))
    if bad:
        ctx.source.fail(
            f"@{pragma} {what} '{name}' may not contain {', '.join(repr(c) for c in bad)}; "
            "DynamoDB allows letters, numbers, '_', '-' and '.'",
            pragma,
            index,
        )


def check_topic_name(ctx: Context, pragma: str, index: int, name: str, what: str) -> None:
    """Architect's @events/@queues name rules (after SNS/SQS): 1-246 characters of letters,
    numbers, `- _ . /`, no leading, trailing or doubled '.', not starting with AWS/Amazon."""
    check_loose_name(ctx, pragma, index, name, what, max_length=246)
    problem = None
    if name.startswith("."):
        problem = "cannot start with '.'"
    elif name.endswith("."):
        problem = "cannot end with '.'"
    elif ".." in name:
        problem = "cannot contain '..'"
    elif name.lower().startswith(("aws", "amazon")):
        problem = "cannot start with 'AWS' or 'Amazon' (reserved by AWS)"
    if problem:
        ctx.source.fail(f"@{pragma} {what} '{name}' {problem}; rename it", pragma, index)


def check_unique(ctx: Context, pragma: str, names: list[tuple[str, int]], what: str) -> None:
    seen: dict[str, int] = {}
    for name, index in names:
        if name in seen:
            line = ctx.source.location(pragma, seen[name]).line
            where = f" (first on line {line})" if line else ""
            ctx.source.fail(
                f"@{pragma} {what} '{name}' is declared twice{where}; keep one", pragma, index
            )
        seen[name] = index
