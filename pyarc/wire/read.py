"""A request read and checked against its operation's input shape, in one call."""

from __future__ import annotations

from collections.abc import Mapping

from pyarc.wire.check import check
from pyarc.wire.model import input_shape
from pyarc.wire.query import decode


def validate(
    service: str, operation: str, request: dict[str, object], ranges: bool = False
) -> None:
    """Check a JSON-protocol request in place (nulls removed); raises a `WireError`.
    `ranges` checks the model's `min` / `max` too."""
    shape = input_shape(service, operation)
    if shape is not None:
        check(shape, request, ranges=ranges)


def read_form(
    service: str, operation: str, form: Mapping[str, str], legacy: bool = False
) -> dict[str, object]:
    """A query-protocol form body as the checked structure its model describes; `legacy`
    for a service that has left the query protocol (SQS: `pyarc.wire.legacy`)."""
    shape = input_shape(service, operation, legacy_query=legacy)
    if shape is None:
        return {}
    request = decode(shape, form)
    check(shape, request)
    return request
