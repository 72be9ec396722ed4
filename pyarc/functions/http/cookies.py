"""Set-Cookie values, built to RFC 6265 (the value is percent-encoded where needed)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Literal
from urllib.parse import quote

SameSite = Literal["Strict", "Lax", "None"]

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
# RFC 6265 cookie-octets minus "%" (kept for percent-encoding itself).
_SAFE_VALUE_CHARS = "!#$&'()*+-./:<=>?@[]^_`{|}~"


def cookie(
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    expires: datetime | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = True,
    http_only: bool = True,
    same_site: SameSite | None = "Lax",
) -> str:
    """A `Set-Cookie` value, e.g. `theme=dark; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Lax`."""
    if not _TOKEN.match(name):
        raise ValueError(f"cookie name {name!r} has characters a cookie name may not contain")
    parts = [f"{name}={quote(value, safe=_SAFE_VALUE_CHARS)}"]
    if max_age is not None:
        parts.append(f"Max-Age={int(max_age)}")
    if expires is not None:
        moment = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
        parts.append(f"Expires={format_datetime(moment.astimezone(UTC), usegmt=True)}")
    if domain:
        parts.append(f"Domain={domain}")
    if path:
        parts.append(f"Path={path}")
    if secure or same_site == "None":
        parts.append("Secure")
    if http_only:
        parts.append("HttpOnly")
    if same_site:
        parts.append(f"SameSite={same_site}")
    return "; ".join(parts)


def delete_cookie(name: str, *, path: str | None = "/", domain: str | None = None) -> str:
    """A `Set-Cookie` value that removes the cookie `name` from the browser."""
    return cookie(
        name,
        "",
        max_age=0,
        expires=datetime(1970, 1, 1, tzinfo=UTC),
        path=path,
        domain=domain,
    )
