"""`pyarc env`: prefs.arc edits that keep the rest of the file, SSM SecureString round trips."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from pyarc.deploy.env import add_variable, list_variables, remove_variable, set_prefs_variable
from pyarc.errors import PyarcError
from pyarc.inventory import load

PREFS = """# my prefs
@sandbox
ports
  http 4444   # keep this comment

@env
testing
  EXISTING one
staging
  STAGED two
"""


def test_add_to_existing_testing_block_keeps_everything_else() -> None:
    text = set_prefs_variable(PREFS, "testing", "API_KEY", "s3cret value")
    assert text == PREFS.replace("  EXISTING one\n", '  EXISTING one\n  API_KEY "s3cret value"\n')


def test_replace_then_remove_round_trips_to_the_original_text() -> None:
    added = set_prefs_variable(PREFS, "testing", "NEW", "x")
    replaced = set_prefs_variable(added, "testing", "NEW", "y")
    assert "  NEW y\n" in replaced and "NEW x" not in replaced
    assert set_prefs_variable(replaced, "testing", "NEW", None) == PREFS


def test_removing_the_last_variable_drops_the_empty_block() -> None:
    text = set_prefs_variable(PREFS, "testing", "EXISTING", None)
    assert "testing" not in text
    assert "staging\n  STAGED two\n" in text


def test_env_section_is_created_when_missing() -> None:
    text = set_prefs_variable("@sandbox\nenv\n  X 1\n", "testing", "FOO", "bar")
    assert text == "@sandbox\nenv\n  X 1\n\n@env\ntesting\n  FOO bar\n"


def test_testing_variables_round_trip_through_the_manifest_parser(tmp_path: Path, make_app) -> None:
    make_app(tmp_path / "app")
    app = tmp_path / "app"
    (app / "prefs.arc").write_text(PREFS)
    inventory = load(app)
    add_variable(inventory, "testing", "GREETING", "hello world # not a comment")
    assert load(app).env_vars("testing") == {
        "EXISTING": "one",
        "GREETING": "hello world # not a comment",
    }
    remove_variable(load(app), "testing", "GREETING")
    assert (app / "prefs.arc").read_text() == PREFS


def test_staging_variables_are_securestring_parameters_in_ssm(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory = make_app(tmp_path / "app")
    where = add_variable(inventory, "staging", "DB_PASSWORD", "hunter2")
    assert where == "SSM /cage-socket/staging/DB_PASSWORD"
    ssm = boto3.client("ssm")
    parameter = ssm.get_parameter(Name="/cage-socket/staging/DB_PASSWORD", WithDecryption=True)
    assert parameter["Parameter"]["Type"] == "SecureString"
    assert parameter["Parameter"]["Value"] == "hunter2"
    add_variable(inventory, "production", "DB_PASSWORD", "other")
    listed = list_variables(inventory)
    assert listed["staging"] == {"DB_PASSWORD": "hunter2"}
    assert listed["production"] == {"DB_PASSWORD": "other"}
    remove_variable(inventory, "staging", "DB_PASSWORD")
    assert list_variables(inventory)["staging"] == {}
    with pytest.raises(PyarcError, match="not set for staging"):
        remove_variable(inventory, "staging", "DB_PASSWORD")


def test_bad_names_are_refused(tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    with pytest.raises(PyarcError, match="not a valid variable name"):
        add_variable(inventory, "testing", "1BAD", "x")
    with pytest.raises(PyarcError, match="AWS_REGION is set by Lambda"):
        add_variable(inventory, "testing", "AWS_REGION", "x")
    with pytest.raises(PyarcError, match="Unknown environment 'prod'"):
        add_variable(inventory, "prod", "OK", "x")
