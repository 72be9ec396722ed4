"""The import rules of docs/architecture.md, checked on the source: who may import whom."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pyarc"

# part -> parts of pyarc it must never import
FORBIDDEN = {
    "functions": {"cli", "commands", "manifest", "inventory", "sandbox", "tables", "template",
                  "deploy", "testing", "errors"},
    "sandbox": {"template", "deploy", "cli", "commands"},
    "template": {"sandbox", "deploy", "tables", "cli", "commands"},
    "tables": {"sandbox", "template", "deploy", "cli", "commands"},
    "deploy": {"sandbox", "tables", "cli", "commands"},
    "inventory": {"sandbox", "template", "deploy", "tables", "functions", "cli", "commands"},
    "wire": {"functions", "cli", "commands", "manifest", "inventory", "sandbox", "tables",
             "template", "deploy", "testing", "errors"},
    "s3": {"functions", "cli", "commands", "manifest", "inventory", "sandbox", "tables",
           "template", "deploy", "testing", "errors"},
    "manifest": {"inventory", "sandbox", "template", "deploy", "tables", "functions", "cli",
                 "commands"},
}


def imported_parts(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "pyarc" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_import_rules(part: str) -> None:
    files = sorted((PACKAGE / part).rglob("*.py"))
    assert files, f"pyarc/{part} has no modules"
    breaches = [
        f"{path.relative_to(PACKAGE.parent)} imports pyarc.{other}"
        for path in files
        for other in sorted(imported_parts(path) & FORBIDDEN[part])
    ]
    assert breaches == []


# pyarc/tables: wire (service, server) -> engine + operations (+ expressions, shapes) -> store.
# The store knows nothing of requests; the operations get the store, never the engine.
TABLES_FORBIDDEN = {
    "tables/store": {"engine", "operations", "expressions", "shapes", "service", "server"},
    "tables/operations": {"engine", "service", "server"},
    "tables/expressions": {"engine", "operations", "store", "service", "server"},
}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_tables_layers_point_one_way() -> None:
    def forbidden(part: str, module: str) -> bool:
        return any(
            module == f"pyarc.tables.{other}" or module.startswith(f"pyarc.tables.{other}.")
            for other in TABLES_FORBIDDEN[part]
        )

    checked = {part: sorted((PACKAGE / part).rglob("*.py")) for part in TABLES_FORBIDDEN}
    assert all(checked.values()), f"a layer has no modules: {checked}"
    breaches = [
        f"{path.relative_to(PACKAGE.parent)} imports {module}"
        for part, files in checked.items()
        for path in files
        for module in sorted(imported_modules(path))
        if forbidden(part, module)
    ]
    assert breaches == []


# The Lambda event shapes (what a function receives) are plain builders: standard library,
# the inventory, and the sandbox's constants, ids and names; no server, gateway, bus or
# third-party import, so the gateways, the bus and `pyarc invoke` can all call them.
EVENT_SHAPES = ("sandbox/lambda_events/*.py",)
SHAPES_MAY_IMPORT = ("pyarc.inventory", "pyarc.sandbox.config", "pyarc.sandbox.ids",
                     "pyarc.sandbox.router", "pyarc.sandbox.bus.names", "pyarc.sandbox.lambda_events")


def test_event_shapes_are_plain_builders() -> None:
    files = sorted({path for pattern in EVENT_SHAPES for path in PACKAGE.glob(pattern)})
    assert files, "no event-shape modules found"

    def allowed(module: str) -> bool:
        top = module.split(".")[0]
        if top != "pyarc":
            return top in sys.stdlib_module_names
        return any(module == ok or module.startswith(ok + ".") for ok in SHAPES_MAY_IMPORT)

    breaches = [
        f"{path.relative_to(PACKAGE.parent)} imports {module}"
        for path in files
        for module in sorted(imported_modules(path))
        if not allowed(module) and not allowed(module.rsplit(".", 1)[0])
    ]
    assert breaches == []


# The events port's wire (sandbox/bus/wire/: one module per protocol) reaches the bus only
# through `wire/api.py`'s `Bus` protocol: of the rest of the sandbox it imports exceptions,
# limits and value types, never `EventBus` or the delivery machinery; the bus never imports it.
BUS_NAMES_FOR_WIRE = {
    "pyarc.sandbox.bus.bus": {"MAX_MESSAGE_BYTES", "MessageTooLarge", "UnknownTarget",
                              "payload_text", "QueueState"},
    "pyarc.sandbox.bus.delivery": {"Log"},
}


def test_the_bus_wire_speaks_to_the_bus_through_its_narrow_api() -> None:
    files = sorted((PACKAGE / "sandbox/bus/wire").glob("*.py"))
    assert {f.name for f in files} >= {"api.py", "app.py", "sns.py", "sqs.py"}
    breaches = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                pairs = [(alias.name, "") for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                pairs = [(node.module, alias.name) for alias in node.names]
            else:
                continue
            for module, name in pairs:
                if not module.startswith("pyarc.sandbox") or module.startswith("pyarc.sandbox.bus.wire"):
                    continue
                if name not in BUS_NAMES_FOR_WIRE.get(module, set()):
                    breaches.append(f"{path.relative_to(PACKAGE.parent)} imports {module} {name}")
    assert breaches == []
    back = [
        f"{path.relative_to(PACKAGE.parent)} imports {module}"
        for path in sorted((PACKAGE / "sandbox/bus").glob("*.py"))
        for module in sorted(imported_modules(path))
        if module.startswith("pyarc.sandbox.bus.wire")
    ]
    assert back == []


def test_event_bus_implements_the_wire_api_as_declared() -> None:
    """`Bus` (sandbox/bus/wire/api.py) is a Protocol: EventBus must keep its signatures."""
    import inspect

    from pyarc.sandbox.bus.bus import EventBus
    from pyarc.sandbox.bus.wire.api import Bus

    methods = [name for name, value in vars(Bus).items() if inspect.isfunction(value)
               and not name.startswith("_")]
    assert set(methods) >= {"publish", "send", "event_for_arn", "queue_state", "idle"}
    for name in methods:
        assert inspect.signature(getattr(EventBus, name)) == inspect.signature(getattr(Bus, name)), name
    assert "log" in Bus.__annotations__
