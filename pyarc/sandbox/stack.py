"""How the `pyarc sandbox` process runs its event loop: uvicorn's fast stack when installed.

    run(main_coroutine)   # asyncio.run with uvloop's loop when uvloop is importable
    describe() -> str     # "httptools + uvloop", or the pure-Python fallback in use

uvicorn's `http="auto"` already picks httptools over h11 when it is importable; the loop
is the caller's, so this module picks uvloop over asyncio's own loop the same way. Both
come with `uvicorn[standard]`; without them everything runs on the pure-Python stack.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
# How soon a thread waiting for the GIL gets it: the event loop, while the tables thread
# works through a large Scan, waits at most this long each time (Python's default: 5 ms).
SWITCH_INTERVAL_S = 0.001


def _installed(module: str) -> bool:
    return sys.modules.get(module, True) is not None and importlib.util.find_spec(module) is not None


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    if not _installed("uvloop"):
        return None
    import uvloop

    return uvloop.new_event_loop


def describe() -> str:
    http = "httptools" if _installed("httptools") else "h11"
    loop = "uvloop" if _installed("uvloop") else "asyncio"
    return f"{http} + {loop}"


def run(main: Coroutine[Any, Any, T]) -> T:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(main)
