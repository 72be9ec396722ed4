"""Shared fixtures. Helpers live in `pyarc.testing` so users' tests can use them too."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyarc.testing import free_port

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def port() -> int:
    return free_port()
