"""SigV4 for one request shape: `POST /@connections/{id}`, as botocore's `SigV4Auth` signs it.

botocore's signer is general (any method, query string, header set, payload mode) and
spends ~45 us per request in its header machinery, most of what a broadcast costs the
caller. This one signs the only request `ws.send`/`broadcast` make: POST, no query
string, signed headers `host`, `x-amz-date` and (with temporary credentials)
`x-amz-security-token`, the body's SHA-256 as the payload hash. Its signing key is
derived once per day, region and service instead of once per request.

The rule stays botocore's where it can: the clock (`botocore.auth.get_current_datetime`),
the timestamp format, and the canonical path (`normalize_url_path`, then quoted again as
every service but S3 wants). tests/functions/test_ws.py checks the request against the
one boto3 signs, byte for byte, with and without a session token.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import quote

from botocore import auth
from botocore.utils import normalize_url_path

ALGORITHM = "AWS4-HMAC-SHA256"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


class PostSigner:
    """Signs POSTs for one set of frozen credentials (`ReadOnlyCredentials`)."""

    def __init__(self, credentials: Any, service: str, region: str) -> None:
        self.credentials = credentials
        self.service = service
        self.region = region
        self._keys: dict[str, bytes] = {}  # day (yyyymmdd) -> signing key

    def _key(self, day: str) -> bytes:
        found = self._keys.get(day)
        if found is None:
            key = _hmac(f"AWS4{self.credentials.secret_key}".encode(), day)
            for part in (self.region, self.service, "aws4_request"):
                key = _hmac(key, part)
            self._keys = {day: key}
            found = key
        return found

    def headers(self, host: str, path: str, body: bytes) -> dict[str, str]:
        """The headers to add to `POST path` (already percent-encoded) on `host`."""
        stamp = auth.get_current_datetime().strftime(auth.SIGV4_TIMESTAMP)
        day = stamp[:8]
        token = self.credentials.token
        signed = {"host": host, "x-amz-date": stamp}
        if token:
            signed["x-amz-security-token"] = token
        names = ";".join(sorted(signed))
        canonical = "\n".join(
            (
                "POST",
                quote(normalize_url_path(path), safe="/~"),
                "",  # no query string
                "".join(f"{name}:{' '.join(signed[name].split())}\n" for name in sorted(signed)),
                names,
                hashlib.sha256(body).hexdigest(),
            )
        )
        scope = f"{day}/{self.region}/{self.service}/aws4_request"
        to_sign = "\n".join(
            (ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest())
        )
        signature = hmac.new(self._key(day), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        found = {"X-Amz-Date": stamp}
        if token:
            found["X-Amz-Security-Token"] = token
        found["Authorization"] = (
            f"{ALGORITHM} Credential={self.credentials.access_key}/{scope}, "
            f"SignedHeaders={names}, Signature={signature}"
        )
        return found
