"""Find one function as a user names it on the command line: `http "get /"`, `ws connect`,
`events order-placed`, `scheduled nightly` (or by its dir name, `http get-index`)."""

from __future__ import annotations

from pyarc.errors import PyarcError
from pyarc.inventory.model import Function, Inventory

PRAGMAS = ("http", "ws", "events", "queues", "scheduled", "tables-streams")


def find_function(inventory: Inventory, pragma: str, name: str) -> Function:
    """The function `pragma name` names, or a PyarcError listing what is declared."""
    named: dict[str, Function] = {}
    if pragma == "http":
        for route in inventory.http:
            named[f"{route.method} {route.path}"] = route.function
            named[route.function.name] = route.function
        method, _, path = " ".join(name.split()).partition(" ")
        wanted = f"{method.lower()} {path}" if path else method
        shown = [f"{r.method} {r.path}" for r in inventory.http]
    elif pragma == "ws":
        for ws_route in inventory.ws:
            named[ws_route.name] = named[ws_route.route_key] = ws_route.function
        wanted, shown = name, [r.name for r in inventory.ws]
    elif pragma in PRAGMAS:
        functions = [fn for fn in inventory.functions if fn.kind == pragma]
        named = {fn.name: fn for fn in functions}
        wanted, shown = name, [fn.name for fn in functions]
    else:
        raise PyarcError(
            f"'{pragma}' is not a pragma with functions; use one of {', '.join(PRAGMAS)}."
        )
    if wanted in named:
        return named[wanted]
    declared = ", ".join(f"'{s}'" for s in shown) or "none"
    raise PyarcError(
        f"There is no @{pragma} function '{name}' in {inventory.manifest.name} (declared: "
        f"{declared}); name one of those."
    )
