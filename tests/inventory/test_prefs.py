"""prefs.arc (@sandbox, @env) and .env."""

from __future__ import annotations

from collections.abc import Callable

APP = "@app\nmy-app\n"
PREFS = """@sandbox
ports
  http 4000
  tables 4001
seed-data seed.json
useAWS false
env
  DEBUG 1

@env
testing
  API_URL http://localhost:4000
  GREETING hello world
staging
  API_URL https://staging.example.com
production
"""


def test_env_defaults_are_empty(load_app: Callable) -> None:
    inv = load_app(APP)
    assert inv.prefs.env == {"testing": {}, "staging": {}, "production": {}}
    assert inv.prefs.file is None and inv.prefs.sandbox.ports == {}
    assert inv.env_vars("testing") == {}


def test_prefs_arc(load_app: Callable) -> None:
    inv = load_app(APP, {"prefs.arc": PREFS})
    sandbox = inv.prefs.sandbox
    assert sandbox.ports == {"http": 4000, "tables": 4001}
    assert (sandbox.seed_data, sandbox.useAWS, sandbox.env) == ("seed.json", False,
                                                                {"DEBUG": "1"})
    assert inv.env_vars("testing") == {"API_URL": "http://localhost:4000",
                                       "GREETING": "hello world"}
    assert inv.env_vars("staging") == {"API_URL": "https://staging.example.com"}
    assert inv.env_vars("production") == {}
    assert inv.prefs.file == inv.cwd / "prefs.arc"


def test_dotenv_replaces_env_testing_only(load_app: Callable) -> None:
    inv = load_app(APP, {"prefs.arc": PREFS,
                         ".env": "# comment\nexport TOKEN=abc\nQUOTED=\"a b\"\nEMPTY=\n"})
    assert inv.env_vars("testing") == {"TOKEN": "abc", "QUOTED": "a b", "EMPTY": ""}
    assert inv.env_vars("staging") == {"API_URL": "https://staging.example.com"}


def test_prefs_errors(load_error: Callable) -> None:
    error = load_error(APP, {"prefs.arc": "@env\ndev\n  A 1\n"})
    assert (error.file, error.line) == ("prefs.arc", 2)
    assert "not an environment" in error.message
    error = load_error(APP, {"prefs.arc": "@env\ntesting\n  BAD-NAME 1\n"})
    assert (error.line, error.column) == (3, 3) and "BAD-NAME" in error.message
    error = load_error(APP, {"prefs.arc": "@sandbox\nports\n  http 70000\n"})
    assert "out of range" in error.message
    error = load_error(APP, {"prefs.arc": "@sandbox\nports\n  http {\n"})
    assert (error.line, error.column) == (3, 8)


def test_load_rejects_unknown_environment(write_app_dir: Callable) -> None:
    import pytest

    from pyarc.errors import ManifestError
    from pyarc.inventory import load

    with pytest.raises(ManifestError, match="unknown environment 'dev'"):
        load(write_app_dir(APP), env="dev")


def test_fire_at_start_is_off_unless_prefs_say_true(load_app: Callable, load_error: Callable) -> None:
    assert load_app(APP).prefs.sandbox.fire_at_start is False
    inv = load_app(APP, {"prefs.arc": "@sandbox\nfire-at-start true\n"})
    assert inv.prefs.sandbox.fire_at_start is True
    error = load_error(APP, {"prefs.arc": "@sandbox\nfire-at-start soon\n"})
    assert "fire-at-start" in error.message
