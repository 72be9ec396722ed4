"""CORS response headers, and the answer to a preflight `OPTIONS` request."""

from __future__ import annotations

from collections.abc import Sequence

from pyarc.functions.http.responses import Response, response

DEFAULT_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def cors_headers(
    origin: str = "*",
    *,
    methods: Sequence[str] = DEFAULT_METHODS,
    headers: Sequence[str] = ("content-type", "authorization"),
    expose: Sequence[str] = (),
    max_age: int | None = 600,
    credentials: bool = False,
) -> dict[str, str]:
    """`access-control-*` headers; with `credentials=True` the origin must be a real origin."""
    if credentials and origin == "*":
        raise ValueError("CORS with credentials needs an explicit origin, not '*'")
    found = {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": ", ".join(m.upper() for m in methods),
        "access-control-allow-headers": ", ".join(headers),
    }
    if origin != "*":
        found["vary"] = "Origin"
    if expose:
        found["access-control-expose-headers"] = ", ".join(expose)
    if max_age is not None:
        found["access-control-max-age"] = str(int(max_age))
    if credentials:
        found["access-control-allow-credentials"] = "true"
    return found


def preflight(origin: str = "*", **options: object) -> Response:
    """A 204 answer to an `OPTIONS` preflight, carrying `cors_headers(origin, **options)`."""
    return response("", 204, cors_headers(origin, **options), cache_control=None)  # type: ignore[arg-type]
