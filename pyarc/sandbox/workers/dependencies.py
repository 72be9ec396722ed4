"""A function's declared dependencies, installed by the sandbox (and by `pyarc hydrate`).

Each requirements file deploy packages for a function (its own, then the app root's) is
installed with pip into a cache directory named by a hash of the file's text and of the
local Python: the same file in two apps is installed once, and a cached one is reused with
no network. Installs run in the background; a worker of that function waits for its own.

A Node.js function's package.json folders (its own, src/shared's, src/views', the app
root's) are installed in place as Architect's hydrate does: `npm ci` when a lockfile is
there, else `npm install`, when the folder has no `node_modules` yet (`pyarc hydrate`: always).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import platform
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pyarc.inventory.lambda_package import (
    NPM_LOCKFILES,
    PACKAGE_FILE,
    node_package_folders,
    requirement_files,
)
from pyarc.inventory.model import Function, Inventory

from .results import InvokeError

CACHE_ENV = "PYARC_CACHE_DIR"
COMPLETE_MARKER = ".pyarc-requirements.txt"  # written last: a folder without it is partial


def cache_root() -> Path:
    """`$PYARC_CACHE_DIR`, else `$XDG_CACHE_HOME/pyarc`, else `~/.cache/pyarc`."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pyarc"


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class InstallFailed:
    """pip could not install one requirements file."""

    requirements: Path  # the requirements.txt, or the package.json
    reason: str  # pip's (npm's) own last error line(s)
    tool: str = "pip"

    def invoke_error(self) -> InvokeError:
        """What an invocation of a function whose dependencies failed to install returns."""
        return InvokeError(
            "Sandbox.DependencyInstallFailed",
            f"not run: the install of {_display(self.requirements)} failed ({self.tool}'s message "
            "was printed when it failed); fix the file and save it, or run `pyarc hydrate`",
            [],
            "crash",
        )

    def sentence(self) -> str:
        return (
            f"Installing the dependencies in {_display(self.requirements)} failed: {self.reason} "
            "(fix the file: the sandbox installs it again when it changes, or run `pyarc hydrate`)"
        )


class Dependencies:
    """Installs requirements files into the cache once per content; hands out their folders."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        say: Callable[[str], None] | None = None,
        fail: Callable[[str], None] | None = None,
        force_npm: bool = False,
    ) -> None:
        """`force_npm`: run npm even where `node_modules` exists (`pyarc hydrate`)."""
        self.root = (root or cache_root()) / "deps"
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))
        self.fail = fail or self.say
        self.force_npm = force_npm
        self._installs: dict[str, asyncio.Task[Path | InstallFailed]] = {}

    def key(self, requirements: Path) -> str:
        text = requirements.read_bytes()
        python = f"{sys.implementation.name}{sys.version_info[0]}.{sys.version_info[1]}"
        tag = f"{python}-{sys.platform}-{platform.machine()}"
        return hashlib.sha256(tag.encode() + b"\0" + text).hexdigest()[:24]

    def folder(self, key: str) -> Path:
        return self.root / key

    def start(self, inventory: Inventory, fns: Iterable[Function]) -> None:
        """Begin installing (in the background) every file these functions need."""
        for fn in fns:
            for requirements in requirement_files(inventory, fn):
                self._install(requirements)
            for folder in node_package_folders(inventory, fn):
                self._install_npm(folder)

    async def paths_for(self, inventory: Inventory, fn: Function) -> list[str] | InstallFailed:
        """The installed folders `fn` imports from, once installed (waiting if need be); for
        a Node.js function none (Node finds each folder's `node_modules`), once installed."""
        paths = []
        for folder in node_package_folders(inventory, fn):
            outcome = await asyncio.shield(self._install_npm(folder))
            if isinstance(outcome, InstallFailed):
                return outcome
        for requirements in requirement_files(inventory, fn):
            outcome = await asyncio.shield(self._install(requirements))
            if isinstance(outcome, InstallFailed):
                return outcome
            paths.append(str(outcome))
        return paths

    async def install_all(self, inventory: Inventory) -> list[InstallFailed]:
        """Install every function's files now (`pyarc hydrate`); the failures."""
        self.start(inventory, inventory.functions)
        outcomes = await asyncio.gather(*self._installs.values())
        return [outcome for outcome in outcomes if isinstance(outcome, InstallFailed)]

    async def aclose(self) -> None:
        """Stop installs still running (their partial folders are removed)."""
        running = [task for task in self._installs.values() if not task.done()]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    def _install(self, requirements: Path) -> asyncio.Task[Path | InstallFailed]:
        key = self.key(requirements)
        task = self._installs.get(key)
        if task is None:
            task = asyncio.create_task(self._run_pip(requirements, key), name=f"pyarc-pip-{key}")
            self._installs[key] = task
        return task

    def _install_npm(self, folder: Path) -> asyncio.Task[Path | InstallFailed]:
        package = folder / PACKAGE_FILE
        key = "npm-" + hashlib.sha256(
            str(folder.resolve()).encode() + b"\0" + package.read_bytes()
        ).hexdigest()[:24]
        task = self._installs.get(key)
        if task is None:
            task = asyncio.create_task(self._run_npm(folder), name=f"pyarc-npm-{key}")
            self._installs[key] = task
        return task

    async def _run_npm(self, folder: Path) -> Path | InstallFailed:
        package = folder / PACKAGE_FILE
        if (folder / "node_modules").is_dir() and not self.force_npm:
            return folder  # installed already (the user's own, or an earlier run's)
        if not _declares_dependencies(package):
            return folder
        locked = any((folder / name).is_file() for name in NPM_LOCKFILES)
        verb = "ci" if locked else "install"
        started = time.monotonic()
        self.say(f"installing {_display(package)} with `npm {verb}`")
        command = ["npm", verb, "--no-audit", "--no-fund", "--loglevel=error"]
        reason = await self._run(command, folder, package)
        if reason is not None:
            return self._failed(package, None, reason, "npm")
        self.say(f"installed {_display(package)} in {time.monotonic() - started:.1f} s")
        return folder

    async def _run_pip(self, requirements: Path, key: str) -> Path | InstallFailed:
        dest = self.folder(key)
        if (dest / COMPLETE_MARKER).is_file():
            return dest
        started = time.monotonic()
        self.say(f"installing {_display(requirements)} into the dependency cache ({dest})")
        self.root.mkdir(parents=True, exist_ok=True)
        partial = self.root / f".partial-{key}-{uuid.uuid4().hex[:8]}"
        command = [
            sys.executable, "-m", "pip", "install", "--target", str(partial),
            "--disable-pip-version-check", "--no-input", "--quiet", "--no-warn-script-location",
            "-r", str(requirements.resolve()),
        ]  # fmt: skip
        try:
            reason = await self._run(command, requirements.parent, requirements)
        except asyncio.CancelledError:  # the sandbox is stopping: leave no partial folder
            shutil.rmtree(partial, ignore_errors=True)
            raise
        if reason is not None:
            return self._failed(requirements, partial, reason)
        shutil.rmtree(partial / "bin", ignore_errors=True)  # console scripts no worker runs
        (partial / COMPLETE_MARKER).write_bytes(requirements.read_bytes())
        if dest.is_dir() and not (dest / COMPLETE_MARKER).is_file():
            shutil.rmtree(dest, ignore_errors=True)  # left half-done by a killed sandbox
        try:
            partial.rename(dest)
        except OSError:  # another sandbox finished the same file first: use its folder
            shutil.rmtree(partial, ignore_errors=True)
        self.say(f"installed {_display(requirements)} in {time.monotonic() - started:.1f} s")
        return dest

    async def _run(self, command: list[str], cwd: Path, file: Path) -> str | None:
        """Run an installer in `cwd` (relative paths in `file` work, as in deploy); None when
        it succeeded, else its own error lines."""
        tool = Path(command[0]).name if command[0] != sys.executable else "pip"
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                cwd=cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as e:
            return f"{tool} could not run ({e})"
        try:
            out, err = await process.communicate()
        except asyncio.CancelledError:  # the sandbox is stopping: leave no installer behind
            if process.returncode is None:
                process.kill()
            await process.wait()
            raise
        if process.returncode == 0:
            return None
        text = (err or out).decode(errors="replace")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        errors = [
            line
            for line in lines
            if line.startswith(("ERROR", "npm error", "npm ERR!")) and "complete log" not in line
        ]
        return " ".join(errors or lines[-1:]) or f"{tool} exited with status {process.returncode}"

    def _failed(
        self, requirements: Path, partial: Path | None, reason: str, tool: str = "pip"
    ) -> InstallFailed:
        if partial is not None:
            shutil.rmtree(partial, ignore_errors=True)
        failure = InstallFailed(requirements, reason, tool)
        self.fail(failure.sentence())
        return failure


def _declares_dependencies(package: Path) -> bool:
    """Whether a package.json names anything to install (npm makes no node_modules otherwise)."""
    try:
        data = json.loads(package.read_text())
    except (OSError, ValueError):
        return True  # let npm say what is wrong with it
    if not isinstance(data, dict):
        return True
    fields = ("dependencies", "devDependencies", "optionalDependencies")
    return any(data.get(field) for field in fields)
