"""Shared fixtures. Helpers live in `pyarc.testing` so users' tests can use them too."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import httpx._transports.default
import pytest

from pyarc.testing import free_port

REPO = Path(__file__).resolve().parent.parent

# Every httpx client builds an SSL context, loading the CA bundle (~45 ms here), even for the
# http:// URLs these tests call; the tests make hundreds of clients (each `httpx.get` is one),
# so they share one context per set of arguments, as httpx's docs advise for many clients.
httpx._transports.default.create_ssl_context = functools.cache(  # type: ignore[attr-defined]
    httpx._transports.default.create_ssl_context  # type: ignore[attr-defined]
)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The one environment scrub: no AWS_, ARC_ or LAMBDA_ variable of the machine running the
    tests, and no AWS config, credentials or instance metadata reachable."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "ARC_", "LAMBDA_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def port() -> int:
    return free_port()
