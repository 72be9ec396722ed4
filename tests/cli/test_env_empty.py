"""`pyarc env` in a new app: a sentence saying how to add one, not an empty table."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pyarc.cli import cli


def test_no_variables_says_how_to_add_one(tmp_path: Path, monkeypatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    (tmp_path / "app.arc").write_text("@app\nquiet-app\n\n@http\nget /\n")
    result = CliRunner().invoke(cli, ["env", "--cwd", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "No environment variables are set; add one with `pyarc env --add testing NAME VALUE`" in result.output
    assert "┏" not in result.output  # no empty table
