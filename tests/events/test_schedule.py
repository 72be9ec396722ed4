"""Schedule expressions against a table of expressions and their next fire times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pyarc.inventory.schedules import (
    Cron,
    Rate,
    ScheduleError,
    next_fires,
    parse_schedule,
    timezone,
)

START = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)  # a Thursday


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


FIRE_TABLE = [
    ("cron(0 10 * * ? *)", None, START, [utc(2026, 1, 1, 10), utc(2026, 1, 2, 10)]),
    ("cron(15 12 * * ? *)", None, START, [utc(2026, 1, 1, 12, 15), utc(2026, 1, 2, 12, 15)]),
    # weekdays only: Thu 1, Fri 2, then Mon 5
    ("cron(0 18 ? * MON-FRI *)", None, START,
     [utc(2026, 1, 1, 18), utc(2026, 1, 2, 18), utc(2026, 1, 5, 18)]),
    ("cron(0 8 1 * ? *)", None, START, [utc(2026, 1, 1, 8), utc(2026, 2, 1, 8), utc(2026, 3, 1, 8)]),
    ("cron(0/15 * * * ? *)", None, START, [utc(2026, 1, 1, 0, 15), utc(2026, 1, 1, 0, 30)]),
    ("cron(1/10 * * * ? *)", None, START, [utc(2026, 1, 1, 0, 1), utc(2026, 1, 1, 0, 11)]),
    ("cron(0/5 8-17 ? * MON-FRI *)", None, utc(2026, 1, 2, 17, 55),
     [utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 8, 5)]),
    ("cron(0 9 ? * 2#1 *)", None, START, [utc(2026, 1, 5, 9), utc(2026, 2, 2, 9)]),  # 1st Monday
    ("cron(0 9 ? * 3#2 *)", None, START, [utc(2026, 1, 13, 9), utc(2026, 2, 10, 9)]),  # 2nd Tue
    ("cron(0 9 ? * 6L *)", None, START, [utc(2026, 1, 30, 9), utc(2026, 2, 27, 9)]),  # last Fri
    ("cron(0 9 ? * L *)", None, START, [utc(2026, 1, 3, 9), utc(2026, 1, 10, 9)]),  # Saturdays
    ("cron(0 9 L * ? *)", None, START, [utc(2026, 1, 31, 9), utc(2026, 2, 28, 9), utc(2026, 3, 31, 9)]),
    ("cron(0 9 LW * ? *)", None, START, [utc(2026, 1, 30, 9), utc(2026, 2, 27, 9)]),
    # 3W: Jan 3 2026 is a Saturday -> Friday 2; Feb 3 is a Tuesday
    ("cron(0 9 3W * ? *)", None, START, [utc(2026, 1, 2, 9), utc(2026, 2, 3, 9)]),
    # 1W on a Saturday (Aug 1 2026) never leaves the month: Monday 3
    ("cron(0 9 1W AUG ? 2026)", None, START, [utc(2026, 8, 3, 9)]),
    ("cron(0 0 29 FEB ? *)", None, START, [utc(2028, 2, 29, 0), utc(2032, 2, 29, 0)]),
    ("cron(0 12 * JAN,MAR ? 2027)", None, START, [utc(2027, 1, 1, 12), utc(2027, 1, 2, 12)]),
    ("cron(0 0 1 1 ? 2025)", None, START, []),  # only in the past: never again
    # time zones: 09:00 in Paris is 08:00 UTC in winter, 07:00 UTC in summer
    ("cron(0 9 * * ? *)", "Europe/Paris", START, [utc(2026, 1, 1, 8), utc(2026, 1, 2, 8)]),
    ("cron(0 9 * * ? *)", "Europe/Paris", utc(2026, 6, 1), [utc(2026, 6, 1, 7), utc(2026, 6, 2, 7)]),
]


@pytest.mark.parametrize(("expression", "zone", "after", "expected"), FIRE_TABLE)
def test_next_fire_times(expression: str, zone: str | None, after: datetime, expected: list) -> None:
    schedule = parse_schedule(expression)
    assert next_fires(schedule, after, len(expected) or 1, tz=timezone(zone)) == expected


def test_spring_forward_skips_the_missing_time() -> None:
    # 2026-03-08: New York jumps from 02:00 to 03:00; 02:30 does not exist that day
    fires = next_fires(parse_schedule("cron(30 2 * * ? *)"), utc(2026, 3, 7), 3,
                       tz=timezone("America/New_York"))
    assert fires == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 9, 6, 30), utc(2026, 3, 10, 6, 30)]


def test_fall_back_runs_a_repeated_time_once() -> None:
    # 2026-11-01: New York repeats 01:00-01:59; every-15-minutes fires four times, not eight
    tz = timezone("America/New_York")
    fires = next_fires(parse_schedule("cron(0/15 1 * * ? *)"), utc(2026, 11, 1, 4), 5, tz=tz)
    assert [f.astimezone(tz).strftime("%m-%d %H:%M %Z") for f in fires] == [
        "11-01 01:00 EDT", "11-01 01:15 EDT", "11-01 01:30 EDT", "11-01 01:45 EDT",
        "11-02 01:00 EST",
    ]


def test_rate_is_a_fixed_duration_across_dst() -> None:
    rate = parse_schedule("rate(1 day)")
    assert isinstance(rate, Rate)
    started = utc(2026, 3, 7, 12)
    fires = next_fires(rate, started, 3, started=started)
    assert fires == [started + timedelta(days=n) for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(1 hour)", 3600),
     ("rate(12 hours)", 43200), ("rate(1 day)", 86400), ("rate(7 days)", 604800)],
)
def test_rate_units(expression: str, seconds: int) -> None:
    rate = parse_schedule(expression)
    assert isinstance(rate, Rate) and rate.every == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("every 5 minutes", "must be rate(value unit), cron(6 fields) or at("),
        ("rate(5 minute)", "plural"),
        ("rate(1 minutes)", "singular"),
        ("rate(0 minutes)", "positive"),
        ("rate(5 weeks)", "minutes, hours or days"),
        ("rate(five minutes)", "rate(value unit)"),
        ("cron(0 10 * * *)", "has 5 fields"),
        ("cron(0 10 * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 10 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("cron(60 10 * * ? *)", "minutes value 60 is outside 0-59"),
        ("cron(0 24 * * ? *)", "hours value 24 is outside 0-23"),
        ("cron(0 10 32 * ? *)", "day-of-month value 32 is outside 1-31"),
        ("cron(0 10 * 13 ? *)", "month value 13 is outside 1-12"),
        ("cron(0 10 ? * 8 *)", "day-of-week value 8 is outside 1-7"),
        ("cron(0 10 ? * FUNDAY *)", "'FUNDAY' is not a valid day-of-week value"),
        ("cron(0 10 * * ? 1969)", "year value 1969 is outside 1970-2199"),
        ("cron(0 10 ? * 3#1,6#3 *)", "one expression only"),
        ("cron(0 10 ? * 3#6 *)", "week number must be 1-5"),
        ("cron(30-10 * * * ? *)", "runs backwards"),
        ("cron(0/0 * * * ? *)", "increment '0' must be a positive number"),
    ],
)
def test_invalid_expressions_name_the_fault(expression: str, says: str) -> None:
    with pytest.raises(ScheduleError, match=None) as info:
        parse_schedule(expression)
    assert says in str(info.value)


def test_unknown_time_zone() -> None:
    with pytest.raises(ScheduleError, match="unknown time zone 'Mars/Olympus'"):
        timezone("Mars/Olympus")


def test_cron_parses_names_and_lists() -> None:
    cron = parse_schedule("cron(0,30 9-11 ? JAN-MAR MON,WED,FRI *)")
    assert isinstance(cron, Cron)
    assert cron.minutes == (0, 30) and cron.hours == (9, 10, 11) and cron.months == (1, 2, 3)
    assert cron.days_of_week.weekdays == frozenset({2, 4, 6})


def test_at_fires_once_at_its_wall_time_in_its_zone() -> None:
    schedule = parse_schedule("at(2026-03-29T12:30:00)")
    paris = timezone("Europe/Paris")
    assert next_fires(schedule, START, 3, tz=paris) == [datetime(2026, 3, 29, 10, 30, tzinfo=UTC)]
    assert next_fires(schedule, START, 3) == [datetime(2026, 3, 29, 12, 30, tzinfo=UTC)]
    assert next_fires(schedule, datetime(2026, 4, 1, tzinfo=UTC), 1, tz=paris) == []


@pytest.mark.parametrize("bad", ["at(2026-02-30T10:00:00)", "at(2026-01-01 10:00)", "at()"])
def test_at_refuses_what_is_not_a_time(bad: str) -> None:
    with pytest.raises(ScheduleError, match=r"at\(yyyy-mm-ddThh:mm:ss\)"):
        parse_schedule(bad)
