"""Service discovery: the app's SSM parameters under `/<StackName>`, read once per process."""

from __future__ import annotations

import threading
from typing import Any

from pyarc.functions import clients
from pyarc.functions.environment import stack_name
from pyarc.functions.errors import ServiceNotFoundError

_lock = threading.Lock()
_cache: dict[str, Any] | None = None


def services() -> dict[str, Any]:
    """`{"tables": {"data": "cage-socket-staging-data"}, "events": {...}, ...}`.

    Built from SSM `GetParametersByPath` on `/<StackName>` (recursive, every page):
    `/<Stack>/<kind>/<name>` becomes `services()[kind][name]`; deeper paths nest further.
    The result is cached for the life of the process, as Lambda keeps it warm.
    """
    global _cache
    if _cache is None:
        with _lock:
            if _cache is None:
                _cache = _load(f"/{stack_name()}")
    return _cache


def _load(path: str) -> dict[str, Any]:
    ssm = clients.client("ssm")
    found: dict[str, Any] = {}
    paginator = ssm.get_paginator("get_parameters_by_path")
    for page in paginator.paginate(Path=path, Recursive=True, WithDecryption=True):
        for parameter in page.get("Parameters", []):
            _insert(found, parameter["Name"][len(path) :], parameter["Value"])
    return found


def _insert(tree: dict[str, Any], relative_name: str, value: str) -> None:
    parts = [part for part in relative_name.split("/") if part]
    if not parts:
        return
    node = tree
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def lookup(kind: str, name: str) -> str:
    """The physical name/ARN/URL of `name` among `kind` (tables, events, queues, static)."""
    known = services().get(kind, {})
    value = known.get(name)
    if not isinstance(value, str):
        raise ServiceNotFoundError(kind, name, list(known), f"/{stack_name()}")
    return value


def reset() -> None:
    """Forget the cached services (tests that change the environment)."""
    global _cache
    with _lock:
        _cache = None
