"""Plain manifest data -> typed Inventory. `load(cwd)` is the entry point.

Public API:
- `load(cwd, env="testing") -> Inventory`
- `to_json(inventory) -> dict` (the stable schema documented in docs/inventory-json.md)
"""

from __future__ import annotations

from pyarc.inventory.loader import build, load
from pyarc.inventory.model import Inventory
from pyarc.inventory.serialize import to_json

__all__ = ["Inventory", "build", "load", "to_json"]
