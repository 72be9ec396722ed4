"""Fixtures shared by the events tests."""

from tests.fuzz_app import clients, sb  # noqa: F401  (the fuzz app, for test_fuzz_regressions.py)
