"""Region/profile resolution and the one-sentence error when there are no credentials."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pyarc.deploy.credentials import NO_CREDENTIALS, aws_session, resolve_region
from pyarc.errors import PyarcError
from pyarc.inventory.model import Aws


def test_no_credentials_is_a_pyarc_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_aws
) -> None:
    with pytest.raises(PyarcError) as raised:
        aws_session(Aws())
    assert str(raised.value) == NO_CREDENTIALS


def test_unknown_profile_names_the_profile(monkeypatch: pytest.MonkeyPatch, isolated_aws) -> None:
    with pytest.raises(PyarcError, match="'nope' is not in ~/.aws/config"):
        aws_session(Aws(profile="nope"))


def test_environment_region_wins_over_the_manifest(
    monkeypatch: pytest.MonkeyPatch, isolated_aws
) -> None:
    assert resolve_region(Aws(region="eu-west-1")) == "eu-west-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    assert resolve_region(Aws(region="eu-west-1")) == "ap-south-1"
    monkeypatch.setenv("AWS_REGION", "ca-central-1")
    assert resolve_region(Aws(region="eu-west-1")) == "ca-central-1"


def test_profile_from_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_aws
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[manifest]\naws_access_key_id = A1\naws_secret_access_key = S1\n"
        "[fromenv]\naws_access_key_id = A2\naws_secret_access_key = S2\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    assert aws_session(Aws(profile="manifest")).get_credentials().access_key == "A1"
    monkeypatch.setenv("AWS_PROFILE", "fromenv")
    assert aws_session(Aws(profile="manifest")).get_credentials().access_key == "A2"


def test_cli_prints_one_sentence_without_a_traceback(
    tmp_path: Path, make_app, isolated_aws
) -> None:
    make_app(tmp_path / "app")
    result = subprocess.run(
        [sys.executable, "-m", "pyarc", "deploy", "staging", "--cwd", str(tmp_path / "app")],
        capture_output=True, text=True, env=dict(os.environ), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    # rich wraps the line at the terminal width; the words are the one sentence
    assert " ".join(result.stderr.split()) == f"error: {NO_CREDENTIALS}"
    assert "Traceback" not in result.stderr
