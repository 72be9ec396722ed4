"""@ws: `connect`, `default`, `disconnect` always, plus custom actions."""

from __future__ import annotations

import re

from pyarc.inventory.functions import build_function, resolve_src
from pyarc.inventory.model import WsRoute
from pyarc.inventory.pragmas.context import Context, check_unique, item_name, warn_unknown_settings

BUILT_IN = ("connect", "default", "disconnect")
ACTION = re.compile(r"^[a-zA-Z0-9_.-]+$")


def read_ws(ctx: Context) -> list[WsRoute]:
    if not ctx.source.has("ws"):
        return []
    declared: list[tuple[str, dict, int | None]] = []
    for index, item in enumerate(ctx.source.items("ws")):
        name, settings = item_name(ctx, "ws", index, item)
        if name.startswith("$") and name[1:] in BUILT_IN:
            name = name[1:]  # `$connect` -> `connect`, as Architect forgives
        if not ACTION.match(name) or len(name) > 255:
            ctx.source.fail(
                f"@ws route '{name}' may only use letters, numbers, '-', '_' and '.' (up to 255 "
                "characters)",
                "ws",
                index,
            )
        warn_unknown_settings(ctx, "ws", index, name, settings, ("src",))
        declared.append((name, settings, index))
    check_unique(ctx, "ws", [(n, i) for n, _, i in declared if i is not None], "route")
    by_name = {n: (n, s, i) for n, s, i in declared}
    # built-in routes first (declared or not), then custom actions in manifest order
    ordered: list[tuple[str, dict, int | None]] = [by_name.get(n, (n, {}, None)) for n in BUILT_IN]
    ordered += [d for d in declared if d[0] not in BUILT_IN]
    routes: list[WsRoute] = []
    for name, settings, index in ordered:
        location = ctx.source.location("ws", index) if index is not None else None
        function, _ = build_function(
            kind="ws",
            name=name,
            src=resolve_src(ctx.cwd, f"src/ws/{name}", settings.get("src")),
            defaults=ctx.defaults,
            location=location,
            app_source=ctx.source,
        )
        routes.append(WsRoute(name=name, function=function, location=location))
    return routes
