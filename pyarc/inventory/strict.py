"""The one home for manifest warnings: every command hands them to `report`, which prints
them (at start and at each reload) or, under `--strict` / `PYARC_STRICT=1`, refuses."""

from __future__ import annotations

import os
from collections.abc import Callable

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory

STRICT_VARIABLE = "PYARC_STRICT"


class StrictManifestError(PyarcError):
    """A manifest warning turned into an error by --strict."""


def strict_default() -> bool:
    """True when PYARC_STRICT asks for strict manifests (1, true, yes, on)."""
    return os.environ.get(STRICT_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


def report(inventory: Inventory, warn: Callable[[str], None], strict: bool | None = None) -> None:
    """Send each manifest warning to `warn`; with `strict` (default: PYARC_STRICT), raise."""
    warnings = inventory.warnings
    if not warnings:
        return
    if strict_default() if strict is None else strict:
        more = f"; {len(warnings) - 1} more, shown by `pyarc inventory`" if len(warnings) > 1 else ""
        raise StrictManifestError(
            f"{warnings[0]} (--strict or {STRICT_VARIABLE}=1 makes manifest warnings errors: "
            f"fix the line{more})."
        )
    for warning in warnings:
        warn(warning)
