"""What every pragma reader needs: the manifest source, the app dir and the @aws defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyarc.inventory.model import FunctionConfig
from pyarc.inventory.source import Source, describe

# Architect's `veryLooseName` (DynamoDB, SNS, SQS names) without the empty string.
LOOSE_NAME = re.compile(r"^[a-zA-Z0-9/\-._]+$")


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


def check_loose_name(ctx: Context, pragma: str, index: int, name: str, what: str = "name") -> None:
    if not LOOSE_NAME.match(name) or len(name) > 255:
        ctx.source.fail(
            f"@{pragma} {what} '{name}' may only use letters, numbers, '-', '_', '.' and '/' "
            "(up to 255 characters)",
            pragma,
            index,
        )


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
