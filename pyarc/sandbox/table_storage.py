"""The local S3 as the tables engine's `ObjectStorage`: what ImportTable reads and
ExportTableToPointInTime writes (the composition root connects the two)."""

from __future__ import annotations

from collections.abc import Iterator

from pyarc.s3.errors import S3Error
from pyarc.s3.store import S3Store
from pyarc.tables.transfers.storage import StorageError


class S3Objects:
    """`pyarc.tables.transfers.storage.ObjectStorage` over an `S3Store`."""

    def __init__(self, store: S3Store) -> None:
        self.store = store

    def bucket_exists(self, bucket: str) -> bool:
        try:
            self.store.bucket(bucket)
        except S3Error:
            return False
        return True

    def list_keys(self, bucket: str, prefix: str) -> Iterator[str]:
        try:
            for info in self.store.iter_objects(bucket, prefix):
                yield info.key
        except S3Error as error:
            raise StorageError(error.code, error.message) from None

    def get(self, bucket: str, key: str) -> bytes:
        try:
            return self.store.get_object(bucket, key)
        except S3Error as error:
            raise StorageError(error.code, error.message) from None

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> str:
        try:
            return self.store.put_object(bucket, key, body, content_type=content_type).etag.strip('"')
        except S3Error as error:
            raise StorageError(error.code, error.message) from None
