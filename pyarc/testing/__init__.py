"""The testing API: run an app's sandbox inside a test, plus polling helpers."""

from pyarc.testing.wait import free_port, wait_for_port, wait_until

__all__ = ["free_port", "wait_for_port", "wait_until"]
