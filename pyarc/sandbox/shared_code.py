"""`@shared` / `@views` code on handlers' import path, laid out as `pyarc deploy` packages it.

A deployed function has `src/shared` at its root as `shared/` (and, for `@http`
functions, `src/views` as `views/`), so handlers write `from shared.db import x`. The
sandbox gives workers the same names through a private directory of symlinks on their
import path; edits under `src/shared` are live (the watcher recycles the workers).

Node.js functions get them as Architect arranges them, `node_modules/@architect/shared`
and `node_modules/@architect/views` (`require('@architect/shared/db')`): the same links
under a `node_modules` the worker resolves from (NODE_PATH, and the bootstrap's ESM hook).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pyarc.inventory.model import Function, Inventory


class SharedCode:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pyarc-shared-"))
        self.refresh(None)

    def refresh(self, inventory: Inventory | None) -> None:
        """Lay the links out again for `inventory` (None: empty)."""
        self._refresh_node(inventory)
        for kind in ("http", "other"):
            folder = self.root / kind
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            if inventory is None:
                continue
            dirs = list(inventory.shared or [])
            if kind == "http":
                dirs += list(inventory.views or [])
            for source in dirs:
                if source.is_dir():
                    (folder / source.name).symlink_to(source.resolve(), target_is_directory=True)

    def _refresh_node(self, inventory: Inventory | None) -> None:
        for kind in ("http", "other"):
            folder = self.root / f"node-{kind}"
            shutil.rmtree(folder, ignore_errors=True)
            scope = folder / "node_modules" / "@architect"
            scope.mkdir(parents=True)
            if inventory is None:
                continue
            links = {"shared": (inventory.shared or [None])[0]}
            if kind == "http":
                links["views"] = (inventory.views or [None])[0]
            for name, source in links.items():
                if source is not None and source.is_dir():
                    (scope / name).symlink_to(source.resolve(), target_is_directory=True)

    def path_for(self, fn: Function) -> str:
        """The folder `fn`'s worker imports from (Python), or resolves `node_modules` in (Node.js)."""
        kind = "http" if fn.kind == "http" else "other"
        return str(self.root / (f"node-{kind}" if fn.config.is_node else kind))

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
