"""`Range: bytes=...` as S3 reads it: one range; a range S3 cannot parse is ignored (the
whole object, 200), one past the end is InvalidRange (416)."""

from __future__ import annotations

import re

from pyarc.s3.errors import invalid_range

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """[start, end) to send, or None for the whole object."""
    if not header:
        return None
    found = _RANGE.match(header.strip())
    if found is None:
        return None  # a multi-range or malformed header: S3 sends the whole object
    first, last = found.groups()
    if not first and not last:
        return None
    if not first:  # a suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise invalid_range(size, header)
        return max(0, size - length), size
    start = int(first)
    end = min(int(last) + 1, size) if last else size
    if last and int(last) < start:
        return None  # S3 ignores a range whose end precedes its start
    if start >= size:
        raise invalid_range(size, header)
    return start, end
