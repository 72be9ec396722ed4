"""The seam for services pyarc does not serve itself.

A `Fallback` is asked, once per signing name (`secretsmanager`, `email`, `states`, ...),
for the ASGI app that serves it, and answers None when it cannot. The dispatcher asks it
for every service outside its own table and refuses the service when it gets None.

`installed_fallback()` is the one the sandbox uses: `moto_services.fallback` when that
module (moto's in-process backends, the `pyarc[aws]` extra) is present, else None.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from starlette.types import ASGIApp

Fallback = Callable[[str], ASGIApp | None]

MOTO_SERVICES = "pyarc.sandbox.aws_endpoint.moto_services"
ENABLE_HINT = (
    "install the extra with `pip install 'pyarc[aws]'` to serve it from moto's local "
    "backends, or give this client its own endpoint_url to reach real AWS."
)


def installed_fallback() -> Fallback | None:
    """`moto_services.fallback` when that module is part of this install, else None."""
    try:
        module = importlib.import_module(MOTO_SERVICES)
    except ModuleNotFoundError as exc:
        if exc.name != MOTO_SERVICES:
            raise
        return None
    found: Fallback | None = getattr(module, "fallback", None)
    return found
