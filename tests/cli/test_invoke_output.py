"""`pyarc invoke ... | jq`: piped output is the result's JSON as is, however narrow the terminal."""

from __future__ import annotations

import json
from pathlib import Path

from pyarc.testing import free_port

LONG = "x" * 150
MANIFEST = "@app\nlong-lines\n\n@events\nlong\n"
HANDLER = f'def handler(event, context):\n    return {{"text": "{LONG}", "n": 1}}\n'


def test_piped_invoke_output_is_unwrapped_json(tmp_path: Path, pyarc) -> None:
    (tmp_path / "app.arc").write_text(MANIFEST)
    (tmp_path / "src/events/long").mkdir(parents=True)
    (tmp_path / "src/events/long/lambda.py").write_text(HANDLER)
    done = pyarc("invoke", "events", "long", "--port", str(free_port()), cwd=tmp_path,
                 env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line == "{")
    assert json.loads("\n".join(lines[start:])) == {"text": LONG, "n": 1}
    assert any("starting a one-off sandbox for" in line and str(tmp_path) in line
               for line in lines[:start])  # the status line, on one line


def test_dry_run_summary_names_its_file_on_one_line(tmp_path: Path, pyarc) -> None:
    app = tmp_path / "a-folder-with-a-rather-long-name-so-the-path-passes-eighty-columns"
    (app / "src/http/get-index").mkdir(parents=True)
    (app / "app.arc").write_text("@app\nwide\n\n@http\nget /\n")
    (app / "src/http/get-index/lambda.py").write_text("def handler(event, context):\n    return 1\n")
    done = pyarc("deploy", "--dry-run", cwd=app, env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"Wrote {app}/sam.yaml for stack WideStaging (") and first.endswith(":")


def test_invoking_a_path_no_route_matches_is_refused_naming_the_routes(tmp_path: Path, pyarc) -> None:
    (tmp_path / "src/http/get-things-000id").mkdir(parents=True)
    (tmp_path / "app.arc").write_text("@app\nroutes\n\n@http\nget /things/:id\npost /echo\n")
    (tmp_path / "src/http/get-things-000id/lambda.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'thing'}\n"
    )
    port = str(free_port())
    done = pyarc("invoke", "http", "get /nope", "--port", port, cwd=tmp_path)
    assert done.returncode == 2 and "ok" not in done.stdout.split(), done.stdout
    assert "Traceback" not in done.stderr
    assert (
        "no @http route in app.arc matches GET /nope (its routes: post /echo, get /things/:id); "
        "name one of them, or add `get /nope` under @http." in " ".join(done.stderr.split())
    )
    matched = pyarc("invoke", "http", "get /things/7?x=1", "--port", port, cwd=tmp_path)
    assert matched.returncode == 0 and '"body": "thing"' in matched.stdout, matched.stderr


def test_piped_inventory_is_neither_wrapped_nor_cut(tmp_path: Path, pyarc) -> None:
    long_path = "/things/:id/with/a/rather/long/path/that/passes/eighty/columns"
    (tmp_path / "app.arc").write_text(f"@app\nwide-app-with-a-long-name\n\n@http\nget {long_path}\n")
    done = pyarc("inventory", cwd=tmp_path, env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("wide-app-with-a-long-name (") and lines[0].endswith("handler lambda.handler)")
    [row] = [line for line in lines if line.lstrip().startswith("get /")]
    assert f"get {long_path}" in row and "GET /things/{id}/with/a/rather/long/path/that/passes" in row
    assert "src/http/get-things-000id-with-a-rather-long-path-that-passes-eighty-columns" in row
    assert "…" not in done.stdout
