"""Build the Lambda events API Gateway sends for WebSocket routes ($connect, messages, $disconnect)."""

from __future__ import annotations

import base64
from typing import Any

from pyarc.sandbox.config import API_ID, WS_STAGE
from pyarc.sandbox.connections import Connection
from pyarc.sandbox.ids import aws_id, clf_time, now_ms

# API Gateway forwards handshake headers with their conventional spelling
_SPELLING = {"websocket": "WebSocket", "id": "ID"}


def header_case(name: str) -> str:
    """`sec-websocket-key` -> `Sec-WebSocket-Key`, `x-forwarded-for` -> `X-Forwarded-For`."""
    return "-".join(_SPELLING.get(part, part[:1].upper() + part[1:]) for part in name.split("-"))


def _request_context(
    connection: Connection, route_key: str, event_type: str, domain: str
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
    connection: Connection,
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
    connection: Connection, domain: str, route_key: str, frame: str | bytes
) -> dict[str, Any]:
    context = _request_context(connection, route_key, "MESSAGE", domain)
    context["messageId"] = aws_id()
    if isinstance(frame, bytes):
        body, is_base64 = base64.b64encode(frame).decode("ascii"), True
    else:
        body, is_base64 = frame, False
    return {"requestContext": context, "body": body, "isBase64Encoded": is_base64}


def disconnect_event(
    connection: Connection, domain: str, status_code: int, reason: str
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
