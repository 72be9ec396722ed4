"""Serve the `@static` folder: content types, ETag/304, `static.json` fingerprints.

No request path can read outside the folder: `..` segments (also percent-encoded,
since the server decodes the path first), NUL bytes and backslashes are refused,
and the resolved file (symlinks followed) must still lie inside the folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response

STATIC_PREFIX = "/_static/"
FINGERPRINT_MANIFEST = "static.json"


class StaticFolder:
    def __init__(self, folder: Path, fingerprint: bool = False) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self._manifest_mtime: float | None = None
        self._originals: dict[str, str] = {}  # fingerprinted name -> original name

    def resolve(self, relative: str) -> Path | None:
        """The file for `relative` (a decoded URL path below the folder), or None."""
        parts = [p for p in relative.replace("\\", "/").split("/") if p]
        if any(p in (".", "..") or "\x00" in p for p in parts) or "\\" in relative:
            return None
        if not parts:
            return None
        name = "/".join(parts)
        if self.fingerprint:
            name = self._original_name(name)
        try:
            root = self.folder.resolve(strict=True)
            candidate = (root / name).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate

    def _original_name(self, name: str) -> str:
        manifest = self.folder / FINGERPRINT_MANIFEST
        try:
            mtime = manifest.stat().st_mtime
        except OSError:
            return name
        if mtime != self._manifest_mtime:
            try:
                mapping = json.loads(manifest.read_text("utf-8"))
            except (OSError, ValueError):
                mapping = {}
            self._originals = {
                str(v): str(k) for k, v in mapping.items() if isinstance(mapping, dict)
            }
            self._manifest_mtime = mtime
        return self._originals.get(name, name)

    def respond(self, relative: str, request_headers: Headers) -> Response | None:
        """A response for the file, a 304 when the client's ETag matches, or None if absent."""
        found = self.resolve(relative)
        if found is None:
            return None
        stat = found.stat()
        etag = '"' + hashlib.md5(f"{stat.st_mtime_ns}-{stat.st_size}".encode()).hexdigest() + '"'
        if etag in {t.strip() for t in request_headers.get("if-none-match", "").split(",")}:
            return Response(status_code=304, headers={"etag": etag})
        headers = {"etag": etag, "cache-control": "public, max-age=0, must-revalidate"}
        return FileResponse(found, headers=headers, stat_result=stat)
