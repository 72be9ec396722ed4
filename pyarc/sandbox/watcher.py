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
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from watchfiles._rust_notify import RustNotify

from pyarc.inventory.lambda_package import PACKAGE_FILE, REQUIREMENTS_FILE
from pyarc.inventory.model import Function, Inventory

if TYPE_CHECKING:
    from pyarc.sandbox.server import SandboxServer

_IGNORED_DIRS = {"__pycache__", ".git", "node_modules", ".venv", "venv", ".pytest_cache"}
_RELOAD_NAMES = {"prefs.arc", ".env", "config.arc"}


def _interesting(path: str) -> bool:
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
    """Watches the app's folder; `armed` is set once a save will be seen (the sandbox says
    Ready only then, so an edit made right after Ready is never missed)."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.armed = asyncio.Event()
        self._stop = threading.Event()  # read by the watch thread between steps
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def wait_armed(self, timeout: float = 10.0) -> None:
        """Until watching has begun (or failed, which _run reports); never longer than timeout."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.armed.wait(), timeout)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        root = self.server.inventory.cwd
        try:
            # watchfiles' Rust notifier adds its watches as it is built: build it in a
            # thread (a big tree takes a while) and say `armed` once it has; awatch has no
            # such moment, so its loop is written out here over the same notifier.
            notify = await asyncio.to_thread(
                RustNotify, [str(root)], False, False, 300, True, False
            )
        except Exception as exc:  # e.g. out of inotify watches: keep serving, say so
            self.armed.set()
            self.server.log.warning(f"file watching stopped ({exc}); restart to pick up edits")
            return
        self.armed.set()
        with notify:
            while not self._stop.is_set():
                try:
                    raw = await asyncio.to_thread(notify.watch, 50, 10, 5000, self._stop)
                except Exception as exc:
                    self.server.log.warning(
                        f"file watching stopped ({exc}); restart to pick up edits"
                    )
                    return
                if not isinstance(raw, set):
                    continue  # "timeout": look again; "stop": the loop's condition ends it
                changed = {Path(path) for _, path in raw if _interesting(path)}
                if changed:
                    self.handle(changed)

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
                if fn.src.is_dir():
                    self.server.log.info(f"{fn.key} changed: next invocation runs the new code")
                    continue
                folder = fn.src.relative_to(inventory.cwd)
                self.server.log.warning(
                    f"{fn.key}: its folder {folder} was deleted, so its invocations fail; "
                    f"restore it, or remove the function from {inventory.manifest.name}"
                )
