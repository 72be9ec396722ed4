"""Issue 12 item 8, local half: `pyarc logs --local` shows the running sandbox's recent log."""

from __future__ import annotations

from pathlib import Path

import httpx

MANIFEST = "@app\n{name}\n\n@http\nget /\n"
HANDLER = 'def handler(event, context):\n    print("served home")\n    return {"statusCode": 200}\n'


def _app(root: Path, name: str) -> Path:
    (root / "src/http/get-index").mkdir(parents=True)
    (root / "app.arc").write_text(MANIFEST.format(name=name))
    (root / "src/http/get-index/lambda.py").write_text(HANDLER)
    return root


def test_local_logs_show_recent_lines_then_follow_new_ones(
    tmp_path, pyarc, start_pyarc, free_ports
) -> None:
    app = _app(tmp_path / "app", "app")
    sandbox = start_pyarc("sandbox", *free_ports, cwd=app)
    port = str(sandbox.port_of("pyarc sandbox"))
    sandbox.wait_for_line("Ready in")
    assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    sandbox.wait_for_line(r"GET / 200")
    sandbox.wait_for_line(r"served home")  # handler output may follow the request line

    shown = pyarc("logs", "--local", "--port", port, cwd=app)
    assert shown.returncode == 0, shown.stderr
    assert f"Recent log of the sandbox of the app 'app' ({app.resolve()})" in shown.stderr
    assert any("served home" in line for line in shown.stdout.splitlines())
    assert any("GET / 200" in line for line in shown.stdout.splitlines())
    last = pyarc("logs", "--local", "--port", port, "--lines", "1", cwd=app).stdout.splitlines()
    assert len(last) == 1

    follower = start_pyarc("logs", "--local", "--port", port, "--lines", "0", "--follow", cwd=app)
    follower.wait_for_line("Recent log of the sandbox")
    assert httpx.get(f"http://127.0.0.1:{port}/?again=1").status_code == 200
    follower.wait_for_line(r"GET / 200")
    follower.wait_for_line(r"served home")
    assert follower.count("served home") == 1 and follower.count(r"GET / 200") == 1

    other = _app(tmp_path / "other", "other")
    refused = pyarc("logs", "--local", "--port", port, cwd=other)
    assert refused.returncode == 2
    assert f"runs the app 'app' ({app.resolve()}), not the app in" in refused.stderr


def test_local_logs_without_a_sandbox_say_how_to_start_one(tmp_path, pyarc) -> None:
    from pyarc.testing import free_port

    app = _app(tmp_path / "app", "app")
    port = str(free_port())
    done = pyarc("logs", "--local", "--port", port, cwd=app)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: No sandbox answers on port {port}; start one with pyarc sandbox, or pass the "
        "port it runs on with --port."
    )
