"""The S3 wire app's pure parts: aws-chunked bodies, ranges, addressing, presign expiry."""

from __future__ import annotations

import asyncio

import pytest

from pyarc.s3.errors import S3Error
from pyarc.s3.http.app import check_presigned
from pyarc.s3.http.body import aws_chunked
from pyarc.s3.http.ranges import byte_range
from pyarc.s3.http.request import bucket_from_host, parse_request

FRAMED = (b"5;chunk-signature=ab\r\nhello\r\n3;chunk-signature=cd\r\n wo\r\n"
          b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")


@pytest.mark.parametrize("step", [1, 2, 3, 7, len(FRAMED)])
def test_aws_chunked_bodies_are_unframed_however_they_arrive(step: int) -> None:
    async def pieces():
        for start in range(0, len(FRAMED), step):
            yield FRAMED[start : start + step]

    trailers: dict[str, str] = {}

    async def unframed() -> bytes:
        return b"".join([chunk async for chunk in aws_chunked(pieces(), trailers)])

    assert asyncio.run(unframed()) == b"hello wo"
    assert trailers == {"x-amz-checksum-crc32": "AAAAAA=="}


def test_a_truncated_aws_chunked_body_is_refused() -> None:
    async def pieces():
        yield b"5\r\nhel"

    async def unframed() -> bytes:
        return b"".join([chunk async for chunk in aws_chunked(pieces())])

    with pytest.raises(S3Error) as caught:
        asyncio.run(unframed())
    assert caught.value.code == "IncompleteBody"


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-3", (0, 4)), ("bytes=5-", (5, 10)), ("bytes=-4", (6, 10)), ("bytes=8-99", (8, 10)),
    ("bytes=0-1,4-5", None), ("items=0-1", None), ("bytes=4-2", None), (None, None),
])
def test_ranges(header, expected) -> None:
    assert byte_range(header, 10) == expected


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=-0"])
def test_unsatisfiable_ranges(header) -> None:
    with pytest.raises(S3Error) as caught:
        byte_range(header, 10)
    assert (caught.value.code, caught.value.status) == ("InvalidRange", 416)


def test_virtual_host_names() -> None:
    assert bucket_from_host("photos.localhost:5555") == "photos"
    assert bucket_from_host("my.photos.s3.localhost") == "my.photos"
    assert bucket_from_host("photos.s3.us-west-2.localhost:5555") == "photos"
    assert bucket_from_host("localhost:5555") is None
    assert bucket_from_host("127.0.0.1:5555") is None
    assert bucket_from_host("s3.localhost") is None


def _request(path: str, query: str = "", host: str = "127.0.0.1:5555"):
    return parse_request({"method": "GET", "path": path, "raw_path": path.encode(),
                          "query_string": query.encode(), "headers": [(b"host", host.encode())]})


def test_keys_come_from_the_raw_path_decoded_once() -> None:
    request = _request("/b/a%20b+c/%25d")
    assert (request.bucket, request.key) == ("b", "a b+c/%d")
    assert _request("/k%2Fx", host="b.localhost").key == "k/x"
    assert _request("/b/caf%C3%A9").key == "café" and not _request("/b/caf%C3%A9").bad_uri
    assert _request("/b/%FF%FE").bad_uri  # not UTF-8: S3 answers InvalidURI


def test_presigned_expiry() -> None:
    v4 = ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2F20260101%2Fus-east-1%2Fs3%2F"
          "aws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-Signature=x")
    start = 1767225600.0  # 2026-01-01T00:00:00Z
    check_presigned(_request("/b/k", v4), start + 60)
    with pytest.raises(S3Error) as caught:
        check_presigned(_request("/b/k", v4), start + 61)
    assert (caught.value.code, caught.value.message) == ("AccessDenied", "Request has expired")
    week = v4.replace("X-Amz-Expires=60", "X-Amz-Expires=604801")
    with pytest.raises(S3Error) as caught:
        check_presigned(_request("/b/k", week), start)
    assert caught.value.code == "AuthorizationQueryParametersError"
    v2 = "AWSAccessKeyId=a&Signature=x&Expires=1767225660"
    check_presigned(_request("/b/k", v2), start)
    with pytest.raises(S3Error):
        check_presigned(_request("/b/k", v2), start + 61)


def test_an_aws_chunked_trailer_checksum_is_checked() -> None:
    import base64
    import zlib

    import httpx

    from pyarc.s3 import S3Store
    from pyarc.s3.http.app import S3App

    store = S3Store()
    store.create_bucket("bkt")
    app = S3App(store)

    def framed(body: bytes, crc: bytes) -> bytes:
        trailer = base64.b64encode(crc).decode()
        return (f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n"
                + f"x-amz-checksum-crc32:{trailer}\r\n\r\n".encode())

    headers = {"content-encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32",
               "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}

    async def put(content: bytes) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.put("/bkt/k", content=content, headers=headers)

    good = asyncio.run(put(framed(b"payload", zlib.crc32(b"payload").to_bytes(4, "big"))))
    assert good.status_code == 200 and good.headers["x-amz-checksum-crc32"]
    bad = asyncio.run(put(framed(b"payload", b"\0\0\0\0")))
    assert bad.status_code == 400 and "<Code>BadDigest</Code>" in bad.text
    assert store.get_object("bkt", "k") == b"payload"
