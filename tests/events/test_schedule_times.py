"""When the bus fires schedules, with an injected clock: a rate() first fires one period
after start, a reload fires nothing and keeps unchanged schedules' next fire times, a
changed schedule fires at its new time. Nothing here waits for the clock: the tests move
it and call `fire_due()`, the step the runner takes each time it wakes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from pyarc.inventory.model import Inventory, Scheduled
from pyarc.sandbox.bus.bus import EventBus

from .test_delivery import LOG, Clock, Recorder, fn, inventory

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def app(mail: str = "rate(1 day)", nightly: str = "cron(0 3 * * ? *)") -> Inventory:
    inv = inventory()
    inv.scheduled = [
        Scheduled("mail", mail, fn("scheduled", "mail")),
        Scheduled("nightly", nightly, fn("scheduled", "nightly")),
    ]
    return inv


async def started(inv: Inventory, clock: Clock, recorder: Recorder) -> EventBus:
    # run_schedules=True: the runner task exists but sleeps (a day away on the real
    # clock); the test drives fire_due() itself and closes the bus before it wakes
    bus = EventBus(inv, recorder, log=LOG.append, run_schedules=True, now=clock)
    await bus.start()
    return bus


def test_a_reload_runs_no_rate_schedule_and_keeps_its_time() -> None:
    """The old bus restarted every schedule on reload, so rate(1 day) fired on each save."""

    async def scenario() -> None:
        clock, recorder = Clock(T0), Recorder()
        bus = await started(app(), clock, recorder)
        expected = {"mail": T0 + timedelta(days=1), "nightly": datetime(2026, 6, 2, 3, tzinfo=UTC)}
        assert bus.next_fire_times() == expected
        assert bus.fire_due() == []  # nothing at start either
        for minutes in (1, 30, 59):  # three saves of app.arc
            clock.at = T0 + timedelta(minutes=minutes)
            await bus.reload(app())
            assert bus.next_fire_times() == expected
            assert bus.fire_due() == []
        await bus.idle()
        await bus.aclose()
        assert recorder.calls == []

    asyncio.run(scenario())


def test_a_changed_schedule_fires_at_its_new_time() -> None:
    async def scenario() -> None:
        clock, recorder = Clock(T0), Recorder()
        bus = await started(app(), clock, recorder)
        clock.at = T0 + timedelta(hours=1)
        await bus.reload(app(mail="rate(2 hours)"))
        assert bus.next_fire_times() == {
            "mail": T0 + timedelta(hours=3),  # a new schedule: one period after the change
            "nightly": datetime(2026, 6, 2, 3, tzinfo=UTC),  # unchanged, kept
        }
        await bus.reload(app(mail="rate(2 hours)", nightly="cron(0 12 * * ? *)"))
        assert bus.next_fire_times()["nightly"] == datetime(2026, 6, 1, 12, tzinfo=UTC)
        assert bus.next_fire_times()["mail"] == T0 + timedelta(hours=3)
        await bus.aclose()
        assert recorder.calls == []

    asyncio.run(scenario())


def test_rate_fires_one_period_after_start_then_every_period() -> None:
    async def scenario() -> None:
        clock, recorder = Clock(T0), Recorder()
        bus = await started(app(nightly="cron(0 3 1 1 ? *)"), clock, recorder)  # New Year only
        clock.at = T0 + timedelta(days=1) - timedelta(seconds=1)
        assert bus.fire_due() == []
        clock.at = T0 + timedelta(days=1)
        assert bus.fire_due() == ["mail"]
        await bus.idle()
        assert [(name, event["time"]) for name, event in recorder.calls] == [
            ("mail", "2026-06-02T10:00:00Z")
        ]
        assert bus.next_fire_times()["mail"] == T0 + timedelta(days=2)
        # a suspended laptop wakes three days later: one fire, not one per missed day
        clock.at = T0 + timedelta(days=5, hours=2)
        assert bus.fire_due() == ["mail"]
        assert bus.next_fire_times()["mail"] == T0 + timedelta(days=6)
        await bus.aclose()

    asyncio.run(scenario())


def test_fire_at_start_fires_a_rate_at_start_but_never_on_reload() -> None:
    async def scenario() -> None:
        clock, recorder = Clock(T0), Recorder()
        inv = app()
        inv.prefs.sandbox.fire_at_start = True
        bus = await started(inv, clock, recorder)
        assert bus.next_fire_times()["mail"] == T0
        assert bus.fire_due() == ["mail"]
        await bus.idle()
        assert bus.next_fire_times()["mail"] == T0 + timedelta(days=1)
        clock.at = T0 + timedelta(minutes=5)
        changed = app(mail="rate(1 hour)")
        changed.prefs.sandbox.fire_at_start = True
        await bus.reload(changed)
        assert bus.next_fire_times()["mail"] == clock.at + timedelta(hours=1)
        assert bus.fire_due() == []
        await bus.aclose()
        assert [name for name, _ in recorder.calls] == ["mail"]

    asyncio.run(scenario())


def test_a_failing_schedule_logs_one_plain_line_without_a_repr() -> None:
    """The old bus logged `scheduled mail: failed (InvokeError(error_type=...))` before the
    banner; the error and its traceback are the pool's to print, the bus adds one line."""
    from pyarc.sandbox.workers.results import InvokeError, InvokeResult

    async def failing(fn, event):  # type: ignore[no-untyped-def]
        error = InvokeError("ZeroDivisionError", "division by zero", ["line 2"])
        return InvokeResult(False, None, error, 1.0, True, "req")

    async def scenario() -> list[str]:
        clock, lines = Clock(T0), []
        bus = EventBus(app(), failing, log=lines.append, run_schedules=True, now=clock)
        await bus.start()
        clock.at = T0 + timedelta(days=1)
        assert "mail" in bus.fire_due()
        await bus.idle()
        await bus.aclose()
        return lines

    lines = asyncio.run(scenario())
    failures = [line for line in lines if "mail" in line]
    assert failures == ["scheduled mail failed: ZeroDivisionError (its error is above)"], lines
    assert not any("InvokeError(" in line for line in lines)
