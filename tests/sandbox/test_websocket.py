"""The WebSocket gateway and Management API against a real sandbox and real clients."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
from datetime import datetime

import httpx
import pytest
import websockets
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from pyarc.testing import Sandbox, wait_until


def management(sandbox: Sandbox):
    return sandbox.client("apigatewaymanagementapi")


async def whoami(ws) -> str:
    await ws.send(json.dumps({"action": "whoami"}))
    return await ws.recv()


def test_connect_rejection_uses_the_handler_status(sandbox: Sandbox) -> None:
    async def attempt(query: str) -> int:
        with pytest.raises(InvalidStatus) as caught:
            async with connect(f"{sandbox.ws_url}/?{query}"):
                pass
        return caught.value.response.status_code

    logged: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())  # type: ignore[method-assign]
    uvicorn_errors = logging.getLogger("uvicorn.error")
    uvicorn_errors.addHandler(handler)
    try:
        assert asyncio.run(attempt("reject=403")) == 403
        assert asyncio.run(attempt("reject=401")) == 401
        assert asyncio.run(attempt("crash=1")) == 500
    finally:
        uvicorn_errors.removeHandler(handler)
    # a denied handshake is not an error in the console
    assert not [line for line in logged if "handshake" in line]


def test_connect_event_fields(sandbox: Sandbox, disconnects) -> None:
    async def scenario() -> str:
        async with connect(f"{sandbox.ws_url}/chat?room=1", user_agent_header="pyarc-test") as ws:
            return await whoami(ws)

    connection_id = asyncio.run(scenario())
    event = disconnects.wait_for(connection_id, "CONNECT")
    context = event["requestContext"]
    assert context["routeKey"] == "$connect" and context["eventType"] == "CONNECT"
    assert context["messageDirection"] == "IN" and context["stage"] == "testing"
    assert context["identity"] == {"sourceIp": "127.0.0.1", "userAgent": "pyarc-test"}
    assert context["connectedAt"] == context["requestTimeEpoch"] or context["connectedAt"] > 0
    assert event["queryStringParameters"] == {"room": "1"}
    assert event["multiValueQueryStringParameters"] == {"room": ["1"]}
    assert event["headers"]["Sec-WebSocket-Version"] == "13"
    assert event["headers"]["Host"] == f"127.0.0.1:{sandbox.port}"
    assert event["multiValueHeaders"]["Sec-WebSocket-Key"] == [
        event["headers"]["Sec-WebSocket-Key"]
    ]


def test_route_selection_by_action(sandbox: Sandbox) -> None:
    async def scenario() -> list[str]:
        async with connect(sandbox.ws_url) as ws:
            replies = [await whoami(ws)]
            for frame in ("plain text", '{"action": "nothing-here"}', '{"action": "$connect"}'):
                await ws.send(frame)
                replies.append(await ws.recv())
            return replies

    connection_id, *echoes = asyncio.run(scenario())
    assert len(connection_id) == 16 and connection_id.endswith("=")
    assert echoes == [
        "echo:plain text",
        'echo:{"action": "nothing-here"}',
        'echo:{"action": "$connect"}',
    ]


def test_message_event_fields_and_binary_frames(sandbox: Sandbox) -> None:
    async def scenario() -> tuple[dict, str, str]:
        async with connect(sandbox.ws_url) as ws:
            connection_id = await whoami(ws)
            await ws.send(json.dumps({"action": "inspect"}))
            event = json.loads(await ws.recv())
            await ws.send(b"\x00\x01\xff")
            return event, await ws.recv(), connection_id

    event, binary_reply, connection_id = asyncio.run(scenario())
    context = event["requestContext"]
    assert context["routeKey"] == "inspect"  # custom routes carry no `$`
    assert context["eventType"] == "MESSAGE"
    assert context["connectionId"] == connection_id
    assert context["apiId"] and context["messageId"] and context["requestId"]
    assert context["domainName"] == f"127.0.0.1:{sandbox.port}"
    assert context["requestTimeEpoch"] >= context["connectedAt"] > 1_600_000_000_000
    assert event["body"] == '{"action": "inspect"}' and event["isBase64Encoded"] is False
    assert binary_reply == "b64:" + base64.b64encode(b"\x00\x01\xff").decode()


def test_messages_on_one_connection_are_handled_in_order(sandbox: Sandbox) -> None:
    async def scenario() -> list[str]:
        async with connect(sandbox.ws_url) as ws:
            for n in range(40):
                await ws.send(f"m{n}")
            return [await ws.recv() for _ in range(40)]

    assert asyncio.run(scenario()) == [f"echo:m{n}" for n in range(40)]


def test_management_api_post_get_and_gone_after_leaving(sandbox: Sandbox, disconnects) -> None:
    client = management(sandbox)

    async def scenario() -> tuple[str, str]:
        async with connect(sandbox.ws_url) as ws:
            connection_id = await whoami(ws)
            await asyncio.to_thread(
                client.post_to_connection, ConnectionId=connection_id, Data=b"pushed"
            )
            return connection_id, await ws.recv()

    connection_id, pushed = asyncio.run(scenario())
    assert pushed == "pushed"

    def gone() -> bool:
        try:
            client.get_connection(ConnectionId=connection_id)
        except client.exceptions.GoneException:
            return True
        return False

    wait_until(gone, 10, "GoneException after the client left")
    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId=connection_id, Data=b"late")
    with pytest.raises(client.exceptions.GoneException):
        client.delete_connection(ConnectionId=connection_id)
    event = disconnects.wait_for(connection_id)
    assert event["requestContext"]["disconnectStatusCode"] == 1000
    assert event["requestContext"]["routeKey"] == "$disconnect"


def test_get_connection_and_alternative_paths(sandbox: Sandbox) -> None:
    client = management(sandbox)

    async def scenario() -> tuple[dict, list[int], str]:
        async with connect(sandbox.ws_url, user_agent_header="agent/1") as ws:
            connection_id = await whoami(ws)
            info = await asyncio.to_thread(client.get_connection, ConnectionId=connection_id)
            statuses = []
            async with httpx.AsyncClient(base_url=sandbox.url) as http:
                for prefix in ("/testing", "/_arc/ws", "/anystage"):
                    url = f"{prefix}/@connections/{connection_id}"
                    statuses.append(
                        (await http.post(url, content=b"via " + prefix.encode())).status_code
                    )
            received = [await ws.recv() for _ in range(3)]
            return info, statuses, ",".join(received)

    info, statuses, received = asyncio.run(scenario())
    assert isinstance(info["ConnectedAt"], datetime)
    assert info["LastActiveAt"] >= info["ConnectedAt"]
    assert info["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "agent/1"}
    assert statuses == [200, 200, 200]
    assert received == "via /testing,via /_arc/ws,via /anystage"


def test_delete_connection_closes_and_runs_disconnect(sandbox: Sandbox, disconnects) -> None:
    client = management(sandbox)

    async def scenario() -> tuple[str, int]:
        async with connect(sandbox.ws_url) as ws:
            connection_id = await whoami(ws)
            connected_at = await asyncio.to_thread(
                client.get_connection, ConnectionId=connection_id
            )
            await asyncio.to_thread(client.delete_connection, ConnectionId=connection_id)
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            assert connected_at
            return connection_id, ws.close_code

    connection_id, code = asyncio.run(scenario())
    assert code == 1000
    connect_event = disconnects.wait_for(connection_id, "CONNECT")
    event = disconnects.wait_for(connection_id)
    assert event["requestContext"]["eventType"] == "DISCONNECT"
    assert event["requestContext"]["connectedAt"] == connect_event["requestContext"]["connectedAt"]
    assert event["requestContext"]["disconnectReason"]


def test_post_over_128_kb_raises_payload_too_large(sandbox: Sandbox) -> None:
    client = management(sandbox)

    async def scenario() -> None:
        async with connect(sandbox.ws_url) as ws:
            connection_id = await whoami(ws)
            with pytest.raises(client.exceptions.PayloadTooLargeException):
                await asyncio.to_thread(
                    client.post_to_connection,
                    ConnectionId=connection_id,
                    Data=b"x" * (128 * 1024 + 1),
                )
            await asyncio.to_thread(
                client.post_to_connection, ConnectionId=connection_id, Data=b"x" * (128 * 1024)
            )
            assert len(await ws.recv()) == 128 * 1024

    asyncio.run(scenario())


# API Gateway: frames of at most 32 KB, messages of at most 128 KB, else close code 1009
# (AWS's WebSocket quotas page). AWS does not document the close reason: "Message too big"
# is RFC 6455's name for 1009, not verified against API Gateway.
FRAME_LIMIT, MESSAGE_LIMIT = 32 * 1024, 128 * 1024


async def _send_until_closed(url: str, message: str | list[str]) -> tuple[str, int | None, str | None]:
    async with connect(url, max_size=None) as ws:
        connection_id = await whoami(ws)
        await ws.send(message if isinstance(message, str) else iter(message))
        with pytest.raises(ConnectionClosed):
            await ws.recv()
        return connection_id, ws.close_code, ws.close_reason


@pytest.mark.parametrize("message", [
    "y" * (MESSAGE_LIMIT + 1),  # one frame over both limits
    "y" * (FRAME_LIMIT + 1),  # a small message in one frame over 32 KB
    ["y" * FRAME_LIMIT] * 4 + ["y"],  # fragments of 32 KB, one byte over 128 KB in all
], ids=["message-over-128-kb", "frame-over-32-kb", "fragments-over-128-kb"])
def test_oversized_client_message_closes_with_1009(sandbox: Sandbox, disconnects, message) -> None:
    connection_id, code, reason = asyncio.run(_send_until_closed(sandbox.ws_url, message))
    assert (code, reason) == (1009, "Message too big")
    context = disconnects.wait_for(connection_id)["requestContext"]
    assert context["disconnectStatusCode"] == 1009
    assert httpx.get(sandbox.url + "/").text == "home"


def test_a_128_kb_message_in_32_kb_fragments_is_delivered(sandbox: Sandbox) -> None:
    text = json.dumps({"action": "whoami", "pad": ""})
    text = text[:-2] + "y" * (MESSAGE_LIMIT - len(text)) + text[-2:]
    fragments = [text[i : i + FRAME_LIMIT] for i in range(0, MESSAGE_LIMIT, FRAME_LIMIT)]
    assert len(text) == MESSAGE_LIMIT and max(map(len, fragments)) == FRAME_LIMIT

    async def scenario() -> tuple[str, str]:
        async with connect(sandbox.ws_url, max_size=None) as ws:
            own_id = await whoami(ws)
            await ws.send(iter(fragments))
            return own_id, await ws.recv()

    own_id, answer = asyncio.run(scenario())
    assert answer == own_id  # whoami ran: the whole message arrived as one


def _handshake(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        b"GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(4096)
    assert response.startswith(b"HTTP/1.1 101")
    return sock


@pytest.mark.parametrize(
    ("frame", "expected_code"),
    [
        (b"\x81\x85\x00\x00\x00\x00\xff\xfe\xfd\xfc\xfb", 1007),  # invalid UTF-8 text
        (b"\x83\x80\x00\x00\x00\x00", 1002),  # reserved opcode
        (b"\x81\x05hello", 1002),  # client frame without a mask
    ],
)
def test_malformed_frames_close_the_socket_not_the_server(
    sandbox: Sandbox, frame: bytes, expected_code: int
) -> None:
    before = sandbox.connection_count
    with _handshake(sandbox.port) as sock:
        sock.sendall(frame)
        data = b""
        while len(data) < 4:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    assert data[0] == 0x88  # a close frame
    assert int.from_bytes(data[2:4], "big") == expected_code
    wait_until(lambda: sandbox.connection_count <= before, 10, "the registry to drop the socket")
    assert httpx.get(sandbox.url + "/").text == "home"


def test_idle_timeout_closes_with_1001(gateway_app_dir, disconnects) -> None:
    with Sandbox(gateway_app_dir, watch=False, ws_idle_timeout=0.3) as sb:

        async def scenario() -> tuple[str, int | None]:
            async with connect(sb.ws_url) as ws:
                connection_id = await whoami(ws)
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(ws.recv(), 10)
                return connection_id, ws.close_code

        connection_id, code = asyncio.run(scenario())
    assert code == 1001
    assert disconnects.wait_for(connection_id)["requestContext"]["disconnectStatusCode"] == 1001


def test_the_maximum_lifetime_closes_with_1001_however_busy(gateway_app_dir, disconnects) -> None:
    with Sandbox(gateway_app_dir, watch=False, ws_max_lifetime=0.5) as sb:

        async def scenario() -> tuple[str, int | None, str | None]:
            async with connect(sb.ws_url) as ws:
                connection_id = await whoami(ws)
                with pytest.raises(ConnectionClosed):
                    for _ in range(1000):  # activity does not move this deadline
                        await asyncio.wait_for(whoami(ws), 10)
                        await asyncio.sleep(0.02)
                return connection_id, ws.close_code, ws.close_reason

        connection_id, code, reason = asyncio.run(scenario())
    assert (code, reason) == (1001, "Connection duration limit reached")
    context = disconnects.wait_for(connection_id)["requestContext"]
    assert (context["disconnectStatusCode"], context["disconnectReason"]) == (1001, reason)


def test_200_connections_each_receive_a_broadcast(sandbox: Sandbox) -> None:
    async def scenario() -> list[str]:
        clients = await asyncio.gather(*(connect(sandbox.ws_url) for _ in range(200)))
        try:
            ids = await asyncio.gather(*(whoami(ws) for ws in clients))
            assert len(set(ids)) == 200
            await clients[0].send(
                json.dumps({"action": "broadcast", "ids": ids, "message": "hello all"})
            )
            return await asyncio.gather(*(asyncio.wait_for(ws.recv(), 30) for ws in clients))
        finally:
            await asyncio.gather(*(ws.close() for ws in clients))

    received = asyncio.run(scenario())
    assert received == ["hello all"] * 200
    assert websockets.__version__  # the real `websockets` client library drove this


def test_selection_edge_cases_fall_back_to_default(sandbox: Sandbox) -> None:
    """Only a text frame holding a JSON object whose `action` is a string naming a
    declared route selects that route; everything else goes to `$default`."""
    frames: list[str | bytes] = [
        '{"action": 5}',
        '["whoami"]',
        '{"action": {"name": "whoami"}}',
        '{"action": "WHOAMI"}',
        b'{"action": "whoami"}',  # binary frames are never parsed for the action
    ]

    async def scenario() -> list[str]:
        async with connect(sandbox.ws_url) as ws:
            replies = []
            for frame in frames:
                await ws.send(frame)
                replies.append(await ws.recv())
            return replies

    replies = asyncio.run(scenario())
    assert replies[:4] == [f"echo:{frame}" for frame in frames[:4]]
    assert replies[4] == "b64:" + base64.b64encode(b'{"action": "whoami"}').decode()


POST_DURING_CONNECT = """
import boto3

client = boto3.client("apigatewaymanagementapi")

def handler(event, context):
    connection_id = event["requestContext"]["connectionId"]
    try:
        client.post_to_connection(ConnectionId=connection_id, Data=b"too early")
    except client.exceptions.GoneException:
        return {"statusCode": 200}  # what AWS answers until the handshake completes
    return {"statusCode": 409}
"""


def test_post_to_a_connection_during_its_connect_is_gone(tmp_path) -> None:
    app = tmp_path / "early"
    (app / "src/ws/connect").mkdir(parents=True)
    (app / "app.arc").write_text("@app\nearly\n\n@ws\n")
    (app / "src/ws/connect/lambda.py").write_text(POST_DURING_CONNECT)
    (app / "src/ws/default").mkdir(parents=True)
    (app / "src/ws/default/lambda.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'open'}\n"
    )

    async def scenario(url: str) -> str:
        async with connect(url) as ws:  # a 409 from $connect would refuse the handshake
            await ws.send("hello")
            return await ws.recv()

    with Sandbox(app, watch=False) as sb:
        assert asyncio.run(scenario(sb.ws_url)) == "open"


SOCKET_APP = {
    "app.arc": "@app\ninvoked-vs-socket\n\n@ws\n",
    "src/ws/connect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    "src/ws/disconnect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    "src/ws/default/lambda.py": (
        "import json\n\n"
        "def handler(event, context):\n"
        "    print('EVENT ' + json.dumps(event))\n"
        "    return {'statusCode': 200}\n"
    ),
}
AWS_ID = r"[A-Za-z0-9]{15}="  # API Gateway's connection, request and message ids


def test_pyarc_invoke_ws_sends_what_a_real_socket_sends(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import re

    for name, text in SOCKET_APP.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    def events(sb: Sandbox) -> list[dict]:
        return [json.loads(line[6:]) for line in sb.output() if line.startswith("EVENT ")]

    def invocations(sb: Sandbox) -> list[str]:  # `ws $default 200` of each console line
        assert sb.server is not None
        lines = sb.server.log.recent_lines()[1]
        return [" ".join(line.split()[1:4]) for line in lines if " ws " in line]

    with Sandbox(tmp_path, quiet=False) as sb:

        async def send_one() -> None:
            async with connect(sb.ws_url) as ws:
                await ws.send("hello")
                wait_until(lambda: len(events(sb)) == 1)

        asyncio.run(send_one())
        assert sb.invoke("ws", "default", "hello")["ok"]
        wait_until(lambda: len(events(sb)) == 2)
        real, invoked = (event["requestContext"] for event in events(sb))
        real_line, invoked_line = (line for line in invocations(sb) if "$connect" not in line)

    assert real_line == invoked_line == "ws $default 200"  # invoke logs what a frame logs

    assert sorted(invoked) == sorted(real)
    for key in ("stage", "apiId", "routeKey", "eventType", "messageDirection", "domainName"):
        assert invoked[key] == real[key], key
    for key in ("connectionId", "requestId", "extendedRequestId", "messageId"):
        assert re.fullmatch(AWS_ID, real[key]) and re.fullmatch(AWS_ID, invoked[key]), key
    assert type(invoked["connectedAt"]) is int and type(invoked["requestTimeEpoch"]) is int


def test_the_sandbox_broadcast_route_answers_as_each_post_would(sandbox: Sandbox) -> None:
    # sandbox only (docs/sandbox.md, "Broadcasts"): ws.broadcast's one request
    async def scenario() -> None:
        async with connect(sandbox.ws_url) as first, connect(sandbox.ws_url) as second:
            ids = [await whoami(first), "ghost", await whoami(second)]
            url = f"{sandbox.url.rstrip('/')}/_arc/ws/@broadcast"
            async with httpx.AsyncClient() as client:
                sent = await client.post(url, content=json.dumps(ids).encode() + b"\nhi \xc3\xa9")
                big = await client.post(url, content=b'["x"]\n' + b"x" * (128 * 1024 + 1))
            assert sent.status_code == 200 and sent.headers["x-pyarc-broadcast"] == "1"
            (failure,) = sent.json()["failures"]
            index, status, headers, body = failure
            assert (index, status, headers["x-amzn-errortype"]) == (1, 410, "GoneException")
            assert json.loads(body) == {"message": "Connection ghost is gone."}
            assert [await first.recv(), await second.recv()] == ["hi é", "hi é"]
            (failure,) = big.json()["failures"]
            assert failure[:2] == [0, 413]
            assert failure[2]["x-amzn-errortype"] == "PayloadTooLargeException"

    asyncio.run(scenario())


def test_ws_broadcast_in_the_sandbox_returns_the_gone_ids_and_raises_too_large(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from pyarc.functions import _posting, ws
    from pyarc.sandbox import management_api

    for name, value in sandbox.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ARC_SANDBOX", json.dumps({"pyarc": "0", "ports": {"http": sandbox.port}}))

    async def scenario() -> None:
        async with connect(sandbox.ws_url) as first, connect(sandbox.ws_url) as second:
            ids = [await whoami(first), "ghost", await whoami(second)]
            assert await asyncio.to_thread(ws.broadcast, ids, {"n": 1}) == ["ghost"]
            assert [await first.recv(), await second.recv()] == ['{"n":1}'] * 2
            with pytest.raises(ClientError) as caught:
                await asyncio.to_thread(ws.broadcast, ids, "x" * (128 * 1024 + 1))
            assert caught.value.response["Error"]["Code"] == "PayloadTooLargeException"
            assert ws._poster().batched  # it went as one request, and will again

    asyncio.run(scenario())
    # the handler side keeps its own copy (pyarc.functions may not import the sandbox)
    assert (_posting.BATCH_PATH, _posting.BATCH_MARK.encode()) == (
        management_api.BROADCAST_PATH, management_api.BROADCAST_MARK[0]
    )
