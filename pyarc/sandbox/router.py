"""Match an HTTP request to an `@http` route the way API Gateway HTTP APIs do.

Priority (most specific wins): per path segment a literal beats a `{param}`,
which beats a greedy `{proxy+}`; a route for the exact method beats `ANY`.
Path parameters are URL-decoded, as API Gateway delivers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from pyarc.inventory.model import HttpRoute

_LITERAL, _PARAM, _GREEDY = 0, 1, 2


@dataclass(frozen=True)
class RouteMatch:
    route: HttpRoute
    path_parameters: dict[str, str]
    route_key: str = ""  # the route's `route_key`, worked out once per route by the router

    def __post_init__(self) -> None:
        if not self.route_key:
            object.__setattr__(self, "route_key", self.route.route_key)


@dataclass(frozen=True)
class _Compiled:
    route: HttpRoute
    method: str  # upper case, "ANY" for any
    segments: tuple[tuple[int, str], ...]  # (kind, literal text or parameter name)
    route_key: str

    @property
    def rank(self) -> tuple:
        # lower sorts first: literals early, greedy last, exact method before ANY
        kinds = tuple(kind for kind, _ in self.segments)
        return (any(k == _GREEDY for k in kinds), kinds, -len(kinds), self.method == "ANY")


def _compile(route: HttpRoute) -> _Compiled:
    segments: list[tuple[int, str]] = []
    for part in route.path.strip("/").split("/"):
        if part == "":
            continue
        if part == "*":
            segments.append((_GREEDY, "proxy"))
        elif part.startswith(":"):
            segments.append((_PARAM, part[1:]))
        else:
            segments.append((_LITERAL, part))
    return _Compiled(route, route.method.upper(), tuple(segments), route.route_key)


class HttpRouter:
    """Routes of one Inventory, ordered most specific first."""

    def __init__(self, routes: list[HttpRoute]) -> None:
        self._routes = sorted((_compile(r) for r in routes), key=lambda c: c.rank)

    def match(self, method: str, raw_path: str) -> RouteMatch | None:
        parts = [p for p in raw_path.split("/") if p != ""]
        method = method.upper()
        for compiled in self._routes:
            if compiled.method not in (method, "ANY"):
                continue
            params = _match_segments(compiled.segments, parts)
            if params is not None:
                return RouteMatch(compiled.route, params, compiled.route_key)
        return None


def _match_segments(
    segments: tuple[tuple[int, str], ...], parts: list[str]
) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for index, (kind, text) in enumerate(segments):
        if kind == _GREEDY:
            rest = parts[index:]
            if not rest:
                return None  # {proxy+} needs at least one segment
            params[text] = unquote("/".join(rest))
            return params
        if index >= len(parts):
            return None
        if kind == _LITERAL:
            if unquote(parts[index]) != text:
                return None
        else:
            params[text] = unquote(parts[index])
    return params if len(parts) == len(segments) else None


def suggest_route(method: str, path: str) -> str:
    """The `@http` line that would make `method path` exist, e.g. `get /things/:id`."""
    clean = "/" + "/".join(p for p in path.split("/") if p)
    return f"{method.lower()} {clean}"
