"""Hot reload: watch the app directory and react to edits without a restart.

- a file under a function's directory -> recycle that function's workers;
- anything under `src/shared` or `src/views` -> recycle every function;
- the manifest, `prefs.arc`, `.env` or a `config.arc` -> reload the Inventory and routes.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import watchfiles

from pyarc.inventory.lambda_package import REQUIREMENTS_FILE

if TYPE_CHECKING:
    from pyarc.sandbox.server import SandboxServer

_IGNORED_DIRS = {"__pycache__", ".git", "node_modules", ".venv", "venv", ".pytest_cache"}
_RELOAD_NAMES = {"prefs.arc", ".env", "config.arc"}


def _interesting(change: watchfiles.Change, path: str) -> bool:
    parts = Path(path).parts
    if any(part in _IGNORED_DIRS for part in parts):
        return False
    return not path.endswith((".pyc", ".swp", "~"))


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
        manifest = inventory.manifest.resolve()
        if any(p.resolve() == manifest or p.name in _RELOAD_NAMES for p in changed):
            self.server.reload_inventory()
            return
        shared_dirs = [d.resolve() for d in (inventory.shared or []) + (inventory.views or [])]
        shared_dirs += [inventory.cwd / "src" / "shared", inventory.cwd / "src" / "views"]
        root_requirements = (inventory.cwd / REQUIREMENTS_FILE).resolve()
        if any(p.resolve() == root_requirements for p in changed):
            self.server.dependencies.start(inventory, inventory.functions)  # install it again
        if any(
            p.resolve() == root_requirements or p.resolve().is_relative_to(d)
            for p in changed
            for d in shared_dirs
        ):
            count = state.pools.recycle(None)
            self.server.log.info(f"shared code changed: recycled {count} workers")
            return
        for fn in inventory.functions:
            src = fn.src.resolve()
            if any(p.resolve().is_relative_to(src) for p in changed):
                if any(p.name == REQUIREMENTS_FILE for p in changed):
                    self.server.dependencies.start(inventory, [fn])  # in the background
                state.pools.recycle(fn.src)
                self.server.log.info(f"{fn.key} changed: next invocation runs the new code")
