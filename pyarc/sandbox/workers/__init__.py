"""Handler workers: warm Python processes that run Lambda-style handlers locally."""

from __future__ import annotations

from .dependencies import Dependencies
from .pool import WorkerPools
from .results import InvokeError, InvokeResult

__all__ = ["Dependencies", "InvokeError", "InvokeResult", "WorkerPools"]
