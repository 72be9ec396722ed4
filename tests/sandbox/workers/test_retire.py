"""Idle workers are retired after the idle timeout (an injected clock: no sleeping), each pool
keeps its cap, and the sandbox takes both settings from flags, then prefs.arc."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

from pyarc.inventory import load
from pyarc.sandbox.banner import banner_lines
from pyarc.sandbox.config import SandboxConfig
from pyarc.sandbox.environment import Ports
from pyarc.sandbox.server import SandboxServer

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

PID = """
import os, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return os.getpid()
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_idle_worker_is_retired_after_the_idle_timeout_and_a_busy_one_is_kept(harness):
    fn = harness.function(PID)
    other = harness.function(PID, name="get-other")
    clock = Clock()

    async def scenario(pools):
        first = await pools.invoke(fn, {})
        clock.now += 30
        kept = await pools.invoke(other, {})  # went idle 30 s after the first
        clock.now += 29.9
        early = pools.retire_idle_workers()  # nobody has been idle 60 s yet
        clock.now += 0.1
        retired = pools.retire_idle_workers()
        await asyncio.sleep(0)  # let the reaps run
        again = await pools.invoke(fn, {})
        return first, kept, early, retired, pools.pids(other), again

    first, kept, early, retired, other_pids, again = harness.run(
        scenario, idle_timeout=60, clock=clock
    )
    assert (early, retired) == (0, 1)
    assert other_pids == [kept.payload]  # idle for 30 s only: still warm
    assert again.cold and again.payload != first.payload  # a fresh worker, as after Lambda's


def test_the_timer_retires_idle_workers_by_itself(harness):
    fn = harness.function(PID)

    async def scenario(pools):
        result = await pools.invoke(fn, {})
        assert pools.pids(fn) == [result.payload]
        for _ in range(400):  # poll: the reaper's timer fires after idle_timeout
            if not pools.pids(fn):
                break
            await asyncio.sleep(0.01)
        return pools.pids(fn)

    assert harness.run(scenario, idle_timeout=0.1) == []


def test_idle_workers_beyond_the_cap_are_never_started(harness):
    fn = harness.function(PID)

    async def scenario(pools):
        results = await asyncio.gather(*(pools.invoke(fn, {"sleep": 0.2}) for _ in range(6)))
        return {r.payload for r in results}, len(pools.pids(fn))

    distinct, live = harness.run(scenario, max_workers=3)
    assert len(distinct) == 3 and live == 3


def write_app(root: Path, prefs: str | None) -> Path:
    (root / "src/http/get-index").mkdir(parents=True)
    (root / "app.arc").write_text("@app\nretire\n\n@http\nget /\n")
    (root / "src/http/get-index/lambda.py").write_text(textwrap.dedent(PID))
    if prefs is not None:
        (root / "prefs.arc").write_text(prefs)
    return root


def test_limits_come_from_the_flag_then_prefs_then_the_default_and_the_banner_says(tmp_path):
    plain = load(write_app(tmp_path / "plain", None))
    assert SandboxServer(plain, SandboxConfig()).worker_limits() == (60.0, 8)
    prefs = load(write_app(tmp_path / "prefs", "@sandbox\nidle-timeout 5\nmax-workers 2\n"))
    assert SandboxServer(prefs, SandboxConfig()).worker_limits() == (5.0, 2)
    flagged = SandboxConfig(idle_timeout=7, max_workers=3)
    assert SandboxServer(prefs, flagged).worker_limits() == (7.0, 3)
    lines = banner_lines(prefs, Ports(3333), "127.0.0.1", 1.0, worker_limits=(5.0, 2))
    assert any("up to 2 per function, retired after 5 s idle" in line for line in lines)


def test_a_bad_setting_is_refused_naming_it(tmp_path):
    from pyarc.errors import PyarcError

    app = write_app(tmp_path / "bad", "@sandbox\nidle-timeout 0\n")
    with pytest.raises(PyarcError, match="idle-timeout 0 is too small"):
        load(app)


def test_help_names_both_settings():
    from click.testing import CliRunner

    from pyarc.cli import cli

    text = CliRunner().invoke(cli, ["sandbox", "--help"]).output
    assert "--idle-timeout" in text and "--max-workers" in text
    assert "seconds idle (60)" in " ".join(text.split())
