"""Multipart uploads: parts kept by the bucket's own writers until Complete joins them.

The ETag of the whole is S3's: the md5 of the parts' binary md5s, then `-<parts>`. Every
part but the last must hold at least 5 MiB. Uploads live only as long as the process.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from pyarc.s3.errors import (
    entity_too_small,
    invalid_argument,
    invalid_part,
    invalid_part_order,
    malformed_xml,
    no_such_upload,
)
from pyarc.s3.objects import Blob, BlobWriter, ObjectFields, ObjectInfo, read_blob
from pyarc.s3.store import S3Store

MIN_PART_BYTES = 5 * 1024 * 1024
MAX_PART_NUMBER = 10_000


@dataclass(frozen=True)
class Part:
    number: int
    etag: str  # quoted md5 of the part
    size: int
    blob: Blob
    last_modified: float


@dataclass
class Upload:
    upload_id: str
    bucket: str
    key: str
    fields: ObjectFields
    initiated: float
    parts: dict[int, Part] = field(default_factory=dict)


def _discard(blob: Blob) -> None:
    if not isinstance(blob, bytes):
        blob.unlink(missing_ok=True)


class Multipart:
    """The uploads in progress on one store."""

    def __init__(self, store: S3Store) -> None:
        self.store = store
        self._uploads: dict[str, Upload] = {}

    def create(self, bucket: str, key: str, fields: ObjectFields) -> Upload:
        self.store.bucket(bucket).check_key(key)
        upload = Upload(uuid.uuid4().hex, bucket, key, fields, self.store.now())
        with self.store.lock:
            self._uploads[upload.upload_id] = upload
        return upload

    def upload(self, upload_id: str, bucket: str, key: str) -> Upload:
        found = self._uploads.get(upload_id)
        if found is None or found.bucket != bucket or found.key != key:
            raise no_such_upload(upload_id)
        return found

    def writer(self, upload_id: str, bucket: str, key: str, number: int) -> BlobWriter:
        self.upload(upload_id, bucket, key)
        if not 1 <= number <= MAX_PART_NUMBER:
            raise invalid_argument(
                "Part number must be an integer between 1 and 10000, inclusive",
                "partNumber",
                str(number),
            )
        return self.store.writer(bucket)

    def add_part(
        self, upload_id: str, bucket: str, key: str, number: int, writer: BlobWriter
    ) -> Part:
        try:
            upload = self.upload(upload_id, bucket, key)
        except Exception:
            writer.discard()
            raise
        blob = writer.finish()
        part = Part(number, f'"{writer.md5.hexdigest()}"', writer.size, blob, self.store.now())
        with self.store.lock:
            replaced = upload.parts.get(number)
            upload.parts[number] = part
        if replaced is not None:
            _discard(replaced.blob)
        return part

    def complete(
        self, upload_id: str, bucket: str, key: str, listed: list[tuple[int, str]]
    ) -> ObjectInfo:
        """Join the listed (part number, ETag) parts, in order, into the object."""
        upload = self.upload(upload_id, bucket, key)
        if not listed:
            raise malformed_xml()
        numbers = [number for number, _ in listed]
        if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
            raise invalid_part_order()
        chosen: list[Part] = []
        for number, etag in listed:
            part = upload.parts.get(number)
            if part is None or part.etag.strip('"') != etag.strip().strip('"'):
                raise invalid_part()
            chosen.append(part)
        for part in chosen[:-1]:
            if part.size < MIN_PART_BYTES:
                raise entity_too_small(part.size)
        writer = self.store.writer(bucket)
        digests = hashlib.md5()
        for part in chosen:
            for chunk in read_blob(part.blob):
                writer.write(chunk)
            digests.update(bytes.fromhex(part.etag.strip('"')))
        etag = f'"{digests.hexdigest()}-{len(chosen)}"'
        info = self.store.commit(bucket, key, writer, upload.fields, etag)
        self._forget(upload_id)
        return info

    def abort(self, upload_id: str, bucket: str, key: str) -> None:
        self.upload(upload_id, bucket, key)
        self._forget(upload_id)

    def _forget(self, upload_id: str) -> None:
        with self.store.lock:
            upload = self._uploads.pop(upload_id, None)
        for part in upload.parts.values() if upload else ():
            _discard(part.blob)

    def in_progress(self, bucket: str) -> list[Upload]:
        return sorted(
            (u for u in self._uploads.values() if u.bucket == bucket),
            key=lambda u: (u.key, u.initiated),
        )
