"""Cookie sessions: the whole session, signed and encrypted, in the `_idx` cookie.

Like Architect's `jwe` sessions, with the `cryptography` package's Fernet
(AES-128-CBC + HMAC-SHA256, authenticated and timestamped). The key is derived with
HKDF-SHA256 from `ARC_APP_SECRET`. With `ARC_ENV=testing` and no secret set, a fixed,
public development secret is used (so never trust a testing session elsewhere).
"""

from __future__ import annotations

import base64
import functools
import json
import os
from typing import TYPE_CHECKING, Any

from pyarc.functions.environment import is_testing
from pyarc.functions.errors import ConfigurationError, SessionError
from pyarc.functions.http.cookies import cookie
from pyarc.functions.http.request import cookies
from pyarc.functions.http.responses import Response, with_cookies

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

COOKIE_NAME = "_idx"
DEFAULT_TTL_S = 7 * 24 * 3600  # Architect's jwe session lifetime: one week
TESTING_SECRET = "pyarc-testing-secret-do-not-use-in-production"
MAX_COOKIE_BYTES = 4096  # browsers keep at most ~4 KB per cookie


def session_ttl() -> int:
    """Session lifetime in seconds: `ARC_SESSION_TTL`, else one week."""
    configured = os.environ.get("ARC_SESSION_TTL", "")
    return int(configured) if configured.isdigit() else DEFAULT_TTL_S


def _secret() -> str:
    secret = os.environ.get("ARC_APP_SECRET")
    if secret:
        return secret
    if is_testing():
        return TESTING_SECRET
    raise ConfigurationError(
        "ARC_APP_SECRET is not set, so sessions cannot be signed; "
        "set it with `pyarc env --add <env> ARC_APP_SECRET <long random string>`"
    )


@functools.lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    # imported here so handlers that never touch sessions do not pay for it at cold start
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"pyarc session cookie v1"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def session_read(event: dict[str, Any]) -> dict[str, Any]:
    """The session in the request's `_idx` cookie; `{}` if absent, tampered with or expired."""
    token = cookies(event).get(COOKIE_NAME)
    if not token:
        return {}
    from cryptography.fernet import InvalidToken

    try:
        plain = _fernet(_secret()).decrypt(token.encode(), ttl=session_ttl())
        session = json.loads(plain)
    except (InvalidToken, ValueError):
        return {}
    return session if isinstance(session, dict) else {}


def session_write(session: dict[str, Any], response: Response) -> Response:
    """A copy of `response` that sets the `_idx` cookie holding `session` (rolling expiry).

    Raises `SessionError` when the session is not JSON-serialisable or too big for a cookie.
    """
    try:
        plain = json.dumps(session, separators=(",", ":")).encode()
    except (TypeError, ValueError) as error:
        raise SessionError(f"session is not JSON-serialisable: {error}") from error
    token = _fernet(_secret()).encrypt(plain).decode("ascii")
    set_cookie = cookie(
        COOKIE_NAME,
        token,
        max_age=session_ttl(),
        secure=not is_testing(),
        http_only=True,
        same_site="Lax",
    )
    if len(set_cookie) > MAX_COOKIE_BYTES:
        raise SessionError(
            f"session cookie would be {len(set_cookie)} bytes, over the {MAX_COOKIE_BYTES}-byte "
            "limit browsers keep; store less in the session (e.g. an id pointing at a table row)"
        )
    return with_cookies(response, set_cookie)
