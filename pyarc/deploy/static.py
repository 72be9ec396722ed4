"""Publish the `@static` folder to its S3 bucket.

- Keys: the file's path under the folder (after `@static prefix`), fingerprinted as
  `name-<first 10 hex of sha256>.ext` when `@static fingerprint true` (Architect's scheme); the
  original -> fingerprinted map is written to `<folder>/static.json` and packaged with every
  function, where `pyarc.functions.static()` reads it.
- Headers: a Content-Type from the file name; `Cache-Control` so browsers never keep stale
  pages but keep fingerprinted files forever:
  html -> `no-cache, no-store, must-revalidate, max-age=0, s-maxage=0`;
  fingerprinted (`true` or `external`) -> `public, max-age=31536000, immutable`;
  anything else -> `public, max-age=0, must-revalidate` (cached, revalidated by ETag).
- Only changed files are uploaded (S3's ETag is the MD5 of a single-part upload);
  `prune` deletes objects under the prefix that the folder no longer has.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import mimetypes
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory, Static

MANIFEST_NAME = "static.json"
DEFAULT_IGNORE = (".DS_Store", "node_modules", "readme.md", "README.md", MANIFEST_NAME, ".*")
NO_CACHE = "no-cache, no-store, must-revalidate, max-age=0, s-maxage=0"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
EXTRA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".md": "text/markdown",
}
TEXT_TYPES = ("text/", "application/json", "application/manifest+json", "image/svg+xml")


@dataclass(frozen=True)
class StaticFile:
    path: Path
    name: str  # path under the folder, posix: "css/app.css"
    key: str  # S3 key: prefix + (fingerprinted) name
    content_type: str
    cache_control: str
    md5: str


@dataclass
class StaticReport:
    bucket: str
    uploaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def static_folder(inventory: Inventory) -> Path:
    static = inventory.static or Static()
    return (inventory.cwd / static.folder).resolve()


def fingerprinted_name(name: str, data: bytes) -> str:
    """`css/app.css` -> `css/app-1a2b3c4d5e.css` (sha256, first 10 hex digits, as Architect)."""
    path = PurePosixPath(name)
    digest = hashlib.sha256(data).hexdigest()[:10]
    return str(path.with_name(f"{path.stem}-{digest}{path.suffix}"))


def content_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    found = EXTRA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if found.startswith(TEXT_TYPES):
        found += "; charset=utf-8"
    return found


def cache_control(name: str, fingerprinted: bool) -> str:
    if PurePosixPath(name).suffix.lower() in (".html", ".htm"):
        return NO_CACHE
    return IMMUTABLE if fingerprinted else REVALIDATE


def is_ignored(name: str, patterns: list[str]) -> bool:
    parts = PurePosixPath(name).parts
    for pattern in [*DEFAULT_IGNORE, *patterns]:
        if fnmatch.fnmatch(name, pattern) or any(fnmatch.fnmatch(p, pattern) for p in parts):
            return True
    return False


def collect(inventory: Inventory) -> list[StaticFile]:
    """The files to publish, sorted by key."""
    static = inventory.static or Static()
    folder = static_folder(inventory)
    if not folder.is_dir():
        return []
    prefix = (static.prefix or "").strip("/")
    fingerprint = static.fingerprint is True
    external = static.fingerprint == "external"  # the user's build already fingerprinted
    files: list[StaticFile] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            name = path.relative_to(folder).as_posix()
            if is_ignored(name, static.ignore):
                continue
            data = path.read_bytes()
            public = fingerprinted_name(name, data) if fingerprint else name
            if public.endswith((".html", ".htm")) and fingerprint:
                public = name  # pages keep their URLs; only assets are fingerprinted
            files.append(
                StaticFile(
                    path=path,
                    name=name,
                    key=f"{prefix}/{public}" if prefix else public,
                    content_type=content_type(name),
                    cache_control=cache_control(name, public != name or external),
                    md5=hashlib.md5(data).hexdigest(),
                )
            )
    return sorted(files, key=lambda f: f.key)


def fingerprint_manifest(files: list[StaticFile], prefix: str | None) -> dict[str, str]:
    """original name -> fingerprinted name (without the bucket prefix), for static.json."""
    strip = f"{prefix.strip('/')}/" if prefix and prefix.strip("/") else ""
    return {f.name: f.key.removeprefix(strip) for f in files}


def write_fingerprint_manifest(inventory: Inventory) -> Path | None:
    """Write `<folder>/static.json` when fingerprinting is on; return its path."""
    static = inventory.static
    if static is None or static.fingerprint is not True:
        return None
    folder = static_folder(inventory)
    if not folder.is_dir():
        return None
    mapping = fingerprint_manifest(collect(inventory), static.prefix)
    path = folder / MANIFEST_NAME
    text = json.dumps(mapping, indent=2, sort_keys=True) + "\n"
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


def publish_static(s3: Any, bucket: str, inventory: Inventory, prune: bool = False) -> StaticReport:
    """Upload changed files to `bucket`; with `prune`, delete keys the folder no longer has."""
    static = inventory.static or Static()
    prefix = (static.prefix or "").strip("/")
    files = collect(inventory)
    existing = _existing_etags(s3, bucket, prefix)
    report = StaticReport(bucket)
    for item in files:
        if existing.get(item.key) == item.md5:
            report.unchanged.append(item.key)
            continue
        s3.put_object(
            Bucket=bucket,
            Key=item.key,
            Body=item.path.read_bytes(),
            ContentType=item.content_type,
            CacheControl=item.cache_control,
        )
        report.uploaded.append(item.key)
    if prune:
        wanted = {item.key for item in files}
        stale = sorted(key for key in existing if key not in wanted)
        for start in range(0, len(stale), 1000):
            batch = [{"Key": key} for key in stale[start : start + 1000]]
            s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        report.deleted = stale
    return report


def _existing_etags(s3: Any, bucket: str, prefix: str) -> dict[str, str]:
    etags: dict[str, str] = {}
    paginator = s3.get_paginator("list_objects_v2")
    try:
        for page in paginator.paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""):
            for obj in page.get("Contents", []):
                etags[obj["Key"]] = obj["ETag"].strip('"')
    except s3.exceptions.NoSuchBucket as exc:
        raise PyarcError(
            f"The static bucket {bucket} does not exist; deploy the stack first (pyarc deploy "
            "without --static-only) or fix `@static staging/production`."
        ) from exc
    return etags
