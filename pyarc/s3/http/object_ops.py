"""Object operations: Get (ranges, conditions, response-* overrides), Head, Put
(conditional writes), Delete and Copy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import unquote

from pyarc.s3.errors import (
    S3Error,
    invalid_argument,
    invalid_request,
    no_such_key,
    precondition_failed,
)
from pyarc.s3.http import xml
from pyarc.s3.http.body import body_bytes, receive_into
from pyarc.s3.http.checksums import checksum_headers
from pyarc.s3.http.context import Context
from pyarc.s3.http.ranges import byte_range
from pyarc.s3.http.reply import (
    ENCRYPTED,
    Reply,
    fields_from,
    object_headers,
    parse_http_date,
    xml_reply,
)
from pyarc.s3.http.request import S3Request
from pyarc.s3.objects import Blob, ObjectInfo, read_file

OVERRIDES = {  # GetObject's query parameters that replace a header of the answer
    "response-content-type": "content-type",
    "response-content-language": "content-language",
    "response-expires": "expires",
    "response-cache-control": "cache-control",
    "response-content-disposition": "content-disposition",
    "response-content-encoding": "content-encoding",
}


def _etags(header: str) -> set[str]:
    return {t.strip().strip('"') for t in header.split(",")}


def _not_modified() -> S3Error:
    return S3Error("NotModified", "Not Modified", 304)  # answered without a body


def check_conditions(info: ObjectInfo, headers: dict[str, str]) -> None:
    """If-Match / If-None-Match / If-(Un)Modified-Since, in S3's order of precedence."""
    etag = info.etag.strip('"')
    if_match = headers.get("if-match")
    if if_match is not None and not ({"*", etag} & _etags(if_match)):
        raise precondition_failed("If-Match")
    since = parse_http_date(headers.get("if-unmodified-since"))
    if if_match is None and since is not None and info.last_modified > since:
        raise precondition_failed("If-Unmodified-Since")
    if_none = headers.get("if-none-match")
    if if_none is not None and {"*", etag} & _etags(if_none):
        raise _not_modified()
    modified = parse_http_date(headers.get("if-modified-since"))
    if if_none is None and modified is not None and info.last_modified <= modified:
        raise _not_modified()


def _body(blob: Blob, start: int, end: int, key: str) -> bytes | Iterator[bytes]:
    if isinstance(blob, bytes):
        return blob if (start, end) == (0, len(blob)) else blob[start:end]
    try:
        file = open(blob, "rb")  # noqa: SIM115 - read_file closes it once sent
    except FileNotFoundError:  # deleted since it was looked up
        raise no_such_key(key) from None
    return read_file(file, start, end)


def get_object(context: Context, request: S3Request, head: bool = False) -> Reply:
    assert request.bucket is not None and request.key is not None
    info, blob = context.store.open_object(request.bucket, request.key)
    check_conditions(info, request.headers)
    headers = object_headers(info)
    found = byte_range(request.headers.get("range"), info.size)
    start, end = found if found is not None else (0, info.size)
    status = 200
    if found is not None:
        status = 206
        headers.append(("content-range", f"bytes {start}-{end - 1}/{info.size}"))
    for parameter, header in OVERRIDES.items():
        if parameter in request.query:
            headers = [(n, v) for n, v in headers if n != header]
            headers.append((header, request.query[parameter]))
    if found is None and request.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED":
        headers += checksum_headers(info.checksums)  # a part of the body has none
    if head:
        return Reply(status, headers, b"", end - start)
    return Reply(status, headers, _body(blob, start, end, request.key), end - start)


async def put_object(context: Context, request: S3Request, receive) -> Reply:
    assert request.bucket is not None and request.key is not None
    store = context.store
    if "if-none-match" in request.headers or "if-match" in request.headers:
        _check_write_conditions(context, request)
    writer = store.writer(request.bucket)
    checksums = await receive_into(writer, receive, request.headers)
    fields = replace(fields_from(request.headers), checksums=checksums)
    info = store.commit(request.bucket, request.key, writer, fields)
    return Reply(200, [("etag", info.etag), ENCRYPTED, *checksum_headers(info.checksums)])


def _check_write_conditions(context: Context, request: S3Request) -> None:
    """S3's conditional writes: If-None-Match: * (only if absent), If-Match: <etag>."""
    assert request.bucket is not None and request.key is not None
    existing = context.store.bucket(request.bucket).info(request.key)
    if_none = request.headers.get("if-none-match")
    if if_none is not None:
        if if_none.strip() != "*":
            raise S3Error("NotImplemented", "A header you provided implies functionality that "
                          "is not implemented", 501, Header="If-None-Match")
        if existing is not None:
            raise precondition_failed("If-None-Match")
    if_match = request.headers.get("if-match")
    if if_match is not None:
        if existing is None:
            raise no_such_key(request.key)
        if existing.etag.strip('"') not in _etags(if_match):
            raise precondition_failed("If-Match")


def delete_object(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None and request.key is not None
    context.store.delete_object(request.bucket, request.key)
    return Reply(204)


def get_tagging(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None and request.key is not None
    info = context.store.head_object(request.bucket, request.key)
    return xml_reply(xml.tagging_document(dict(info.tags)))


async def put_tagging(context: Context, request: S3Request, receive) -> Reply:
    assert request.bucket is not None and request.key is not None
    tags = xml.tag_set(await body_bytes(receive, request.headers))
    context.store.set_tags(request.bucket, request.key, tags)
    return Reply(200)


def delete_tagging(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None and request.key is not None
    context.store.set_tags(request.bucket, request.key, {})
    return Reply(204)


def copy_source(header: str) -> tuple[str, str]:
    """(bucket, key) from `x-amz-copy-source: [/]bucket/key[?versionId=...]`."""
    source = unquote(header.split("?versionId=", 1)[0]).lstrip("/")
    bucket, _, key = source.partition("/")
    if not bucket or not key:
        raise invalid_argument("Copy Source must mention the source bucket and key: "
                               "sourcebucket/sourcekey", "x-amz-copy-source", header)
    return bucket, key


def copy_object(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None and request.key is not None
    bucket, key = copy_source(request.headers["x-amz-copy-source"])
    directive = request.headers.get("x-amz-metadata-directive", "COPY").upper()
    if directive not in ("COPY", "REPLACE"):
        raise invalid_argument("Unknown metadata directive.", "x-amz-metadata-directive",
                               directive)
    if (bucket, key) == (request.bucket, request.key) and directive == "COPY":
        raise invalid_request(
            "This copy request is illegal because it is trying to copy an object to itself "
            "without changing the object's metadata, storage class, website redirect location "
            "or encryption attributes."
        )
    source = context.store.head_object(bucket, key)
    check_copy_conditions(source, request.headers)
    given = fields_from(request.headers)
    fields = given if directive == "REPLACE" else source.fields()
    tagging = request.headers.get("x-amz-tagging-directive", "COPY").upper()
    if tagging not in ("COPY", "REPLACE"):
        raise invalid_argument("Unknown tagging directive.", "x-amz-tagging-directive", tagging)
    fields = replace(fields, tags=given.tags if tagging == "REPLACE" else source.tags)
    info = context.store.copy_object(bucket, key, request.bucket, request.key, fields)
    inner = xml.elements([("LastModified", xml.iso_time(info.last_modified)), ("ETag", info.etag)])
    reply = xml_reply(xml.document("CopyObjectResult", inner))
    reply.headers.append(ENCRYPTED)
    return reply


def check_copy_conditions(source: ObjectInfo, headers: dict[str, str]) -> None:
    """x-amz-copy-source-if-*: the same rules as a GET's, all failing with 412."""
    renamed = {
        name.removeprefix("x-amz-copy-source-"): value
        for name, value in headers.items()
        if name.startswith("x-amz-copy-source-if-")
    }
    if not renamed:
        return
    try:
        check_conditions(source, renamed)
    except S3Error as error:
        if error.status == 304:
            raise precondition_failed("x-amz-copy-source-If-None-Match") from None
        raise
