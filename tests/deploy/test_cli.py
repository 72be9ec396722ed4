"""The `pyarc deploy`, `destroy` and `env` commands, run as a user runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import boto3

from pyarc.deploy.runtime_helper import runtime_helper_requirements


def pyarc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pyarc", *args, "--cwd", str(cwd)],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}, timeout=120,
    )  # fmt: skip


def test_dry_run_writes_sam_yaml_and_needs_no_aws(tmp_path: Path, make_app, isolated_aws) -> None:
    app = tmp_path / "app"
    make_app(app)
    result = pyarc("deploy", "--dry-run", cwd=app)
    assert result.returncode == 0, result.stderr
    assert (app / "sam.yaml").is_file()
    assert "CageSocketStaging" in result.stdout


def test_deploy_env_and_destroy_from_the_command_line(
    moto_server: str, tmp_path: Path, make_app, build_wheel, monkeypatch
) -> None:
    app = tmp_path / "app"
    make_app(app)
    # pyarc.functions needs cryptography, which Lambda lacks: pip gets it from a local index
    # (pip reads PIP_NO_INDEX / PIP_FIND_LINKS), so the real install path runs offline
    for pin in runtime_helper_requirements():
        name, _, version = pin.partition("==")
        build_wheel(tmp_path / "wheels", name, version)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "wheels"))

    added = pyarc("env", "--add", "staging", "GREETING", "hi", cwd=app)
    assert added.returncode == 0, added.stderr
    listed = pyarc("env", cwd=app)
    assert "GREETING" in listed.stdout and "staging" in listed.stdout

    deployed = pyarc("deploy", "staging", "--tags", "team=cage", cwd=app)
    assert deployed.returncode == 0, deployed.stderr
    assert "Functions: 2 packaged, 2 uploaded, 0 unchanged" in deployed.stdout
    assert "CREATE_COMPLETE" in deployed.stdout
    assert re.search(r"^Deployed CageSocketStaging \(staging\) in \d+\.\d s$", deployed.stdout, re.M)
    lam = boto3.client("lambda")
    functions = lam.list_functions()["Functions"]
    assert len(functions) == 2
    assert {f["Environment"]["Variables"].get("GREETING") for f in functions} == {"hi"}

    refused = pyarc("destroy", "--app", "wrong", cwd=app)
    assert refused.returncode == 2
    assert "pass --app cage-socket" in " ".join(refused.stderr.split())
    destroyed = pyarc("destroy", "--app", "cage-socket", "--force", cwd=app)
    assert destroyed.returncode == 0, destroyed.stderr
    assert lam.list_functions()["Functions"] == []

    removed = pyarc("env", "--remove", "staging", "GREETING", cwd=app)
    assert removed.returncode == 0, removed.stderr
    ssm = boto3.client("ssm")
    assert ssm.get_parameters_by_path(Path="/cage-socket/staging")["Parameters"] == []
