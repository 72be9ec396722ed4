"""Request bodies, read as they arrive: plain, or in the `aws-chunked` encoding.

`aws-chunked` (Content-Encoding, or an `x-amz-content-sha256` of `STREAMING-...`) frames
the payload as `<hex size>[;chunk-signature=...]\\r\\n<data>\\r\\n`, ending with a zero-size
chunk and optional trailers (checksums), which are dropped here.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from typing import Any

from pyarc.s3.errors import S3Error
from pyarc.s3.http.checksums import Checksums
from pyarc.s3.objects import BlobWriter

Receive = Any


async def raw_chunks(receive: Receive) -> AsyncIterator[bytes]:
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise S3Error("IncompleteBody", "You did not provide the number of bytes "
                          "specified by the Content-Length HTTP header", 400)
        more = message.get("more_body", False)
        chunk = message.get("body", b"")
        if chunk:
            yield chunk


def _incomplete() -> S3Error:
    return S3Error("IncompleteBody", "The request body's aws-chunked framing is incomplete.", 400)


async def aws_chunked(
    chunks: AsyncIterator[bytes], trailers: dict[str, str] | None = None
) -> AsyncIterator[bytes]:
    """The payload of an aws-chunked body; its trailers (`x-amz-checksum-crc32: ...`) go
    into `trailers`. The body is read to its end, so the connection can carry the next
    request."""
    buffer = bytearray()
    left: int | None = None  # None: a size line comes next; else data bytes still to come
    finished = False  # the zero-size chunk came: the rest is trailers
    async for chunk in chunks:
        buffer += chunk
        while not finished:
            if left is None:
                end = buffer.find(b"\r\n")
                if end < 0:
                    break
                try:
                    left = int(bytes(buffer[:end]).split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise _incomplete() from None
                del buffer[: end + 2]
                if left == 0:
                    finished = True
                    break
            take = min(left, len(buffer))
            if take:
                yield bytes(buffer[:take])
                del buffer[:take]
                left -= take
            if left > 0 or len(buffer) < 2:  # more data, or the CRLF closing it, to come
                break
            del buffer[:2]
            left = None
    if not finished:
        raise _incomplete()
    for line in bytes(buffer).decode("latin-1").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon and trailers is not None:
            trailers[name.strip().lower()] = value.strip()


def is_aws_chunked(headers: dict[str, str]) -> bool:
    return "aws-chunked" in headers.get("content-encoding", "") or headers.get(
        "x-amz-content-sha256", ""
    ).startswith("STREAMING-")


async def body_chunks(
    receive: Receive, headers: dict[str, str], trailers: dict[str, str] | None = None
) -> AsyncIterator[bytes]:
    chunks = raw_chunks(receive)
    if is_aws_chunked(headers):
        chunks = aws_chunked(chunks, trailers)
    async for chunk in chunks:
        yield chunk


async def receive_into(
    writer: BlobWriter, receive: Receive, headers: dict[str, str]
) -> dict[str, str]:
    """Write the request's body into `writer` as it arrives; the checksums it announced,
    verified. The writer is discarded if the body breaks off or is not what its Content-MD5
    or checksum says."""
    checksums = Checksums(headers)
    trailers: dict[str, str] = {}
    try:
        async for chunk in body_chunks(receive, headers, trailers):
            writer.write(chunk)
            checksums.update(chunk)
        check_content_md5(headers.get("content-md5"), writer.md5.digest())
        return checksums.verified(trailers)
    except BaseException:
        writer.discard()
        raise


def check_content_md5(given: str | None, digest: bytes) -> None:
    """S3 refuses a body whose MD5 is not the Content-MD5 sent with it."""
    if given is None:
        return
    try:
        expected = base64.b64decode(given.strip(), validate=True)
    except (binascii.Error, ValueError):
        expected = b""
    if len(expected) != 16:
        raise S3Error("InvalidDigest", "The Content-MD5 you specified was invalid.", 400,
                      **{"Content-MD5": given})
    if expected != digest:
        raise S3Error("BadDigest", "The Content-MD5 you specified did not match what we "
                      "received.", 400, ExpectedDigest=expected.hex(),
                      CalculatedDigest=base64.b64encode(digest).decode())


async def body_bytes(receive: Receive, headers: dict[str, str]) -> bytes:
    return b"".join([chunk async for chunk in body_chunks(receive, headers)])
