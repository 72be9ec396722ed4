"""Pure pieces without sockets: routing priority, response normalisation, id formats."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest

from pyarc.inventory.model import Function, FunctionConfig, HttpRoute
from pyarc.sandbox.http_responses import MalformedResponse, normalise_v1, normalise_v2
from pyarc.sandbox.ids import clf_time, iso_time
from pyarc.sandbox.lambda_events.ws import header_case
from pyarc.sandbox.router import HttpRouter


def _route(method: str, path: str) -> HttpRoute:
    fn = Function("http", f"{method}{path}", Path("/nowhere"), FunctionConfig())
    return HttpRoute(method, path, fn)  # type: ignore[arg-type]


ROUTER = HttpRouter(
    [
        _route("any", "/api/*"),
        _route("get", "/api/:id"),
        _route("get", "/api/special"),
        _route("any", "/things/:id"),
        _route("post", "/things/:id"),
        _route("get", "/"),
    ]
)


@pytest.mark.parametrize(
    ("method", "path", "route_key", "params"),
    [
        ("GET", "/api/special", "GET /api/special", {}),
        ("GET", "/api/42", "GET /api/{id}", {"id": "42"}),
        ("GET", "/api/a/b", "ANY /api/{proxy+}", {"proxy": "a/b"}),
        ("DELETE", "/api/7", "ANY /api/{proxy+}", {"proxy": "7"}),
        ("POST", "/things/1", "POST /things/{id}", {"id": "1"}),
        ("PUT", "/things/1", "ANY /things/{id}", {"id": "1"}),
        ("GET", "/things/a%2Fb", "ANY /things/{id}", {"id": "a/b"}),
        ("GET", "/", "GET /", {}),
    ],
)
def test_most_specific_route_wins(method, path, route_key, params) -> None:
    match = ROUTER.match(method, path)
    assert match is not None
    assert match.route.route_key == route_key
    assert match.route_key == route_key  # worked out once, when the router was built
    assert match.path_parameters == params


def test_no_match() -> None:
    assert ROUTER.match("GET", "/nothing") is None
    assert ROUTER.match("POST", "/") is None
    assert ROUTER.match("GET", "/api") is None  # {proxy+} needs a segment


def test_v2_inference_and_fields() -> None:
    assert normalise_v2("hello").body == b'"hello"'
    assert normalise_v2(None).body == b"null"
    parts = normalise_v2(
        {
            "statusCode": 201,
            "headers": {"x-n": 5, "x-b": True},
            "cookies": ["a=1"],
            "body": base64.b64encode(b"\x00\xff").decode(),
            "isBase64Encoded": True,
        }
    )
    assert parts.status == 201 and parts.body == b"\x00\xff"
    assert ("x-n", "5") in parts.headers and ("x-b", "true") in parts.headers
    assert ("set-cookie", "a=1") in parts.headers


@pytest.mark.parametrize(
    ("payload", "fault"),
    [
        ({"statusCode": "abc"}, "statusCode"),
        ({"statusCode": 999}, "statusCode"),
        ({"statusCode": 200, "body": {"a": 1}}, "body must be a string"),
        ({"statusCode": 200, "headers": ["x"]}, "headers"),
        ({"statusCode": 200, "headers": {"x": {"y": 1}}}, "header 'x'"),
        ({"statusCode": 200, "cookies": "a=1"}, "cookies"),
        ({"statusCode": 200, "body": "!!", "isBase64Encoded": True}, "base64"),
    ],
)
def test_v2_malformed_names_the_fault(payload, fault) -> None:
    with pytest.raises(MalformedResponse, match=fault):
        normalise_v2(payload)


def test_v1_needs_status_and_merges_multi_value_headers() -> None:
    with pytest.raises(MalformedResponse):
        normalise_v1({"body": "x"})
    parts = normalise_v1(
        {"statusCode": 200, "headers": {"a": "1"}, "multiValueHeaders": {"a": ["2", "3"]}}
    )
    assert [v for n, v in parts.headers if n == "a"] == ["2", "3", "1"]  # merged, as AWS
    same = normalise_v1(
        {"statusCode": 200, "headers": {"a": "2"}, "multiValueHeaders": {"a": ["2", "3"]}}
    )
    assert [v for n, v in same.headers if n == "a"] == ["2", "3"]  # a pair appears once


def test_content_type_defaults_and_null_headers() -> None:
    untyped = normalise_v2({"statusCode": 200, "headers": {"x": None}, "body": "hi"})
    assert untyped.headers == [("content-type", "text/plain; charset=utf-8")]
    typed = normalise_v1({"statusCode": 200, "headers": {"Content-Type": "text/html"}})
    assert typed.headers == [("Content-Type", "text/html")]
    assert normalise_v2({"ok": 1}).headers == [("content-type", "application/json")]


def test_formats() -> None:
    assert clf_time(1795631400000) == "25/Nov/2026:18:30:00 +0000"
    assert iso_time(1795631400123) == "2026-11-25T18:30:00.123Z"
    assert header_case("sec-websocket-key") == "Sec-WebSocket-Key"
    assert header_case("x-forwarded-for") == "X-Forwarded-For"


def test_header_names_get_api_gateways_spelling_also_past_the_remembered_ones() -> None:
    from pyarc.sandbox.lambda_events import ws as ws_events

    assert ws_events.header_case("sec-websocket-key") == "Sec-WebSocket-Key"
    assert ws_events.header_case("sec-websocket-key") == "Sec-WebSocket-Key"  # remembered
    names = [f"x-custom-{n}-id" for n in range(ws_events._CASED_MAX + 10)]
    assert [ws_events.header_case(name) for name in names] == [
        f"X-Custom-{n}-ID" for n in range(len(names))
    ]
    assert len(ws_events._CASED) <= ws_events._CASED_MAX


def test_a_websocket_receive_times_out_as_wait_for_did() -> None:
    from pyarc.sandbox.ws_gateway import _receive_within

    class Socket:
        def __init__(self, message: dict | None) -> None:
            self.message, self.calls = message, 0

        async def receive(self) -> dict:
            self.calls += 1
            if self.message is None:
                await asyncio.sleep(60)
            return self.message

    async def scenario() -> None:
        ready = Socket({"type": "websocket.receive", "text": "hi"})
        assert await _receive_within(ready, 5) == ready.message  # type: ignore[arg-type]
        with pytest.raises(TimeoutError):  # a deadline passed: nothing is received
            await _receive_within(ready, 0)  # type: ignore[arg-type]
        assert ready.calls == 1
        silent = Socket(None)
        with pytest.raises(TimeoutError):
            await _receive_within(silent, 0.05)  # type: ignore[arg-type]

    asyncio.run(scenario())


def test_a_websocket_connection_builds_one_protocol_with_api_gateways_limits(monkeypatch) -> None:
    import uvicorn
    from uvicorn.server import ServerState
    from websockets.frames import CloseCode
    from websockets.protocol import State
    from websockets.server import ServerProtocol

    from pyarc.sandbox.ws_transport import TOO_BIG_REASON, GatewayWebSocketProtocol, _GatewayLimits

    built: list[object] = []
    real_init = ServerProtocol.__init__

    def counting(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        built.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(ServerProtocol, "__init__", counting)

    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        pass

    config = uvicorn.Config(app, ws_max_size=(131072, 32768), ws_per_message_deflate=False)  # type: ignore[arg-type]
    config.load()
    loop = asyncio.new_event_loop()
    try:
        protocol = GatewayWebSocketProtocol(config, ServerState(), {}, loop)
    finally:
        loop.close()
    assert built == [protocol.conn] and isinstance(protocol.conn, _GatewayLimits)
    assert protocol.conn.max_message_size == 131072  # type: ignore[attr-defined]
    protocol.conn.state = State.OPEN  # as after the handshake
    protocol.conn.fail(CloseCode.MESSAGE_TOO_BIG, "frame 40000 bytes > 32768")
    assert protocol.conn.close_sent is not None
    assert protocol.conn.close_sent.reason == TOO_BIG_REASON


def test_a_v2_event_folds_repeated_headers_and_takes_the_first_host_and_agent() -> None:
    from pyarc.sandbox.lambda_events.http import HttpRequestInfo, build_v2

    def event(headers: list[tuple[str, str]]) -> dict:
        info = HttpRequestInfo("get", "/a%20b", "", headers, b"", "10.0.0.9", request_id="r=")
        return build_v2(info, ROUTER.match("GET", "/"), 3333)

    found = event(
        [
            ("Host", "a.example:1"),
            ("host", "b"),
            ("User-Agent", "ua1"),
            ("Cookie", "a=1; b=2"),
            ("user-agent", "ua2"),
            ("X-Multi", "1"),
            ("cookie", " c=3 ;"),
            ("x-multi", "2"),
            ("X-Forwarded-Port", "443"),  # sent by the client: kept
        ]
    )
    assert found["cookies"] == ["a=1", "b=2", "c=3"]
    assert list(found["headers"].items()) == [
        ("host", "a.example:1,b"),
        ("user-agent", "ua1,ua2"),
        ("x-multi", "1,2"),
        ("x-forwarded-port", "443"),
        ("content-length", "0"),
        ("x-forwarded-for", "10.0.0.9"),
        ("x-forwarded-proto", "http"),
    ]
    context = found["requestContext"]
    assert (context["domainName"], context["domainPrefix"]) == ("a.example:1", "a")
    assert context["http"] == {
        "method": "GET",
        "path": "/a b",
        "protocol": "HTTP/1.1",
        "sourceIp": "10.0.0.9",
        "userAgent": "ua1",
    }
    bare = event([("host", ""), ("host", "late")])  # an empty first host: the local name
    assert bare["requestContext"]["domainName"] == "localhost:3333"
    assert bare["requestContext"]["http"]["userAgent"] == "" and "cookies" not in bare
