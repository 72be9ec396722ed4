"""Issue 12 item 6: clients check whose sandbox they reach; every port has a flag."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pyarc.errors import PyarcError
from pyarc.testing import Sandbox, free_port

MANIFEST = "@app\n{name}\n\n@http\nget /\n\n@events\nping\n\n@tables\nthings\n  id *String\n"
HTTP = 'def handler(event, context):\n    return {"statusCode": 200, "body": "home"}\n'
PING = 'def handler(event, context):\n    return {"pong": True}\n'


def _app(root: Path, name: str) -> Path:
    root.mkdir()
    (root / "app.arc").write_text(MANIFEST.format(name=name))
    for src, code in (("src/http/get-index", HTTP), ("src/events/ping", PING)):
        (root / src).mkdir(parents=True)
        (root / src / "lambda.py").write_text(code)
    return root


@pytest.fixture
def first(tmp_path, start_pyarc):
    """A running sandbox of app 'first', every port chosen with its flag; its ports."""
    root = _app(tmp_path / "first", "first")
    ports = {name: free_port() for name in ("http", "tables", "events", "_arc")}
    flags = ["--port", ports["http"], "--tables-port", ports["tables"]]
    flags += ["--events-port", ports["events"], "--arc-port", ports["_arc"]]
    sandbox = start_pyarc("sandbox", *map(str, flags), cwd=root)
    sandbox.wait_for_line("Ready in")
    assert sandbox.port_of("pyarc sandbox") == ports["http"]
    assert sandbox.port_of("@tables") == ports["tables"]
    assert sandbox.port_of("events") == ports["events"]
    assert sandbox.port_of("_arc") == ports["_arc"]
    return root, ports


def test_every_port_says_which_app_it_serves(first) -> None:
    root, ports = first
    for port in ports.values():
        identity = httpx.get(f"http://127.0.0.1:{port}/_pyarc/app").json()
        assert identity["app"] == "first"
        assert Path(identity["path"]) == root.resolve()
        assert identity["ports"] == ports


def test_a_second_app_on_a_busy_port_is_told_whose_it_is_and_which_flag_moves_it(
    tmp_path, first, pyarc, free_ports
) -> None:
    root, ports = first
    second = _app(tmp_path / "second", "second")
    flags = [*free_ports]
    flags[flags.index("--events-port") + 1] = str(ports["events"])
    done = pyarc("sandbox", *flags, cwd=second)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: Port {ports['events']} on 127.0.0.1 for the events is already used by the "
        f"sandbox of the app 'first' ({root.resolve()}); stop it or choose another port with "
        "--events-port (or ARC_EVENTS_PORT, or prefs.arc @sandbox ports events)."
    )
    with pytest.raises(PyarcError, match=r"used by the sandbox of the app 'first' .*--tables-port"):
        Sandbox(second, tables_port=ports["tables"]).start()


def test_invoke_uses_only_the_sandbox_of_its_own_app_and_says_which(
    tmp_path, first, pyarc
) -> None:
    root, ports = first
    events = str(ports["events"])
    done = pyarc("invoke", "events", "ping", "--port", events, cwd=root)
    assert done.returncode == 0, done.stderr
    assert f"Using the sandbox of the app 'first' ({root.resolve()}) on port {events}" in done.stdout
    second = _app(tmp_path / "second", "second")
    refused = pyarc("invoke", "events", "ping", "--port", events, cwd=second)
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        f"error: The sandbox on port {events} runs the app 'first' ({root.resolve()}), not the "
        f"app in {second.resolve()}; start this app's sandbox on another port and pass it with "
        "--port"
    ), refused.stderr


def test_tables_commands_name_the_app_and_refuse_another_apps_sandbox(
    tmp_path, first, pyarc
) -> None:
    root, ports = first
    endpoint = f"http://127.0.0.1:{ports['tables']}"
    done = pyarc("tables", "ls", "--endpoint", endpoint, cwd=root)
    assert done.returncode == 0, done.stderr
    assert f"Tables of the sandbox of the app 'first' ({root.resolve()})" in done.stderr
    assert "first-staging-things" in done.stdout
    second = _app(tmp_path / "second", "second")
    for args in (("ls",), ("scan", "things")):
        refused = pyarc("tables", *args, "--endpoint", endpoint, cwd=second)
        assert refused.returncode == 2
        assert f"runs the app 'first' ({root.resolve()}), not the app in" in refused.stderr


def test_every_busy_port_is_named_in_one_sentence(tmp_path) -> None:
    """A second app on the default ports learns every flag to change at once, not one a run."""
    import socket

    root = _app(tmp_path / "third", "third")
    held = [socket.create_server(("127.0.0.1", 0)) for _ in range(2)]
    try:
        http, events = (sock.getsockname()[1] for sock in held)
        with pytest.raises(PyarcError) as caught:
            Sandbox(root, port=http, events_port=events).start()
    finally:
        for sock in held:
            sock.close()
    assert str(caught.value) == (
        f"Ports {http} (HTTP/WebSocket) and {events} (events) on 127.0.0.1 are already "
        "used by another program; stop it or choose other ports with --port and --events-port "
        "(0 picks a free one)."
    )
