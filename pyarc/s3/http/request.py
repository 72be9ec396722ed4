"""One S3 request as the operations see it: method, bucket, key, query, headers.

Addressing, as S3 does it on localhost:
- virtual-host style: `Host: <bucket>.localhost[:port]` or `<bucket>.s3.localhost[:port]`
  (also with a region: `<bucket>.s3.<region>.localhost`), the key is the whole path;
- path style: `/<bucket>/<key>` on any other host (`127.0.0.1`, `localhost`).
The key comes from the raw path, percent-decoded once (`+` stays a plus, as in S3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from pyarc.wire.sigv4 import CredentialScope, credential_scope

_VIRTUAL_HOST = re.compile(r"^(?P<bucket>.+?)(?:\.s3(?:[.-][a-z0-9-]+)?)?\.localhost$")


def bucket_from_host(host: str) -> str | None:
    """The bucket a virtual-host-style Host header names, else None."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    found = _VIRTUAL_HOST.match(name.lower())
    if found is None or found.group("bucket") == "s3":
        return None
    return found.group("bucket")


@dataclass
class S3Request:
    method: str
    bucket: str | None
    key: str | None
    query: dict[str, str]  # first value of each parameter, names as sent
    headers: dict[str, str]  # lower-case names; repeated headers joined with ","
    host: str
    scope: CredentialScope | None
    virtual_host: bool
    bad_uri: bool = False  # the path's percent-encoding is not UTF-8 (S3: InvalidURI)

    def has(self, name: str) -> bool:
        return name in self.query

    @property
    def resource(self) -> str:
        return "/" + "/".join(p for p in (self.bucket, self.key) if p)

    def url(self, bucket: str, key: str) -> str:
        if self.virtual_host:
            return f"http://{self.host}/{key}"
        return f"http://{self.host}/{bucket}/{key}"


def parse_request(scope: dict[str, Any]) -> S3Request:
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        text = name.decode("latin-1")
        decoded = value.decode("latin-1")
        headers[text] = f"{headers[text]},{decoded}" if text in headers else decoded
    raw_query: bytes = scope.get("query_string", b"")
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True):
        query.setdefault(name, value)
    raw_path = (scope.get("raw_path") or scope["path"].encode("utf-8")).decode("latin-1")
    raw_path = raw_path.split("?", 1)[0]
    host = headers.get("host", "")
    bucket = bucket_from_host(host)
    virtual = bucket is not None
    if virtual:
        key_part = raw_path[1:]
    else:
        bucket_part, _, key_part = raw_path[1:].partition("/")
        bucket = unquote(bucket_part) or None
    bad_uri = False
    try:
        key = unquote(key_part, encoding="utf-8", errors="strict") if key_part else None
    except UnicodeDecodeError:
        key, bad_uri = unquote(key_part, errors="replace"), True
    return S3Request(
        method=scope["method"],
        bucket=bucket,
        key=key,
        query=query,
        headers=headers,
        host=host,
        scope=credential_scope(scope["headers"], raw_query),
        virtual_host=virtual,
        bad_uri=bad_uri,
    )
