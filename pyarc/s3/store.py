"""`S3Store`: buckets and objects, for the S3 wire app and for Python callers alike.

    store = S3Store(persist_dir=None)              # buckets in memory; a folder: on disk
    store.mount_folder("app-static", Path("public"))  # a bucket that is a folder's files
    store.create_bucket("uploads")
    store.put_object("uploads", "a/b.txt", b"hi", content_type="text/plain")
    store.get_object("uploads", "a/b.txt")          # b"hi"
    store.head_object("uploads", "a/b.txt")         # ObjectInfo(key, size, etag, ...)
    store.iter_objects("uploads", prefix="a/")      # every ObjectInfo under a prefix
    store.list_objects("uploads", prefix="a/", delimiter="/", max_keys=100)  # one ListPage

Every method raises `S3Error` (NoSuchBucket, NoSuchKey, ...) as S3 would answer. Safe to
call from any thread: one lock guards what the store holds; bodies are written before it
is taken. Multipart uploads: multipart.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from pyarc.s3.buckets import Bucket, DiskBucket, FolderBucket, MemoryBucket
from pyarc.s3.cors import CorsRule, checked_rules
from pyarc.s3.errors import (
    S3Error,
    bucket_already_owned,
    bucket_not_empty,
    invalid_request,
    no_such_bucket,
    no_such_key,
)
from pyarc.s3.names import check_bucket_name, check_key, check_tags
from pyarc.s3.objects import (
    DEFAULT_CONTENT_TYPE,
    Blob,
    BlobWriter,
    BucketInfo,
    ListPage,
    ObjectFields,
    ObjectInfo,
    quoted_md5,
    read_blob,
    writer_with,
)

MAX_KEYS = 1000


class S3Store:
    def __init__(self, persist_dir: Path | None = None, *, now: Callable[[], float] = time.time):
        self.persist_dir = persist_dir
        self.now = now
        self.lock = threading.RLock()
        self._buckets: dict[str, Bucket] = {}
        if persist_dir is not None and persist_dir.is_dir():
            for directory in sorted(persist_dir.iterdir()):
                opened = DiskBucket.open(directory) if directory.is_dir() else None
                if opened is not None:
                    self._buckets[opened.name] = opened

    # buckets ------------------------------------------------------------------------
    def mount_folder(self, name: str, folder: Path, prefix: str = "") -> None:
        """Serve `folder`'s files as the bucket `name` (the `@static` bucket), each under
        the key `<prefix>/<path>` when a prefix is given."""
        check_bucket_name(name)
        with self.lock:
            mounted = self._buckets.get(name)
            wanted = FolderBucket(folder, name, self.now(), prefix)
            if isinstance(mounted, FolderBucket) and (mounted.folder, mounted.prefix) == (
                folder, wanted.prefix
            ):
                return  # mounted already: keep what PutObject said about its files
            self._buckets[name] = wanted

    def create_bucket(self, name: str) -> BucketInfo:
        check_bucket_name(name)
        with self.lock:
            if name in self._buckets:
                raise bucket_already_owned(name)
            created = self.now()
            if self.persist_dir is not None:
                bucket: Bucket = DiskBucket.create(self.persist_dir / name, name, created)
            else:
                bucket = MemoryBucket(name, created)
            self._buckets[name] = bucket
            return BucketInfo(name, created)

    def delete_bucket(self, name: str) -> None:
        with self.lock:
            bucket = self.bucket(name)
            if isinstance(bucket, FolderBucket):
                raise invalid_request(
                    f"The bucket {name} is the app's static folder; the sandbox does not delete "
                    "it (remove @static from the manifest instead)."
                )
            if not bucket.is_empty():
                raise bucket_not_empty(name)
            bucket.destroy()
            del self._buckets[name]

    def list_buckets(self) -> list[BucketInfo]:
        with self.lock:
            return [BucketInfo(b.name, b.created) for _, b in sorted(self._buckets.items())]

    def bucket_cors(self, name: str) -> list[CorsRule] | None:
        """The bucket's CORS rules, None when it has none (GetBucketCors)."""
        return self.bucket(name).cors

    def put_bucket_cors(self, name: str, rules: list[CorsRule]) -> None:
        with self.lock:
            self.bucket(name).set_cors(checked_rules(rules))

    def delete_bucket_cors(self, name: str) -> None:
        with self.lock:
            self.bucket(name).set_cors(None)

    def bucket(self, name: str) -> Bucket:
        found = self._buckets.get(name)
        if found is None:
            raise no_such_bucket(name)
        return found

    # objects ------------------------------------------------------------------------
    def writer(self, bucket: str) -> BlobWriter:
        """A writer for a body that `commit` then stores (the bucket must exist)."""
        return self.bucket(bucket).writer()

    def commit(
        self,
        bucket: str,
        key: str,
        writer: BlobWriter,
        fields: ObjectFields,
        etag: str | None = None,
    ) -> ObjectInfo:
        """Store what `writer` took as `key`, replacing any object there."""
        check_key(key)
        try:
            check_tags(fields.tags)
            found = self.bucket(bucket)
            found.check_key(key)
        except S3Error:
            writer.discard()
            raise
        blob = writer.finish()
        info = ObjectInfo(
            key=key,
            size=writer.size,
            etag=etag or quoted_md5(writer.md5.digest()),
            last_modified=float(int(self.now())),  # S3 keeps whole seconds
            content_type=fields.content_type or DEFAULT_CONTENT_TYPE,
            metadata=dict(fields.metadata),
            headers=dict(fields.headers),
            checksums=dict(fields.checksums) if etag is None else {},  # a whole body's only
            tags=dict(fields.tags),
        )
        with self.lock:
            found.store(info, blob)
        return info

    def put_object(
        self,
        bucket: str,
        key: str,
        body: bytes | Iterable[bytes],
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> ObjectInfo:
        writer = writer_with(body if isinstance(body, bytes) else iter(body), self.writer(bucket))
        return self.commit(bucket, key, writer, ObjectFields(content_type, dict(metadata or {})))

    def head_object(self, bucket: str, key: str) -> ObjectInfo:
        info = self.bucket(bucket).info(key)
        if info is None:
            raise no_such_key(key)
        return info

    def open_object(self, bucket: str, key: str) -> tuple[ObjectInfo, Blob]:
        """The object's description and its body (bytes, or the file it is in)."""
        with self.lock:
            found = self.bucket(bucket)
            info = found.info(key)
            if info is None:
                raise no_such_key(key)
            return info, found.blob(key)

    def read_object(self, bucket: str, key: str) -> Iterator[bytes]:
        return read_blob(self.open_object(bucket, key)[1])

    def get_object(self, bucket: str, key: str) -> bytes:
        return b"".join(self.read_object(bucket, key))

    def set_tags(self, bucket: str, key: str, tags: Mapping[str, str]) -> ObjectInfo:
        """Replace an object's tag set (PutObjectTagging; `{}` deletes them)."""
        with self.lock:
            found = self.bucket(bucket)
            info = found.info(key)
            if info is None:
                raise no_such_key(key)
            tagged = replace(info, tags=dict(check_tags(tags)))
            found.describe(tagged)
            return tagged

    def delete_object(self, bucket: str, key: str) -> bool:
        """Remove `key`; a missing key is no error (S3 answers 204 either way)."""
        with self.lock:
            return self.bucket(bucket).remove(key)

    def copy_object(
        self, source_bucket: str, source_key: str, bucket: str, key: str,
        fields: ObjectFields | None = None,
    ) -> ObjectInfo:
        """Copy an object; `fields` None keeps the source's (MetadataDirective COPY)."""
        info, blob = self.open_object(source_bucket, source_key)
        writer = writer_with(read_blob(blob), self.writer(bucket))
        kept = info.etag if "-" in info.etag else None  # S3 keeps a multipart ETag on copy
        return self.commit(bucket, key, writer, fields or info.fields(), kept)

    # listing ------------------------------------------------------------------------
    def iter_objects(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with `prefix`, in key order."""
        after: str | None = None
        while True:
            page = self.list_objects(bucket, prefix, after=after or "", max_keys=MAX_KEYS)
            yield from page.objects
            if not page.truncated or page.last is None:
                return
            after = page.last

    def list_objects(
        self,
        bucket: str,
        prefix: str = "",
        delimiter: str = "",
        *,
        after: str = "",
        max_keys: int = MAX_KEYS,
    ) -> ListPage:
        """One page of keys after `after` (a key, or a common prefix a page ended on)."""
        with self.lock:
            found = self.bucket(bucket)
            objects: list[ObjectInfo] = []
            prefixes: list[str] = []
            truncated = False
            start, inclusive = (after, False) if after >= prefix else (prefix, True)
            for key in found.keys_from(start, inclusive):
                if not key.startswith(prefix):
                    break  # past the prefix: keys are in order
                common = None
                if delimiter:
                    at = key.find(delimiter, len(prefix))
                    if at >= 0:
                        common = key[: at + len(delimiter)]
                        if common == after or (prefixes and prefixes[-1] == common):
                            continue  # this prefix is listed already
                if len(objects) + len(prefixes) >= max_keys:
                    truncated = max_keys > 0
                    break
                if common is not None:
                    prefixes.append(common)
                    continue
                info = found.info(key)
                if info is not None:
                    objects.append(info)
            last_key = objects[-1].key if objects else None
            last_prefix = prefixes[-1] if prefixes else None
            last = max((k for k in (last_key, last_prefix) if k is not None), default=None)
            return ListPage(objects, prefixes, truncated, last)
