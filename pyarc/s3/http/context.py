"""What every operation is handed: the store, its uploads, the region and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyarc.s3.multipart import Multipart
from pyarc.s3.store import S3Store


@dataclass
class Context:
    store: S3Store
    multipart: Multipart
    region: Callable[[], str]  # the sandbox's region, for requests that name none
    now: Callable[[], float]
