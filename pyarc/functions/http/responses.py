"""Response dicts in API Gateway's format (payload 2.0; `v1()` converts for 1.0 / REST)."""

from __future__ import annotations

import base64
import json as jsonlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

# Architect's default for dynamic responses: never cached by browsers or a CDN.
NO_CACHE = "no-cache, no-store, must-revalidate, max-age=0, s-maxage=0"

Response = dict[str, Any]


def response(
    body: str | bytes = "",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    cookies: Sequence[str] | None = None,
    *,
    content_type: str | None = None,
    cache_control: str | None = NO_CACHE,
) -> Response:
    """The general form: bytes bodies are sent base64-encoded (`isBase64Encoded: true`)."""
    merged: dict[str, str] = {}
    if content_type:
        merged["content-type"] = content_type
    if cache_control:
        merged["cache-control"] = cache_control
    for key, value in (headers or {}).items():
        merged[key.lower()] = value
    result: Response = {"statusCode": status, "headers": merged}
    if isinstance(body, bytes | bytearray):
        result["body"] = base64.b64encode(bytes(body)).decode("ascii")
        result["isBase64Encoded"] = True
    else:
        result["body"] = body
        result["isBase64Encoded"] = False
    if cookies:
        result["cookies"] = list(cookies)
    return result


def _json_default(value: Any) -> Any:
    """What `json()` does with values JSON has no type for.

    DynamoDB items read with boto3 hold `Decimal` numbers and `set`s (SS/NS/BS): they
    become JSON numbers and arrays, as Lambda's own marshaller writes a returned Decimal
    (not the strings `"3"` or `"{'a'}"`). Anything else (datetime, UUID...) becomes `str()`.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set | frozenset):
        try:
            return sorted(value)
        except TypeError:
            return list(value)
    return str(value)


def json(
    body: Any,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    cookies: Sequence[str] | None = None,
    *,
    cache_control: str | None = NO_CACHE,
) -> Response:
    """`body` as JSON with `content-type: application/json; charset=utf-8`.

    `Decimal` becomes a number and `set` a (sorted) array, so DynamoDB items can be sent
    as boto3 returns them; other non-JSON values (datetime, UUID...) become strings.
    """
    return response(
        jsonlib.dumps(body, separators=(",", ":"), default=_json_default),
        status,
        headers,
        cookies,
        content_type="application/json; charset=utf-8",
        cache_control=cache_control,
    )


def html(
    body: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    cookies: Sequence[str] | None = None,
    *,
    cache_control: str | None = NO_CACHE,
) -> Response:
    """An HTML page with `content-type: text/html; charset=utf-8`."""
    return response(
        body,
        status,
        headers,
        cookies,
        content_type="text/html; charset=utf-8",
        cache_control=cache_control,
    )


def text(
    body: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    cookies: Sequence[str] | None = None,
    *,
    cache_control: str | None = NO_CACHE,
) -> Response:
    """Plain text with `content-type: text/plain; charset=utf-8`."""
    return response(
        body,
        status,
        headers,
        cookies,
        content_type="text/plain; charset=utf-8",
        cache_control=cache_control,
    )


def redirect(
    location: str,
    status: int = 302,
    headers: Mapping[str, str] | None = None,
    cookies: Sequence[str] | None = None,
) -> Response:
    """A redirect (302 by default; 301, 303, 307 or 308 as asked) to `location`."""
    if status not in (301, 302, 303, 307, 308):
        raise ValueError(
            f"redirect status {status} is not a redirect; use 301, 302, 303, 307 or 308"
        )
    merged = {"location": location, **{k.lower(): v for k, v in (headers or {}).items()}}
    return response("", status, merged, cookies)


def cache_control(
    max_age: int | None = None,
    *,
    public: bool = False,
    private: bool = False,
    immutable: bool = False,
    no_cache: bool = False,
    no_store: bool = False,
    s_maxage: int | None = None,
) -> str:
    """A `cache-control` value: `cache_control(31536000, public=True, immutable=True)`."""
    parts = []
    if public:
        parts.append("public")
    if private:
        parts.append("private")
    if no_cache:
        parts.append("no-cache")
    if no_store:
        parts.append("no-store")
    if max_age is not None:
        parts.append(f"max-age={int(max_age)}")
    if s_maxage is not None:
        parts.append(f"s-maxage={int(s_maxage)}")
    if immutable:
        parts.append("immutable")
    return ", ".join(parts)


def with_headers(result: Response, headers: Mapping[str, str]) -> Response:
    """A copy of `result` with `headers` added (names lower-cased; later values win)."""
    merged = dict(result.get("headers") or {})
    merged.update({k.lower(): v for k, v in headers.items()})
    return {**result, "headers": merged}


def with_cookies(result: Response, *set_cookies: str) -> Response:
    """A copy of `result` with more `Set-Cookie` values (see `cookie()`)."""
    return {**result, "cookies": [*(result.get("cookies") or []), *set_cookies]}


def v1(result: Response) -> Response:
    """Convert a 2.0-style response for payload 1.0 / REST APIs (cookies -> multiValueHeaders)."""
    converted = {k: v for k, v in result.items() if k != "cookies"}
    set_cookies = result.get("cookies") or []
    if set_cookies:
        multi = {k: list(v) for k, v in (result.get("multiValueHeaders") or {}).items()}
        multi.setdefault("set-cookie", []).extend(set_cookies)
        converted["multiValueHeaders"] = multi
    return converted
