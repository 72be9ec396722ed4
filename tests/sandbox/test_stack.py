"""The sandbox process's loop: uvloop when installed, asyncio's own otherwise; said in the banner."""

from __future__ import annotations

import asyncio
import sys

from pyarc.sandbox import stack


async def loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_the_loop_run_is_the_one_described(monkeypatch):
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: None)
    described = stack.describe()
    module = stack.run(loop_module())
    assert ("uvloop" in described) == module.startswith("uvloop")
    assert described.split(" + ")[1] in ("uvloop", "asyncio")


def test_without_httptools_and_uvloop_the_pure_python_fallback_runs(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)  # what an import of a missing module sees
    monkeypatch.setitem(sys.modules, "httptools", None)
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: None)
    assert stack.describe() == "h11 + asyncio"
    assert stack.run(loop_module()).startswith("asyncio")
