"""@scheduled: `name rate(...)` / `name cron(...)` (EventBridge syntax), optional timezone."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from pyarc.inventory.functions import build_function, resolve_src
from pyarc.inventory.model import Scheduled
from pyarc.inventory.pragmas.context import Context, check_loose_name, check_unique
from pyarc.inventory.source import describe

SINGULAR = ("minute", "hour", "day")
PLURAL = ("minutes", "hours", "days")
CRON_FIELDS = (
    ("minutes", re.compile(r"^[\d,\-*/]+$")),
    ("hours", re.compile(r"^[\d,\-*/]+$")),
    ("day-of-month", re.compile(r"^[\d,\-*/?LW]+$")),
    ("month", re.compile(r"^[\da-zA-Z,\-*/?LW]+$")),
    ("day-of-week", re.compile(r"^[\da-zA-Z,\-*?L#/]+$")),
    ("year", re.compile(r"^[\d,\-*/]+$")),
)


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
    match = re.fullmatch(r"(rate|cron)\((.*)\)", expression.strip())
    if not match:
        ctx.source.fail(
            f"@scheduled '{name}' schedule '{expression}' must be rate(...) or cron(...)",
            "scheduled",
            index,
        )
    kind, body = match.group(1), match.group(2).strip()
    fields = body.split()

    def fail(problem: str) -> None:
        ctx.source.fail(f"@scheduled '{name}' {kind}({body}): {problem}", "scheduled", index)

    if kind == "rate":
        if len(fields) != 2:
            fail("a rate has two fields, a number and a unit, as in rate(5 minutes)")
        value, unit = fields
        if not value.isdigit() or int(value) < 1:
            fail("the rate value must be a whole number greater than 0")
        if unit not in SINGULAR + PLURAL:
            fail("the unit must be minute(s), hour(s) or day(s)")
        if int(value) == 1 and unit in PLURAL:
            fail(f"a value of 1 takes a singular unit: rate(1 {unit[:-1]})")
        if int(value) > 1 and unit in SINGULAR:
            fail(f"values above 1 take a plural unit: rate({value} {unit}s)")
    else:
        if len(fields) != 6:
            fail(
                "a cron expression has six fields: minutes hours day-of-month month "
                "day-of-week year, as in cron(0 12 * * ? *)"
            )
        for (label, pattern), value in zip(CRON_FIELDS, fields, strict=True):
            if not pattern.match(value):
                fail(f"'{value}' is not a valid {label} value")
        if fields[2] != "?" and fields[4] != "?":
            fail("one of day-of-month or day-of-week must be '?' (EventBridge rule)")
    return f"{kind}({' '.join(fields)})"


def _known_timezone(name: str) -> bool:
    available = zoneinfo.available_timezones()
    if not available:  # no tz database on this machine: cannot check
        return True
    return name in available or name == "UTC"
