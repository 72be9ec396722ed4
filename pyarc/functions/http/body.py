"""`parse_body(event)`: the request body as the value its content type describes."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from pyarc.functions.errors import BodyError
from pyarc.functions.http.request import header, raw_body

TEXT_TYPES = ("application/xml", "application/javascript", "application/graphql")


def _media_type(event: dict[str, Any]) -> tuple[str, str]:
    """(`type/subtype` lower-cased, charset) of the request's content-type header."""
    content_type = header(event, "content-type") or ""
    media, _, params = content_type.partition(";")
    charset = "utf-8"
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"')
    return media.strip().lower(), charset


def is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def parse_body(event: dict[str, Any]) -> Any:
    """Parse the body of an API Gateway event (payload 2.0 or 1.0).

    - no body -> `{}` (as Architect);
    - `application/json`, `*/*+json` -> the JSON value;
    - `application/x-www-form-urlencoded` -> dict; a repeated field gives a list;
    - `text/*`, XML, JavaScript, GraphQL, or no content type -> str;
    - anything else -> bytes (base64-decoded when API Gateway encoded it).

    A body that does not parse as its content type raises `BodyError` (a `ValueError`);
    answer it with a 400.
    """
    data = raw_body(event)
    if not data:
        return {}
    media, charset = _media_type(event)
    try:
        if is_json(media):
            return json.loads(data.decode(charset))
        if media == "application/x-www-form-urlencoded":
            # percent-escapes stand for bytes in the form's charset, not always UTF-8
            fields = parse_qs(data.decode(charset), keep_blank_values=True, encoding=charset)
            return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}
        if not media or media.startswith("text/") or media in TEXT_TYPES:
            return data.decode(charset)
    except (UnicodeDecodeError, LookupError) as error:
        raise BodyError(
            f"request body is not valid {charset or 'text'} for {media}: {error}"
        ) from error
    except ValueError as error:
        raise BodyError(
            f"request body is not valid JSON ({error}); send a JSON document"
        ) from error
    return data
