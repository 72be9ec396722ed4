"""Cookie sessions: round trip on payload 2.0 and 1.0, tampering, expiry, secrets."""

from __future__ import annotations

import json
import time

import pytest

from pyarc.functions import ConfigurationError, SessionError, http
from pyarc.functions.http import sessions


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("ARC_APP_SECRET", "a long random secret for tests")


def _browser_cookie(response: dict) -> str:
    """The `name=value` pair a browser would send back for the response's `_idx` cookie."""
    (set_cookie,) = [c for c in response["cookies"] if c.startswith("_idx=")]
    return set_cookie.split(";", 1)[0]


def _v2(cookie: str) -> dict:
    return {"version": "2.0", "headers": {}, "cookies": ["theme=dark", cookie]}


def _v1(cookie: str) -> dict:
    return {"version": "1.0", "headers": {"Cookie": f"theme=dark; {cookie}"}}


@pytest.mark.parametrize("request_for", [_v2, _v1])
def test_round_trip(request_for):
    session = {"user": "ada", "cart": [1, 2, 3], "admin": False}
    response = http.session_write(session, http.html("<p>ok</p>"))
    assert response["body"] == "<p>ok</p>"
    cookie = _browser_cookie(response)
    assert "ada" not in cookie  # encrypted, not just signed
    assert http.session_read(request_for(cookie)) == session


def test_cookie_attributes():
    (set_cookie,) = http.session_write({"a": 1}, http.json({}))["cookies"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Path=/" in set_cookie
    assert f"Max-Age={sessions.DEFAULT_TTL_S}" in set_cookie
    assert "Secure" in set_cookie


def test_no_secure_flag_in_testing_so_plain_http_localhost_works(monkeypatch):
    monkeypatch.setenv("ARC_ENV", "testing")
    (set_cookie,) = http.session_write({"a": 1}, http.json({}))["cookies"]
    assert "Secure" not in set_cookie


def test_existing_cookies_are_kept():
    response = http.session_write({"a": 1}, http.json({}, cookies=["theme=dark"]))
    assert response["cookies"][0] == "theme=dark" and response["cookies"][1].startswith("_idx=")


def test_no_cookie_is_an_empty_session():
    assert http.session_read({"headers": {}}) == {}


def test_tampered_cookie_is_an_empty_session():
    cookie = _browser_cookie(http.session_write({"user": "ada"}, http.json({})))
    name, value = cookie.split("=", 1)
    middle = len(value) // 2
    flipped = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]
    assert http.session_read(_v2(f"{name}={flipped}")) == {}
    assert http.session_read(_v2(f"{name}=garbage")) == {}
    assert http.session_read(_v2(cookie)) == {"user": "ada"}  # the untouched one still reads


def test_other_secret_cannot_read_it(monkeypatch):
    cookie = _browser_cookie(http.session_write({"user": "ada"}, http.json({})))
    monkeypatch.setenv("ARC_APP_SECRET", "another secret")
    assert http.session_read(_v2(cookie)) == {}


def test_expired_session_is_empty(monkeypatch):
    fernet = sessions._fernet("a long random secret for tests")
    plain = json.dumps({"user": "ada"}).encode()
    issued_long_ago = int(time.time()) - sessions.DEFAULT_TTL_S - 5
    old = fernet.encrypt_at_time(plain, issued_long_ago).decode()
    fresh = fernet.encrypt_at_time(plain, int(time.time()) - sessions.DEFAULT_TTL_S + 60).decode()
    assert http.session_read(_v2(f"_idx={old}")) == {}
    assert http.session_read(_v2(f"_idx={fresh}")) == {"user": "ada"}
    monkeypatch.setenv("ARC_SESSION_TTL", "30")  # a shorter configured lifetime
    assert http.session_read(_v2(f"_idx={fresh}")) == {}


def test_missing_secret_outside_testing_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("ARC_APP_SECRET")
    with pytest.raises(ConfigurationError, match="ARC_APP_SECRET is not set"):
        http.session_write({"a": 1}, http.json({}))


def test_testing_uses_the_documented_dev_secret(monkeypatch):
    monkeypatch.delenv("ARC_APP_SECRET")
    monkeypatch.setenv("ARC_ENV", "testing")
    cookie = _browser_cookie(http.session_write({"a": 1}, http.json({})))
    token = cookie.split("=", 1)[1]
    assert sessions._fernet(sessions.TESTING_SECRET).decrypt(token.encode()) == b'{"a":1}'


def test_unwritable_sessions_are_session_errors():
    with pytest.raises(SessionError, match="not JSON-serialisable"):
        http.session_write({"when": object()}, http.json({}))
    with pytest.raises(SessionError, match="4096-byte"):
        http.session_write({"blob": "x" * 5000}, http.json({}))
