"""The inspector's parts without a server: the recorder, the live hub, the guard."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

from starlette.datastructures import Headers

from pyarc.inventory.model import Function, FunctionConfig
from pyarc.sandbox.inspector import recorder as recorder_module
from pyarc.sandbox.inspector.guard import TOKEN_HEADER, Guard
from pyarc.sandbox.inspector.live import LISTENER_BACKLOG, LiveHub
from pyarc.sandbox.inspector.recorder import BIG_BODY, Recorder, describe_trigger
from pyarc.sandbox.workers.results import InvokeError, InvokeResult


def fn(kind: str = "http", name: str = "get-index") -> Function:
    return Function(kind, name, Path(f"/app/src/{kind}/{name}"), FunctionConfig())  # type: ignore[arg-type]


def ok(payload: object = None) -> InvokeResult:
    return InvokeResult(True, payload, None, 1.25, False, "req-1")


def test_only_the_newest_are_kept_running_ones_always_show() -> None:
    recorder = Recorder(keep=3)
    running = recorder.begin(fn(name="slow"), {})
    for n in range(5):
        recorder.finish(recorder.begin(fn(), {"rawPath": f"/{n}"}), ok({"statusCode": 201}))
    rows = recorder.all()
    assert rows[0] is running and rows[0].running
    assert [r.trigger for r in rows[1:]] == ["/4", "/3", "/2"]
    assert rows[1].shown_status() == "201" and recorder.get(rows[1].id) is rows[1]
    assert recorder.get(1) is running and recorder.get(2) is None  # /0 fell off


def test_a_failed_invocation_keeps_lambdas_error() -> None:
    recorder = Recorder()
    record = recorder.begin(fn("queues", "jobs"), {"Records": [{}, {}]})
    error = InvokeError("ValueError", "bad", ['  File "lambda.py", line 2\n'], request_id="r")
    recorder.finish(record, InvokeResult(False, None, error, 3.0, True, "r"))
    assert (record.trigger, record.status, record.ok, record.cold) == (
        "queue jobs (2 messages)",
        "ValueError",
        False,
        True,
    )
    assert record.detail()["error"]["stackTrace"] == ['  File "lambda.py", line 2\n']


def test_output_goes_to_the_running_invocation_of_its_function() -> None:
    recorder = Recorder()
    first = recorder.begin(fn(), {})
    other = recorder.begin(fn("ws", "default"), {})
    recorder.output("http:get-index", "one")
    recorder.output("ws:default", "two")
    recorder.output("events:nobody", "lost")  # nothing of that function runs: not kept
    assert (first.output, other.output, first.output_shared) == (["one"], ["two"], False)
    second = recorder.begin(fn(), {})
    recorder.output("http:get-index", "both")
    assert first.output == ["one", "both"] and second.output == ["both"]
    assert first.output_shared and second.output_shared
    mine = f"[INFO]\t2026-12-02T18:00:00.000Z\t{'1' * 8}-1111-1111-1111-{'1' * 12}\tmine"
    theirs = f"[INFO]\t2026-12-02T18:00:00.000Z\t{'2' * 8}-2222-2222-2222-{'2' * 12}\ttheirs"
    node_theirs = f"2026-12-02T18:00:00.000Z\t{'2' * 8}-2222-2222-2222-{'2' * 12}\tINFO\tnode"
    recorder.output("http:get-index", mine)
    recorder.output("http:get-index", theirs)
    recorder.output("http:get-index", node_theirs)
    first_id = f"{'1' * 8}-1111-1111-1111-{'1' * 12}"
    recorder.finish(first, InvokeResult(True, None, None, 1.0, False, first_id))
    # a logging record names its request: the other one's is not kept
    assert first.output == ["one", "both", mine]
    recorder.output("http:get-index", "after")
    assert second.output == ["both", mine, theirs, node_theirs, "after"]


def test_an_http_status_is_the_one_the_gateway_answers() -> None:
    recorder = Recorder()

    def status(event: dict, payload: object) -> str:
        record = recorder.begin(fn(), event)
        recorder.finish(record, ok(payload))
        return record.summary()["status"]

    assert status({"version": "2.0"}, {"statusCode": 404, "body": ""}) == "404"
    assert status({"version": "2.0"}, "just text") == "200"  # payload 2.0: the body, 200
    assert status({"version": "1.0"}, "just text") == "500"  # 1.0 cannot map it
    assert status({"version": "2.0"}, {"statusCode": "teapot"}) == "500"
    ws = recorder.begin(fn("ws", "connect"), {})
    recorder.finish(ws, ok(None))
    assert ws.summary()["status"] == "200"


def test_with_no_page_open_a_row_is_worked_out_only_when_asked(monkeypatch) -> None:
    mapped: list[str] = []
    real = recorder_module.normalise
    monkeypatch.setattr(
        recorder_module, "normalise", lambda payload, v: mapped.append(v) or real(payload, v)
    )
    recorder = Recorder()
    record = recorder.begin(fn(), {"version": "2.0"})
    recorder.finish(record, ok({"statusCode": 204}))
    assert mapped == []  # nobody looked: the response was not mapped a second time
    assert record.shown_status() == "204" and mapped == ["2.0"]

    async def open_page() -> list[bytes]:
        stream = recorder.live.stream()
        await stream.__anext__()  # hello: the page listens from here
        listened = recorder.begin(fn(), {"version": "2.0", "rawPath": "/seen"})
        recorder.finish(listened, ok({"statusCode": 201}))
        frames = [await stream.__anext__()]
        recorder.live.close()
        return frames + [frame async for frame in stream]

    (frame,) = asyncio.run(open_page())
    rows = [line for line in frame.decode().splitlines() if line.startswith("data: ")]
    assert len(rows) == 2  # begin and finish, each sent with its row
    assert '"running": true' in rows[0] and '"status": "running"' in rows[0]
    assert '"trigger": "/seen"' in rows[1] and '"status": "201"' in rows[1]


def test_a_big_body_is_kept_cut() -> None:
    recorder = Recorder()
    record = recorder.begin(fn(), {"version": "2.0", "body": "x" * (BIG_BODY + 10)})
    assert record.event["body"].endswith(f"... ({BIG_BODY + 10} characters in all)")
    assert len(record.event["body"]) < BIG_BODY + 50
    big = base64.b64encode(b"\x00" * BIG_BODY).decode()
    recorder.finish(record, ok({"statusCode": 201, "isBase64Encoded": True, "body": big}))
    assert record.result["body"].endswith(f"... ({len(big)} characters in all)")
    assert record.summary()["status"] == "201"  # from the whole response, before the cut


def test_triggers_are_read_from_the_aws_events() -> None:
    http_v1 = {"httpMethod": "POST", "path": "/things"}
    assert describe_trigger(fn(), http_v1) == "POST /things"
    http_v2 = {
        "rawPath": "/a",
        "rawQueryString": "b=1",
        "requestContext": {"http": {"method": "GET"}},
    }
    assert describe_trigger(fn(), http_v2) == "GET /a?b=1"
    assert describe_trigger(fn("ws", "rotate"), {"requestContext": {"routeKey": "rotate"}}) == (
        "ws rotate"
    )
    streamed = describe_trigger(fn("tables-streams", "notes"), {"Records": [{}]})
    assert streamed == "stream notes (1 record)"
    assert describe_trigger(fn("scheduled", "tick"), {}) == "schedule tick"
    assert describe_trigger(fn("events", "pinged"), {}) == "event pinged"


def test_the_hub_does_nothing_without_listeners_and_resyncs_a_stalled_one() -> None:
    async def scenario() -> list[bytes]:
        hub = LiveHub()
        hub.publish("invocation", {"id": 1})  # nobody listens: nothing is queued anywhere
        assert not hub.listening
        stream = hub.stream()
        hello = await stream.__anext__()
        assert hub.listening
        for n in range(LISTENER_BACKLOG + 5):  # the page stopped reading
            hub.publish("invocation", {"id": n})
        frames = [hello, await stream.__anext__()]
        hub.close()
        frames += [frame async for frame in stream]
        assert not hub.listening
        return frames

    hello, after_stall, *rest = asyncio.run(scenario())
    assert hello.startswith(b"retry: 1000\nevent: hello")
    assert after_stall.startswith(b"event: resync")  # the backlog was dropped: reload
    assert after_stall.count(b"event: invocation") == 4  # what came after, in one write
    assert rest == []


def test_the_guard_wants_the_sandboxs_host_and_for_changes_the_page() -> None:
    guard = Guard("127.0.0.1", token="t0ken")
    page = {"host": "localhost:3333", "origin": "http://localhost:3333", TOKEN_HEADER: "t0ken"}

    def refusal(method: str, **headers: str) -> str | None:
        return guard.refusal(method, Headers(headers))

    assert refusal("GET", host="localhost:3333") is None
    assert refusal("GET", host="[::1]:3333") is None
    assert refusal("GET", host="127.0.0.1:3333") is None
    assert "not 'evil.example:3333'" in (refusal("GET", host="evil.example:3333") or "")
    assert refusal("POST", **page) is None
    assert "origin (none)" in (
        refusal("POST", host="localhost:3333", **{TOKEN_HEADER: "t0ken"}) or ""
    )
    cross = refusal("DELETE", **{**page, "origin": "http://127.0.0.1:3333"})
    assert cross is not None and "http://127.0.0.1:3333" in cross  # same machine, other origin
    assert "token" in (refusal("PUT", **{**page, TOKEN_HEADER: "nope"}) or "")
    anywhere = Guard("0.0.0.0", token="t0ken")
    assert anywhere.refusal("GET", Headers({"host": "my-laptop.lan:3333"})) is None
    lan = Guard("192.168.1.20", token="t0ken")
    assert lan.refusal("GET", Headers({"host": "192.168.1.20:3333"})) is None
    assert lan.refusal("GET", Headers({"host": "evil.example"})) is not None


def test_the_page_ships_in_the_package() -> None:
    """Every file of the page is package data (pyproject.toml), so a wheel serves it."""
    import tomllib
    from fnmatch import fnmatch

    import pyarc
    from pyarc.sandbox.inspector.api import STATIC

    root = Path(pyarc.__file__).parent
    pyproject = tomllib.loads((root.parent / "pyproject.toml").read_text())
    globs = pyproject["tool"]["setuptools"]["package-data"]["pyarc"]
    files = [path.relative_to(root).as_posix() for path in STATIC.rglob("*") if path.is_file()]
    assert "sandbox/inspector/static/index.html" in files
    assert [f for f in files if not any(fnmatch(f, glob) for glob in globs)] == []
