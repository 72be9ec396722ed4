"""The testing API: run an app's sandbox inside a test, plus polling helpers."""

from pyarc.testing.wait import free_port, wait_for_port, wait_until

__all__ = ["Sandbox", "free_port", "sandbox_fixture", "wait_for_port", "wait_until"]


def __getattr__(name: str):  # lazy: importing pyarc.testing stays cheap
    if name in ("Sandbox", "sandbox_fixture"):
        from pyarc.testing import sandbox

        return getattr(sandbox, name)
    raise AttributeError(name)
