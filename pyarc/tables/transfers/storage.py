"""What table import and export need of an object store: the narrow seam to the local S3.

The tables engine imports nothing of the sandbox; the sandbox, which holds the S3 store,
hands the engine an `ObjectStorage` (`Engine.connect_object_storage`). Without one (`pyarc
tables serve` alone) ImportTable and ExportTableToPointInTime answer `storage_needed`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from pyarc.tables.errors import DynamoError


class StorageError(Exception):
    """An object store's refusal: S3's error code (`NoSuchBucket`, ...) and its message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ObjectStorage(Protocol):
    """Buckets of objects; every method raises `StorageError` as S3 would answer."""

    def bucket_exists(self, bucket: str) -> bool: ...

    def list_keys(self, bucket: str, prefix: str) -> Iterator[str]:
        """Every key under `prefix`, in key order."""
        ...

    def get(self, bucket: str, key: str) -> bytes: ...

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> str:
        """Store `body` as `key`; return its ETag as S3 shows it, without quotes."""
        ...


def storage_needed(operation: str) -> DynamoError:
    return DynamoError(
        "ValidationException",
        f"{operation} reads and writes S3 buckets, and this tables endpoint has no local S3: "
        "run the app with `pyarc sandbox`, whose AWS endpoint serves both.",
    )
