"""Assemble a sandbox: one process, one event loop, several uvicorn servers.

- the main port (default 3333): HTTP routes, static files, WebSocket upgrades and
  the Management API;
- tables (default 5555): the one AWS endpoint (`aws_endpoint/`): DynamoDB, and every other
  service a SigV4 request names (`AWS_ENDPOINT_URL` points here);
- `_arc` (default 2222): SSM service discovery and Architect's Management API path;
- events (default 4444): the event bus's SNS/SQS wire app;
- any further ASGI service registered with `add_service()` before `start()`.

This module is the composition root: `start()` binds every port (0 = a free port;
`ports` holds the real numbers), builds every service with those numbers and wires
them together (`_build_services`), then serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from pyarc.errors import PyarcError
from pyarc.inventory.model import Function, Inventory
from pyarc.s3.http.app import S3App
from pyarc.s3.store import S3Store
from pyarc.sandbox.arc_service import ArcService, service_parameters
from pyarc.sandbox.aws_endpoint import AwsEndpoint, installed_fallback
from pyarc.sandbox.aws_endpoint.moto_services import MotoServices
from pyarc.sandbox.banner import AwsServed, missing_handler_dirs
from pyarc.sandbox.bus.bus import EventBus
from pyarc.sandbox.bus.invoke import Invoker
from pyarc.sandbox.bus.wire import create_app as create_bus_app
from pyarc.sandbox.config import SandboxConfig
from pyarc.sandbox.environment import (
    Ports,
    handler_env,
    local_host,
    sandbox_origins,
    static_bucket,
)
from pyarc.sandbox.http_gateway import HttpGateway
from pyarc.sandbox.inspector.api import Inspector, inspector_off, is_inspector_path
from pyarc.sandbox.inspector.guard import Guard
from pyarc.sandbox.inspector.recorder import Recorder, RecordingPools
from pyarc.sandbox.local_api import AppIdentity, LocalApi, ask_identity, identity_of
from pyarc.sandbox.logs import SandboxLog, ServerLines
from pyarc.sandbox.management_api import ManagementApi
from pyarc.sandbox.shared_code import SharedCode
from pyarc.sandbox.state import SandboxState
from pyarc.sandbox.table_storage import S3Objects
from pyarc.sandbox.tables import ensure_tables, load_seed
from pyarc.sandbox.watcher import Watcher
from pyarc.sandbox.ws_gateway import WebSocketGateway, log_invocation
from pyarc.sandbox.ws_transport import GatewayWebSocketProtocol
from pyarc.tables.engine import Engine
from pyarc.tables.service import TablesService

if TYPE_CHECKING:  # the workers package is imported when pools are made
    from pyarc.sandbox.workers.results import InvokeResult

InventoryLoader = Callable[[], Inventory]


@dataclass
class Service:
    """One extra ASGI app on its own port, started and stopped with the sandbox."""

    name: str
    app: ASGIApp
    port: int
    background: Callable[[], Awaitable[None]] | None = None  # runs until cancelled


class _Uvicorn(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the sandbox."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


PORT_SETTINGS = {
    "sandbox (HTTP/WebSocket)": "--port (or PORT, or prefs.arc @sandbox ports http)",
    "tables endpoint": "--tables-port (or ARC_TABLES_PORT, or prefs.arc @sandbox ports tables)",
    "_arc service": "--arc-port (or ARC_INTERNAL_PORT, or prefs.arc @sandbox ports _arc)",
    "events": "--events-port (or ARC_EVENTS_PORT, or prefs.arc @sandbox ports events)",
}


class _DenialNoise(logging.Filter):
    """uvicorn's websockets-sansio protocol logs "ASGI callable returned without completing
    handshake" after a handshake denied with `websocket.http.response` (it never marks that
    path complete). The sandbox denies handshakes on purpose ($connect answering non-2xx),
    so that line is noise; everything else uvicorn logs is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing handshake" not in record.getMessage()


UVICORN_LOG = logging.getLogger("uvicorn.error")
UVICORN_LOG.addFilter(_DenialNoise())


def bind(host: str, port: int, what: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            occupant = ask_identity(host, port, timeout=1.0)
            holder = f"the sandbox of {occupant.describe()}" if occupant else "another program"
            raise PortTaken(host, port, what, holder) from None
        raise PyarcError(
            f"Cannot listen on {host}:{port} for the {what}: {exc.strerror}."
        ) from None
    sock.listen(4096)  # connections wait in the backlog until the port is served
    sock.setblocking(False)
    return sock


class PortTaken(PyarcError):
    """A port another program (or sandbox) listens on; several are reported together."""

    def __init__(self, host: str, port: int, what: str, holder: str) -> None:
        self.host, self.port, self.what, self.holder = host, port, what, holder
        self.setting = PORT_SETTINGS.get(what, "another port")
        super().__init__(
            f"Port {port} on {host} for the {what} is already used by {holder}; "
            f"stop it or choose another port with {self.setting}."
        )


def ports_taken(taken: list[PortTaken]) -> PyarcError:
    """One sentence for every busy port, so a second app learns all the flags at once."""
    if len(taken) == 1:
        return taken[0]
    holders = sorted({t.holder for t in taken})
    ports = _and([f"{t.port} ({t.what.removeprefix('sandbox (').rstrip(')')})" for t in taken])
    flags = _and([t.setting.split()[0] for t in taken])
    return PyarcError(
        f"Ports {ports} on {taken[0].host} are already used by {_and(holders)}; stop "
        f"{'it' if len(holders) == 1 else 'them'} or choose other ports with {flags} "
        "(0 picks a free one)."
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


class SandboxServer:
    def __init__(
        self,
        inventory: Inventory,
        config: SandboxConfig | None = None,
        *,
        log: SandboxLog | None = None,
        loader: InventoryLoader | None = None,
        prewarm: bool = False,
    ) -> None:
        self.config = config or SandboxConfig()
        self.log = log or SandboxLog(quiet=self.config.quiet)
        self._server_lines = ServerLines(self.log)
        self.inventory = inventory
        self.loader = loader
        self.prewarm = prewarm
        self.extra_services: list[Service] = []
        self.extra_env: dict[str, str] = {}
        self.tables_engine: Engine | None = None
        self.shared_code = SharedCode()
        self.dependencies: Any = None  # the function's requirements, installed (workers)
        # the services, built by start() once the ports are bound (_build_services)
        self.ports: Ports | None = None
        self.state: SandboxState | None = None
        self.management: ManagementApi | None = None
        self.gateway: WebSocketGateway | None = None  # WebSocket upgrades on the main port
        self.http_gateway: HttpGateway | None = None
        self.tables_service: TablesService | None = None
        self.event_bus: EventBus | None = None
        self.bus_app: ASGIApp | None = None  # the bus's SNS/SQS wire app (events port)
        self.invoker: Invoker | None = None  # `await invoker(pragma, name, payload)`
        self.arc_service: ArcService | None = None
        self.aws_endpoint: AwsEndpoint | None = None  # the tables port: every AWS service
        self.moto: MotoServices | None = None  # the endpoint's fallback with `pyarc[aws]`
        self.s3_store: S3Store | None = None  # buckets; the @static one is the static folder
        self.watcher: Watcher | None = None
        # every invocation, for the inspector page (None with --no-inspector)
        self.recorder: Recorder | None = Recorder() if self.config.inspector else None
        self.inspector: Inspector | None = None
        self._servers: list[tuple[str, _Uvicorn, asyncio.Task[None]]] = []
        self._background: list[asyncio.Task[None]] = []
        self._sockets: dict[str, socket.socket] = {}

    # configuration ------------------------------------------------------------------
    def add_service(
        self,
        name: str,
        app: ASGIApp,
        port: int,
        background: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Serve another ASGI app on `port` (0 = free) alongside the sandbox."""
        self.extra_services.append(Service(name, app, port, background))

    # lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        """Bind every port, build every service (the one place they are wired), then serve."""
        self._bind_ports()
        self._build_services()
        UVICORN_LOG.addHandler(self._server_lines)
        assert self.event_bus is not None
        await self.event_bus.start()  # its ports listen already; requests queue until served
        if self.config.watch:  # arms in a thread while the servers come up
            self.watcher = Watcher(self)
            self.watcher.start()
        self._serve_all()
        await self._wait_started()
        if self.watcher is not None:
            await self.watcher.wait_armed()  # an edit made once we say Ready is seen
        if self.prewarm and self.state is not None:
            from pyarc.sandbox.workers.pool import first_to_warm

            fns = first_to_warm(self.inventory.functions)
            self._background.append(asyncio.create_task(self.state.pools.prewarm(fns)))

    def _bind_ports(self) -> None:
        """Bind (and listen on) every port first: the services need the real numbers."""
        config = self.config
        wanted = [
            ("http", config.port, "sandbox (HTTP/WebSocket)"),
            ("tables", config.tables_port, "tables endpoint"),
            ("_arc", config.arc_port, "_arc service"),
            ("events", config.events_port, "events"),
            *((s.name, s.port, s.name) for s in self.extra_services),
        ]
        taken: list[PortTaken] = []
        try:
            for name, port, what in wanted:
                try:
                    self._sockets[name] = bind(config.host, port, what)
                except PortTaken as exc:
                    taken.append(exc)
            if taken:
                raise ports_taken(taken)
        except PyarcError:
            for sock in self._sockets.values():
                sock.close()
            self._sockets.clear()
            raise
        bound = {name: sock.getsockname()[1] for name, sock in self._sockets.items()}
        self.ports = Ports(
            http=bound["http"],
            tables=bound["tables"],
            arc=bound["_arc"],
            events=bound["events"],
            extra={s.name: bound[s.name] for s in self.extra_services},
        )

    def _build_services(self) -> None:
        config, ports = self.config, self.ports
        assert ports is not None
        dial = local_host(config.host)
        self.tables_service = self._tables_service()
        self.shared_code.refresh(self.inventory)
        pools = self._make_pools()
        if self.recorder is not None:
            pools = RecordingPools(pools, self.recorder)
            self.inspector = Inspector(self, self.recorder, Guard(config.host))
        state = self.state = SandboxState(self.inventory, config, self.log, pools, ports)
        self.management = ManagementApi(state.registry, config.ws_message_limit)
        self.gateway = WebSocketGateway(state)
        self.http_gateway = HttpGateway(state, self.management)
        self.event_bus = EventBus(
            self.inventory,
            self._invoke_for_bus,
            log=self._bus_log,
            endpoint=f"http://{dial}:{ports.events}",
            run_schedules=config.schedules,
        )
        assert self.tables_engine is not None
        self.tables_engine.add_stream_listener(self.event_bus.stream_listener)
        if self.inspector is not None:  # open pages show what handlers write
            self.tables_engine.add_change_listener(self.inspector.tables_changed)
        self.invoker = Invoker(self.event_bus, self._invoke_for_bus, lambda: f"http://{dial}:{ports.http}")
        self.bus_app = create_bus_app(self.event_bus, self.invoker)
        self.arc_service = ArcService(
            lambda: service_parameters(state.inventory, ports),
            lambda: state.inventory.aws.region,
            self.management,
        )
        self.moto = installed_fallback()
        self.s3_store = self._s3_store()
        self.tables_engine.connect_object_storage(S3Objects(self.s3_store))  # import/export
        s3 = S3App(
            self.s3_store,
            region=lambda: state.inventory.aws.region,
            origins=lambda: sandbox_origins(ports, config.host),
        )
        self.aws_endpoint = AwsEndpoint(
            {
                "s3": s3,
                "dynamodb": self.tables_service.app,
                "sns": self.bus_app,
                "sqs": self.bus_app,
                "ssm": self.arc_service,
                "execute-api": self.arc_service,  # the Management API's @connections paths
            },
            fallback=self.moto,
        )

    def _serve_all(self) -> None:
        assert self.tables_service is not None and self.arc_service is not None
        assert self.aws_endpoint is not None
        self._serve("http", self._main_app, websocket=True)
        self._serve("tables", self.aws_endpoint)
        self._background.append(asyncio.create_task(self.tables_service.run_background()))
        self._serve("_arc", self.arc_service)
        self._serve("events", self.bus_app)
        for service in self.extra_services:
            self._serve(service.name, service.app)
            if service.background is not None:
                self._background.append(asyncio.create_task(service.background()))

    async def _main_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The main port: WebSocket upgrades to the gateway, `/_pyarc/` to the inspector
        (no manifest route may live there), the rest to HTTP routes."""
        if scope["type"] == "http" and is_inspector_path(scope["path"]):
            await (self.inspector or inspector_off)(scope, receive, send)
        elif scope["type"] == "websocket" and self.gateway is not None:
            await self.gateway(scope, receive, send)
        elif scope["type"] == "http" and self.http_gateway is not None:
            await self.http_gateway(scope, receive, send)

    async def _invoke_for_bus(self, fn: Function, event: dict) -> InvokeResult:
        """How the bus (and `pyarc invoke`) runs a subscriber: the pools, one log line."""
        assert self.state is not None
        result = await self.state.pools.invoke(fn, event)
        if fn.kind == "ws":  # `pyarc invoke ws`: the line a socket's message prints
            log_invocation(self.log, event["requestContext"]["routeKey"], result)
            return result
        status = 200 if result.ok else (result.error.kind if result.error else "error")
        self.log.invocation(f"{fn.kind} {fn.name}", status, result.duration_ms, result.cold)
        return result

    def _bus_log(self, message: str) -> None:
        if "dropped" in message or "failed" in message:
            self.log.warning(message)
            if self.recorder is not None:
                self.recorder.delivery_note(message)
        else:
            self.log.info(message)

    async def stop(self) -> None:
        """Close sockets with 1001 (running $disconnect for each), then stop every server."""
        if self.recorder is not None:
            self.recorder.live.close()  # open inspector pages end their streams
        if self.watcher is not None:
            await self.watcher.stop()
        if self.gateway is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.gateway.close_all(1001, "Going away"), 30)
        for _, server, _ in self._servers:
            server.should_exit = True
        for _, _, task in self._servers:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task
        UVICORN_LOG.removeHandler(self._server_lines)
        if self.event_bus is not None:
            await self.event_bus.aclose()
        for task in self._background:
            task.cancel()
        for task in self._background:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task
        if self.state is not None:
            await self.state.pools.aclose()
        if self.dependencies is not None:
            await self.dependencies.aclose()
        if self.moto is not None:
            self.moto.reset()  # moto's state is the process's: this run's ends here
        for sock in self._sockets.values():
            sock.close()
        self.shared_code.close()

    def aws_served(self) -> AwsServed | None:
        """What the AWS endpoint serves, for the banner (None before start())."""
        if self.aws_endpoint is None:
            return None
        return AwsServed(self.aws_endpoint.served(), by_moto=self.moto is not None)

    # hot reload ---------------------------------------------------------------------
    def reload_inventory(self) -> bool:
        """Re-read the manifest; on a mistake keep the old routes and log one sentence."""
        if self.loader is None or self.state is None:
            return False
        try:
            inventory = self.loader()
        except PyarcError as exc:
            self.log.error(f"{exc} (keeping the previous routes)")
            return False
        self.inventory = inventory
        self.state.reload(inventory)
        self.shared_code.refresh(inventory)
        self.dependencies.start(inventory, inventory.functions)
        self.state.pools.recycle(None)
        if self.event_bus is not None:
            self._background.append(asyncio.ensure_future(self.event_bus.reload(inventory)))
        if self.tables_engine is not None:
            self._ensure_tables()
        if self.s3_store is not None:
            self._mount_static(self.s3_store)
        routes = len(inventory.http)
        self.log.info(f"Reloaded {inventory.manifest.name}: {routes} HTTP route{'' if routes == 1 else 's'}")
        for folder, file, defining in missing_handler_dirs(inventory):
            self.log.warning(f"{folder} has no handler yet: add {folder}/{file} {defining}")
        if self.recorder is not None:  # open inspector pages show the new routes
            self.recorder.live.publish("changed", {"what": "inventory"})
        return True

    # tables -------------------------------------------------------------------------
    def reset_tables(self) -> None:
        """Empty every table and create the app's tables again (seed data reloaded)."""
        if self.tables_engine is None:
            raise PyarcError("The tables endpoint is not running in this sandbox.")
        self.tables_engine.reset()
        self._ensure_tables()
        self._load_seed()

    def _persist_dir(self) -> Path | None:
        persist = self.config.persist or self.inventory.prefs.sandbox.persist
        return (self.inventory.cwd / persist) if persist else None

    def _tables_service(self) -> TablesService:
        self.tables_engine = Engine(self._persist_dir())
        self._ensure_tables()
        self._load_seed()
        return TablesService(self.tables_engine)

    # buckets ------------------------------------------------------------------------
    def _s3_store(self) -> S3Store:
        """Buckets in memory (or under `<persist>/s3/`); `@static`'s is the static folder."""
        persist_dir = self._persist_dir()
        store = S3Store(persist_dir / "s3" if persist_dir is not None else None)
        self._mount_static(store)
        return store

    def _mount_static(self, store: S3Store) -> None:
        """The `@static` bucket is the static folder (again after a reload changes either)."""
        static = self.inventory.static
        if static is not None:
            folder = self.inventory.cwd / static.folder
            store.mount_folder(static_bucket(self.inventory), folder, static.prefix or "")

    def _ensure_tables(self) -> None:
        ensure_tables(self.tables_engine, self.inventory)

    def _load_seed(self) -> None:
        """`--seed` when given; else what `load_seed` finds (prefs.arc, sandbox-seed.json)."""
        given = self.inventory.cwd / self.config.seed if self.config.seed else None
        load_seed(self.tables_engine, self.inventory, given)

    # internals ----------------------------------------------------------------------
    def _make_pools(self) -> Any:
        from pyarc.sandbox.workers import Dependencies, InvokeError, WorkerPools

        def env_for(fn: Any) -> dict[str, str]:
            inventory = self.state.inventory if self.state else self.inventory
            ports = self.ports or Ports(self.config.port)
            return handler_env(inventory, ports, fn, self.config.host, self.extra_env)

        self.dependencies = Dependencies(say=self.log.info, fail=self.log.error)
        self.dependencies.start(self.inventory, self.inventory.functions)

        async def path_for(fn: Any) -> list[str] | InvokeError:
            inventory = self.state.inventory if self.state else self.inventory
            installed = await self.dependencies.paths_for(inventory, fn)
            if not isinstance(installed, list):
                return installed.invoke_error()
            return [self.shared_code.path_for(fn), *installed]

        idle_timeout, max_workers = self.worker_limits()
        return WorkerPools(
            env_for=env_for,
            cold=self.config.cold,
            log=self._handler_output,
            report=self.log.handler_error,
            max_workers=max_workers,
            path_for=path_for,
            idle_timeout=idle_timeout,
        )

    def _handler_output(self, function_key: str, line: str) -> None:
        self.log.handler_output(function_key, line)
        if self.recorder is not None:
            self.recorder.output(function_key, line)

    def worker_limits(self) -> tuple[float, int]:
        """(seconds an idle worker is kept, workers per function): flag, prefs.arc, default."""
        from pyarc.sandbox.workers.pool import DEFAULT_IDLE_TIMEOUT_S, DEFAULT_MAX_WORKERS

        prefs = self.inventory.prefs.sandbox
        idle = self.config.idle_timeout or prefs.idle_timeout or DEFAULT_IDLE_TIMEOUT_S
        most = self.config.max_workers or prefs.max_workers or DEFAULT_MAX_WORKERS
        return float(idle), int(most)

    def _serve(self, name: str, app: ASGIApp, websocket: bool = False) -> None:
        config = uvicorn.Config(
            LocalApi(app, self._identity, self.log.recent_lines),  # /_pyarc/ on every port
            lifespan="off",
            log_config=None,  # its lines go through ServerLines, not uvicorn's own handler
            log_level="warning",
            access_log=False,
            ws=GatewayWebSocketProtocol if websocket else "none",  # API Gateway's limits
            ws_max_size=(self.config.ws_message_limit, self.config.ws_frame_limit),  # type: ignore[arg-type]
            ws_ping_interval=None,
            ws_ping_timeout=None,
            ws_per_message_deflate=False,
            timeout_graceful_shutdown=5,
            timeout_keep_alive=30,
            backlog=4096,
        )
        server = _Uvicorn(config)
        task = asyncio.create_task(server.serve(sockets=[self._sockets[name]]))
        self._servers.append((name, server, task))

    def _identity(self) -> AppIdentity:
        ports = self.ports.as_arc_sandbox() if self.ports is not None else {}
        return identity_of(self.inventory.app, self.inventory.cwd, ports)

    async def _wait_started(self) -> None:
        while not all(server.started for _, server, _ in self._servers):
            for name, _, task in self._servers:
                if task.done():
                    error = task.exception()
                    raise PyarcError(f"The sandbox's {name} server failed to start: {error}.")
            await asyncio.sleep(0.005)
