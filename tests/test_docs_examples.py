"""Every example in the reference pages runs for real and shows what the page says it shows.

The fenced blocks of each page below are found in order; `EXAMPLES` names the test that runs
each one, and `test_every_example_has_a_test` fails when a page gains, loses or reorders a
block without a test following it. A block preceded by the line `<!-- test: skip -->` is
deliberately illustrative and is not run (keep those rare).

`.arc` blocks are parsed with `pyarc.manifest.parse` and loaded with `pyarc.inventory.load`;
handler blocks are written into a temporary app, served by `pyarc.testing.Sandbox` and
requested with httpx, websockets and boto3; shell blocks run as subprocesses where they need
no AWS account; schema pages are compared with what the code produces.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import io
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from websockets.sync.client import connect

from pyarc.errors import ManifestError
from pyarc.inventory import load, to_json
from pyarc.manifest import parse, read
from pyarc.testing import Sandbox, free_port, wait_until

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "cage_socket"
SKIP = "<!-- test: skip -->"
TIMEOUT_S = 10

pytestmark = pytest.mark.timeout(120)

# page -> {block index: the test that runs it}
EXAMPLES: dict[str, dict[int, str]] = {
    "README.md": {
        0: "test_quickstart_serves_the_example",
        1: "test_readme_test_command_is_what_ci_runs",
        2: "test_readme_app_serves_its_handler",
        3: "test_readme_app_serves_its_handler",
        4: "test_deploy_dry_run_writes_a_lint_clean_template",
    },
    "docs/manifest.md": {
        0: "test_manifest_try_it",
        1: "test_manifest_prefs_arc",
    },
    "docs/inventory-json.md": {0: "test_inventory_json_one_liner"},
    "docs/testing.md": {
        0: "test_testing_test_cage",
        1: "test_testing_fixture_in_a_pytest_run",
    },
    "docs/example.md": {
        0: "test_quickstart_serves_the_example",
        1: "test_example_manifest_is_the_example_s",
        2: "test_example_protocol_without_a_browser",
        3: "test_example_protocol_without_a_browser",
        4: "test_example_protocol_without_a_browser",
        5: "test_example_tests_and_bench_exist",
        6: "test_deploy_dry_run_writes_a_lint_clean_template",
    },
    "docs/workers.md": {0: "test_workers_pool_directly"},
    "docs/functions.md": {
        0: "test_functions_import_line",
        1: "test_functions_ws",
        2: "test_functions_services",
        3: "test_functions_tables",
        4: "test_functions_events_and_queues",
        5: "test_functions_runs_as_is",
        6: "test_functions_sessions",
        7: "test_functions_runs_as_is",
    },
    "docs/events.md": {
        0: "test_events_app",
        1: "test_events_app",
        2: "test_events_app",
        3: "test_events_fire_at_start",
    },
    "docs/cli.md": {0: "test_cli_init_then_pytest"},
    "docs/sandbox.md": {
        0: "test_sandbox_usage_names_real_flags",
        1: "test_sandbox_banner_is_the_banner_printed",
        2: "test_sandbox_runnable_example",
        3: "test_sandbox_runnable_example",
    },
    "docs/inspector.md": {0: "test_inspector_api_in_a_test"},
    "docs/aws-endpoint.md": {
        0: "test_aws_endpoint_banner",
        1: "test_aws_endpoint_secret",
        2: "test_aws_endpoint_secret",
        3: "test_aws_endpoint_static_bucket",
        4: "test_aws_endpoint_static_bucket",
        5: "test_aws_endpoint_table_import_export",
    },
    "docs/node.md": {
        0: "test_node_mixed_app",
        1: "test_node_mixed_app",
        2: "test_node_mixed_app",
        3: "test_node_mixed_app",
    },
}


# --------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    page: str
    index: int
    lang: str
    line: int
    text: str
    skip: bool


def blocks(page: str) -> list[Block]:
    """The fenced blocks of `page`, in order."""
    lines = (REPO / page).read_text().splitlines()
    found: list[Block] = []
    previous = ""
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\S*)\s*$", lines[i])
        if fence:
            start = i
            i += 1
            body = []
            while not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            text = "\n".join(body) + "\n"
            found.append(Block(page, len(found), fence[1], start + 1, text, previous == SKIP))
            previous = "```"
        elif lines[i].strip():
            previous = lines[i].strip()
        i += 1
    return found


def block(page: str, index: int, lang: str) -> str:
    """The text of block `index` of `page`, checked to be in `lang` and not skipped."""
    found = blocks(page)[index]
    assert found.lang == lang, f"{page}:{found.line}: expected a {lang} block, got {found.lang!r}"
    assert not found.skip, f"{page}:{found.line} is marked skip"
    return found.text


def commands(text: str) -> list[str]:
    """A shell block's commands, with comments and blank lines dropped."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"(^|\s+)#.*$", "", line).strip()
        if line:
            out.append(line)
    return out


def shell(script: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run `script` with bash in `cwd`; its stdout (it must succeed)."""
    full_env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    full_env.update(env or {})
    full_env.pop("NO_COLOR", None)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=full_env, text=True,
        capture_output=True, timeout=60,
    )
    assert done.returncode == 0, f"{script}\nexit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@contextlib.contextmanager
def sandbox(path: Path, **options: Any) -> Iterator[tuple[Sandbox, io.StringIO]]:
    """A running Sandbox whose console (handler output included) is captured."""
    console = io.StringIO()
    sb = Sandbox(path, quiet=False, watch=False, **options)
    with contextlib.redirect_stdout(console):  # the sandbox's console binds stdout at start
        sb.start()
    try:
        yield sb, console
    finally:
        sb.stop()


def json_values(text: str) -> list[Any]:
    """The JSON values one after another in `text`, with `...` placeholders made JSON."""
    text = text.replace("[...]", "[]").replace('"..."', '"x"')
    decoder = json.JSONDecoder()
    values, position = [], 0
    while text[position:].strip():
        position += len(text[position:]) - len(text[position:].lstrip())
        value, position = decoder.raw_decode(text, position)
        values.append(value)
    return values


def test_every_example_has_a_test():
    for page, claimed in EXAMPLES.items():
        found = {b.index for b in blocks(page) if not b.skip}
        assert set(claimed) == found, f"{page}: blocks {sorted(found)} vs tested {sorted(claimed)}"
        for name in claimed.values():
            assert callable(globals().get(name)), f"{page}: no test named {name}"


# --------------------------------------------------------------- README.md and example.md


def test_quickstart_serves_the_example(tmp_path):
    """README's quickstart and example.md's "Run it": `pyarc sandbox` in the example."""
    assert commands(block("README.md", 0, "sh")) == [
        "python3 -m pip install -e . && cd examples/cage_socket && pyarc sandbox"
    ]
    assert commands(block("docs/example.md", 0, "sh")) == [
        "pip install -e .", "cd examples/cage_socket", "pyarc sandbox"
    ]
    app = shutil.copytree(EXAMPLE, tmp_path / "cage_socket")
    ports = {name: free_port() for name in ("http", "tables", "arc", "events")}
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "ARC_HTTP_PORT": str(ports["http"]),
        "ARC_TABLES_PORT": str(ports["tables"]),
        "ARC_INTERNAL_PORT": str(ports["arc"]),
        "ARC_EVENTS_PORT": str(ports["events"]),
        "COLUMNS": "200",
    }
    process = subprocess.Popen(
        ["pyarc", "sandbox"], cwd=app, env=env, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()
    banner = []
    try:
        while not banner or not banner[-1].startswith("Ready in"):
            banner.append(lines.get(timeout=30).rstrip())
        text = "\n".join(banner)
        url = f"http://localhost:{ports['http']}"
        # "a banner listing every route with its handler directory, the tables endpoint and
        # the URL"
        assert url in banner[0]
        assert re.search(r"GET /\s+src/http/get-index", text)
        assert re.search(r"GET /connections\s+src/http/get-connections", text)
        assert f"http://localhost:{ports['tables']}" in text
        page = httpx.get(url + "/", timeout=TIMEOUT_S)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert httpx.get(url + "/connections", timeout=TIMEOUT_S).json() == {
            "count": 0, "connections": []
        }
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    assert process.returncode == 0


def test_readme_test_command_is_what_ci_runs():
    assert commands(block("README.md", 1, "sh")) == ["scripts/test"]
    script = REPO / "scripts" / "test"
    assert os.access(script, os.X_OK)
    assert "ruff check" in script.read_text() and "pytest" in script.read_text()
    assert "scripts/test" in (REPO / ".ci" / "run").read_text()


def test_readme_app_serves_its_handler(tmp_path):
    manifest = block("README.md", 2, "arc")
    handler = block("README.md", 3, "python")
    assert parse(manifest)["app"] == ["cage-socket"]
    write(tmp_path / "app.arc", manifest)
    path = handler.splitlines()[0].removeprefix("# ")
    assert path == "src/http/get-connections/lambda.py"
    write(tmp_path / path, handler)
    inventory = to_json(load(tmp_path))
    assert [r["routeKey"] for r in inventory["http"]] == ["GET /", "GET /connections"]
    assert inventory["static"]["fingerprint"] is True
    with sandbox(tmp_path) as (sb, _):
        assert httpx.get(sb.url + "/connections", timeout=TIMEOUT_S).json() == {"connections": []}
        dynamo = boto3.client("dynamodb", endpoint_url=sb.tables_url, region_name="us-west-2",
                              aws_access_key_id="x", aws_secret_access_key="x")
        dynamo.put_item(TableName="cage-socket-staging-data",
                        Item={"scopeID": {"S": "connection"}, "dataID": {"S": "abc"}})
        assert httpx.get(sb.url + "/connections", timeout=TIMEOUT_S).json() == {
            "connections": [{"scopeID": "connection", "dataID": "abc"}]
        }


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory) -> Path:
    """The example, copied, after `pyarc deploy --dry-run` and `cfn-lint sam.yaml`."""
    app = shutil.copytree(EXAMPLE, tmp_path_factory.mktemp("deploy") / "cage_socket")
    out = shell("pyarc deploy --dry-run && cfn-lint sam.yaml", app)
    assert "Wrote " in out and "sam.yaml" in out
    return app


def test_deploy_dry_run_writes_a_lint_clean_template(dry_run):
    readme = commands(block("README.md", 4, "sh"))
    assert readme == ["cd examples/cage_socket", "pyarc deploy --dry-run", "cfn-lint sam.yaml",
                      "pyarc deploy", "pyarc deploy production"]  # the last two need AWS
    assert commands(block("docs/example.md", 6, "sh")) == ["pyarc deploy --dry-run",
                                                          "pyarc deploy"]
    template = (dry_run / "sam.yaml").read_text()
    assert "AWS::Serverless::Function" in template and "AWS::DynamoDB::Table" in template


# ---------------------------------------------------------------------------- manifest.md

DEMO_ROUTES = ["GET /", "GET /things/{id}", "ANY /api/{proxy+}"]


def demo_app(tmp_path: Path) -> tuple[Path, str]:
    """Run manifest.md's "Try it" block with /tmp/demo moved under tmp_path: (app, output)."""
    script = block("docs/manifest.md", 0, "sh")
    demo = tmp_path / "demo"
    return demo, shell(script.replace("/tmp/demo", str(demo)), tmp_path, {"COLUMNS": "200"})


def test_manifest_try_it(tmp_path):
    demo, out = demo_app(tmp_path)
    # `pyarc inventory`: routes with their source dirs, tables with their keys
    for route, src in [("get /things/:id", "src/http/get-things-000id"),
                       ("any /api/*", "src/http/any-api-catchall"), ("get /", "src/http/get-index")]:
        assert re.search(re.escape(route) + r".*" + re.escape(src), out), route
    assert re.search(r"things\s.*thingID.*created.*expires.*owner-index", out)
    # `pyarc inventory --json` follows, the stable schema
    data = json.loads(out[out.index("\n{") :])
    assert data["schemaVersion"] == 1 and [r["routeKey"] for r in data["http"]] == DEMO_ROUTES
    # "In Python: ..." gives the plain data shown
    text = (demo / "app.arc").read_text()
    parsed = parse(text, file="app.arc")
    assert parsed["app"] == ["demo"]
    assert parsed["http"][0] == ["get", "/"]
    assert parsed["tables"] == [
        {"things": {"thingID": "*String", "created": "**Number", "expires": "TTL"}}
    ]
    path, found = read(demo)
    assert path.name == "app.arc" and found == parsed
    assert load(demo).app == "demo"


def test_manifest_grammar_table():
    page = (REPO / "docs" / "manifest.md").read_text()
    table = page[page.index("## Grammar") : page.index("A name followed by")]
    assert "| `@http` | key `http` |" in table
    assert list(parse("@http\n")) == ["http"]
    rows = re.findall(r"^\| (.+?) \| `(.+?)` \| `(.+?)` \|$", table, flags=re.M)
    assert len(rows) == 10
    for rule, example, parsed_as in rows:
        source = example.replace("`⏎`", "\n")
        expected = ast.literal_eval(parsed_as)
        value = parse(f"@p\n{source}\n")["p"][0]
        assert value == expected or (isinstance(value, list) and value[-1] == expected), rule
    # the number rule's examples read as JavaScript's Number() reads them
    for text, number in [("42", 42), ("-1", -1), ("3.5", 3.5), ("1e3", 1000), ("0x10", 16),
                         ("007", 7)]:
        assert f"`{text}`" in table
        assert parse(f"@p\nm {text}\n")["p"][0][1] == number


def test_manifest_error_table_and_messages(tmp_path):
    page = (REPO / "docs" / "manifest.md").read_text()
    table = page[page.index("### Errors") : page.index("## Pragmas")]
    rows = dict(re.findall(r"^\| (.+?) \| `(.+?)` \|$", table, flags=re.M))
    inputs = {
        "repeated pragma": "@app\na\n@app\nb\n",
        "no pragma at all / empty file": "",
        "a value before the first pragma": "x\n@app\na\n",
        "unclosed `\"`, `'` or backtick": '@app\na\n@p\nk "open\n',
        "`{ } [ ] < > \\` outside quotes": "@app\na\n@p\n{\n",
        "other control characters": "@app\na\n@p\nk \x01\n",
        "map key with no value": "@app\na\n@p\nm\n  a b\n  k\n",
        "bad pragma name (`@my pragma`, `@a.b`, `@`)": "@app\na\n@a.b\n",
        "`@` inside a value or an indented pragma": "@app\na\n@p\nk v@x\n",
        "indentation that belongs to nothing, odd indents (1, 3, 5 spaces)": "@app\na\n@p\n  x\n",
        "numbers / booleans used as names or map keys": "@app\na\n@p\nm\n  1 v\n",
        "the same key twice in a map": "@app\na\n@p\nm\n  k a\n  k b\n",
    }
    assert set(rows) == set(inputs)
    for mistake, start in rows.items():
        with pytest.raises(ManifestError) as error:
            parse(inputs[mistake], file="app.arc")
        pattern = re.escape(start).replace("…", ".*").replace("N", r"\d+")
        assert re.match(pattern, error.value.message), (mistake, error.value.message)
    with pytest.raises(ManifestError) as error:
        parse("@app\na\n\n@app\nb\n", file="app.arc")
    assert str(error.value) == "app.arc:4:1: @app is already defined on line 1; merge both into one @app"
    write(tmp_path / "app.arc", "@app\na\n@http\n  get /\n")
    done = subprocess.run([sys.executable, "-m", "pyarc", "inventory"], cwd=tmp_path, text=True,
                          capture_output=True, env={**os.environ, "COLUMNS": "300"}, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(
        "error: app.arc:4:3: 'get' is indented but has no name above it to belong to; "
    ), done.stderr
    write(tmp_path / "app.arc", "@app\na\n\n\n@htpp\nget /\n")
    assert load(tmp_path).warnings == [
        "app.arc:5:1: @htpp is not a pragma pyarc knows, so it is ignored; did you mean @http?"
    ]


def test_manifest_prefs_arc(tmp_path):
    prefs = block("docs/manifest.md", 1, "")
    write(tmp_path / "app.arc", "@app\ndemo\n")
    write(tmp_path / "prefs.arc", prefs)
    assert parse(prefs, file="prefs.arc")["sandbox"][0] == {
        "ports": {"http": 3333, "tables": 5555}
    }
    got = to_json(load(tmp_path))["prefs"]
    assert got["sandbox"]["ports"] == {"http": 3333, "tables": 5555}
    assert got["sandbox"]["seedData"] == "sandbox-seed.json"
    assert got["sandbox"]["env"] == {"DEBUG": "1"}
    assert got["env"]["testing"] == {"API_URL": "http://localhost:3333"}
    assert got["env"]["staging"] == {"API_URL": "https://staging.example.com"}
    # "A `.env` file replaces `@env testing`; staging and production keep their prefs.arc values"
    write(tmp_path / ".env", "OTHER=1\n")
    got = to_json(load(tmp_path))["prefs"]
    assert got["env"]["testing"] == {"OTHER": "1"}
    assert got["env"]["staging"] == {"API_URL": "https://staging.example.com"}


# ---------------------------------------------------------------------- inventory-json.md

FULL_APP = """\
@app
full

@aws
region eu-west-1

@http
get /
get /things/:id

@ws
rotate

@tables
things
  thingID *String
  created **Number
  expires TTL
  stream true

@tables-indexes
things
  owner *String

@events
ping

@queues
rebuild

@scheduled
nightly rate(1 day)

@static
fingerprint true

@cdn

@proxy
testing https://example.com

@shared
src src/shared

@views
src src/views
"""


def doc_keys(section: str) -> list[str]:
    """The backquoted names in the first column of the table under `section`."""
    page = (REPO / "docs" / "inventory-json.md").read_text()
    text = page[page.index(section) :]
    text = text[: text.index("\n\n", text.index("|"))]
    keys = []
    for cell in re.findall(r"^\| (.+?) \|", text, flags=re.M):
        keys += re.findall(r"`(\w+)`", cell)
    return keys


def test_inventory_json_schema_matches_the_code(tmp_path):
    write(tmp_path / "app.arc", FULL_APP)
    write(tmp_path / "src" / "shared" / "__init__.py", "")
    write(tmp_path / "src" / "views" / "__init__.py", "")
    data = json.loads(shell("pyarc inventory --json", tmp_path))
    assert data == json.loads(json.dumps(to_json(load(tmp_path))))  # the same dict
    assert doc_keys("## Top level") == list(data)
    function_fields = doc_keys("## Function fields")
    assert function_fields == ["src", "handler", "runtime", "memory", "timeout", "architecture",
                               "storage", "concurrency", "layers", "policies"]
    per_pragma = {
        "http": ["method", "path", "routeKey"],
        "ws": ["name", "routeKey"],
        "events": ["name"],
        "queues": ["name", "fifo", "batchSize", "batchWindow", "visibilityTimeout"],
        "scheduled": ["name", "expression", "timezone"],
        "tablesStreams": ["name", "table"],
    }
    for pragma, own in per_pragma.items():
        assert data[pragma], pragma
        for entry in data[pragma]:
            assert set(entry) == set(own) | set(function_fields), (pragma, entry)
    assert set(data["aws"]) == {"region", "profile", "apigateway", "bucket"} | (
        set(function_fields) - {"src"}
    )
    assert data["aws"]["handler"] is None
    table = data["tables"][0]
    assert list(table) == ["name", "physicalName", "partitionKey", "partitionKeyType", "sortKey",
                           "sortKeyType", "ttl", "stream", "pitr", "encrypt", "indexes"]
    assert table["physicalName"] == "full-staging-things"
    assert list(table["indexes"][0]) == ["name", "partitionKey", "partitionKeyType", "sortKey",
                                         "sortKeyType", "projection"]
    assert list(data["static"]) == ["folder", "fingerprint", "spa", "prefix", "ignore",
                                    "compression", "staging", "production"]
    assert data["cdn"] == {"enabled": True}
    assert data["proxy"] == {"testing": "https://example.com"}
    assert data["shared"] == ["src/shared"] and data["views"] == ["src/views"]
    assert list(data["prefs"]) == ["file", "sandbox", "env"]
    assert list(data["prefs"]["sandbox"]) == ["ports", "env", "seedData", "persist", "useAWS"]
    assert list(data["prefs"]["env"]) == ["testing", "staging", "production"]
    assert [w["routeKey"] for w in data["ws"]] == ["$connect", "$default", "$disconnect", "rotate"]
    assert data["http"][1]["src"] == "src/http/get-things-000id"


def test_inventory_json_one_liner(tmp_path):
    demo, _ = demo_app(tmp_path)
    script = block("docs/inventory-json.md", 0, "sh").replace("/tmp/demo", str(demo))
    assert shell(script, tmp_path).strip() == repr(DEMO_ROUTES)


# --------------------------------------------------------------------------------- cli.md


def test_cli_init_then_pytest(tmp_path):
    out = shell(block("docs/cli.md", 0, "sh"), tmp_path)
    assert "2 passed" in out
    assert "@tables\nnotes\n  id *String" in (tmp_path / "my-app/app.arc").read_text()


# ----------------------------------------------------------------------------- sandbox.md


def test_sandbox_usage_names_real_flags():
    usage = block("docs/sandbox.md", 0, "")
    from click.testing import CliRunner

    from pyarc.cli import cli

    helped = CliRunner().invoke(cli, ["sandbox", "--help"]).output
    flags = set(re.findall(r"--[a-z-]+", usage))
    assert flags and all(flag in helped for flag in flags), flags


HELLO_BANNER_APP = "@app\nhello\n\n@http\nget /\n\n@ws\n\n@scheduled\nnightly cron(0 12 * * ? *)\n"


def test_sandbox_banner_is_the_banner_printed(tmp_path):
    """The banner block, line for line, for its app (times, ms and moto's line aside)."""
    from datetime import UTC, datetime, timedelta

    from rich.text import Text

    from pyarc.sandbox.banner import banner_lines
    from pyarc.sandbox.environment import Ports

    shown = block("docs/sandbox.md", 1, "").splitlines()
    write(tmp_path / "app.arc", HELLO_BANNER_APP)
    for folder in ("http/get-index", "ws/default", "ws/disconnect", "scheduled/nightly"):
        write(tmp_path / "src" / folder / "lambda.py", "def handler(event, context):\n    return 1\n")
    with Sandbox(tmp_path) as sb:
        server = sb.server
        assert server is not None
        lines = banner_lines(
            server.inventory, Ports(3333, tables=5555, arc=2222, events=4444), "127.0.0.1",
            280.0, next_fires={"nightly": datetime.now(UTC) + timedelta(hours=3)}, stack="httptools + uvloop",
            worker_limits=(60.0, 8), aws=server.aws_served(), inspector=True,
        )
    real = [Text.from_markup(line).plain for line in lines]

    def comparable(lines: list[str]) -> list[str]:
        # the next fire time depends on the clock; moto's line (and so the AWS endpoint
        # rows' alignment) on the installed extras
        kept = [" ".join(re.sub(r"  next .*$", "", line).split()) for line in lines]
        return [line for line in kept if not line.startswith(("refused ", "moto "))]

    assert comparable(real) == comparable(shown)


def test_sandbox_runnable_example(tmp_path):
    """The runnable example's script, then its curl and websocket checks, and the 404 block."""
    script = block("docs/sandbox.md", 2, "")
    *setup, last = [line for line in script.splitlines() if line.strip()]
    assert last.startswith("pyarc sandbox ")
    shell("\n".join(setup) + "\n", tmp_path)
    app = tmp_path / "hello"
    with sandbox(app) as (sb, _console):
        assert httpx.get(f"{sb.url}/").text == "hi"
        with connect(sb.ws_url) as ws:
            ws.send("hello")
            assert sorted([ws.recv(timeout=TIMEOUT_S), ws.recv(timeout=TIMEOUT_S)]) == [
                "echo:hello", "pushed",
            ]
        command, answer = block("docs/sandbox.md", 3, "").splitlines()
        assert command == "$ curl localhost:3333/nope"
        assert httpx.get(f"{sb.url}/nope").text == answer


# ----------------------------------------------------------------------------- testing.md


def test_testing_test_cage(monkeypatch):
    code = block("docs/testing.md", 0, "python")
    assert code.startswith("# test_cage.py\n")
    monkeypatch.chdir(REPO)  # "runnable as it stands from the repository root"
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/testing.md[0]", "exec"), namespace)
    namespace["test_my_app"]()


def test_inspector_api_in_a_test(monkeypatch):
    code = block("docs/inspector.md", 0, "python")
    monkeypatch.chdir(REPO)  # "from the repository root"
    exec(compile(code, "docs/inspector.md[0]", "exec"), {})


def test_testing_fixture_in_a_pytest_run(tmp_path):
    code = block("docs/testing.md", 1, "python")
    conftest, test_x = code.split("# test_x.py\n")
    assert conftest.startswith("# conftest.py\n")
    write(tmp_path / "conftest.py", conftest)
    write(tmp_path / "test_x.py", test_x)
    app = tmp_path / "path" / "to" / "app"
    write(app / "app.arc", "@app\nhome\n\n@http\nget /\n")
    write(app / "src" / "http" / "get-index" / "lambda.py",
          "def handler(event, context):\n    return {'statusCode': 200, 'body': 'hi'}\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_x.py"],
        cwd=tmp_path, text=True, capture_output=True, timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_testing_api_is_as_documented():
    page = (REPO / "docs" / "testing.md").read_text()
    documented = re.search(r"`(Sandbox\(path=.*?\))`", page, flags=re.S)[1]
    parameters = []
    for parameter in inspect.signature(Sandbox).parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY and "*" not in parameters:
            parameters.append("*")
        parameters.append(f"{parameter.name}={parameter.default!r}".replace("'", '"'))
    assert re.sub(r"\s+", " ", documented) == f"Sandbox({', '.join(parameters)})"
    for name in ["url", "ws_url", "tables_url", "port", "env", "reset_tables", "connection_count",
                 "inventory", "server", "call", "invoke", "fire", "idle", "events_url"]:
        assert f"`.{name}" in page, name
        assert hasattr(Sandbox, name) or name == "server", name
    from pyarc.testing import wait_until as documented_wait

    assert list(inspect.signature(documented_wait).parameters) == ["check", "timeout", "what"]


# ----------------------------------------------------------------------------- example.md


def test_example_manifest_is_the_example_s():
    assert parse(block("docs/example.md", 1, "arc")) == parse((EXAMPLE / "app.arc").read_text())
    page = (REPO / "docs" / "example.md").read_text()
    files = re.findall(r"^\| `([^`]+)`(?:, `([^`]+)`)? \|", page, flags=re.M)
    for first, second in files:
        for name in filter(None, (first, second)):
            assert (EXAMPLE / name).is_file(), name


def test_example_protocol_without_a_browser(capsys):
    client = json_values(block("docs/example.md", 2, "json"))
    server = json_values(block("docs/example.md", 3, "json"))
    assert [m["action"] for m in client] == ["hello", "direction"]
    welcome_doc, state_doc, error_doc = server
    code = block("docs/example.md", 4, "python")
    with Sandbox(EXAMPLE, watch=False) as sb:
        exec(compile(code.replace("ws://localhost:3333", sb.ws_url), "example.md", "exec"), {})
        printed = capsys.readouterr().out.splitlines()
        welcome = ast.literal_eval(printed[0])
        assert set(welcome) == set(welcome_doc) and welcome["type"] == "welcome"
        connections = ast.literal_eval(printed[1])
        assert connections == [{"id": welcome["you"], "direction": "left", "colour": 0,
                                "name": "Pip", "connectedAt": connections[0]["connectedAt"]}]
        assert set(connections[0]) == set(state_doc["connections"][0])
        assert printed[2].startswith("The message was not JSON; ")
        assert error_doc["message"].startswith(printed[2].split("; ")[0])

        # the client's messages as the page writes them, and the frames they get back
        with connect(sb.ws_url, open_timeout=TIMEOUT_S) as ws:
            ws.send(json.dumps(client[0]))
            welcome = json.loads(ws.recv(timeout=TIMEOUT_S))
            ws.send(json.dumps(client[1]))
            state = json.loads(ws.recv(timeout=TIMEOUT_S))
            assert state["type"] == "state" and set(state) == set(state_doc)
            assert state["cause"] == {"kind": "turn", "id": welcome["you"], "direction": "left",
                                      "ref": "optional, echoed back"}
            ws.send("not json")
            error = json.loads(ws.recv(timeout=TIMEOUT_S))
            assert set(error) == set(error_doc) and error["error"] == "invalid-json"
            # <http://localhost:3333/connections> "shows the same thing as JSON"
            def listed() -> dict:
                return httpx.get(sb.url + "/connections", timeout=TIMEOUT_S).json()

            # the example's own client has gone; its $disconnect runs after its socket closes
            wait_until(lambda: listed()["count"] == 1, TIMEOUT_S, "one connection left")
            listed = listed()
            page = (REPO / "docs" / "example.md").read_text()
            shown = re.search(r'`(\{"count": 1, "connections": .*\})`', page)[1]
            shown = json.loads(shown.replace("1795...", "1795"))
            assert set(listed) == set(shown)
            assert set(listed["connections"][0]) == set(shown["connections"][0])
            mine = next(c for c in welcome["connections"] if c["id"] == welcome["you"])
            assert listed["connections"] == [{**mine, "direction": "left"}]


def test_example_tests_and_bench_exist():
    assert commands(block("docs/example.md", 5, "sh")) == [
        "pytest tests/examples -q", "python bench/bench_cage_socket.py"
    ]  # minutes with a browser and 100 clients: run by the suite and by hand, not here
    assert (REPO / "tests" / "examples").is_dir()
    assert (REPO / "bench" / "bench_cage_socket.py").is_file()
    page = (REPO / "docs" / "example.md").read_text()
    for path in set(re.findall(r"`((?:tests|bench)/[\w/]+\.py)`", page)):
        assert (REPO / path).is_file(), path


# ----------------------------------------------------------------------------- workers.md


def test_workers_pool_directly(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exec(compile(block("docs/workers.md", 0, "python"), "workers.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    results = [line for line in printed if line.startswith("{'statusCode'")]
    assert len(results) == 3, printed
    for count, line, state in zip("123", results, ["cold", "warm", "warm"], strict=True):
        assert line.startswith(f"{{'statusCode': 200, 'body': '{count}'}} {state} "), line
    assert sum("hello from http-get-index" in line for line in printed) == 3


def test_workers_environment_and_context_are_as_documented(tmp_path):
    from pyarc.inventory.model import Function, FunctionConfig
    from pyarc.sandbox.workers import WorkerPools

    src = write(tmp_path / "get-index" / "lambda.py", textwrap.dedent("""\
        import os, sys

        def handler(event, context):
            return {"env": dict(os.environ), "cwd": os.getcwd(), "path": sys.path[:2],
                    "memory": context.memory_limit_in_mb, "version": context.function_version,
                    "arn": context.invoked_function_arn, "name": context.function_name,
                    "cognito": context.identity.cognito_identity_id,
                    "client_context": context.client_context,
                    "remaining": context.get_remaining_time_in_millis()}
        """)).parent

    async def main() -> Any:
        fn = Function("http", "get-index", src, FunctionConfig(timeout=3))
        pools = WorkerPools(env_for=lambda fn: {"ARC_ENV": "testing"}, log=lambda *_: None)
        try:
            return await pools.invoke(fn, {})
        finally:
            await pools.aclose()

    result = asyncio.run(main())
    assert result.ok, result.error
    got = result.payload
    page = (REPO / "docs" / "workers.md").read_text()
    table = page[page.index("| variable | value |") : page.index("- **`context`**")]
    for names, _value in re.findall(r"^\s*\| (.+?) \| (.+?) \|$", table, flags=re.M)[2:]:
        for name in re.findall(r"`(\w+)`", names):
            if name == "_LOG_STREAM_NAME":  # the table's shorthand
                name = "AWS_LAMBDA_LOG_STREAM_NAME"
            assert name in got["env"], name
    for name, value in [("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"), ("TZ", "UTC"),
                        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
                        ("PYTHONUNBUFFERED", "1"), ("PYTHONDONTWRITEBYTECODE", "1")]:
        assert re.search(rf"`{name}`.*\| `{re.escape(value)}`", table), name
        assert got["env"][name] == value, name
    env = got["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "http-get-index" == got["name"]
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/http-get-index"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]+", env["AWS_LAMBDA_LOG_STREAM_NAME"])
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.13"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-west-2"
    assert env["LAMBDA_TASK_ROOT"] == str(src) == got["cwd"]
    assert env["_HANDLER"] == "lambda.handler"
    assert got["path"][0] == str(src) and got["path"][1] == str(src / "vendor")
    assert (got["memory"], got["version"]) == ("1152", "$LATEST")
    assert got["arn"] == "arn:aws:lambda:us-west-2:123456789012:function:http-get-index"
    assert got["cognito"] is None and got["client_context"] is None
    assert 0 < got["remaining"] <= 3000


# --------------------------------------------------------------------------- functions.md


FUNCTIONS_APP = """\
@app
cage-socket

@http
get /services
get /tables
get /dta
post /publish
get /session

@ws

@tables
data
  scopeID *String
  dataID **String
users
  id *String

@events
ping

@queues
jobs

@static
fingerprint true
"""


@pytest.fixture(scope="module")
def functions_app(tmp_path_factory) -> Iterator[tuple[Sandbox, io.StringIO]]:
    app = tmp_path_factory.mktemp("functions")
    page = "docs/functions.md"
    write(app / "app.arc", FUNCTIONS_APP)
    write(app / "src" / "ws" / "default" / "lambda.py", block(page, 1, "python"))
    for name in ("connect", "disconnect"):
        write(app / "src" / "ws" / name / "lambda.py",
              "def handler(event, context):\n    return {'statusCode': 200}\n")
    write(app / "src" / "http" / "get-services" / "lambda.py", block(page, 2, "python") + (
        "\n\ndef handler(event, context):\n"
        "    import json\n"
        "    return {'statusCode': 200, 'body': json.dumps(services())}\n"
    ))
    write(app / "src" / "http" / "get-tables" / "lambda.py", block(page, 3, "python"))
    write(app / "src" / "http" / "get-dta" / "lambda.py", (
        "from pyarc.functions import ServiceNotFoundError, tables\n\n"
        "def handler(event, context):\n"
        "    try:\n        tables.table('dta')\n"
        "    except ServiceNotFoundError as error:\n"
        "        return {'statusCode': 404, 'body': str(error)}\n"
    ))
    publish = block(page, 4, "python")
    for path in ("http/post-publish", "events/ping", "queues/jobs"):
        write(app / "src" / path / "lambda.py", publish)
    write(app / "src" / "events" / "ping" / "config.arc", "@aws\nhandler lambda.subscriber\n")
    write(app / "src" / "queues" / "jobs" / "config.arc", "@aws\nhandler lambda.consumer\n")
    write(app / "src" / "http" / "get-session" / "lambda.py", block(page, 6, "python"))
    with sandbox(app) as running:
        yield running


def test_functions_import_line():
    exec(compile(block("docs/functions.md", 0, "python"), "functions.md", "exec"), {})


def test_functions_ws(functions_app):
    sb, console = functions_app
    with connect(sb.ws_url, open_timeout=TIMEOUT_S) as ws:
        ws.send("hi")
        frames = [ws.recv(timeout=TIMEOUT_S) for _ in range(4)]
    # bytes that are valid UTF-8 arrive in a text frame
    assert frames == ['{"type":"hello"}', "plain text", "\x00\x01", '{"type":"state"}']
    wait_until(lambda: "drop an-old-id" in console.getvalue(), TIMEOUT_S, "the GoneError print")


def test_functions_services(functions_app):
    sb, _ = functions_app
    got = httpx.get(sb.url + "/services", timeout=TIMEOUT_S).json()
    comment = "".join(
        line.removeprefix("# ") for line in block("docs/functions.md", 2, "python").splitlines()
        if line.startswith("# ")
    )
    documented = json_values(comment)[0]
    for kind, names in documented.items():
        assert set(names) <= set(got[kind]), kind
    assert got["tables"]["data"] == documented["tables"]["data"]
    # on AWS the names carry the deployed stage; in the sandbox, `testing`
    assert got["events"]["ping"].endswith(":cage-socket-testing-ping")
    assert got["queues"]["jobs"].endswith("/cage-socket-testing-jobs.fifo")
    assert got["static"]["fingerprint"] == "true"


def test_functions_tables(functions_app):
    sb, _ = functions_app
    answer = httpx.get(sb.url + "/tables", timeout=TIMEOUT_S)
    assert (answer.status_code, answer.text) == (200, "1")
    page = (REPO / "docs" / "functions.md").read_text()
    documented = re.search(r"^`(no tables named 'dta'.*)`\.?$", page, flags=re.M)[1]
    unknown = httpx.get(sb.url + "/dta", timeout=TIMEOUT_S)
    assert unknown.status_code == 404
    # the page shows a deployed staging stack; the sandbox's stack is the testing one
    assert unknown.text == documented.replace("/CageSocketStaging", "/CageSocketTesting")


def test_functions_events_and_queues(functions_app):
    sb, console = functions_app
    answer = httpx.post(sb.url + "/publish", timeout=TIMEOUT_S)
    assert answer.status_code == 202
    sb.idle()
    for payload in ["{'from': 'web'}", "{'resize': 'cat.png'}", "{'resize': 'dog.png'}"]:
        wait_until(lambda p=payload: p in console.getvalue(), TIMEOUT_S, f"{payload} printed")


def test_functions_sessions(functions_app):
    sb, _ = functions_app
    with httpx.Client(base_url=sb.url, timeout=TIMEOUT_S) as client:
        assert client.get("/session").json() == {"visits": 1}
        assert "_idx" in client.cookies
        assert client.get("/session").json() == {"visits": 2}
    assert httpx.get(sb.url + "/session", timeout=TIMEOUT_S).json() == {"visits": 1}


def test_functions_runs_as_is(tmp_path, monkeypatch):
    for name in ("ARC_STATIC_MANIFEST", "ARC_SANDBOX", "LAMBDA_TASK_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    for index in (5, 7):
        code = block("docs/functions.md", index, "python")
        assert code.startswith("# runs as is\n")
        exec(compile(code, f"functions.md[{index}]", "exec"), {})
    from pyarc.functions import static

    assert static("app.js") == "/_static/app.js"
    write(tmp_path / "static.json", json.dumps({"app.js": "app-7f3a1c.js"}))
    assert static("app.js") == "/_static/app-7f3a1c.js"


# ------------------------------------------------------------------------------ events.md


def test_events_fire_at_start(tmp_path):
    write(tmp_path / "app.arc", "@app\nshop\n")
    assert load(tmp_path).prefs.sandbox.fire_at_start is False
    write(tmp_path / "prefs.arc", block("docs/events.md", 3, "arc"))
    assert load(tmp_path).prefs.sandbox.fire_at_start is True


def test_events_app(tmp_path):
    page = "docs/events.md"
    manifest = block(page, 0, "arc")
    subscriber = block(page, 1, "python")
    publish = block(page, 2, "python")
    record = "import json, pathlib\n\ndef handler(event, context):\n" \
             "    with open({path!r}, 'a') as out:\n        out.write(json.dumps(event) + '\\n')\n"
    seen = {name: tmp_path / f"{name}.jsonl" for name in ("jobs", "nightly", "orders")}
    write(tmp_path / "app.arc", manifest + "\n@http\npost /publish\n")
    path = subscriber.splitlines()[0].removeprefix("# ")
    assert path == "src/events/order-placed/lambda.py"
    write(tmp_path / path, subscriber)
    write(tmp_path / "src" / "http" / "post-publish" / "lambda.py",
          "def handler(event, context):\n" + textwrap.indent(publish, "    ")
          + "    return {'statusCode': 202}\n")
    write(tmp_path / "src" / "queues" / "jobs" / "lambda.py", record.format(path=str(seen["jobs"])))
    write(tmp_path / "src" / "scheduled" / "nightly" / "lambda.py",
          record.format(path=str(seen["nightly"])))
    write(tmp_path / "src" / "scheduled" / "tick" / "lambda.py", record.format(path=os.devnull))
    write(tmp_path / "src" / "tables-streams" / "orders" / "lambda.py",
          record.format(path=str(seen["orders"])))
    inventory = to_json(load(tmp_path))
    assert [q["batchSize"] for q in inventory["queues"]] == [5]
    assert [s["expression"] for s in inventory["scheduled"]] == ["cron(0 3 * * ? *)",
                                                                 "rate(5 minutes)"]
    assert [s["table"] for s in inventory["tablesStreams"]] == ["orders"]

    def lines(name: str) -> list[dict]:
        file = seen[name]
        return [json.loads(x) for x in file.read_text().splitlines()] if file.exists() else []

    with sandbox(tmp_path) as (sb, console):
        assert httpx.post(sb.url + "/publish", timeout=TIMEOUT_S).status_code == 202
        sb.idle()
        wait_until(lambda: "placed o-1" in console.getvalue(), TIMEOUT_S, "placed o-1")
        (message,) = lines("jobs")[0]["Records"]
        assert json.loads(message["body"]) == {"task": "resize", "key": "a.png"}
        assert message["eventSource"] == "aws:sqs"
        assert {"SequenceNumber", "MessageGroupId", "MessageDeduplicationId",
                "ApproximateReceiveCount"} <= set(message["attributes"])
        # Architect's local event bus, and SNS through plain boto3
        bus = httpx.post(sb.events_url + "/events", timeout=TIMEOUT_S,
                         json={"name": "order-placed", "payload": {"id": "o-2"}})
        assert bus.status_code < 300
        sns = boto3.client("sns", endpoint_url=sb.events_url, region_name="us-west-2",
                           aws_access_key_id="x", aws_secret_access_key="x")
        sns.publish(TopicArn="arn:aws:sns:us-west-2:123456789012:shop-testing-order-placed",
                    Message=json.dumps({"id": "o-3"}))
        sqs = boto3.client("sqs", endpoint_url=sb.events_url, region_name="us-west-2",
                           aws_access_key_id="x", aws_secret_access_key="x")
        url = sqs.get_queue_url(QueueName="shop-testing-jobs.fifo")["QueueUrl"]
        assert url == f"{sb.events_url}/123456789012/shop-testing-jobs.fifo"
        sb.idle()
        for order in ("placed o-2", "placed o-3"):
            wait_until(lambda o=order: o in console.getvalue(), TIMEOUT_S, order)
        # table streams
        dynamo = boto3.client("dynamodb", endpoint_url=sb.tables_url, region_name="us-west-2",
                              aws_access_key_id="x", aws_secret_access_key="x")
        dynamo.put_item(TableName="shop-staging-orders", Item={"id": {"S": "o-1"}})
        sb.idle()
        (change,) = lines("orders")[0]["Records"]
        assert change["eventName"] == "INSERT" and change["eventSource"] == "aws:dynamodb"
        assert change["dynamodb"]["Keys"] == {"id": {"S": "o-1"}}
        # "in a test with `sandbox.fire("nightly")`"
        assert sb.fire("nightly")["ok"]
        (scheduled,) = lines("nightly")
        assert list(scheduled) == ["version", "id", "detail-type", "source", "account", "time",
                                   "region", "resources", "detail"]
        assert scheduled["source"] == "aws.scheduler" and scheduled["detail"] == {}
    # "Fire one now with `pyarc invoke scheduled nightly`"
    out = shell("pyarc invoke scheduled nightly", tmp_path,
                {"ARC_EVENTS_PORT": str(free_port()), "COLUMNS": "200"})
    assert "ok" in out
    assert len(lines("nightly")) == 2



# ---------------------------------------------------------------------- aws-endpoint.md

SECRET_APP = "@app\nsecret-doc\n\n@http\nget /secret\n"


def test_aws_endpoint_banner(tmp_path):
    """The banner block: its endpoint line and moto's line as printed, pyarc's a true list."""
    from rich.text import Text

    from pyarc.sandbox.banner import banner_lines

    page = "docs/aws-endpoint.md"
    shown = block(page, 0, "text").splitlines()
    write(tmp_path / "app.arc", SECRET_APP)
    with Sandbox(tmp_path) as sb:
        server = sb.server
        real = [
            Text.from_markup(line).plain
            for line in banner_lines(server.inventory, server.ports, "127.0.0.1", 1.0,
                                     aws=server.aws_served())
        ]
        port = server.ports.tables
    assert shown[0].replace("5555", str(port)) in real
    assert shown[2] in real  # moto's line (the extra is a test dependency)
    listed = shown[1].split(None, 1)[1].split(", ")
    assert shown[1].split()[0] == "pyarc" and set(listed) <= set(server.aws_served().by_pyarc)


def test_aws_endpoint_secret(tmp_path, monkeypatch):
    """The handler and the test: a Secrets Manager round trip served by moto."""
    page = "docs/aws-endpoint.md"
    handler = block(page, 1, "python")
    assert handler.startswith("# src/http/get-secret/lambda.py\n")
    write(tmp_path / "app.arc", SECRET_APP)
    write(tmp_path / "src" / "http" / "get-secret" / "lambda.py", handler)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(block(page, 2, "python"), "aws-endpoint.md[2]", "exec"), namespace)
    namespace["test_the_handler_reads_its_secret"]()


AVATAR_APP = "@app\navatar-doc\n\n@http\npost /avatar\n\n@static\n"


def test_aws_endpoint_static_bucket(tmp_path, monkeypatch):
    """The S3 handler and its test: an object put to the static bucket is served."""
    page = "docs/aws-endpoint.md"
    handler = block(page, 3, "python")
    assert handler.startswith("# src/http/post-avatar/lambda.py\n")
    write(tmp_path / "app.arc", AVATAR_APP)
    (tmp_path / "public").mkdir()
    write(tmp_path / "src" / "http" / "post-avatar" / "lambda.py", handler)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(block(page, 4, "python"), "aws-endpoint.md[4]", "exec"), namespace)
    namespace["test_the_avatar_is_served_from_static"]()
    assert (tmp_path / "public" / "avatars" / "me.svg").is_file()


def test_aws_endpoint_table_import_export(tmp_path, monkeypatch):
    """The import/export test: a gzipped DynamoDB JSON file in, a manifest out."""
    page = "docs/aws-endpoint.md"
    source = block(page, 5, "python")
    assert source.startswith("# test_import_export.py, next to app.arc\n")
    write(tmp_path / "app.arc", "@app\ntransfers-doc\n")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(source, "aws-endpoint.md[5]", "exec"), namespace)
    namespace["test_import_then_export"]()


# --------------------------------------------------------------------------------- node.md


def test_node_mixed_app(tmp_path):
    """node.md's app: a Node.js handler (warm, Lambda's context and log format) beside Python."""
    write(tmp_path / "app.arc", block("docs/node.md", 0, "arc"))
    for index, lang, comment in ((1, "js", "// "), (2, "arc", "# "), (3, "python", "# ")):
        text = block("docs/node.md", index, lang)
        write(tmp_path / text.splitlines()[0].removeprefix(comment), text)
    inventory = load(tmp_path)
    assert {fn.key: fn.config.runtime for fn in inventory.functions} == {
        "http:get-index": "nodejs22.x", "http:get-py": "python3.12",
    }
    with sandbox(tmp_path) as (sb, console):
        first = httpx.get(sb.url, timeout=TIMEOUT_S).json()
        second = httpx.get(sb.url, timeout=TIMEOUT_S).json()
        assert (first["visits"], second["visits"]) == (1, 2)  # one warm worker
        assert 0 < first["left"] <= 5000 and first["requestId"] != second["requestId"]
        assert httpx.get(sb.url + "/py", timeout=TIMEOUT_S).text == "python says hi"
        logged = [line for line in console.getvalue().splitlines() if second["requestId"] in line]
        assert any("INFO" in line and "visit 2 from 127.0.0.1" in line for line in logged)
