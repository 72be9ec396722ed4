"""`pyarc inventory` on a manifest with every pragma, via click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pyarc.cli import cli
from pyarc.inventory import load, to_json

ALL_PRAGMAS = """@app
cage-socket

@aws
region eu-west-1
timeout 10

@http
get /
get /things/:id
any /api/*

@ws
rotate

@static
folder public
fingerprint true

@tables
cages
  cageID *String
  created **Number
  expires TTL

@tables-indexes
cages
  owner *String

@tables-streams
cages

@events
cage-moved

@queues
rebuild

@scheduled
nightly rate(1 day)

@cdn
@proxy
testing http://localhost:9000
@shared
@views
@custom-thing
hello
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["inventory", *args], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_human_view(write_app_dir: Callable) -> None:
    root = write_app_dir(ALL_PRAGMAS, {"src/http/get-index/lambda.py": "def handler(e, c): pass\n"})
    code, out = _run("--cwd", str(root))
    assert code == 0
    for expected in [
        "cage-socket", "GET /things/{id}", "src/http/get-things-000id", "ANY /api/{proxy+}",
        "src/http/any-api-catchall", "$connect", "src/ws/rotate", "cageID (String)",
        "created (Number)", "owner-index", "cage-moved", "src/queues/rebuild",
        "rate(1 day)", "folder public", "python3.13 1152MB 10s arm64", "@custom-thing",
    ]:
        assert expected in out, expected
    index_line = next(line for line in out.splitlines() if "get-index" in line)
    assert "missing" not in index_line
    assert "(missing)" in next(line for line in out.splitlines() if "get-things-000id" in line)


def test_json_view_is_the_documented_schema(write_app_dir: Callable) -> None:
    root = write_app_dir(ALL_PRAGMAS)
    code, out = _run("--json", "--cwd", str(root))
    assert code == 0
    data = json.loads(out)
    assert data == to_json(load(root))
    for key in ("app", "http", "ws", "tables", "events", "queues", "scheduled", "static", "aws"):
        assert key in data
    route = data["http"][0]
    assert set(route) >= {"method", "path", "routeKey", "src", "handler", "runtime", "timeout",
                          "memory"}
    assert {r["routeKey"] for r in data["http"]} == {"GET /", "GET /things/{id}",
                                                     "ANY /api/{proxy+}"}
    assert data["ws"][0] == {**data["ws"][0], "name": "connect", "routeKey": "$connect",
                             "src": "src/ws/connect"}
    (table,) = data["tables"]
    assert {k: table[k] for k in ("name", "partitionKey", "partitionKeyType", "sortKey",
                                  "sortKeyType", "ttl", "stream", "pitr", "encrypt")} == {
        "name": "cages", "partitionKey": "cageID", "partitionKeyType": "String",
        "sortKey": "created", "sortKeyType": "Number", "ttl": "expires", "stream": True,
        "pitr": False, "encrypt": False}
    assert table["indexes"][0]["name"] == "owner-index"
    assert data["queues"][0]["fifo"] is True
    assert data["scheduled"][0]["expression"] == "rate(1 day)"
    assert data["static"]["fingerprint"] is True
    assert data["aws"]["timeout"] == 10 and data["http"][0]["timeout"] == 10
    assert data["unknownPragmas"] == ["custom-thing"]


def test_error_is_one_sentence_with_location(write_app_dir: Callable) -> None:
    root = write_app_dir("@app\nx\n@http\nget /things/\n")
    result = CliRunner().invoke(cli, ["inventory", "--cwd", str(root)])
    assert result.exit_code != 0
    assert "app.arc:4:1" in str(result.exception)


def test_json_manifest_gives_the_same_inventory(write_app_dir: Callable, tmp_path: Path) -> None:
    arc_root = tmp_path / "arc"
    json_root = tmp_path / "json"
    arc_root.mkdir()
    json_root.mkdir()
    (arc_root / "app.arc").write_text(
        "@app\nx\n@http\nget /\npost /a/:b\n@tables\ntab\n  pk *String\n@queues\nq\n")
    (json_root / "arc.json").write_text(json.dumps({
        "app": "x", "http": [{"get": "/"}, {"post": "/a/:b"}],
        "tables": [{"tab": {"pk": "*String"}}], "queues": ["q"]}))
    left, right = to_json(load(arc_root)), to_json(load(json_root))
    for data in (left, right):
        data.pop("cwd"), data.pop("manifest")
    assert left == right


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        ("cron(99 12 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(99 12 ? * MON *)", "minutes value 99 is outside 0-59"),
    ],
)
def test_cron_aws_refuses_is_refused_at_its_line_and_column(
    write_app_dir: Callable, cron: str, words: str
) -> None:
    # both passed the old regex check, then stopped the sandbox at start: the one parser
    # now refuses them while loading, where the other manifest mistakes are reported
    root = write_app_dir(f"@app\nx\n\n@scheduled\nnoon {cron}\n")
    done = subprocess.run(
        [sys.executable, "-m", "pyarc", "inventory", "--cwd", str(root)],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert done.returncode != 0
    assert "app.arc:5:1" in done.stderr
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_a_node_apps_default_handler_is_index_handler(tmp_path: Path) -> None:
    (tmp_path / "app.arc").write_text("@app\nnodeapp\n@aws\nruntime nodejs24.x\n@http\nget /\nget /py\n")
    (tmp_path / "src/http/get-index").mkdir(parents=True)
    (tmp_path / "src/http/get-index/index.mjs").write_text("export const handler = async () => 1\n")
    (tmp_path / "src/http/get-py").mkdir(parents=True)
    (tmp_path / "src/http/get-py/config.arc").write_text("@aws\nruntime python3.13\n")
    (tmp_path / "src/http/get-py/lambda.py").write_text("def handler(event, context):\n    return 1\n")
    result = CliRunner().invoke(cli, ["inventory", "--cwd", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("functions: nodejs24.x 1152MB 5s arm64, handler index.handler)")
    [node] = [line for line in lines if "src/http/get-index" in line]
    [python] = [line for line in lines if "src/http/get-py" in line]
    assert "index.handler" not in node  # the default is not a note
    assert "lambda.handler python3.13 1152MB 5s arm64" in python  # what differs is
