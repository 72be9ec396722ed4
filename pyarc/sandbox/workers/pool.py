"""Warm worker pools, one per function: the sandbox's stand-in for Lambda execution environments."""

from __future__ import annotations

import asyncio
import json
import re
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from pyarc.inventory.functions import missing_handler
from pyarc.inventory.lambda_package import REQUIREMENTS_FILE
from pyarc.inventory.model import Function

from .environment import interpreter_variables, worker_environment
from .isolation import shared_layout
from .node.launch import node_problem, spawn_node
from .results import InvokeError, InvokeResult
from .worker import INIT_TIMEOUT_S, ImportPath, Worker
from .zygote import Zygote

# `fn -> the folders its worker imports from besides its own` (shared code, installed
# requirements), or the error that keeps it from starting (an install that failed)
PathFor = Callable[[Function], Awaitable[list[str] | InvokeError]]
DEFAULT_IDLE_TIMEOUT_S = 60.0  # an idle worker is retired after this long (prefs `idle-timeout`)
DEFAULT_MAX_WORKERS = 8  # per function, when its config.arc sets no `concurrency`
MIN_REAP_DELAY_S = 0.05
# Workers started before their first invocation: each costs its memory while idle, and a
# cold start (a fork of the zygote) costs little more than the handler's imports.
PREWARM_LIMIT = 1
# An invocation that finds every worker busy waits this long for one to finish before it
# starts another (and longer while another start is under way): a burst of short
# invocations is served by the workers there are, not by one new process each.
GROW_AFTER_S = 0.05
_NO_MODULE = re.compile(r"No module named '([^'.]+)")


def _print_log(key: str, line: str) -> None:
    print(f"[{key}] {line}", file=sys.stderr, flush=True)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def missing_handler_error(fn: Function) -> InvokeError | None:
    """Lambda's import error, in the sandbox's words, when the handler file does not exist yet;
    for a Node.js function, also the error saying the local `node` is missing or too old."""
    problem = missing_handler(fn)
    if problem is not None:
        return InvokeError("Runtime.ImportModuleError", problem)
    return node_problem(fn) if fn.config.is_node else None


def import_hint(fn: Function, error: InvokeError) -> str:
    """For `No module named 'x'`: where to declare `x` (as on Lambda, nothing else is there)."""
    if error.error_type not in ("Runtime.ImportModuleError", "ModuleNotFoundError"):
        return ""
    match = _NO_MODULE.search(error.error_message)
    if match is None:
        return ""
    requirements = _display(fn.src / REQUIREMENTS_FILE)
    return (
        f"add `{match.group(1)}` to {requirements} (the sandbox installs it, deploy packages "
        "it): as on Lambda, a function imports only the standard library, boto3, its own "
        "folder, shared code and the packages its requirements.txt names"
    )


def failure_hint(fn: Function, error: InvokeError) -> str:
    """How to act on a timeout (which setting) or an exit (which file)."""
    if error.kind == "timeout":
        return (
            f"the timeout is {fn.config.timeout} s: raise it with `timeout` in "
            f"{_display(fn.src / 'config.arc')} (under @aws) or `@aws timeout` in the manifest"
        )
    if error.error_type == "Runtime.ExitError" and fn.handler_file is not None:
        return (
            f"the worker running {_display(fn.handler_file)} ended (sys.exit(), os._exit() or "
            "a crash in native code); the next invocation starts a new one"
        )
    return ""


def first_to_warm(fns: Iterable[Function], limit: int = PREWARM_LIMIT) -> list[Function]:
    """The functions worth a worker before anyone asks: `get /` (the first page a browser
    loads), then other HTTP routes, then the rest, at most `limit` of them."""
    ready = [fn for fn in fns if fn.handler_file is not None]
    ready.sort(key=lambda fn: (fn.kind != "http", fn.name != "get-index"))
    return ready[:limit]


def _covers(path: Path, src: Path) -> bool:
    """True when a change at `path` concerns the function whose directory is `src`."""
    return path == src or path.is_relative_to(src) or src.is_relative_to(path)


class FunctionPool:
    """The workers of one function: at most `capacity` run at once; the rest queue."""

    def __init__(self, fn: Function, capacity: int) -> None:
        self.fn = fn
        self.capacity = capacity
        self.slots = asyncio.Semaphore(capacity)
        self.idle: list[Worker] = []  # most recently used last: reused first, stays warmest
        self.busy: set[Worker] = set()
        self.generation = 0  # bumped by recycle(); older workers are retired
        self.retired = False  # replaced by a pool with a new configuration
        self.warming: asyncio.Task | None = None  # a prewarm in progress
        self.starting = 0  # workers being started for invocations
        self.start_seconds = 0.0  # how long the last worker took to start (init included)
        self.start_ended = float("-inf")  # loop time the last start for an invocation ended
        self.waiters: deque[asyncio.Future[Worker]] = deque()  # invocations waiting for one

    def hand_over(self, worker: Worker) -> bool:
        """Give a worker that finished to the longest-waiting invocation, if any waits."""
        while self.waiters:
            handoff = self.waiters.popleft()
            if not handoff.done():
                self.busy.add(worker)
                handoff.set_result(worker)
                return True
        return False

    def take_idle(self) -> Worker | None:
        while self.idle:
            worker = self.idle.pop()
            if worker.alive:
                return worker
        return None

    async def take_idle_or_prewarmed(self) -> tuple[Worker | None, bool]:
        """An idle worker; else the one being prewarmed, once it is ready; else None.

        And whether this invocation waited for the worker's start (it is then a cold one)."""
        worker = self.take_idle()
        if worker is None and self.warming is not None and not self.warming.done():
            await asyncio.shield(self.warming)
            worker = self.take_idle()
            return worker, worker is not None
        return worker, False

    def retire_idle(self) -> list[Worker]:
        workers, self.idle = self.idle, []
        return workers


class WorkerPools:
    """Every function's pool; the sandbox calls `invoke` from its event loop."""

    def __init__(
        self,
        *,
        env_for: Callable[[Function], dict[str, str]],
        cold: bool = False,
        log: Callable[[str, str], None] | None = None,
        max_workers: int = DEFAULT_MAX_WORKERS,
        init_timeout: float = INIT_TIMEOUT_S,
        path_for: PathFor | None = None,
        idle_timeout: float | None = DEFAULT_IDLE_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
        report: Callable[[str, str], None] | None = None,
        fork: bool = True,
    ) -> None:
        """`idle_timeout`: seconds an idle worker is kept (None: kept until recycled);
        `clock`: the time source for idleness (tests inject one); `fork`: cold starts fork
        a zygote (started now, so it loads while the sandbox starts) instead of a fresh
        interpreter each."""
        self.env_for = env_for
        self.path_for = path_for
        self.zygote = Zygote(interpreter_variables()) if fork else None
        # the runtime layout takes a few hundred ms to link: have it ready for the first worker
        threading.Thread(target=shared_layout, name="pyarc-runtime-layout", daemon=True).start()

        self.init_timeout = init_timeout
        self.cold = cold
        self.log = log or _print_log
        # error reports (printed even by `--quiet`); the same sink as `log` unless given
        self.report = report or self.log
        self.max_workers = max_workers
        self.idle_timeout = idle_timeout
        self.clock = clock
        self._reaper: asyncio.TimerHandle | None = None
        self._pools: dict[str, FunctionPool] = {}
        self._closing: set[asyncio.Task] = set()
        self._workers: set[Worker] = set()  # every worker not yet disposed of, in any pool
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    async def invoke(
        self, fn: Function, event: dict, *, timeout: float | None = None
    ) -> InvokeResult:
        """Run `fn` with `event` in a warm worker (or a new one) and report what happened."""
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        timeout = float(fn.config.timeout if timeout is None else timeout)

        def finish(ok: bool, payload: Any, error: InvokeError | None, cold: bool) -> InvokeResult:
            if error is not None:
                error.hint = error.hint or import_hint(fn, error) or failure_hint(fn, error)
                self._report(fn.key, error, request_id)
            duration = (time.perf_counter() - started) * 1000
            return InvokeResult(ok, payload, error, duration, cold, request_id)

        if self._closed:
            error = InvokeError(
                "Sandbox.Closed",
                f"The sandbox is shutting down; {fn.key} was not run",
                [],
                "throttled",
            )
            return finish(False, None, error, False)
        try:
            event_json = json.dumps(event, ensure_ascii=False).encode()
        except (TypeError, ValueError) as e:
            error = InvokeError(
                "InvalidRequestContentException",
                f"Could not serialise the event for {fn.key} to JSON: {e}",
                [],
                "bad-response",
            )
            return finish(False, None, error, False)
        pool = self._pool_for(fn)
        async with pool.slots:
            worker, waited = (None, False) if self.cold else await pool.take_idle_or_prewarmed()
            if worker is None and not self.cold:
                worker = await self._wait_for_busy(pool)
            cold = worker is None or waited
            if worker is None:
                pool.starting += 1  # from here on, others wait for this start (_wait_for_busy)
                try:
                    new = await self._start_worker(fn, pool, request_id, timeout)
                finally:
                    pool.starting -= 1
                    pool.start_ended = asyncio.get_running_loop().time()
                if isinstance(new, InvokeError):
                    return finish(False, None, new, True)
                worker = new
            else:
                pool.busy.add(worker)
            # an init slower than Lambda's limit ran within this invocation's timeout
            spent = worker.init_seconds if cold and worker.init_seconds > self.init_timeout else 0.0
            try:
                outcome = await worker.invoke(
                    request_id, event_json, timeout, fn.config.memory, spent=spent
                )
            except BaseException:  # cancelled mid-invocation: its reply would confuse the next
                pool.busy.discard(worker)
                self._dispose(worker)
                raise
            pool.busy.discard(worker)
            self._give_back(pool, worker, keep=outcome.alive)
        return finish(outcome.ok, outcome.payload, outcome.error, cold)

    def recycle(self, path: Path | None = None) -> int:
        """Retire the workers of functions whose src is `path`, under it, or contains it.

        Idle workers stop now; busy ones finish their invocation first. Returns how many.
        """
        target = Path(path).resolve() if path is not None else None
        count = 0
        to_close: list[Worker] = []
        for pool in list(self._pools.values()):
            if target is not None and not _covers(target, pool.fn.src.resolve()):
                continue
            pool.generation += 1
            idle = pool.retire_idle()
            count += len(idle) + len(pool.busy)
            to_close += idle
        if to_close:
            self._call_in_loop(lambda: [self._dispose(w) for w in to_close])
        return count

    async def prewarm(self, fns: Iterable[Function]) -> None:
        """Start one worker per function in the background (skips functions already warm)."""
        for fn in fns:
            if self.cold or self._closed or missing_handler_error(fn) is not None:
                continue
            pool = self._pool_for(fn)
            if pool.idle or pool.busy or pool.starting:  # a request got there first
                continue
            task = asyncio.create_task(self._prewarm_one(fn, pool), name=f"pyarc-prewarm-{fn.key}")
            pool.warming = task
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        """Kill every worker and wait for each to be reaped."""
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
            self._reaper = None
        for pool in self._pools.values():
            pool.retire_idle()
        workers = list(self._workers)
        self._workers.clear()
        for worker in workers:
            worker.kill()
        pending = [asyncio.create_task(w.close()) for w in workers]
        pending += [task for task in self._closing if not task.done()]
        while pending:
            await asyncio.gather(*pending, return_exceptions=True)
            # prewarms and reaps still running may have started more of their own
            stragglers = list(self._workers)
            self._workers.clear()
            pending = [asyncio.create_task(w.close()) for w in stragglers]
            pending += [task for task in self._closing if not task.done()]
        self._pools.clear()
        if self.zygote is not None:
            await self.zygote.aclose()

    def retire_idle_workers(self) -> int:
        """Stop every worker idle for `idle_timeout` or longer (by `clock`); how many.

        Runs on a timer armed whenever a worker goes idle; tests call it directly."""
        if self.idle_timeout is None:
            return 0
        now = self.clock()
        retired: list[Worker] = []
        for pool in self._pools.values():
            stale = [w for w in pool.idle if now - w.idle_since >= self.idle_timeout]
            pool.idle = [w for w in pool.idle if w not in stale]
            retired += stale
        for worker in retired:
            self._dispose(worker)
        return len(retired)

    def pids(self, fn: Function | None = None) -> list[int]:
        """Process ids of live workers (of `fn`, or of all functions): for tests and status."""
        found = []
        for pool in self._pools.values():
            if fn is not None and pool.fn.key != fn.key:
                continue
            found += [w.pid for w in [*pool.idle, *pool.busy] if w.pid is not None and w.alive]
        return found

    # -- internals --------------------------------------------------------------------------

    def _pool_for(self, fn: Function) -> FunctionPool:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        pool = self._pools.get(fn.key)
        if pool is not None and pool.fn is not fn and _changed(pool.fn, fn):
            pool.retired = True
            for worker in pool.retire_idle():
                self._dispose(worker)
            pool = None
        if pool is None:
            capacity = fn.config.concurrency or self.max_workers
            pool = FunctionPool(fn, max(1, capacity))
            self._pools[fn.key] = pool
        return pool

    async def _import_path(self, fn: Function) -> ImportPath | InvokeError:
        own = [] if self.path_for is None else await self.path_for(fn)
        if isinstance(own, InvokeError):
            return own
        if fn.config.is_node:  # Node.js resolves from its own folders: `own` are NODE_PATH's
            return ImportPath(tuple(own))
        layout = await asyncio.to_thread(shared_layout)
        return ImportPath((*own, str(layout.helper)), (str(layout.provided),))

    def _new_worker(self, fn: Function, pool: FunctionPool, path: ImportPath) -> Worker:
        env = worker_environment(fn, self.env_for(fn), path.before_stdlib)
        launch = spawn_node if fn.config.is_node else None
        zygote = None if fn.config.is_node else self.zygote
        worker = Worker(
            fn.key, fn.src, fn.handler, env, self.log, path, launch, zygote, fn.config.is_node
        )
        worker.generation = pool.generation
        self._workers.add(worker)
        return worker

    async def _start_worker(
        self, fn: Function, pool: FunctionPool, request_id: str, timeout: float
    ) -> Worker | InvokeError:
        """A new worker for `fn`, started and busy; or why it could not start."""
        problem = missing_handler_error(fn)
        if problem is not None:
            return problem
        path = await self._import_path(fn)
        if isinstance(path, InvokeError):
            return path
        worker = self._new_worker(fn, pool, path)
        pool.busy.add(worker)
        try:
            init_error = await worker.start(request_id, timeout, self.init_timeout)
        except BaseException:
            pool.busy.discard(worker)
            self._dispose(worker)
            raise
        pool.start_seconds = worker.init_seconds
        if init_error is not None:
            pool.busy.discard(worker)
            self._dispose(worker)
            return init_error
        return worker

    async def _wait_for_busy(self, pool: FunctionPool) -> Worker | None:
        """No worker is idle: take the first busy one to finish, if that comes within what a
        start of this function takes (at least GROW_AFTER_S; on while another start is under
        way, and counted from that start's end); None: this invocation starts a worker."""
        if not (pool.busy or pool.starting) or pool.retired or self._closed:
            return None
        loop = asyncio.get_running_loop()
        entered = loop.time()
        handoff: asyncio.Future[Worker] = loop.create_future()
        pool.waiters.append(handoff)
        try:
            alive = lambda: (pool.busy or pool.starting) and not (pool.retired or self._closed)  # noqa: E731
            while not handoff.done() and alive():
                # a start that finished meanwhile says how long the next one would take
                patience = max(GROW_AFTER_S, pool.start_seconds)
                # counted from the end of a start it waited through: the new worker's first
                # (cold, often slowest) invocation comes before it can hand over
                since = max(entered, pool.start_ended)
                if loop.time() - since >= patience and not pool.starting:
                    break
                await asyncio.wait([handoff], timeout=GROW_AFTER_S)
        except BaseException:  # cancelled: a worker handed over meanwhile goes back
            if handoff.done() and not handoff.cancelled():
                worker = handoff.result()
                pool.busy.discard(worker)
                self._give_back(pool, worker, keep=True)
            raise
        finally:
            if not handoff.done():
                pool.waiters.remove(handoff)
                handoff.cancel()
        return None if handoff.cancelled() else handoff.result()

    def _give_back(self, pool: FunctionPool, worker: Worker, *, keep: bool) -> None:
        reuse = (
            keep
            and worker.alive
            and not self.cold
            and not self._closed
            and not pool.retired
            and worker.generation == pool.generation
        )
        if reuse and pool.hand_over(worker):
            return
        if reuse:
            worker.idle_since = self.clock()
            pool.idle.append(worker)
            self._arm_reaper()
        else:
            self._dispose(worker)

    def _arm_reaper(self) -> None:
        """Have `retire_idle_workers` run when the oldest idle worker's time is up."""
        if self.idle_timeout is None or self._reaper is not None or self._loop is None:
            return
        idle = [w.idle_since for pool in self._pools.values() for w in pool.idle]
        if not idle:
            return
        delay = max(min(idle) + self.idle_timeout - self.clock(), MIN_REAP_DELAY_S)
        self._reaper = self._loop.call_later(delay, self._reap)

    def _reap(self) -> None:
        self._reaper = None
        if not self._closed:
            self.retire_idle_workers()
            self._arm_reaper()

    def _dispose(self, worker: Worker) -> None:
        """Kill now; reap in the background (aclose waits for it)."""
        worker.kill()
        self._workers.discard(worker)
        task = asyncio.create_task(worker.close(), name=f"pyarc-reap-{worker.pid}")
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _prewarm_one(self, fn: Function, pool: FunctionPool) -> None:
        path = await self._import_path(fn)
        if isinstance(path, InvokeError):
            return  # the first real invocation reports the problem
        worker = self._new_worker(fn, pool, path)
        pool.busy.add(worker)
        try:
            error = await worker.start(
                f"prewarm-{uuid.uuid4()}", float(fn.config.timeout), self.init_timeout
            )
        except BaseException:
            pool.busy.discard(worker)
            self._dispose(worker)
            raise
        pool.busy.discard(worker)
        if error is not None:
            self._dispose(worker)  # the first real invocation reports the problem
            return
        self._give_back(pool, worker, keep=True)

    def _report(self, key: str, error: InvokeError, request_id: str) -> None:
        try:
            summary = error.summary()
            # Lambda's own messages (timeouts, exits) already name the request
            suffix = "" if request_id in summary else f" (request {request_id})"
            self.report(key, summary + suffix)
            if error.hint:
                self.report(key, error.hint)
            if error.stack_trace and error.runtime == "python":
                self.report(key, "Traceback (most recent call last):")
            for entry in error.stack_trace:
                for line in entry.rstrip("\n").split("\n"):
                    self.report(key, line)
        except Exception:  # noqa: BLE001 - a broken log sink must not fail the invocation
            pass

    def _call_in_loop(self, action: Callable[[], object]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            action()
        else:
            loop.call_soon_threadsafe(action)


def _changed(old: Function, new: Function) -> bool:
    """Whether a function's workers must be replaced because its definition changed."""
    return (old.src, old.handler, old.config) != (new.src, new.handler, new.config)
