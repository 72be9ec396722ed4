"""HTTP helpers for API Gateway handlers: request bodies, responses, cookies, CORS, sessions.

Reads payload 2.0 and 1.0 events alike; responses are 2.0-shaped (`v1()` converts).
"""

from pyarc.functions.http.body import parse_body
from pyarc.functions.http.cookies import cookie, delete_cookie
from pyarc.functions.http.cors import cors_headers, preflight
from pyarc.functions.http.request import cookies, header, raw_body
from pyarc.functions.http.responses import (
    NO_CACHE,
    cache_control,
    html,
    json,
    redirect,
    response,
    text,
    v1,
    with_cookies,
    with_headers,
)
from pyarc.functions.http.sessions import session_read, session_write

__all__ = [
    "NO_CACHE",
    "cache_control",
    "cookie",
    "cookies",
    "cors_headers",
    "delete_cookie",
    "header",
    "html",
    "json",
    "parse_body",
    "preflight",
    "raw_body",
    "redirect",
    "response",
    "session_read",
    "session_write",
    "text",
    "v1",
    "with_cookies",
    "with_headers",
]
