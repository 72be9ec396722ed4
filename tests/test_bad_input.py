"""Bad input never breaks a sandbox endpoint.

Hypothesis sends malformed and random requests to every endpoint of one running sandbox
(HTTP/Management API, tables, events: Architect bus / SNS / SQS / `/_arc/invoke`, and
`_arc`'s SSM) and asserts each answer is a 4xx in that protocol's own error shape with a
message naming the problem (never a 5xx, a traceback or a Python repr), and that after
every example the endpoint still answers a good request correctly. WebSocket frames get
the same treatment with the `websockets` client. Runs derandomized, so CI is deterministic.
Regressions found by the fuzzers are pinned next to the tests of the module they pin
(tests/tables, tests/events, tests/sandbox: test_fuzz_regressions.py); the app, its clients
and the shared checks live in tests/fuzz_app.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket

import httpx
import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyarc.testing import Sandbox, wait_until
from tests import fuzz_app
from tests.fuzz_app import (
    DYNAMO_GOOD,
    SQS_GOOD,
    _arc_url,
    _healthy_http,
    _healthy_sns,
    _healthy_sqs,
    _healthy_ssm,
    _healthy_tables,
    _json,
    _names_problem,
)

sb = fuzz_app.sb  # the fixtures: one fuzz app sandbox and its clients for this module
clients = fuzz_app.clients

# PYARC_FUZZ_EXAMPLES=2000 pytest tests/test_bad_input.py --hypothesis-seed=N: a deeper,
# seeded local run; CI runs the fixed derandomized 250 (about 20 s for the file)
DEEPER = os.environ.get("PYARC_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(DEEPER or 250),
    deadline=None,
    derandomize=not DEEPER,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# what a good answer to bad input looks like -------------------------------------------------
def _assert_dynamo(response: httpx.Response) -> None:
    assert response.status_code < 500, response.content[:500]
    body = _json(response)
    if response.status_code >= 400:
        assert body["__type"].startswith("com.amazonaws.dynamodb.v20120810#"), body
        _names_problem(body.get("message") or body.get("Message"))


def _assert_aws_json(response: httpx.Response, prefix: str = "") -> None:
    assert response.status_code < 500, response.content[:500]
    body = _json(response)
    if response.status_code >= 400:
        assert isinstance(body.get("__type"), str) and body["__type"].startswith(prefix), body
        _names_problem(body.get("message"))


def _assert_sns(response: httpx.Response) -> None:
    assert response.status_code < 500, response.content[:500]
    text = response.content.decode("utf-8")
    if response.status_code >= 400:
        assert text.startswith("<ErrorResponse"), text
        code = text.split("<Code>", 1)[1].split("</Code>", 1)[0]
        message = text.split("<Message>", 1)[1].split("</Message>", 1)[0]
        assert code, text
        _names_problem(message)
    else:
        assert "<MessageId>" in text or "<PublishBatchResponse" in text, text


def _assert_http(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:500])
    if response.status_code >= 400 and response.request.method != "HEAD":
        kind = response.headers.get("content-type", "")
        text = response.content.decode("utf-8", "replace")
        if "json" in kind:
            body = _json(response)
            _names_problem(body.get("message") or body.get("error"))
        else:
            assert text.strip(), response
        for leak in ("Traceback", "object at 0x"):
            assert leak not in text


# strategies --------------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
HUGE = [
    b"1" * 5000, b"1e999999", b"-1e400", b'{"N": 1e999999}', b"9" * 400,
    b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"[" * 3000 + b"]" * 3000,
]


def _bodies(good: list[dict]) -> st.SearchStrategy[bytes]:
    """Random bytes, invalid UTF-8, truncated/mutated good requests, wrong JSON shapes,
    huge numbers and deep nesting."""
    good_bytes = [json.dumps(g).encode() for g in good]
    truncated = st.tuples(st.sampled_from(good_bytes), st.integers(0, 400)).map(
        lambda pair: pair[0][: pair[1] % max(1, len(pair[0]))]
    )
    mutated = st.tuples(
        st.sampled_from(good), st.integers(0, 10_000), json_values, st.booleans()
    ).map(_mutate)
    return st.one_of(
        st.binary(max_size=200),
        st.binary(max_size=50).map(lambda b: b'{"x": "\xff\xfe' + b + b'"}'),
        truncated,
        json_values.map(lambda v: json.dumps(v).encode()),
        mutated,
        mutated,
        st.sampled_from(HUGE),
    )


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document: each object key and list index, at any depth."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _mutate(args: tuple[dict, int, object, bool]) -> bytes:
    """Replace the value at one place (any depth) of a good request with a random one, or
    drop it."""
    request, choice, value, drop = args
    copy = json.loads(json.dumps(request))
    places = _paths(copy)
    *parents, last = places[choice % len(places)]
    target = copy
    for step in parents:
        target = target[step]
    if drop and isinstance(target, dict):
        del target[last]
    else:
        target[last] = value
    return json.dumps(copy).encode()


# the tables endpoint (DynamoDB JSON protocol) ---------------------------------------------
PRINTABLE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30).map(
    str.strip
)
DYNAMO_TARGETS = st.one_of(
    st.sampled_from([f"DynamoDB_20120810.{op}" for op in DYNAMO_GOOD]),
    st.sampled_from(["", "DynamoDB_20120810.", "DynamoDB_20120810.Bogus", "Foo.GetItem"]),
    st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40),
)


@FUZZ
@given(target=DYNAMO_TARGETS, body=_bodies(list(DYNAMO_GOOD.values())))
def test_tables_endpoint_survives_bad_requests(sb, clients, target, body):
    response = clients["http"].post(
        sb.tables_url, content=body,
        headers={"x-amz-target": target, "content-type": "application/x-amz-json-1.0"},
    )
    _assert_dynamo(response)
    _healthy_tables(clients)


@FUZZ
@given(
    op=st.sampled_from(list(DYNAMO_GOOD)),
    mutation=st.tuples(st.integers(0, 10_000), json_values, st.booleans()),
)
def test_tables_endpoint_validates_every_field(sb, clients, op, mutation):
    """A real request with the value at one place (any depth) replaced by a random one."""
    body = _mutate((DYNAMO_GOOD[op], *mutation))
    response = clients["http"].post(
        sb.tables_url, content=body, headers={"x-amz-target": "DynamoDB_20120810." + op}
    )
    _assert_dynamo(response)
    _healthy_tables(clients)


# the events port: Architect bus, SNS (query), SQS (JSON), /_arc/invoke -----------------------


@FUZZ
@given(
    op=st.one_of(st.sampled_from(list(SQS_GOOD)), PRINTABLE),
    body=_bodies(list(SQS_GOOD.values())),
)
def test_sqs_protocol_survives_bad_requests(sb, clients, op, body):
    response = clients["http"].post(
        sb.events_url, content=body,
        headers={"x-amz-target": "AmazonSQS." + op, "content-type": "application/x-amz-json-1.0"},
    )
    _assert_aws_json(response, "com.amazonaws.sqs#")
    _healthy_sqs(sb, clients)


SNS_FIELDS = st.sampled_from([
    "Action", "TopicArn", "TargetArn", "Message", "Subject", "MessageStructure",
    "MessageAttributes.entry.1.Name", "MessageAttributes.entry.1.Value.DataType",
    "MessageAttributes.entry.1.Value.StringValue", "PublishBatchRequestEntries.member.1.Id",
    "PublishBatchRequestEntries.member.1.Message", "PublishBatchRequestEntries.member.2.Id",
])


@FUZZ
@given(
    action=st.sampled_from(["Publish", "PublishBatch", "", "Subscribe"]) | st.text(max_size=10),
    fields=st.dictionaries(SNS_FIELDS, st.text(max_size=30) | st.sampled_from(
        ["arn:aws:sns:us-west-2:000000000000:ping", "json", '{"default": 1}', "Number",
         "String.Array", "[1, {}]"])),
    raw=st.none() | st.binary(max_size=100),
)
def test_sns_protocol_survives_bad_requests(sb, clients, action, fields, raw):
    if raw is not None:
        content = raw
    else:
        content = httpx.QueryParams({"Action": action, **fields}).__str__().encode()
    response = clients["http"].post(
        sb.events_url, content=content,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    _assert_sns(response)
    _healthy_sns(sb, clients)


@FUZZ
@given(
    path=st.sampled_from(["/events", "/queues", "/_arc/invoke"]),
    body=_bodies([
        {"name": "ping", "payload": {"a": 1}},
        {"name": "jobs", "payload": [1, 2]},
        {"pragma": "events", "name": "nope", "payload": None},
        {"pragma": "bogus", "name": "nope"},
    ]),
)
def test_architect_bus_survives_bad_requests(sb, clients, path, body):
    response = clients["http"].post(sb.events_url + path, content=body)
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        _names_problem(_json(response).get("error"))
    _healthy_sns(sb, clients)


# _arc: SSM JSON protocol ------------------------------------------------------------------
SSM_GOOD = [
    {"Path": "/FuzzAppTesting", "Recursive": True, "MaxResults": 2, "NextToken": "1"},
    {"Name": "/FuzzAppTesting/tables/things"},
    {"Names": ["/FuzzAppTesting/tables/things", "nope"]},
]


@FUZZ
@given(
    op=st.sampled_from(["GetParametersByPath", "GetParameter", "GetParameters"])
    | PRINTABLE,
    body=_bodies(SSM_GOOD),
)
def test_ssm_survives_bad_requests(sb, clients, op, body):
    response = clients["http"].post(
        _arc_url(sb), content=body,
        headers={"x-amz-target": "AmazonSSM." + op, "content-type": "application/x-amz-json-1.1"},
    )
    _assert_aws_json(response)
    _healthy_ssm(sb, clients)


# the main port: HTTP routes, static, Management API ---------------------------------------
TOKEN = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ-_"), min_size=1, max_size=10)
PATHS = st.one_of(
    st.sampled_from(["/", "/echo", "/@connections/abc", "/dev/@connections/x=",
                     "/_arc/ws/@connections/", "/_static/../../etc/passwd", "/%2e%2e/x",
                     "/_static/%ff", "/%00", "//", "/a%2fb", "/echo?x=%ff&y"]),
    st.lists(st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF,
                                   exclude_characters="/?#", exclude_categories=("Cc",)),
                     max_size=8), max_size=4)
    .map(lambda parts: "/" + "/".join(parts)),
)
HEADER_VALUE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(
    str.strip
)


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]) | TOKEN,
    path=PATHS,
    headers=st.dictionaries(
        st.sampled_from(["content-type", "accept", "cookie", "x-forwarded-for", "origin",
                         "content-encoding", "x-amz-target", "x-random"]),
        HEADER_VALUE, max_size=4),
    body=_bodies([{"a": 1}]),
)
def test_http_port_survives_bad_requests(sb, clients, method, path, headers, body):
    response = clients["http"].request(method, sb.url + path, content=body, headers=headers)
    _assert_http(response)
    _healthy_http(sb, clients)


@pytest.mark.parametrize("port", ["http", "tables", "_arc", "events"])
def test_raw_garbage_on_every_port(sb, clients, port):
    """Bytes that are not HTTP at all get a 400 and the port keeps serving."""
    ports = sb.server.ports  # type: ignore[union-attr]
    number = {"http": ports.http, "tables": ports.tables, "_arc": ports.arc,
              "events": ports.events}[port]
    for garbage in (b"\x00\xff\xfe garbage\r\n\r\n", b"GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                    b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                    b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", number), timeout=10) as raw:
            raw.sendall(garbage)
            answer = raw.recv(200)
        assert answer.startswith(b"HTTP/1.1 4") or answer == b"", answer
    _healthy_http(sb, clients)
    _healthy_tables(clients)
    _healthy_ssm(sb, clients)
    _healthy_sns(sb, clients)


@pytest.mark.parametrize("where", ["http", "tables", "events", "sqs", "_arc"])
def test_oversized_bodies(sb, clients, where):
    big = b'{"a": "' + b"x" * (7 * 1024 * 1024) + b'"}'
    url, headers, check = {
        "http": (sb.url + "/echo", {}, _assert_http),
        "tables": (sb.tables_url, {"x-amz-target": "DynamoDB_20120810.PutItem"}, _assert_dynamo),
        "events": (sb.events_url + "/events", {}, None),
        "sqs": (sb.events_url, {"x-amz-target": "AmazonSQS.SendMessage"}, _assert_aws_json),
        "_arc": (_arc_url(sb), {"x-amz-target": "AmazonSSM.GetParameter"}, _assert_aws_json),
    }[where]
    response = clients["http"].post(url, content=big, headers=headers)
    assert 400 <= response.status_code < 500, response.content[:300]
    if check is not None:
        check(response)
    _healthy_http(sb, clients)
    _healthy_tables(clients)
    _healthy_sqs(sb, clients)


# WebSocket frames ------------------------------------------------------------------------
FRAMES = st.one_of(
    st.text(max_size=50).map(lambda t: ("text", t.encode())),
    st.binary(max_size=50).map(lambda b: ("binary", b)),
    st.binary(min_size=1, max_size=20).map(lambda b: ("bad-text", b"\xff\xc0" + b)),
    st.sampled_from([("huge", b""), ("text", b'{"action": 5}'),
                     ("text", b'{"action": "$connect"}'), ("text", b"[" * 5000)]),
)
EXPECTED_CLOSE = {"bad-text": 1007, "huge": 1009}


async def _ws_example(url: str, frames: list[tuple[str, bytes]], churn: int) -> None:
    async with websockets.connect(url, max_size=None) as witness:
        for _ in range(churn):  # rapid open/close, some without a closing handshake
            opened = await websockets.connect(url)
            if churn % 2:
                opened.transport.abort()
            else:
                await opened.close()
        async with websockets.connect(url, max_size=None) as ws:
            bad = None
            for kind, data in frames:
                if kind == "huge":
                    data = b"x" * (129 * 1024)
                await ws.send(data, text=kind != "binary")
                if kind in EXPECTED_CLOSE:  # the server closes; nothing more is sent
                    bad = kind
                    break
            if bad is None:
                await ws.send("final")
            try:
                while (await asyncio.wait_for(ws.recv(), 20)) != "echo:final":
                    pass
                assert bad is None, f"a {bad} frame did not close the connection"
            except websockets.ConnectionClosed as closed:
                assert bad is not None, f"closed without a malformed frame: {closed!r}"
                code = closed.rcvd.code if closed.rcvd else None
                assert code == EXPECTED_CLOSE[bad], f"a {bad} frame closed with {code}"
        await witness.send("still here")  # other connections keep working
        assert await asyncio.wait_for(witness.recv(), 20) == "echo:still here"


@FUZZ
@given(frames=st.lists(FRAMES, max_size=5), churn=st.integers(0, 3))
def test_websocket_survives_bad_frames(sb, clients, frames, churn):
    asyncio.run(_ws_example(sb.ws_url, frames, churn))
    wait_until(lambda: sb.connection_count == 0, 10, "every connection to be gone")


async def _post_example(sb: Sandbox, client: httpx.AsyncClient, data: bytes, path: str) -> None:
    async with websockets.connect(sb.ws_url, max_size=None) as ws:
        await ws.send('{"action": "whoami"}')
        connection_id = await asyncio.wait_for(ws.recv(), 20)
        response = await client.post(sb.url + path.format(id=connection_id), content=data)
        if len(data) > 128 * 1024:
            assert response.status_code == 413, response.content[:300]
            assert response.headers["x-amzn-errortype"] == "PayloadTooLargeException"
            _names_problem(response.json()["message"])
        else:
            assert response.status_code == 200, response.content[:300]
            frame = await asyncio.wait_for(ws.recv(), 20)
            assert (frame.encode() if isinstance(frame, str) else frame) == data
        await ws.send("after")  # the connection is still served
        assert await asyncio.wait_for(ws.recv(), 20) == "echo:after"
    gone = await client.post(sb.url + path.format(id=connection_id), content=b"x")
    assert gone.status_code == 410 and gone.headers["x-amzn-errortype"] == "GoneException"


@FUZZ
@given(
    data=st.binary(max_size=100) | st.text(max_size=50).map(str.encode)
    | st.sampled_from([b"\xff" * (128 * 1024 + 1), b"y" * (128 * 1024)]),
    path=st.sampled_from(["/@connections/{id}", "/dev/@connections/{id}",
                          "/_arc/ws/@connections/{id}/"]),
)
def test_management_api_posts_any_bytes(sb, clients, data, path):
    """Any body posted to a live connection arrives byte for byte (text when UTF-8, else
    binary) or, over 128 KB, gets 413; the socket keeps working either way."""

    async def run() -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            await _post_example(sb, client, data, path)

    asyncio.run(run())
    wait_until(lambda: sb.connection_count == 0, 10, "every connection to be gone")


