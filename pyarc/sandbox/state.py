"""What the HTTP, WebSocket and Management API handlers share while a sandbox runs.

`reload()` swaps in a new Inventory (after a manifest edit) without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyarc.inventory.model import Function, Inventory, WsRoute
from pyarc.sandbox.config import SandboxConfig
from pyarc.sandbox.connections import ConnectionRegistry
from pyarc.sandbox.environment import Ports
from pyarc.sandbox.logs import SandboxLog
from pyarc.sandbox.router import HttpRouter
from pyarc.sandbox.static import StaticFolder


@dataclass
class SandboxState:
    inventory: Inventory
    config: SandboxConfig
    log: SandboxLog
    pools: Any  # pyarc.sandbox.workers.WorkerPools (anything with `async invoke(fn, event)`)
    ports: Ports
    registry: ConnectionRegistry = field(default_factory=ConnectionRegistry)
    router: HttpRouter = field(init=False)
    static: StaticFolder = field(init=False)
    ws_routes: dict[str, WsRoute] = field(init=False)

    def __post_init__(self) -> None:
        self.reload(self.inventory)

    def reload(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.router = HttpRouter(inventory.http)
        static = inventory.static
        folder = inventory.cwd / (static.folder if static else "public")
        self.static = StaticFolder(folder, fingerprint=bool(static and static.fingerprint))
        self.ws_routes = {route.route_key: route for route in inventory.ws}

    @property
    def payload_version(self) -> str:
        return "1.0" if self.inventory.aws.apigateway in ("httpv1", "rest") else "2.0"

    def ws_function(self, route_key: str) -> Function | None:
        route = self.ws_routes.get(route_key)
        return route.function if route else None
