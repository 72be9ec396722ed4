"""@scheduled: `name rate(...)` / `name cron(...)` / `name at(...)` (EventBridge Scheduler
syntax, read by the one parser in pyarc/inventory/schedules.py), optional timezone."""

from __future__ import annotations

from typing import Any

from pyarc.inventory.functions import build_function, resolve_src
from pyarc.inventory.model import Scheduled
from pyarc.inventory.pragmas.context import (
    Context,
    check_loose_name,
    check_unique,
    warn_unknown_settings,
)
from pyarc.inventory.schedules import ScheduleError, parse_schedule
from pyarc.inventory.schedules import timezone as schedule_zone
from pyarc.inventory.source import describe

SETTINGS = ("rate", "cron", "timezone", "src")


def read_scheduled(ctx: Context) -> list[Scheduled]:
    found: list[Scheduled] = []
    names: list[tuple[str, int]] = []
    for index, item in enumerate(ctx.source.items("scheduled")):
        name, expression, timezone, custom_src = _parse_item(ctx, index, item)
        check_loose_name(ctx, "scheduled", index, name, "name", max_length=242)
        expression = validate_expression(ctx, index, name, expression)
        if timezone is not None and not _known_timezone(timezone):
            ctx.source.fail(
                f"@scheduled '{name}' timezone '{timezone}' is unknown; use an IANA "
                "name such as 'Europe/Paris'",
                "scheduled",
                index,
            )
        location = ctx.source.location("scheduled", index)
        function, _ = build_function(
            kind="scheduled",
            name=name,
            src=resolve_src(ctx.cwd, f"src/scheduled/{name}", custom_src),
            defaults=ctx.defaults,
            location=location,
            app_source=ctx.source,
        )
        found.append(
            Scheduled(
                name=name,
                expression=expression,
                function=function,
                timezone=timezone,
                location=location,
            )
        )
        names.append((name, index))
    check_unique(ctx, "scheduled", names, "item")
    return found


def _words(value: Any) -> str:
    return " ".join(describe(v) for v in (value if isinstance(value, list) else [value]))


def _parse_item(ctx: Context, index: int, item: Any) -> tuple[str, str, str | None, Any]:
    if isinstance(item, list) and len(item) >= 2 and isinstance(item[0], str):
        return item[0], _words(item[1:]), None, None
    if isinstance(item, dict):
        name, settings = next(iter(item.items()))
        if isinstance(settings, dict):
            warn_unknown_settings(ctx, "scheduled", index, str(name), settings, SETTINGS)
            rate, cron = settings.get("rate"), settings.get("cron")
            if rate is not None and cron is not None:
                ctx.source.fail(
                    f"@scheduled '{name}' has both rate and cron; keep one", "scheduled", index
                )
            if rate is None and cron is None:
                ctx.source.fail(
                    f"@scheduled '{name}' needs a schedule, as in '  rate 5 minutes' "
                    "or '  cron 0 12 * * ? *'",
                    "scheduled",
                    index,
                )
            kind = "rate" if rate is not None else "cron"
            body = _words(rate if rate is not None else cron)
            if not body.startswith(kind + "("):
                body = f"{kind}({body})"
            tz = settings.get("timezone")
            return str(name), body, (describe(tz) if tz is not None else None), settings.get("src")
    ctx.source.fail(
        f"@scheduled item '{describe(item)}' needs a name and a schedule, as in "
        "'daily-report rate(1 day)' or 'noon cron(0 12 * * ? *)'",
        "scheduled",
        index,
    )


def validate_expression(ctx: Context, index: int, name: str, expression: str) -> str:
    """Parse with the one schedule parser; refuse what AWS refuses, at the item's line."""
    try:
        return parse_schedule(expression).expression
    except ScheduleError as exc:
        ctx.source.fail(f"@scheduled '{name}': {exc}", "scheduled", index)


def _known_timezone(name: str) -> bool:
    try:
        schedule_zone(name)  # the zone the sandbox fires in: one lookup for both
    except ScheduleError:
        return False
    return True
