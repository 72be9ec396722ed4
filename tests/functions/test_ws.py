"""ws.send / close / info / broadcast against moto (AWS side), a real management API server,
and a raw HTTP server that shows exactly what goes over the wire."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import botocore.auth
import pytest
from botocore.exceptions import ClientError

from pyarc.functions import _posting, ws

AWS_WSS = "wss://abc123.execute-api.us-east-1.amazonaws.com/staging"


def _moto_connection(connection_id: str):
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    return apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].connections[
        connection_id
    ]


@pytest.mark.usefixtures("moto_in_process")
def test_send_reaches_the_deployed_endpoint_derived_from_arc_wss_url(monkeypatch):
    monkeypatch.setenv("ARC_WSS_URL", AWS_WSS)
    # (moto keeps ids URL-encoded, so this id avoids "="; the wire test below uses one)
    ws.send("conn-1", {"hello": "world", "n": [1, 2]})
    ws.send("conn-1", "plain text")
    ws.send("conn-1", b"\x00\x01binary")
    data = _moto_connection("conn-1").data
    assert data == b'{"hello":"world","n":[1,2]}' + b"plain text" + b"\x00\x01binary"


@pytest.mark.usefixtures("moto_in_process")
def test_info_and_close_on_aws(monkeypatch):
    monkeypatch.setenv("ARC_WSS_URL", AWS_WSS)
    ws.send("conn-2", "x")
    found = ws.info("conn-2")
    assert isinstance(found["ConnectedAt"], datetime)
    assert found["Identity"]["SourceIp"]
    assert "ResponseMetadata" not in found
    ws.close("conn-2")
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    backend = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    assert "conn-2" not in backend.connections


def test_send_json_text_and_bytes_over_the_wire(management):
    management.open.add("L0SM9cOFvHcCIhw=")
    for payload in ({"direction": "left"}, [1, "two"], "héllo", b"\xff\x00"):
        ws.send("L0SM9cOFvHcCIhw=", payload)
    assert management.received["L0SM9cOFvHcCIhw="] == [
        b'{"direction":"left"}',
        b'[1,"two"]',
        "héllo".encode(),
        b"\xff\x00",
    ]
    assert json.loads(management.received["L0SM9cOFvHcCIhw="][0]) == {"direction": "left"}


def test_gone_connection_raises_gone_error_for_every_call(management):
    for call in (
        lambda: ws.send("ghost", "x"),
        lambda: ws.close("ghost"),
        lambda: ws.info("ghost"),
    ):
        with pytest.raises(ws.GoneError) as caught:
            call()
        assert caught.value.connection_id == "ghost"
        assert "ghost" in str(caught.value)
        assert isinstance(caught.value.__cause__, ClientError)
        assert caught.value.__cause__.response["Error"]["Code"] == "GoneException"


def test_info_over_the_wire_parses_timestamps(management):
    management.open.add("b")
    found = ws.info("b")
    assert found["ConnectedAt"].isoformat().startswith("2026-11-25T18:30:00")
    assert found["LastActiveAt"] > found["ConnectedAt"]
    assert found["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "pytest"}


def test_close_then_send_is_gone(management):
    management.open.add("c")
    ws.close("c")
    with pytest.raises(ws.GoneError):
        ws.send("c", "after close")


def test_broadcast_returns_exactly_the_gone_ids(management):
    live = [f"live-{i}" for i in range(40)]
    gone = [f"gone-{i}" for i in range(7)]
    management.open.update(live)
    ids = [x for pair in zip(live, gone + [None] * 40, strict=False) for x in pair if x]
    result = ws.broadcast(ids, {"state": "new"})
    assert sorted(result) == sorted(gone)
    assert {cid: management.received.get(cid) for cid in live} == {
        cid: [b'{"state":"new"}'] for cid in live
    }


def test_broadcast_of_nothing_and_of_one(management):
    assert ws.broadcast([], "x") == []
    management.open.add("solo")
    assert ws.broadcast(["solo", "solo"], "x") == []
    assert management.received["solo"] == [b"x"]  # duplicates are sent once


def test_broadcast_raises_other_errors_after_trying_everyone(management):
    management.open.update({"ok-1", "ok-2", "big"})
    management.too_large.add("big")
    with pytest.raises(ClientError) as caught:
        ws.broadcast(["ok-1", "big", "gone", "ok-2"], "payload")
    assert caught.value.response["Error"]["Code"] == "PayloadTooLargeException"
    assert management.received["ok-1"] == [b"payload"]
    assert management.received["ok-2"] == [b"payload"]


def test_missing_arc_wss_url_is_a_clear_error():
    from pyarc.functions import ConfigurationError

    with pytest.raises(ConfigurationError, match="ARC_WSS_URL is not set"):
        ws.send("x", "y")


# --- the fast path: the same request boto3 sends, over kept-alive connections -----------


@dataclass
class Seen:
    """One request as the raw server read it."""

    client_port: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    names: list[str]  # every header name as sent, in order (repeats kept)


def _close_gracefully(connection: socket.socket) -> None:
    """Half-close, then read until the client hangs up (RFC 9112 9.6).

    Closing with unread pipelined requests in the buffer makes the kernel send a RST,
    which can discard answers already sent but not yet read by the client.
    """
    connection.shutdown(socket.SHUT_WR)
    connection.settimeout(5)
    try:
        while connection.recv(65536):
            pass
    except OSError:
        pass


class RawHttpServer:
    """A plain HTTP/1.1 server on a real socket, a thread per connection.

    Every request is recorded; the answer is the next one scripted for its path in
    `script` (raw response bytes, or None to close the connection without answering),
    else `200` with an empty body. A scripted answer holding `Connection: close` closes
    the connection after it is sent.
    """

    OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n"

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.seen: list[Seen] = []
        self.script: dict[str, list[bytes | None]] = {}
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, address = self.listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(connection, address), daemon=True)
            thread.start()

    def _serve(self, connection: socket.socket, address: tuple[str, int]) -> None:
        with connection:
            data = b""
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                request_line, *lines = head.decode("latin-1").split("\r\n")
                method, path, _ = request_line.split(" ")
                headers, names = {}, []
                for line in lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                    names.append(name.strip().lower())
                length = int(headers.get("content-length", "0"))
                while len(data) < length:
                    data += connection.recv(65536)
                body, data = data[:length], data[length:]
                with self.lock:
                    self.seen.append(Seen(address[1], method, path, headers, body, names))
                    planned = self.script.get(path, [])
                    answer = planned.pop(0) if planned else self.OK
                if answer is None:
                    return _close_gracefully(connection)
                connection.sendall(answer)
                if b"connection: close" in answer.lower():
                    return _close_gracefully(connection)

    def paths(self) -> list[str]:
        with self.lock:
            return [seen.path for seen in self.seen]


@pytest.fixture
def raw_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[RawHttpServer]:
    server = RawHttpServer()
    monkeypatch.setenv("ARC_WSS_URL", f"ws://127.0.0.1:{server.port}/staging")
    yield server
    server.close()


def _boto3_client(endpoint: str):
    import boto3

    return boto3.session.Session(region_name="us-east-1").client(
        "apigatewaymanagementapi", endpoint_url=endpoint
    )


@pytest.mark.parametrize("token", [None, "session-token-from-lambda"])
def test_send_is_byte_for_byte_the_request_boto3_signs(raw_server, monkeypatch, token):
    if token:
        monkeypatch.setenv("AWS_SESSION_TOKEN", token)
    frozen = datetime(2026, 11, 25, 18, 30, 0, tzinfo=UTC)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: frozen)
    connection_id = "L0SM9c/OFvH+cCIhw="
    _boto3_client(f"http://127.0.0.1:{raw_server.port}/staging").post_to_connection(
        ConnectionId=connection_id, Data=b'{"hello":"world"}'
    )
    ws.send(connection_id, {"hello": "world"})

    by_boto3, fast = raw_server.seen
    assert fast.method == by_boto3.method == "POST"
    assert fast.path == by_boto3.path == "/staging/@connections/L0SM9c%2FOFvH%2BcCIhw%3D"
    assert fast.body == by_boto3.body
    for header in ("host", "x-amz-date", "authorization", "content-length"):
        assert fast.headers[header] == by_boto3.headers[header], header
    assert fast.headers.get("x-amz-security-token") == by_boto3.headers.get("x-amz-security-token")
    assert ("x-amz-security-token" in fast.headers) == bool(token)
    assert "SignedHeaders=host;x-amz-date" in fast.headers["authorization"]
    # each header once, as boto3 sends them: llhttp (uvicorn's httptools) rejects a repeat
    assert sorted(fast.names) == sorted(set(fast.names))
    assert sorted(by_boto3.names) == sorted(set(by_boto3.names))


def test_a_broadcast_to_a_plain_http_endpoint_is_pipelined_on_one_kept_alive_connection(
    raw_server,
):
    ids = [f"conn-{i}" for i in range(60)]
    for _ in range(3):
        assert ws.broadcast(ids, "tick") == []
    assert sorted(raw_server.paths()) == sorted(f"/staging/@connections/{i}" for i in ids * 3)
    ports = {seen.client_port for seen in raw_server.seen}
    assert len(ports) == 1


def test_a_pipelined_broadcast_the_server_cuts_short_reaches_everyone_once(raw_server):
    ids = [f"conn-{i}" for i in range(3 * _posting.PIPELINE_WINDOW)]
    closing = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    raw_server.script["/staging/@connections/conn-3"] = [closing]  # unread ones are lost
    assert ws.broadcast(ids, "tick") == []
    assert sorted(raw_server.paths()) == sorted(f"/staging/@connections/{i}" for i in ids)
    assert len({seen.client_port for seen in raw_server.seen}) > 1  # the rest: new connections


def test_a_connection_the_server_closes_is_replaced(raw_server):
    closing = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    raw_server.script["/staging/@connections/a"] = [closing]
    ws.send("a", "1")  # the server closes this connection after answering
    ws.send("b", "2")
    ws.send("c", "3")
    assert raw_server.paths() == [f"/staging/@connections/{x}" for x in "abc"]
    first, second, third = raw_server.seen
    assert first.client_port != second.client_port == third.client_port


def test_throttling_server_errors_and_dropped_connections_are_retried_by_botocore(raw_server):
    throttled = (
        b"HTTP/1.1 429 Too Many Requests\r\nx-amzn-ErrorType: LimitExceededException\r\n"
        b"Content-Length: 2\r\n\r\n{}"
    )
    unavailable = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
    raw_server.script["/staging/@connections/slow"] = [throttled]
    raw_server.script["/staging/@connections/busy"] = [unavailable, unavailable]
    raw_server.script["/staging/@connections/flaky"] = [None]  # closed without an answer
    assert ws.broadcast(["slow", "busy", "flaky", "fine"], "x") == []
    attempts = {
        p: raw_server.paths().count(f"/staging/@connections/{p}")
        for p in ("slow", "busy", "flaky", "fine")
    }
    assert attempts == {"slow": 2, "busy": 3, "flaky": 2, "fine": 1}


def test_errors_are_the_exceptions_boto3_raises(raw_server):
    too_large = (
        b"HTTP/1.1 413 Payload Too Large\r\nx-amzn-ErrorType: PayloadTooLargeException\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
        b'1b\r\n{"message": "Message too lo\r\n6\r\nng"}  \r\n0\r\n\r\n'
    )
    forbidden = (
        b"HTTP/1.1 403 Forbidden\r\nx-amzn-ErrorType: ForbiddenException\r\n"
        b'Content-Length: 13\r\n\r\n{"message":1}'
    )
    client = _boto3_client(f"http://127.0.0.1:{raw_server.port}/staging")
    for answer in (too_large, forbidden):
        raw_server.script["/staging/@connections/x"] = [answer, answer]
        with pytest.raises(ClientError) as by_boto3:
            client.post_to_connection(ConnectionId="x", Data=b"payload")
        with pytest.raises(ClientError) as fast:
            ws.send("x", "payload")
        name = type(by_boto3.value).__name__
        assert type(fast.value).__name__ == name  # the modeled class, not a bare ClientError
        assert isinstance(fast.value, ws._management().exceptions.from_code(name))
        assert fast.value.response["Error"] == by_boto3.value.response["Error"]
        assert fast.value.operation_name == "PostToConnection"
    assert type(fast.value).__name__ == "ForbiddenException"


@pytest.mark.usefixtures("moto_in_process")
def test_broadcast_on_aws_goes_through_botocore_hooks(monkeypatch):
    monkeypatch.setenv("ARC_WSS_URL", AWS_WSS)
    ws.send("conn-a", "first")  # moto creates connections on first contact
    assert ws.broadcast(["conn-a", "conn-b"], {"n": 1}) == []
    assert _moto_connection("conn-a").data == b'first{"n":1}'
    assert _moto_connection("conn-b").data == b'{"n":1}'


@pytest.mark.parametrize("token", [None, "session-token"])
@pytest.mark.parametrize("body", [b"", b"tick", "héllo".encode()])
def test_the_post_signer_signs_as_botocore_sigv4auth_does(monkeypatch, token, body):
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import ReadOnlyCredentials

    from pyarc.functions._signing import PostSigner

    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: datetime(2026, 1, 2, 3, 4, 5))
    credentials = ReadOnlyCredentials("AKIDEXAMPLE", "secret/key+x", token)
    host, path = "abc.execute-api.eu-west-1.amazonaws.com", "/prod/@connections/a%2Fb%2Bc%3D"
    request = AWSRequest("POST", f"https://{host}{path}", data=body, headers={"Host": host})
    botocore.auth.SigV4Auth(credentials, "execute-api", "eu-west-1").add_auth(request)
    signer = PostSigner(credentials, "execute-api", "eu-west-1")
    for _ in range(2):  # the second from the cached signing key
        ours = signer.headers(host, path, body)
        assert {name: request.headers.get(name) for name in ours} == ours
    assert ("X-Amz-Security-Token" in ours) == bool(token)


def _as_sandbox(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """What pyarc's sandbox tells its handlers: ARC_SANDBOX naming the endpoint's port."""
    monkeypatch.setenv("ARC_SANDBOX", json.dumps({"pyarc": "0", "ports": {"http": port}}))


def _batch_answer(failures: list) -> bytes:
    body = json.dumps({"failures": failures}).encode()
    head = f"HTTP/1.1 200 OK\r\nx-pyarc-broadcast: 1\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def _failure(index: int, status: int, error_type: str, message: str) -> list:
    headers = {"content-type": "application/json", "x-amzn-ErrorType": error_type}
    return [index, status, headers, json.dumps({"message": message})]


def test_a_broadcast_to_the_sandbox_is_one_request_whose_failures_are_boto3s(
    raw_server, monkeypatch
):
    _as_sandbox(monkeypatch, raw_server.port)
    raw_server.script[_posting.BATCH_PATH] = [
        _batch_answer([_failure(1, 410, "GoneException", "Connection b is gone.")]),
        _batch_answer(
            [_failure(i, 413, "PayloadTooLargeException", "Message too long") for i in (0, 1)]
        ),
    ]
    assert ws.broadcast(["a", "b", "c", "a"], {"n": 1}) == ["b"]
    (seen,) = raw_server.seen
    assert (seen.method, seen.path) == ("POST", _posting.BATCH_PATH)
    assert seen.body == b'["a", "b", "c"]\n{"n":1}'
    with pytest.raises(ClientError) as caught:
        ws.broadcast(["a", "b"], "big")
    assert caught.value.response["Error"]["Code"] == "PayloadTooLargeException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert raw_server.paths() == [_posting.BATCH_PATH] * 2


def test_an_endpoint_that_does_not_answer_as_the_sandbox_gets_the_posts(raw_server, monkeypatch):
    _as_sandbox(monkeypatch, raw_server.port)
    raw_server.script[_posting.BATCH_PATH] = [
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    ]
    assert ws.broadcast(["a", "b"], "x") == []
    assert ws.broadcast(["c"], "x") == []  # not asked again
    assert raw_server.paths() == [
        _posting.BATCH_PATH,
        "/staging/@connections/a",
        "/staging/@connections/b",
        "/staging/@connections/c",
    ]


def test_ids_a_post_cannot_name_and_before_send_handlers_get_the_posts(raw_server, monkeypatch):
    _as_sandbox(monkeypatch, raw_server.port)
    assert ws.broadcast(["a/b", "c"], "x") == []
    seen_by_hook: list[str] = []

    def hook(request, **_):
        seen_by_hook.append(request.url)

    events = ws._management().meta.events
    events.register("before-send.apigatewaymanagementapi", hook)
    try:
        assert ws.broadcast(["d"], "x") == []
    finally:
        events.unregister("before-send.apigatewaymanagementapi", hook)
    assert raw_server.paths() == [
        "/staging/@connections/a%2Fb",
        "/staging/@connections/c",
        "/staging/@connections/d",
    ]
    assert seen_by_hook == [f"http://127.0.0.1:{raw_server.port}/staging/@connections/d"]
