"""Turn a handler's return value into an HTTP response, as API Gateway does.

Payload 2.0: a value without `statusCode` is sent as JSON with status 200;
otherwise `statusCode`, `headers`, `cookies` (each one a Set-Cookie header),
`body` and `isBase64Encoded` are honoured. Payload 1.0 adds `multiValueHeaders`
(merged with `headers` as API Gateway does) and makes no assumptions. A response
that names no content type gets `text/plain; charset=utf-8`, the HTTP API default.
A response API Gateway would not accept raises `MalformedResponse`, whose message
says what is wrong (the server answers 500 Internal Server Error, as HTTP APIs do).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json"
DEFAULT_TYPE = "text/plain; charset=utf-8"  # what an HTTP API sends when the handler names none


class MalformedResponse(Exception):
    """The handler returned something API Gateway cannot turn into a response."""


@dataclass
class HttpResponseParts:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def _header_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedResponse(
        f"header {name!r} must be a string, number or boolean, not {type(value).__name__}"
    )


def _status(payload: dict[str, Any]) -> int:
    status = payload["statusCode"]
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode must be an integer from 100 to 599, not {status!r}")
    return status


def _body(payload: dict[str, Any]) -> bytes:
    body = payload.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse(
            f"body must be a string (use json.dumps for objects), not {type(body).__name__}"
        )
    if payload.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedResponse("isBase64Encoded is true but body is not valid base64") from exc
    return body.encode("utf-8")


def _headers(payload: dict[str, Any]) -> list[tuple[str, str]]:
    headers = payload.get("headers") or {}
    if not isinstance(headers, dict):
        raise MalformedResponse(f"headers must be an object, not {type(headers).__name__}")
    # a null value leaves the header out (API Gateway accepts it; SDKs emit it)
    return [
        (str(name), _header_value(name, value))
        for name, value in headers.items()
        if value is not None
    ]


def normalise_v2(payload: Any) -> HttpResponseParts:
    if not isinstance(payload, dict) or "statusCode" not in payload:
        body = json.dumps(payload).encode("utf-8")
        return HttpResponseParts(200, [("content-type", JSON_TYPE)], body)
    status = _status(payload)
    headers = _headers(payload)
    cookies = payload.get("cookies") or []
    if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
        raise MalformedResponse("cookies must be a list of strings")
    headers += [("set-cookie", cookie) for cookie in cookies]
    return HttpResponseParts(status, _with_content_type(headers), _body(payload))


def normalise_v1(payload: Any) -> HttpResponseParts:
    if not isinstance(payload, dict) or "statusCode" not in payload:
        raise MalformedResponse(
            "payload format 1.0 needs an object with a statusCode (and optional headers, body)"
        )
    status = _status(payload)
    headers = _headers(payload)
    multi = payload.get("multiValueHeaders") or {}
    if not isinstance(multi, dict):
        raise MalformedResponse("multiValueHeaders must be an object of lists")
    # API Gateway merges both into one list per name: the multiValueHeaders values, then
    # the headers value unless that same name/value pair is already among them
    merged: list[tuple[str, str]] = []
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders {name!r} must be a list")
        merged += [(str(name), _header_value(name, value)) for value in values]
    pairs = {(n.lower(), v) for n, v in merged}
    merged += [(n, v) for n, v in headers if (n.lower(), v) not in pairs]
    return HttpResponseParts(status, _with_content_type(merged), _body(payload))


def _with_content_type(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if any(name.lower() == "content-type" for name, _ in headers):
        return headers
    return [*headers, ("content-type", DEFAULT_TYPE)]


def normalise(payload: Any, payload_version: str) -> HttpResponseParts:
    return normalise_v1(payload) if payload_version == "1.0" else normalise_v2(payload)


def json_error(status: int, message: str, **extra: Any) -> HttpResponseParts:
    """API Gateway's own error shape: `{"message": "..."}`."""
    body = json.dumps({"message": message, **extra}).encode("utf-8")
    return HttpResponseParts(status, [("content-type", JSON_TYPE)], body)
