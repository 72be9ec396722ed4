"""Where a bucket keeps its objects: in memory, in a folder of its own (`--persist`), or as
the plain files of a folder (the `@static` bucket is the app's `public/` folder).

Each keeps its keys in S3's order (UTF-8 byte order, which is Python's code point order).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from sortedcontainers import SortedDict

from pyarc.s3.cors import CorsRule
from pyarc.s3.errors import invalid_argument
from pyarc.s3.objects import (
    DEFAULT_CONTENT_TYPE,
    Blob,
    BlobWriter,
    ObjectInfo,
    quoted_md5,
    read_blob,
)


class Bucket(ABC):
    def __init__(self, name: str, created: float) -> None:
        self.name = name
        self.created = created
        self.cors: list[CorsRule] | None = None  # PutBucketCors's rules

    def set_cors(self, rules: list[CorsRule] | None) -> None:
        self.cors = rules

    @abstractmethod
    def info(self, key: str) -> ObjectInfo | None: ...

    @abstractmethod
    def keys_from(self, start: str, inclusive: bool) -> Iterator[str]:
        """Keys from `start` on, in order."""

    @abstractmethod
    def blob(self, key: str) -> Blob: ...

    @abstractmethod
    def writer(self) -> BlobWriter: ...

    @abstractmethod
    def store(self, info: ObjectInfo, blob: Blob) -> None:
        """Keep `blob` as `info.key` (a file blob is moved, not copied)."""

    @abstractmethod
    def remove(self, key: str) -> bool: ...

    @abstractmethod
    def describe(self, info: ObjectInfo) -> None:
        """Replace what is said about an existing object (its tags), not its body."""

    def is_empty(self) -> bool:
        return next(self.keys_from("", True), None) is None

    def check_key(self, key: str) -> None:
        """Refuse a key this bucket cannot hold (only a folder's bucket refuses any)."""
        return None

    def destroy(self) -> None:
        """Forget the bucket itself (it is empty)."""
        return None


class MemoryBucket(Bucket):
    def __init__(self, name: str, created: float) -> None:
        super().__init__(name, created)
        self._objects: SortedDict = SortedDict()  # key -> (ObjectInfo, bytes)

    def info(self, key: str) -> ObjectInfo | None:
        found = self._objects.get(key)
        return found[0] if found else None

    def keys_from(self, start: str, inclusive: bool) -> Iterator[str]:
        return self._objects.irange(minimum=start, inclusive=(inclusive, True))

    def blob(self, key: str) -> Blob:
        return self._objects[key][1]

    def writer(self) -> BlobWriter:
        return BlobWriter()

    def store(self, info: ObjectInfo, blob: Blob) -> None:
        if not isinstance(blob, bytes):
            moved, blob = blob, blob.read_bytes()
            moved.unlink(missing_ok=True)
        self._objects[info.key] = (info, blob)

    def remove(self, key: str) -> bool:
        return self._objects.pop(key, None) is not None

    def describe(self, info: ObjectInfo) -> None:
        self._objects[info.key] = (info, self._objects[info.key][1])


BUCKET_FILE = "bucket.json"


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)


class DiskBucket(Bucket):
    """`<dir>/bucket.json`, each object as `objects/<sha256 of key>` plus its `.json`
    description (so any key fits, whatever its characters); the index is read at start."""

    def __init__(self, directory: Path, name: str, created: float) -> None:
        super().__init__(name, created)
        self.directory = directory
        self._objects = directory / "objects"
        self._uploads = directory / "uploads"
        self._index: SortedDict = SortedDict()  # key -> ObjectInfo

    @classmethod
    def create(cls, directory: Path, name: str, created: float) -> DiskBucket:
        (directory / "objects").mkdir(parents=True, exist_ok=True)
        _write_atomically(directory / BUCKET_FILE, json.dumps({"name": name, "created": created}))
        return cls(directory, name, created)

    @classmethod
    def open(cls, directory: Path) -> DiskBucket | None:
        try:
            described = json.loads((directory / BUCKET_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        bucket = cls(directory, str(described["name"]), float(described["created"]))
        if described.get("cors") is not None:
            bucket.cors = [CorsRule.from_json(rule) for rule in described["cors"]]
        shutil.rmtree(bucket._uploads, ignore_errors=True)  # uploads do not outlive a run
        for described_file in (directory / "objects").glob("*.json"):
            try:
                info = ObjectInfo(**json.loads(described_file.read_text("utf-8")))
            except (OSError, ValueError, TypeError):
                continue  # a torn description: the object was never completely stored
            if described_file.with_suffix("").is_file():
                bucket._index[info.key] = info
        return bucket

    def set_cors(self, rules: list[CorsRule] | None) -> None:
        super().set_cors(rules)
        described = {"name": self.name, "created": self.created,
                     "cors": [r.to_json() for r in rules] if rules is not None else None}
        _write_atomically(self.directory / BUCKET_FILE, json.dumps(described))

    def _path(self, key: str) -> Path:
        return self._objects / hashlib.sha256(key.encode("utf-8")).hexdigest()

    def info(self, key: str) -> ObjectInfo | None:
        return self._index.get(key)

    def keys_from(self, start: str, inclusive: bool) -> Iterator[str]:
        return self._index.irange(minimum=start, inclusive=(inclusive, True))

    def blob(self, key: str) -> Blob:
        return self._path(key)

    def writer(self) -> BlobWriter:
        return BlobWriter(self._uploads)

    def store(self, info: ObjectInfo, blob: Blob) -> None:
        path = self._path(info.key)
        if isinstance(blob, bytes):
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_bytes(blob)
            blob = temporary
        os.replace(blob, path)
        _write_atomically(path.with_name(path.name + ".json"), json.dumps(asdict(info)))
        self._index[info.key] = info

    def describe(self, info: ObjectInfo) -> None:
        path = self._path(info.key)
        _write_atomically(path.with_name(path.name + ".json"), json.dumps(asdict(info)))
        self._index[info.key] = info

    def remove(self, key: str) -> bool:
        if self._index.pop(key, None) is None:
            return False
        path = self._path(key)
        path.with_name(path.name + ".json").unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        return True

    def destroy(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def _file_md5(path: Path) -> str:
    digest = hashlib.md5()
    for chunk in read_blob(path):
        digest.update(chunk)
    return quoted_md5(digest.digest())


class FolderBucket(Bucket):
    """A bucket whose objects are the files of `folder`: key `css/app.css` is the file
    `folder/css/app.css` (`<prefix>/css/app.css` with a key prefix, as `@static prefix`
    deploys it). What a PutObject said (content type, metadata) is kept while the file is
    unchanged; a file written by anything else gets its extension's content type."""

    def __init__(self, folder: Path, name: str, created: float, prefix: str = "") -> None:
        super().__init__(name, created)
        self.folder = folder
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self._described: dict[str, tuple[int, int, ObjectInfo]] = {}  # key -> (mtime, size, info)
        self._md5s: dict[str, tuple[int, int, str]] = {}

    def _file(self, key: str) -> Path | None:
        """The file for `key`, never outside the folder (no `..`, nor a symlink out of it)."""
        if not key.startswith(self.prefix):
            return None
        parts = key[len(self.prefix) :].split("/")
        if any(p in ("", ".", "..") for p in parts) or "\\" in key or "\x00" in key:
            return None
        path = self.folder.joinpath(*parts)
        try:
            inside = path.resolve().is_relative_to(self.folder.resolve())
        except (OSError, RuntimeError):  # a symlink loop
            return None
        return path if inside else None

    def check_key(self, key: str) -> None:
        path = self._file(key)
        if path is None or any(p.is_file() for p in path.parents if p != self.folder):
            within = f" below the prefix {self.prefix!r}" if self.prefix else ""
            raise invalid_argument(
                f"The bucket {self.name} is the app's static folder {self.folder}, so a key "
                f"must be a file path there{within} (no empty, '.' or '..' segments, no "
                f"backslash, no file where a folder is needed); {key!r} is not.",
                "Key",
                key,
            )

    def info(self, key: str) -> ObjectInfo | None:
        path = self._file(key)
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        described = self._described.get(key)
        if described and described[:2] == (stat.st_mtime_ns, stat.st_size):
            return described[2]
        known = self._md5s.get(key)
        if not known or known[:2] != (stat.st_mtime_ns, stat.st_size):
            known = (stat.st_mtime_ns, stat.st_size, _file_md5(path))
            self._md5s[key] = known
        guessed = mimetypes.guess_type(path.name)[0] or DEFAULT_CONTENT_TYPE
        return ObjectInfo(key, stat.st_size, known[2], stat.st_mtime, guessed)

    def keys_from(self, start: str, inclusive: bool) -> Iterator[str]:
        keys = []
        for root, dirs, files in os.walk(self.folder):
            dirs.sort()
            relative = Path(root).relative_to(self.folder).as_posix()
            base = self.prefix + ("" if relative == "." else relative + "/")
            keys += [base + name for name in files]
        keys.sort()
        return (k for k in keys if k > start or (inclusive and k == start))

    def blob(self, key: str) -> Blob:
        path = self._file(key)
        assert path is not None
        return path

    def writer(self) -> BlobWriter:
        return BlobWriter(Path(tempfile.gettempdir()) / "pyarc-s3-uploads")

    def store(self, info: ObjectInfo, blob: Blob) -> None:
        path = self._file(info.key)
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(blob, bytes):
            path.write_bytes(blob)
        else:
            shutil.move(blob, path)  # a copy when the temporary folder is another disk
        stat = path.stat()
        stored = ObjectInfo(**{**asdict(info), "last_modified": stat.st_mtime})
        self._described[info.key] = (stat.st_mtime_ns, stat.st_size, stored)

    def describe(self, info: ObjectInfo) -> None:
        path = self._file(info.key)
        assert path is not None
        stat = path.stat()
        self._described[info.key] = (stat.st_mtime_ns, stat.st_size, info)

    def remove(self, key: str) -> bool:
        path = self._file(key)
        if path is None or not path.is_file():
            return False
        path.unlink()
        self._described.pop(key, None)
        for parent in path.parents:  # S3 has no folders: empty ones go with their last file
            if parent == self.folder or any(parent.iterdir()):
                break
            parent.rmdir()
        return True
