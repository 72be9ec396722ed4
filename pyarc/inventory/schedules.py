"""EventBridge Scheduler expressions: `rate(...)`, 6-field `cron(...)` and one-time `at(...)`,
and their fire times.

The one home of the schedule rules (pure stdlib): the manifest loader validates with it,
the sandbox bus fires from its parsed value and the template renders its expression.

Semantics follow EventBridge Scheduler, which is what `pyarc deploy` creates:
- cron fields: minutes hours day-of-month month day-of-week year; `, - * /` everywhere,
  `?` `L` `W` in day-of-month, `?` `L` `#` in day-of-week (1 = SUN ... 7 = SAT);
  exactly one of day-of-month / day-of-week is `?`.
- cron is evaluated in the schedule's time zone. When clocks go forward, a time that
  does not exist that day is skipped; when they go back, a repeated time runs once.
- `rate(N unit)` (minute(s), hour(s), day(s); singular exactly when N is 1) is a fixed
  duration: a day is 24 hours whatever the clock does. With no start date, AWS fires a
  rate schedule immediately, then every interval.
- `at(yyyy-mm-ddThh:mm:ss)` fires once, at that wall-clock time in the schedule's zone.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
LAST_YEAR = 2199


class ScheduleError(ValueError):
    """An invalid schedule expression; the message says which part and why."""


@dataclass(frozen=True)
class Rate:
    expression: str
    every: timedelta

    def next_fire(self, after: datetime, started: datetime) -> datetime:
        """The first fire strictly after `after`, counting from `started` (fires at start)."""
        if after < started:
            return started
        periods = (after - started) // self.every + 1
        return started + periods * self.every


@dataclass(frozen=True)
class DaysOfMonth:
    days: frozenset[int] = frozenset()
    last: bool = False  # L
    last_weekday: bool = False  # LW
    nearest_weekday: int | None = None  # nW
    any: bool = False  # ?

    def matches(self, year: int, month: int) -> set[int]:
        length = calendar.monthrange(year, month)[1]
        if self.any:
            return set(range(1, length + 1))
        found = {d for d in self.days if d <= length}
        if self.last:
            found.add(length)
        if self.last_weekday:
            found.add(_nearest_weekday(year, month, length))
        if self.nearest_weekday is not None and self.nearest_weekday <= length:
            found.add(_nearest_weekday(year, month, self.nearest_weekday))
        return found


@dataclass(frozen=True)
class DaysOfWeek:
    weekdays: frozenset[int] = frozenset()  # 1 = SUN ... 7 = SAT
    last_of_month: int | None = None  # nL: the last such weekday of the month
    nth: tuple[int, int] | None = None  # d#k: the k-th such weekday of the month
    any: bool = False

    def matches(self, year: int, month: int) -> set[int]:
        length = calendar.monthrange(year, month)[1]
        days = range(1, length + 1)
        if self.any:
            return set(days)
        found = {d for d in days if _aws_weekday(date(year, month, d)) in self.weekdays}
        if self.last_of_month is not None:
            same = [d for d in days if _aws_weekday(date(year, month, d)) == self.last_of_month]
            found.add(same[-1])
        if self.nth is not None:
            weekday, k = self.nth
            same = [d for d in days if _aws_weekday(date(year, month, d)) == weekday]
            if k <= len(same):
                found.add(same[k - 1])
        return found


@dataclass(frozen=True)
class Cron:
    expression: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days_of_month: DaysOfMonth
    months: tuple[int, ...]
    days_of_week: DaysOfWeek
    years: tuple[int, ...]

    def days(self, year: int, month: int) -> list[int]:
        if self.days_of_month.any:
            return sorted(self.days_of_week.matches(year, month))
        return sorted(self.days_of_month.matches(year, month))

    def next_fire(self, after: datetime, tz: ZoneInfo) -> datetime | None:
        """The first fire time strictly after `after` (aware), as an aware UTC datetime."""
        local = after.astimezone(tz)
        start_day = local.date()
        for year in self.years:
            if year < start_day.year:
                continue
            for month in self.months:
                if (year, month) < (start_day.year, start_day.month):
                    continue
                for day in self.days(year, month):
                    if date(year, month, day) < start_day:
                        continue
                    found = self._first_on(date(year, month, day), after, tz)
                    if found is not None:
                        return found
        return None

    def _first_on(self, day: date, after: datetime, tz: ZoneInfo) -> datetime | None:
        for hour in self.hours:
            for minute in self.minutes:
                wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
                if not _exists(wall):
                    continue  # the clocks went forward over this time: AWS skips it
                fire = wall.replace(fold=0).astimezone(UTC)  # repeated time: the first only
                if fire > after:
                    return fire
        return None


@dataclass(frozen=True)
class At:
    expression: str
    wall: datetime  # naive: a wall-clock time in the schedule's zone

    def next_fire(self, after: datetime, tz: ZoneInfo) -> datetime | None:
        """The one fire time if it is strictly after `after` (aware UTC), else None."""
        fire = self.wall.replace(tzinfo=tz).astimezone(UTC)
        return fire if fire > after else None


Schedule = Rate | Cron | At


def parse_schedule(expression: str) -> Schedule:
    """Parse `rate(...)`, `cron(...)` or `at(...)`; raise ScheduleError naming the fault."""
    text = expression.strip()
    match = re.fullmatch(r"(rate|cron|at)\((.*)\)", text)
    if not match:
        raise ScheduleError(
            f"schedule '{expression}' must be rate(value unit), cron(6 fields) or "
            "at(yyyy-mm-ddThh:mm:ss), e.g. rate(5 minutes) or cron(0 12 * * ? *)"
        )
    kind, body = match.groups()
    text = f"{kind}({' '.join(body.split())})"  # one spelling whatever the spacing
    if kind == "at":
        return _parse_at(text, body.strip())
    return _parse_rate(text, body) if kind == "rate" else _parse_cron(text, body)


def timezone(name: str | None) -> ZoneInfo:
    """The IANA zone for a schedule (UTC when unset); ScheduleError when unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(
            f"unknown time zone '{name}'; use an IANA name such as Europe/Paris"
        ) from exc


def next_fires(
    schedule: Schedule, after: datetime, count: int, *, tz: ZoneInfo | None = None,
    started: datetime | None = None,
) -> list[datetime]:
    """The next `count` fire times strictly after `after` (aware UTC datetimes)."""
    fires: list[datetime] = []
    cursor = after
    zone = tz or ZoneInfo("UTC")
    for _ in range(count):
        if isinstance(schedule, Rate):
            nxt: datetime | None = schedule.next_fire(cursor, started or after)
        else:
            nxt = schedule.next_fire(cursor, zone)
        if nxt is None:
            break
        fires.append(nxt)
        cursor = nxt
    return fires


def _parse_at(text: str, body: str) -> At:
    try:
        wall = datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise ScheduleError(
            f"'{text}': a one-time schedule is at(yyyy-mm-ddThh:mm:ss), e.g. at(2027-01-31T09:30:00)"
        ) from None
    return At(text, wall)


_RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def _parse_rate(text: str, body: str) -> Rate:
    parts = body.split()
    if len(parts) != 2 or not parts[0].isdigit():
        raise ScheduleError(f"'{text}': a rate is rate(value unit), e.g. rate(5 minutes)")
    value, unit = int(parts[0]), parts[1]
    if value < 1:
        raise ScheduleError(f"'{text}': the rate value must be a positive whole number")
    singular = unit.rstrip("s") if unit.endswith("s") else unit
    if singular not in _RATE_UNITS:
        raise ScheduleError(f"'{text}': the unit must be minutes, hours or days")
    if value == 1 and unit != singular:
        raise ScheduleError(f"'{text}': with a value of 1 the unit is singular: rate(1 {singular})")
    if value > 1 and unit == singular:
        raise ScheduleError(f"'{text}': with a value over 1 the unit is plural: rate({value} {singular}s)")
    return Rate(text, timedelta(seconds=value * _RATE_UNITS[singular]))


_FIELD_NAMES = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")


def _parse_cron(text: str, body: str) -> Cron:
    fields = body.split()
    if len(fields) != 6:
        raise ScheduleError(
            f"'{text}' has {len(fields)} fields; a cron has 6: "
            "minutes hours day-of-month month day-of-week year"
        )
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleError(
            f"'{text}': exactly one of day-of-month and day-of-week must be '?', "
            "e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *)"
        )
    return Cron(
        expression=text,
        minutes=_values(text, "minutes", minute, 0, 59),
        hours=_values(text, "hours", hour, 0, 23),
        days_of_month=_days_of_month(text, dom),
        months=_values(text, "month", month, 1, 12, MONTHS),
        days_of_week=_days_of_week(text, dow),
        years=_values(text, "year", year, 1970, LAST_YEAR),
    )


def _values(
    text: str, name: str, spec: str, low: int, high: int, names: dict[str, int] | None = None
) -> tuple[int, ...]:
    found: set[int] = set()
    for part in spec.split(","):
        found |= _part(text, name, part, low, high, names)
    return tuple(sorted(found))


def _part(
    text: str, name: str, part: str, low: int, high: int, names: dict[str, int] | None
) -> set[int]:
    def number(token: str) -> int:
        key = token.upper()
        if names and key in names:
            return names[key]
        if not token.isdigit():
            raise ScheduleError(f"'{text}': '{token}' is not a valid {name} value")
        value = int(token)
        if not low <= value <= high:
            raise ScheduleError(f"'{text}': {name} value {value} is outside {low}-{high}")
        return value

    step = 1
    has_step = "/" in part
    if has_step:
        part, step_text = part.split("/", 1)
        if not step_text.isdigit() or int(step_text) < 1:
            raise ScheduleError(f"'{text}': the {name} increment '{step_text}' must be a positive number")
        step = int(step_text)
    if part == "*":
        first, last = low, high
    elif "-" in part:
        a, b = part.split("-", 1)
        first, last = number(a), number(b)
        if first > last:
            raise ScheduleError(f"'{text}': the {name} range {part} runs backwards")
    else:
        first = number(part)
        last = high if has_step else first  # "5/15": from 5 to the end, every 15
    return set(range(first, last + 1, step))


def _days_of_month(text: str, spec: str) -> DaysOfMonth:
    if spec == "?":
        return DaysOfMonth(any=True)
    if spec == "L":
        return DaysOfMonth(last=True)
    if spec == "LW":
        return DaysOfMonth(last_weekday=True)
    match = re.fullmatch(r"(\d+)W", spec)
    if match:
        day = int(match.group(1))
        if not 1 <= day <= 31:
            raise ScheduleError(f"'{text}': day-of-month value {day} is outside 1-31")
        return DaysOfMonth(nearest_weekday=day)
    return DaysOfMonth(days=frozenset(_values(text, "day-of-month", spec, 1, 31)))


def _days_of_week(text: str, spec: str) -> DaysOfWeek:
    if spec == "?":
        return DaysOfWeek(any=True)
    if spec == "L":
        return DaysOfWeek(weekdays=frozenset({7}))  # the last day of the week: Saturday
    match = re.fullmatch(r"(\w+)L", spec)
    if match:
        return DaysOfWeek(last_of_month=_weekday(text, match.group(1)))
    if "#" in spec:
        if "," in spec:
            raise ScheduleError(f"'{text}': with '#', day-of-week takes one expression only")
        weekday, _, nth = spec.partition("#")
        if not nth.isdigit() or not 1 <= int(nth) <= 5:
            raise ScheduleError(f"'{text}': in '{spec}' the week number must be 1-5")
        return DaysOfWeek(nth=(_weekday(text, weekday), int(nth)))
    return DaysOfWeek(weekdays=frozenset(_values(text, "day-of-week", spec, 1, 7, WEEKDAYS)))


def _weekday(text: str, token: str) -> int:
    values = _values(text, "day-of-week", token, 1, 7, WEEKDAYS)
    if len(values) != 1:
        raise ScheduleError(f"'{text}': '{token}' must name one day of the week")
    return values[0]


def _aws_weekday(day: date) -> int:
    """1 = Sunday ... 7 = Saturday, as EventBridge numbers them."""
    return (day.weekday() + 1) % 7 + 1


def _nearest_weekday(year: int, month: int, day: int) -> int:
    """The weekday (Mon-Fri) nearest `day`, never leaving the month (Quartz's W)."""
    length = calendar.monthrange(year, month)[1]
    weekday = date(year, month, day).weekday()  # Monday = 0
    if weekday < 5:
        return day
    if weekday == 5:  # Saturday: Friday before, unless that leaves the month
        return day - 1 if day > 1 else day + 2
    return day + 1 if day < length else day - 2  # Sunday


def _exists(wall: datetime) -> bool:
    """False for a wall-clock time the clocks skip (spring forward) in its zone."""
    round_trip = wall.astimezone(UTC).astimezone(wall.tzinfo)
    return round_trip.replace(tzinfo=None) == wall.replace(tzinfo=None)
