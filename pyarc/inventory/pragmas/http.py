"""@http: routes, Architect's path rules, source dir naming and route order."""

from __future__ import annotations

import re
from typing import Any

from pyarc.inventory.functions import build_function, lambda_dir_name, resolve_src
from pyarc.inventory.model import HttpRoute
from pyarc.inventory.pragmas.context import Context
from pyarc.inventory.source import describe

METHODS = ("get", "post", "put", "patch", "delete", "options", "head", "any")
PATH_CHARS = re.compile(r"^/[a-zA-Z0-9/\-:._*]*$")
RESERVED_PREFIX = "/_pyarc"  # the sandbox's own pages (the inspector); no route may shadow them
ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-:._*")


def read_http(ctx: Context) -> list[HttpRoute]:
    routes: list[HttpRoute] = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(ctx.source.items("http")):
        method, path, custom_src = _route_item(ctx, index, item)
        validate_path(ctx, index, method, path)
        if (method, path) in seen:
            line = ctx.source.location("http", seen[(method, path)]).line
            where = f" (first on line {line})" if line else ""
            ctx.source.fail(
                f"@http route '{method} {path}' is declared twice{where}; keep one", "http", index
            )
        seen[(method, path)] = index
        name = lambda_dir_name(method, path)
        location = ctx.source.location("http", index)
        function, _ = build_function(
            kind="http",
            name=name,
            src=resolve_src(ctx.cwd, f"src/http/{name}", custom_src),
            defaults=ctx.defaults,
            location=location,
            app_source=ctx.source,
        )
        routes.append(
            HttpRoute(
                method=method,
                path=path,
                function=function,  # type: ignore[arg-type]
                location=location,
            )
        )
    return sort_routes(routes)


def _route_item(ctx: Context, index: int, item: Any) -> tuple[str, str, Any]:
    if isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item):
        method, path = item
        return _method(ctx, index, method), path, None
    if isinstance(item, dict):
        path, settings = next(iter(item.items()))
        if isinstance(settings, dict) and "method" in settings:
            method = _method(ctx, index, describe(settings["method"]))
            for key in settings:
                if key not in ("method", "src"):
                    ctx.source.warn_unknown(
                        f"@http '{path}' setting '{key}'", str(key), ("method", "src"), "http",
                        index,
                    )
            return method, str(path), settings.get("src")
        ctx.source.fail(
            f"@http '{path}' needs a method below it, as in '  method get' (and optionally "
            "'  src path/to/dir')",
            "http",
            index,
        )
    ctx.source.fail(
        f"@http route '{describe(item)}' is not valid; write a method and a path, as in "
        "'get /things/:id'",
        "http",
        index,
    )


def _method(ctx: Context, index: int, method: str) -> str:
    lowered = method.lower()
    if lowered not in METHODS:
        ctx.source.fail(
            f"@http method '{method}' is not valid; use one of {', '.join(METHODS)}", "http", index
        )
    return lowered


def validate_path(ctx: Context, index: int, method: str, path: str) -> None:
    """Architect's @http path rules, each with the fix in its message."""
    name = f"{method} {path}"

    def fail(problem: str) -> None:
        ctx.source.fail(f"@http route '{name}': {problem}", "http", index)

    if not path.startswith("/"):
        fail("the path must start with '/'")
    if path == RESERVED_PREFIX or path.startswith(RESERVED_PREFIX + "/"):
        fail(
            f"paths under {RESERVED_PREFIX}/ belong to the sandbox (its inspector page and "
            f"{RESERVED_PREFIX}/app); choose another path"
        )
    if not PATH_CHARS.match(path):
        bad = "".join(dict.fromkeys(c for c in path if c not in ALLOWED))
        fail(
            f"the path may not contain {', '.join(repr(c) for c in bad)}; use letters, "
            "numbers, '-', '.', '_', ':param' and a trailing '*'"
        )
    if len(path) > 1:
        if path.endswith("/"):
            fail("the path cannot end with '/'; remove it")
        if "//" in path:
            fail("the path has an empty part ('//'); remove the extra '/'")
        if re.search(r"[-._]($|/)", path):
            fail("path parts cannot end with '-', '.' or '_'")
    parts = path.split("/")
    if any(p.startswith(":") and not re.match(r"^:[\w.-]+$", p) for p in parts):
        fail("a ':param' needs a name made of letters and numbers, as in '/things/:id'")
    if any(":" in p[1:] for p in parts):
        fail("':' can only start a path part, as in '/things/:id'")
    if "*" in path and not path.endswith("/*"):
        fail("'*' (catchall) can only be the last part of the path, as in '/api/*'")
    if path.count("*") > 1:
        fail("a path can only have one '*' (catchall), at its end")


def sort_routes(routes: list[HttpRoute]) -> list[HttpRoute]:
    """Match order, most specific first, as API Gateway picks routes.

    Paths compare part by part: a literal part before a `:param`, a `:param` before a `*`
    catchall; then a specific method before `any`; then alphabetically. So static routes come
    before params, params before catchalls, and the first route that matches a request is the
    one API Gateway would choose.
    """
    return sorted(routes, key=_specificity)


def _specificity(route: HttpRoute) -> tuple[tuple[int, ...], int, str]:
    ranks = tuple(
        2 if part == "*" else 1 if part.startswith(":") else 0
        for part in route.path.split("/")
        if part
    )
    return ranks, METHODS.index(route.method), route.path
