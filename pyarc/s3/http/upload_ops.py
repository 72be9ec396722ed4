"""Multipart upload operations: Create, UploadPart (and UploadPartCopy), Complete, Abort,
ListParts."""

from __future__ import annotations

import re

from pyarc.s3.errors import invalid_argument, invalid_range
from pyarc.s3.http import xml
from pyarc.s3.http.body import body_bytes, receive_into
from pyarc.s3.http.context import Context
from pyarc.s3.http.object_ops import check_copy_conditions, copy_source
from pyarc.s3.http.reply import ENCRYPTED, Reply, fields_from, xml_reply
from pyarc.s3.http.request import S3Request
from pyarc.s3.objects import read_blob

_COPY_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")


def _where(request: S3Request) -> tuple[str, str, str]:
    assert request.bucket is not None and request.key is not None
    return request.query["uploadId"], request.bucket, request.key


def _part_number(request: S3Request) -> int:
    given = request.query.get("partNumber", "")
    if not given.isdigit():
        raise invalid_argument("Part number must be an integer between 1 and 10000, inclusive",
                               "partNumber", given)
    return int(given)


def create_upload(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None and request.key is not None
    upload = context.multipart.create(request.bucket, request.key, fields_from(request.headers))
    inner = xml.elements([("Bucket", request.bucket), ("Key", request.key),
                          ("UploadId", upload.upload_id)])
    return xml_reply(xml.document("InitiateMultipartUploadResult", inner))


async def upload_part(context: Context, request: S3Request, receive) -> Reply:
    upload_id, bucket, key = _where(request)
    number = _part_number(request)
    writer = context.multipart.writer(upload_id, bucket, key, number)
    await receive_into(writer, receive, request.headers)
    part = context.multipart.add_part(upload_id, bucket, key, number, writer)
    return Reply(200, [("etag", part.etag), ENCRYPTED])


def upload_part_copy(context: Context, request: S3Request) -> Reply:
    upload_id, bucket, key = _where(request)
    number = _part_number(request)
    source_bucket, source_key = copy_source(request.headers["x-amz-copy-source"])
    info, blob = context.store.open_object(source_bucket, source_key)
    check_copy_conditions(info, request.headers)
    start, end = 0, info.size
    asked = request.headers.get("x-amz-copy-source-range")
    if asked is not None:
        found = _COPY_RANGE.match(asked.strip())
        if found is None:
            raise invalid_argument("The x-amz-copy-source-range value must be of the form "
                                   "bytes=first-last where first and last are the zero-based "
                                   "offsets of the first and last bytes to copy",
                                   "x-amz-copy-source-range", asked)
        start, end = int(found.group(1)), int(found.group(2)) + 1
        if start >= info.size or end > info.size or end <= start:
            raise invalid_range(info.size, asked)
    writer = context.multipart.writer(upload_id, bucket, key, number)
    for chunk in read_blob(blob, start, end):
        writer.write(chunk)
    part = context.multipart.add_part(upload_id, bucket, key, number, writer)
    inner = xml.elements([("LastModified", xml.iso_time(part.last_modified)), ("ETag", part.etag)])
    return xml_reply(xml.document("CopyPartResult", inner))


async def complete_upload(context: Context, request: S3Request, receive) -> Reply:
    upload_id, bucket, key = _where(request)
    parts = xml.complete_parts(await body_bytes(receive, request.headers))
    info = context.multipart.complete(upload_id, bucket, key, parts)
    inner = xml.elements([("Location", request.url(bucket, key)), ("Bucket", bucket),
                          ("Key", key), ("ETag", info.etag)])
    reply = xml_reply(xml.document("CompleteMultipartUploadResult", inner))
    reply.headers.append(ENCRYPTED)
    return reply


def abort_upload(context: Context, request: S3Request) -> Reply:
    context.multipart.abort(*_where(request))
    return Reply(204)


def list_parts(context: Context, request: S3Request) -> Reply:
    upload_id, bucket, key = _where(request)
    upload = context.multipart.upload(upload_id, bucket, key)
    parts = "".join(
        "<Part>"
        + xml.elements([("PartNumber", p.number), ("LastModified", xml.iso_time(p.last_modified)),
                        ("ETag", p.etag), ("Size", p.size)])
        + "</Part>"
        for _, p in sorted(upload.parts.items())
    )
    inner = xml.elements([("Bucket", bucket), ("Key", key), ("UploadId", upload_id),
                          ("StorageClass", "STANDARD"), ("MaxParts", 1000),
                          ("IsTruncated", "false")])
    return xml_reply(xml.document("ListPartsResult", inner + xml.OWNER + parts))
