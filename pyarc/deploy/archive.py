"""Reproducible zip archives: the same files give the same bytes, hence the same hash.

Entries are sorted, timestamps fixed (1980-01-01, the zip epoch), permissions normalised
(0644 for files, 0755 for executables), and directory entries left out, so neither the build
time, the file system's order, nor umask changes the archive.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
EXEC_MODE = 0o755
# Bytecode differs per build and per interpreter; Lambda compiles on first import anyway.
# node_modules is kept: a Node.js function's dependencies live there (the build leaves it out
# of Python functions).
SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".venv", ".pytest_cache"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")


def archive_entries(root: Path) -> list[tuple[str, Path]]:
    """(archive name, file path) for every file under `root`, sorted by archive name."""
    entries: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS]
        for filename in filenames:
            if filename.endswith(SKIPPED_SUFFIXES):
                continue
            path = Path(dirpath) / filename
            if not path.is_file():
                continue
            entries.append((path.relative_to(root).as_posix(), path))
    entries.sort(key=lambda entry: entry[0])
    return entries


def zip_directory(root: Path) -> bytes:
    """The reproducible zip of everything under `root`, as bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, path in archive_entries(root):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so external_attr carries the mode
            executable = bool(path.stat().st_mode & stat.S_IXUSR)
            mode = EXEC_MODE if executable else FILE_MODE
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, path.read_bytes())
    return buffer.getvalue()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
