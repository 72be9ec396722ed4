"""What the S3 store holds: object descriptions, bodies (blobs) and how they are written."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

DEFAULT_CONTENT_TYPE = "binary/octet-stream"  # what S3 answers for an object put without one
READ_CHUNK = 256 * 1024

Blob = bytes | Path  # a body in memory, or a file


@dataclass(frozen=True)
class ObjectFields:
    """What a writer says about an object besides its body (PutObject's headers)."""

    content_type: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)  # x-amz-meta-*, names lower case
    # cache-control, content-disposition, content-encoding, content-language, expires
    headers: Mapping[str, str] = field(default_factory=dict)
    checksums: Mapping[str, str] = field(default_factory=dict)  # "crc32" -> base64, as sent
    tags: Mapping[str, str] = field(default_factory=dict)  # x-amz-tagging / PutObjectTagging


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str  # quoted as S3 shows it: "<md5 hex>", or "<md5 of the parts' md5s>-<parts>"
    last_modified: float  # seconds since the epoch
    content_type: str = DEFAULT_CONTENT_TYPE
    metadata: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    checksums: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)

    def fields(self) -> ObjectFields:
        return ObjectFields(
            self.content_type, dict(self.metadata), dict(self.headers), dict(self.checksums),
            dict(self.tags),
        )


@dataclass(frozen=True)
class BucketInfo:
    name: str
    created: float


@dataclass(frozen=True)
class ListPage:
    """One page of a listing: objects and common prefixes in key order."""

    objects: list[ObjectInfo]
    common_prefixes: list[str]
    truncated: bool
    last: str | None  # the last key or common prefix on this page: where the next one starts


def quoted_md5(digest: bytes) -> str:
    return f'"{digest.hex()}"'


class BlobWriter:
    """Takes a body chunk by chunk (md5 and size on the way); in memory, or in a temporary
    file in `directory` that the bucket moves into place."""

    def __init__(self, directory: Path | None = None) -> None:
        self.md5 = hashlib.md5()
        self.size = 0
        self._chunks: list[bytes] = []
        self._file = None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            # closed by finish() or discard(): the file outlives this call
            self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115
                dir=directory, delete=False, prefix=".part-"
            )

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.md5.update(data)
        self.size += len(data)
        if self._file is not None:
            self._file.write(data)
        else:
            self._chunks.append(data)

    def finish(self) -> Blob:
        if self._file is None:
            return b"".join(self._chunks)
        self._file.close()
        return Path(self._file.name)

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            Path(self._file.name).unlink(missing_ok=True)
        self._chunks = []


def writer_with(body: bytes | Iterator[bytes], writer: BlobWriter) -> BlobWriter:
    for chunk in [body] if isinstance(body, bytes) else body:
        writer.write(chunk)
    return writer


def read_blob(blob: Blob, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The bytes [start, end) of a blob, in chunks (a file is read as it is sent)."""
    if isinstance(blob, bytes):
        yield blob[start:end] if start or end is not None else blob
        return
    yield from read_file(open(blob, "rb"), start, end)  # noqa: SIM115 - read_file closes it


def read_file(file: BinaryIO, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The bytes [start, end) of an open file, in chunks; the file is closed at the end."""
    with file:
        file.seek(start)
        left = (end if end is not None else os.fstat(file.fileno()).st_size) - start
        while left > 0:
            chunk = file.read(min(READ_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def blob_size(blob: Blob) -> int:
    return len(blob) if isinstance(blob, bytes) else blob.stat().st_size
