"""`pyarc logs` against moto's server: the deployed function's log group, --since, --follow."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from rich.console import Console

from pyarc.deploy.build import BuildOptions
from pyarc.deploy.deployer import DeployOptions, deploy
from pyarc.deploy.logs import follow_logs, log_group_name, parse_since, read_logs
from pyarc.errors import PyarcError

STACK = "CageSocketStaging"
GROUP = f"/aws/lambda/{STACK}/GetIndexHTTPLambda"


def _deployed(tmp_path: Path, make_app) -> Path:  # noqa: ANN001
    inventory = make_app(tmp_path / "app")
    options = DeployOptions(
        build=BuildOptions(runtime_requirements=[]), poll_seconds=0.01, static=False
    )
    deploy(inventory, options, Console(quiet=True))
    return inventory.cwd


def _put(group: str, *events: tuple[int, str]) -> None:
    logs = boto3.client("logs")
    stream = f"2026/01/01/[$LATEST]{time.time_ns()}"
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    batch = [{"timestamp": ms, "message": text} for ms, text in events]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)


def _pyarc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pyarc", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "COLUMNS": "300"}, timeout=120,
    )


def test_logs_reads_the_deployed_functions_group_since_a_duration(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    root = _deployed(tmp_path, make_app)
    now = int(time.time() * 1000)
    _put(GROUP, (now - 2 * 3600_000, "two hours ago"), (now - 60_000, "START RequestId: abc"))
    _put(f"/aws/lambda/{STACK}/PostThingsHTTPLambda", (now - 60_000, "another function"))
    recent = _pyarc("logs", "http", "get /", cwd=root)
    assert recent.returncode == 0, recent.stderr
    assert recent.stderr.strip() == f"{GROUP} (since 10m ago)"
    lines = recent.stdout.splitlines()
    assert len(lines) == 1 and lines[0].endswith(" START RequestId: abc")
    assert lines[0][:12] == time.strftime("%H:%M:%S", time.localtime((now - 60_000) / 1000)) + (
        f".{(now - 60_000) % 1000:03d}"
    )
    both = _pyarc("logs", "http", "get-index", "--since", "3h", cwd=root)
    assert [line[13:] for line in both.stdout.splitlines()] == [
        "two hours ago", "START RequestId: abc"
    ]


def test_logs_names_what_is_missing(moto_server: str, tmp_path: Path, make_app) -> None:
    root = _deployed(tmp_path, make_app)
    production = _pyarc("logs", "http", "get /", "--production", cwd=root)
    assert production.returncode == 2
    assert production.stderr.startswith(
        "error: There is no deployed stack CageSocketProduction; deploy it first"
    ), production.stderr
    unknown = _pyarc("logs", "http", "get /nope", cwd=root)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "error: There is no @http function 'get /nope' in app.arc (declared: 'get /', "
        "'post /things'); name one of those."
    )
    since = _pyarc("logs", "http", "get /", "--since", "ten", cwd=root)
    assert since.returncode == 2 and "--since 'ten' is not a duration" in since.stderr
    assert "Traceback" not in production.stderr + unknown.stderr + since.stderr


def test_follow_prints_new_events_once_each(moto_server: str, tmp_path: Path, make_app) -> None:
    from pyarc.inventory import load

    root = _deployed(tmp_path, make_app)
    fn = load(root).function("http:get-index")
    group = log_group_name(boto3.client("cloudformation"), STACK, fn)
    assert group == GROUP
    now = int(time.time() * 1000)
    _put(group, (now - 1000, "first"))

    def sleep(_: float) -> None:  # the next poll finds one more event
        _put(group, (now, "second"))

    logs = boto3.client("logs")
    followed = [line.message for line in follow_logs(logs, group, now - 5000, sleep, polls=2)]
    assert followed == ["first", "second"]
    assert [line.message for line in read_logs(logs, group, now - 5000)] == ["first", "second"]


def test_since_durations() -> None:
    assert parse_since("10m").total_seconds() == 600
    assert parse_since("2h").total_seconds() == 7200
    assert parse_since("1d").total_seconds() == 86400
    with pytest.raises(PyarcError, match=r"e\.g\. 30s, 10m, 2h or 1d"):
        parse_since("5 years")
