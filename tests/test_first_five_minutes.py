"""A new user's first five minutes: each test is one thing that used to hurt.

Real CLI subprocesses (`python -m pyarc`, an 80-column terminal, no AWS credentials) and
real sandboxes on free ports; nothing here reaches AWS (deploys aim at a closed local port).
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import httpx
import pytest
from click.testing import CliRunner

from pyarc.cli import cli
from pyarc.inventory import load
from pyarc.manifest import parse
from pyarc.sandbox.banner import banner_lines, describe_fire_time
from pyarc.sandbox.environment import Ports
from pyarc.testing import Sandbox, free_port, wait_until

MANIFEST = """@app
qa-app

@http
get /
get /missing

@tables
things
  thingID *String

@scheduled
nightly cron(0 12 * * ? *)
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "src/http/get-index").mkdir(parents=True)
    (root / "src/http/get-index/lambda.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'home'}\n"
    )
    (root / "src/scheduled/nightly").mkdir(parents=True)
    (root / "src/scheduled/nightly/lambda.py").write_text(
        "def handler(event, context):\n    return None\n"
    )
    (root / "app.arc").write_text(MANIFEST)
    return root


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A shell with no AWS configuration at all and an 80-column terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(home), COLUMNS="80", NO_COLOR="1", **extra)
    return env


def pyarc(*args: str, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pyarc", *args],
        cwd=cwd,
        env=user_env(cwd, **extra_env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_sentence_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Exit status 2, no traceback, and the fragments in what the user reads."""
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in output, output
    return output


# ---- pyarc --help ---------------------------------------------------------------------------


def test_help_lists_every_command_with_an_uncut_summary() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1].strip().splitlines()
    names = [line.split()[0] for line in commands]
    assert {"deploy", "destroy", "env", "inventory", "invoke", "sandbox", "tables"} <= set(names)
    assert not [line for line in commands if line.rstrip().endswith("...")]
    tables = CliRunner().invoke(cli, ["tables", "--help"], terminal_width=80)
    assert "..." not in tables.output.split("Commands:")[1]


def test_every_sandbox_option_has_help() -> None:
    result = CliRunner().invoke(cli, ["sandbox", "--help"], terminal_width=80)
    assert re.search(r"--cwd DIRECTORY\s+The app directory", result.output), result.output


# ---- bad flags and ports -----------------------------------------------------------------------


def test_out_of_range_port_flag_is_a_usage_error_not_a_traceback(app: Path) -> None:
    result = pyarc("sandbox", "--port", "99999", cwd=app)
    assert_one_sentence_error(result, "--port", "99999", "0<=x<=65535")


def test_out_of_range_port_variable_names_the_variable(app: Path) -> None:
    result = pyarc("sandbox", cwd=app, ARC_HTTP_PORT="99999")
    output = assert_one_sentence_error(result, "ARC_HTTP_PORT", "99999", "0 to 65535")
    assert len(output.strip().splitlines()) == 1


def test_missing_cwd_names_the_directory(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-app"
    for command in ("sandbox", "inventory", "deploy"):
        result = pyarc(command, "--cwd", str(missing), cwd=tmp_path)
        assert_one_sentence_error(result, str(missing), "does not exist")


def test_bad_tag_is_reported_even_with_dry_run(app: Path) -> None:
    result = pyarc("deploy", "--dry-run", "--tags", "team", cwd=app)
    assert_one_sentence_error(result, "'team' is not key=value")
    assert not (app / "sam.yaml").exists()


# ---- manifest mistakes -----------------------------------------------------------------------


def test_manifest_error_path_is_relative_to_where_you_are(app: Path) -> None:
    (app / "app.arc").write_text("@app\nqa-app\n@http\n get /\n")
    result = pyarc("inventory", cwd=app)
    output = assert_one_sentence_error(result, "error: app.arc:4:2:", "indented")
    assert str(app) not in output
    assert len(output.strip().splitlines()) == 1


def test_one_space_indent_is_said_in_the_singular() -> None:
    from pyarc.errors import ManifestError

    with pytest.raises(ManifestError) as caught:
        parse("@tables\nthings\n id *String\n", file="app.arc")
    assert "indented 1 space;" in str(caught.value)


def test_unknown_pragma_warning_suggests_the_close_one(app: Path) -> None:
    (app / "app.arc").write_text(MANIFEST + "\n@evnets\nping\n")
    warnings = " ".join(str(w) for w in load(app).warnings)
    assert "@evnets is not a pragma pyarc knows" in warnings
    assert "did you mean @events?" in warnings


def test_setting_without_value_shows_a_real_example(app: Path) -> None:
    (app / "app.arc").write_text(MANIFEST + "\n@static\nfolder\n")
    result = pyarc("inventory", cwd=app)
    assert_one_sentence_error(result, "@static folder takes one value", "'folder public'")


# ---- deploy and env without AWS --------------------------------------------------------------


def test_deploy_that_cannot_reach_aws_says_so_in_one_sentence(app: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens: no network, as offline
    result = pyarc(
        "deploy",
        cwd=app,
        AWS_ACCESS_KEY_ID="x",
        AWS_SECRET_ACCESS_KEY="y",
        AWS_ENDPOINT_URL=closed,
        AWS_MAX_ATTEMPTS="1",
    )
    output = assert_one_sentence_error(result, f"Could not reach {closed}", "network")
    assert len(output.strip().splitlines()) == 1


def test_env_without_credentials_still_shows_testing(app: Path) -> None:
    (app / "prefs.arc").write_text("@env\ntesting\n  GREETING hello\n")
    result = pyarc("env", cwd=app)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(r"testing\s*│\s*GREETING\s*│\s*hello", result.stdout), result.stdout
    assert "staging and production are not shown" in result.stdout
    assert "No AWS credentials" in result.stdout


def test_env_remove_of_an_unset_name_is_an_error(app: Path) -> None:
    (app / "prefs.arc").write_text("@env\ntesting\n  GREETING hello\n")
    result = pyarc("env", "--remove", "testing", "NOPE", cwd=app)
    assert_one_sentence_error(result, "NOPE is not set for testing", "prefs.arc")
    assert "GREETING hello" in (app / "prefs.arc").read_text()


# ---- the banner's schedules ------------------------------------------------------------------


def test_fire_time_is_described_relative_to_now() -> None:
    now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    assert describe_fire_time(None, now) == "not scheduled"
    assert describe_fire_time(now + timedelta(minutes=3), now).endswith("(in 3 min)")
    assert describe_fire_time(now + timedelta(hours=2, minutes=5), now).endswith("(in 2 h 5 min)")
    far = describe_fire_time(now + timedelta(days=3, hours=1), now)
    assert far.endswith("(in 3 d 1 h)") and re.search(r"next \d{4}-\d\d-\d\d \d\d:\d\d", far)


def test_banner_lists_each_schedule_with_its_next_fire(app: Path) -> None:
    inventory = load(app)
    soon = datetime.now(UTC) + timedelta(minutes=10, seconds=30)
    lines = banner_lines(
        inventory, Ports(http=3333, tables=5555), "127.0.0.1", 5.0, {"nightly": soon}
    )
    text = "\n".join(lines)
    assert re.search(
        r"nightly\s+cron\(0 12 \* \* \? \*\)\s+next \d\d:\d\d:\d\d \(in 10 min\)", text
    )
    assert "mkdir -p src/http/get-missing" in text


# ---- a running sandbox: banner, 404s, tables -------------------------------------------------


class CliSandbox:
    """`pyarc sandbox` in a subprocess, its output read line by line."""

    def __init__(self, app: Path, *flags: str) -> None:
        self.port = free_port()
        env = user_env(app, ARC_TABLES_PORT="0", ARC_INTERNAL_PORT="0", ARC_EVENTS_PORT="0")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pyarc", "sandbox", "--port", str(self.port), *flags],
            cwd=app,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)

    def wait_for(self, pattern: str) -> str:
        def seen() -> bool:
            while not self._lines.empty():
                self.output.append(self._lines.get_nowait())
            return any(re.search(pattern, line) for line in self.output)

        wait_until(seen, 30, f"sandbox output matching {pattern!r}")
        return next(line for line in self.output if re.search(pattern, line))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


@pytest.fixture
def cli_sandbox(app: Path):
    running = CliSandbox(app)
    yield running
    running.stop()


def test_sandbox_banner_shows_next_fire_and_404s_are_logged(cli_sandbox: CliSandbox) -> None:
    cli_sandbox.wait_for(r"Ready in \d+ ms")
    banner = "".join(cli_sandbox.output)
    assert re.search(r"@scheduled\n\s+nightly\s+cron\(0 12 \* \* \? \*\)\s+next \S+", banner)
    assert "mkdir -p src/http/get-missing" in banner
    assert all(len(line.rstrip("\n")) <= 80 for line in banner.splitlines() if "http" not in line)
    assert f"inspector http://localhost:{cli_sandbox.port}/_pyarc/" in banner

    base = f"http://127.0.0.1:{cli_sandbox.port}"
    inspector = httpx.get(base + "/_pyarc/")
    assert inspector.status_code == 200 and "<title>pyarc inspector</title>" in inspector.text
    page = httpx.get(base + "/things/42", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "<pre><code>@http\nget /things/42</code></pre>" in page.text
    assert "<code>get /things/42</code> under @http in app.arc" in page.text
    line = cli_sandbox.wait_for(r"GET /things/42 404")
    assert "add `get /things/42` under @http in app.arc" in line

    api = httpx.post(base + "/nowhere")
    assert api.status_code == 404
    assert "`post /nowhere` under @http in app.arc" in api.json()["pyarc"]
    cli_sandbox.wait_for(r"POST /nowhere 404")
    assert httpx.get(base + "/").text == "home"  # still serving


def test_no_inspector_turns_the_page_off(app: Path) -> None:
    running = CliSandbox(app, "--no-inspector")
    try:
        running.wait_for(r"Ready in \d+ ms")
        assert "/_pyarc/" not in "".join(running.output)
        off = httpx.get(f"http://127.0.0.1:{running.port}/_pyarc/")
        assert off.status_code == 404
        assert off.json()["message"] == (
            "The inspector is off in this sandbox (--no-inspector); restart it without that flag."
        )
    finally:
        running.stop()


@pytest.fixture
def sandbox(app: Path):
    with Sandbox(app, watch=False) as running:
        yield running


def test_tables_scan_takes_the_manifest_name_and_shows_numbers(sandbox: Sandbox, app: Path) -> None:
    dynamo = boto3.resource(
        "dynamodb",
        endpoint_url=sandbox.tables_url,
        region_name="us-west-2",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    dynamo.Table("qa-app-staging-things").put_item(
        Item={"thingID": "a", "count": 1795637444788, "ratio": "0.5", "tags": {"x", "y"}}
    )
    result = pyarc("tables", "scan", "things", "--endpoint", sandbox.tables_url, cwd=app)
    assert result.returncode == 0, result.stderr
    assert "qa-app-staging-things (1 item(s) shown of 1)" in result.stdout
    assert "1795637444788" in result.stdout and '"1795637444788"' not in result.stdout
    assert '["x", "y"]' in result.stdout

    unknown = pyarc("tables", "scan", "nope", "--endpoint", sandbox.tables_url, cwd=app)
    assert_one_sentence_error(unknown, "no table 'nope'", "qa-app-staging-things")


def test_tables_ls_never_cuts_a_table_name(sandbox: Sandbox, app: Path) -> None:
    result = pyarc("tables", "ls", "--endpoint", sandbox.tables_url, cwd=app)
    assert result.returncode == 0, result.stderr
    assert "qa-app-staging-things" in result.stdout
    assert "qa-app-production-things" in result.stdout
    assert "…" not in result.stdout


def test_a_busy_port_names_the_setting_that_changes_it(tmp_path: Path) -> None:
    import socket

    from pyarc.errors import PyarcError

    (tmp_path / "app.arc").write_text("@app\nbusy\n@http\nget /\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PyarcError) as info:
            Sandbox(tmp_path, port=port).start()
    message = str(info.value)
    assert f"Port {port} on 127.0.0.1 for the sandbox (HTTP/WebSocket) is already used by another program" in message
    assert "--port" in message and "\n" not in message
