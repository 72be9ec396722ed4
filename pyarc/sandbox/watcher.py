"""Hot reload: watch the app directory and react to edits without a restart.

`classify(changes, inventory)` (pure) decides; `Watcher` watches and applies its answer:
- the manifest, `prefs.arc`, `.env` or a `config.arc` -> `Reload` the Inventory and routes;
- anything under `src/shared`, `src/views` (or the manifest's shared/views dirs), or the
  app's `requirements.txt` -> `Recycle` every function (requirements installed again);
- the app's `package.json` -> `Recycle` every Node.js function (npm run where needed);
- a file under a function's directory -> `Recycle` that function (its own
  `requirements.txt` or `package.json` installed again);
- anything else -> None (nothing to do).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import watchfiles

from pyarc.inventory.lambda_package import PACKAGE_FILE, REQUIREMENTS_FILE
from pyarc.inventory.model import Function, Inventory

if TYPE_CHECKING:
    from pyarc.sandbox.server import SandboxServer

_IGNORED_DIRS = {"__pycache__", ".git", "node_modules", ".venv", "venv", ".pytest_cache"}
_RELOAD_NAMES = {"prefs.arc", ".env", "config.arc"}


def _interesting(change: watchfiles.Change, path: str) -> bool:
    parts = Path(path).parts
    if any(part in _IGNORED_DIRS for part in parts):
        return False
    return not path.endswith((".pyc", ".swp", "~"))


@dataclass(frozen=True)
class Reload:
    """Read the manifest again (routes, tables, settings may have changed)."""


@dataclass(frozen=True)
class Recycle:
    """Retire the workers of `functions`; install `reinstall`'s requirements again first."""

    functions: tuple[Function, ...]
    shared: bool = False  # shared code or the app's requirements: every function
    reinstall: tuple[Function, ...] = ()


Reaction = Reload | Recycle | None


def classify(changes: set[Path], inventory: Inventory) -> Reaction:
    """What a batch of changed paths calls for (no I/O beyond resolving the paths)."""
    changed = {p.resolve() for p in changes}
    manifest = inventory.manifest.resolve()
    if any(p == manifest or p.name in _RELOAD_NAMES for p in changed):
        return Reload()
    shared_dirs = [d.resolve() for d in (inventory.shared or []) + (inventory.views or [])]
    shared_dirs += [inventory.cwd / "src" / "shared", inventory.cwd / "src" / "views"]
    root_requirements = (inventory.cwd / REQUIREMENTS_FILE).resolve()
    if root_requirements in changed:
        functions = tuple(inventory.functions)
        return Recycle(functions, shared=True, reinstall=functions)
    if (inventory.cwd / PACKAGE_FILE).resolve() in changed:  # the app's npm dependencies
        functions = tuple(fn for fn in inventory.functions if fn.config.is_node)
        return Recycle(functions, reinstall=functions)
    if any(p.is_relative_to(d) for p in changed for d in shared_dirs):
        return Recycle(tuple(inventory.functions), shared=True)
    touched: list[Function] = []
    reinstall: list[Function] = []
    for fn in inventory.functions:
        src = fn.src.resolve()
        mine = [p for p in changed if p.is_relative_to(src)]
        if mine:
            touched.append(fn)
            if any(p in (src / REQUIREMENTS_FILE, src / PACKAGE_FILE) for p in mine):
                reinstall.append(fn)
    return Recycle(tuple(touched), reinstall=tuple(reinstall)) if touched else None


class Watcher:
    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        root = self.server.inventory.cwd
        try:
            # awatch's first step imports anyio's asyncio backend (tens of ms): in a thread,
            # so requests arriving as the sandbox comes up are not held behind it
            await asyncio.to_thread(importlib.import_module, "anyio._backends._asyncio")
            async for changes in watchfiles.awatch(
                root,
                watch_filter=_interesting,
                debounce=50,
                step=10,
                stop_event=self._stop,
                recursive=True,
            ):
                self.handle({Path(path) for _, path in changes})
        except Exception as exc:  # e.g. out of inotify watches: keep serving, say so
            self.server.log.warning(f"file watching stopped ({exc}); restart to pick up edits")

    def handle(self, changed: set[Path]) -> None:
        """React to a batch of changed paths (public so it can be driven directly)."""
        state = self.server.state
        if state is None:
            return
        inventory = self.server.inventory
        reaction = classify(changed, inventory)
        if isinstance(reaction, Reload):
            self.server.reload_inventory()
        elif isinstance(reaction, Recycle):
            if reaction.reinstall:
                self.server.dependencies.start(inventory, list(reaction.reinstall))
            if reaction.shared:
                count = state.pools.recycle(None)
                self.server.log.info(f"shared code changed: recycled {count} workers")
                return
            for fn in reaction.functions:
                state.pools.recycle(fn.src)
                self.server.log.info(f"{fn.key} changed: next invocation runs the new code")
