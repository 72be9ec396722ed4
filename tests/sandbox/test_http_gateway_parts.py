"""The HTTP gateway's ASGI plumbing without a server: the body it reads and the messages
it sends are the ones starlette's Request and Response read and send."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from pyarc.sandbox.http_gateway import BodyTooLarge, _read_body, _to_response
from pyarc.sandbox.http_responses import HttpResponseParts


def sent(app: Any) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    async def receive() -> dict[str, Any]:
        raise AssertionError("a response reads nothing")

    asyncio.run(app({"type": "http"}, receive, send))
    return messages


def starlettes(parts: HttpResponseParts, request_id: str | None) -> Response:
    """The response as the gateway built it with starlette before."""
    response = Response(content=parts.body, status_code=parts.status)
    for name, value in parts.headers:
        if name.lower() in {"content-length", "transfer-encoding", "connection"}:
            continue
        try:
            encoded = value.encode("latin-1")
        except UnicodeEncodeError:
            encoded = value.encode("utf-8")
        response.raw_headers.append((name.lower().encode("latin-1"), encoded))
    if request_id is not None:
        response.raw_headers.append((b"apigw-requestid", request_id.encode("ascii")))
    return response


@pytest.mark.parametrize("status", [200, 201, 204, 304, 103, 404, 500])
@pytest.mark.parametrize("request_id", ["JKJaXmPLvHcESHA=", None])
def test_a_response_sends_what_starlette_sent(status: int, request_id: str | None) -> None:
    headers = [
        ("Content-Type", "text/plain"),
        ("Content-Length", "99"),  # the gateway counts the body itself
        ("Connection", "close"),
        ("X-Caf\u00e9", "cr\u00e8me"),
        ("x-emoji", "\u2603"),  # not latin-1: sent as UTF-8
        ("set-cookie", "a=1"),
        ("set-cookie", "b=2"),
    ]
    parts = HttpResponseParts(status, headers, b"hello")
    assert sent(_to_response(parts, request_id)) == sent(starlettes(parts, request_id))


def receiving(*messages: dict[str, Any]) -> Any:
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return receive


def scope(*headers: tuple[bytes, bytes]) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/", "headers": list(headers)}


def chunks(*bodies: bytes) -> list[dict[str, Any]]:
    return [
        {"type": "http.request", "body": body, "more_body": i < len(bodies) - 1}
        for i, body in enumerate(bodies)
    ]


def read(request_scope: dict[str, Any], messages: list[dict[str, Any]], limit: int) -> bytes:
    return asyncio.run(_read_body(request_scope, receiving(*messages), limit))


async def starlette_body(request_scope: dict[str, Any], messages: list[dict[str, Any]]) -> bytes:
    return await Request(request_scope, receiving(*messages)).body()


def test_the_body_is_read_in_chunks_up_to_the_limit() -> None:
    messages = chunks(b"ab", b"", b"cd", b"e")
    assert read(scope(), messages, 5) == b"abcde" == asyncio.run(starlette_body(scope(), messages))
    assert read(scope(), [{"type": "http.request"}], 5) == b""  # no body key: empty
    with pytest.raises(BodyTooLarge):
        read(scope(), chunks(b"abc", b"def"), 5)  # over the limit once the chunks add up


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    with pytest.raises(BodyTooLarge):
        read(scope((b"content-length", b"6")), [], 5)  # nothing is received
    # the first content-length counts, as Headers.get finds it; a non-number is ignored
    first = scope((b"content-length", b"3"), (b"content-length", b"600"))
    assert read(first, chunks(b"abc"), 5) == b"abc"
    assert read(scope((b"content-length", b"x")), chunks(b"abc"), 5) == b"abc"


def test_a_client_gone_mid_body_raises_starlettes_disconnect() -> None:
    messages = [*chunks(b"ab", b"cd")[:1], {"type": "http.disconnect"}]
    with pytest.raises(ClientDisconnect):
        read(scope(), messages, 10)
