"""Additional checksums (`x-amz-checksum-<algorithm>`, as a header or, announced by
`x-amz-trailer`, after an aws-chunked body): S3 verifies the one a writer sends (boto3 and
the JavaScript SDK send CRC32 by default) and gives it back with the object when asked
(`x-amz-checksum-mode: ENABLED`), so the SDK checks what it reads.

CRC32, SHA-1 and SHA-256 are verified here; CRC32C and CRC64NVME (no standard-library
implementation) are kept as sent, unverified.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Mapping

from pyarc.s3.errors import S3Error

ALGORITHMS = ("crc32", "crc32c", "crc64nvme", "sha1", "sha256")
PREFIX = "x-amz-checksum-"


class _Crc32:
    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = zlib.crc32(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")


def _calculator(algorithm: str):
    if algorithm == "crc32":
        return _Crc32()
    if algorithm in ("sha1", "sha256"):
        return hashlib.new(algorithm)
    return None


class Checksums:
    """The checksums a request's headers announce, computed over its body as it arrives."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.given = {a: headers[PREFIX + a].strip() for a in ALGORITHMS if PREFIX + a in headers}
        announced = headers.get("x-amz-trailer", "").strip().lower()  # sent after the body
        self.trailer = announced[len(PREFIX):] if announced.startswith(PREFIX) else None
        wanted = [*self.given, *([self.trailer] if self.trailer in ALGORITHMS else [])]
        found = {a: _calculator(a) for a in wanted}
        self._calculators = {a: c for a, c in found.items() if c is not None}

    def update(self, data: bytes) -> None:
        for calculator in self._calculators.values():
            calculator.update(data)

    def verified(self, trailers: Mapping[str, str] | None = None) -> dict[str, str]:
        """The announced checksums (headers, and the aws-chunked trailer), each one that can
        be computed checked (BadDigest)."""
        if self.trailer is not None and trailers and PREFIX + self.trailer in trailers:
            self.given[self.trailer] = trailers[PREFIX + self.trailer]
        for algorithm, calculator in self._calculators.items():
            if algorithm not in self.given:
                continue  # an announced trailer that never came
            if base64.b64encode(calculator.digest()).decode() != self.given[algorithm]:
                raise S3Error("BadDigest", f"The {algorithm.upper()} you specified did not "
                              "match the calculated checksum.", 400)
        return dict(self.given)


def checksum_headers(checksums: Mapping[str, str]) -> list[tuple[str, str]]:
    if not checksums:
        return []
    found = [(PREFIX + algorithm, value) for algorithm, value in checksums.items()]
    return [*found, ("x-amz-checksum-type", "FULL_OBJECT")]
