"""Build the Lambda events API Gateway sends for WebSocket routes ($connect, messages, $disconnect).

The gateway calls these for real sockets and `pyarc invoke ws` / `Sandbox.invoke("ws", ...)`
for a made-up one (`invoked_peer()`), so both deliver the same fields, stage, apiId and ids.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Protocol

from pyarc.sandbox.config import API_ID, WS_STAGE
from pyarc.sandbox.ids import aws_id, clf_time, now_ms


class Peer(Protocol):
    """What an event says about the client: a gateway `Connection` or an `InvokedPeer`."""

    @property
    def id(self) -> str: ...
    @property
    def connected_at(self) -> int: ...
    @property
    def source_ip(self) -> str: ...
    @property
    def user_agent(self) -> str: ...


@dataclass(frozen=True)
class InvokedPeer:
    """The client `pyarc invoke ws` pretends to be: a fresh connection from this machine."""

    id: str
    connected_at: int
    source_ip: str = "127.0.0.1"
    user_agent: str = "pyarc invoke"


def invoked_peer() -> InvokedPeer:
    return InvokedPeer(aws_id(), now_ms())


def invoked_event(route_key: str, body: str, domain: str) -> dict[str, Any]:
    """The event of `route_key` ($connect, $disconnect or a message route) for `pyarc invoke`."""
    peer = invoked_peer()
    if route_key == "$connect":
        headers = {"Host": domain, "User-Agent": peer.user_agent}
        headers, multi = handshake_headers(list(headers.items()), peer.source_ip, 0)
        return connect_event(peer, domain, headers, multi, [])
    if route_key == "$disconnect":
        return disconnect_event(peer, domain, 1005, "")  # the client closed without a code
    return message_event(peer, domain, route_key, body)

# API Gateway forwards handshake headers with their conventional spelling
_SPELLING = {"websocket": "WebSocket", "id": "ID"}


_CASED: dict[str, str] = {}  # every handshake sends the same few names: spelled once each
_CASED_MAX = 512  # names are the client's: past this many, spell the rest each time


def header_case(name: str) -> str:
    """`sec-websocket-key` -> `Sec-WebSocket-Key`, `x-forwarded-for` -> `X-Forwarded-For`."""
    cased = _CASED.get(name)
    if cased is None:
        parts = name.split("-")
        cased = "-".join(_SPELLING.get(part, part[:1].upper() + part[1:]) for part in parts)
        if len(_CASED) < _CASED_MAX:
            _CASED[name] = cased
    return cased


def _request_context(
    connection: Peer, route_key: str, event_type: str, domain: str
) -> dict[str, Any]:
    request_id = aws_id()
    epoch = now_ms()
    return {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": clf_time(epoch),
        "messageDirection": "IN",
        "stage": WS_STAGE,
        "connectedAt": connection.connected_at,
        "requestTimeEpoch": epoch,
        "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
        "requestId": request_id,
        "domainName": domain,
        "connectionId": connection.id,
        "apiId": API_ID,
    }


def handshake_headers(
    raw_headers: list[tuple[str, str]], source_ip: str, port: int
) -> tuple[dict[str, str], dict[str, list[str]]]:
    headers: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in raw_headers:
        key = header_case(name)
        headers[key] = f"{headers[key]},{value}" if key in headers else value
        multi.setdefault(key, []).append(value)
    forwarded = {"X-Forwarded-For": source_ip, "X-Forwarded-Port": str(port)}
    forwarded["X-Forwarded-Proto"] = "http"
    for key, value in forwarded.items():
        if key not in headers:
            headers[key] = value
            multi[key] = [value]
    return headers, multi


def connect_event(
    connection: Peer,
    domain: str,
    headers: dict[str, str],
    multi_headers: dict[str, list[str]],
    query: list[tuple[str, str]],
) -> dict[str, Any]:
    event: dict[str, Any] = {"headers": headers, "multiValueHeaders": multi_headers}
    if query:
        single: dict[str, str] = {}
        multi: dict[str, list[str]] = {}
        for key, value in query:
            single[key] = value
            multi.setdefault(key, []).append(value)
        event["queryStringParameters"] = single
        event["multiValueQueryStringParameters"] = multi
    event["requestContext"] = _request_context(connection, "$connect", "CONNECT", domain)
    event["isBase64Encoded"] = False
    return event


def message_event(
    connection: Peer, domain: str, route_key: str, frame: str | bytes
) -> dict[str, Any]:
    context = _request_context(connection, route_key, "MESSAGE", domain)
    context["messageId"] = aws_id()
    if isinstance(frame, bytes):
        body, is_base64 = base64.b64encode(frame).decode("ascii"), True
    else:
        body, is_base64 = frame, False
    return {"requestContext": context, "body": body, "isBase64Encoded": is_base64}


def disconnect_event(
    connection: Peer, domain: str, status_code: int, reason: str
) -> dict[str, Any]:
    context = _request_context(connection, "$disconnect", "DISCONNECT", domain)
    context["disconnectStatusCode"] = status_code
    context["disconnectReason"] = reason
    headers = {"Host": domain, "X-Forwarded-For": connection.source_ip}
    return {
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "requestContext": context,
        "isBase64Encoded": False,
    }
