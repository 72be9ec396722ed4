"""Reading an API Gateway event the same way for payload 2.0 and 1.0 (HTTP API v1 / REST)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote


def header(event: dict[str, Any], name: str) -> str | None:
    """A request header by case-insensitive name (2.0 lower-cases names; 1.0 keeps them)."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted:
            return value
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted and values:
            return ",".join(values)
    return None


def raw_body(event: dict[str, Any]) -> bytes:
    """The request body as bytes, base64-decoded when API Gateway encoded it."""
    body = event.get("body")
    if body is None:
        return b""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode() if isinstance(body, str) else bytes(body)


def cookies(event: dict[str, Any]) -> dict[str, str]:
    """Request cookies by name: 2.0's `cookies` list, else 1.0's `Cookie` header(s).

    Values are percent-decoded (the inverse of `cookie()`); the first of duplicate names wins.
    """
    pairs: list[str] = list(event.get("cookies") or [])
    if not pairs:
        cookie_header = header(event, "cookie") or ""
        pairs = cookie_header.replace(",", ";").split(";")
    jar: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.strip().partition("=")
        if not sep or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        jar.setdefault(name.strip(), unquote(value))
    return jar
