"""The seam for services pyarc does not serve itself.

A `Fallback` is asked, once per signing name (`secretsmanager`, `ses`, `states`, ...),
for the ASGI app that serves it, and answers None when it cannot. The dispatcher asks it
for every service outside its own table and refuses the service when it gets None.

`installed_fallback()` is the one the sandbox uses: a `MotoServices` (moto_services.py,
moto's in-process backends) when the `pyarc[aws]` extra is installed, else None, so every
other service is refused with `ENABLE_HINT`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.types import ASGIApp

if TYPE_CHECKING:
    from pyarc.sandbox.aws_endpoint.moto_services import MotoServices

Fallback = Callable[[str], ASGIApp | None]

ENABLE_HINT = (
    "install the extra with `pip install 'pyarc[aws]'` to serve it from moto's local "
    "backends, or give this client its own endpoint_url to reach real AWS."
)


def installed_fallback() -> MotoServices | None:
    """moto's backends for this sandbox run when the `aws` extra is installed, else None."""
    from pyarc.sandbox.aws_endpoint.moto_services import MotoServices

    return MotoServices.if_installed()
