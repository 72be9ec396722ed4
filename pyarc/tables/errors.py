"""DynamoDB errors as the engine raises them; the wire layer encodes them.

`DynamoError(type, message)` carries DynamoDB's error type (`ValidationException`,
`ConditionalCheckFailedException`, ...) and its exact message. `extra` holds any other
fields DynamoDB puts in the error body (`CancellationReasons`, `Item`).
"""

from __future__ import annotations

from typing import Any

# error type -> HTTP status; anything not listed answers 400
_STATUS = {"InternalServerError": 500, "ServiceUnavailable": 503}


class DynamoError(Exception):
    """An error DynamoDB would return: a type such as `ValidationException` and its message."""

    def __init__(self, type: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(f"{type}: {message}")
        self.type = type
        self.message = message
        self.extra = extra or {}

    @property
    def status(self) -> int:
        return _STATUS.get(self.type, 400)


def validation(message: str) -> DynamoError:
    return DynamoError("ValidationException", message)


def not_found(message: str = "Requested resource not found") -> DynamoError:
    return DynamoError("ResourceNotFoundException", message)


def condition_failed(item: dict[str, Any] | None = None) -> DynamoError:
    extra = {"Item": item} if item is not None else None
    return DynamoError("ConditionalCheckFailedException", "The conditional request failed", extra)


def invalid_params(detail: str) -> DynamoError:
    return validation(f"One or more parameter values were invalid: {detail}")
