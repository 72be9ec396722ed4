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
        # set by the checks of a request's expressions and attribute values, which DynamoDB
        # words per operation (see `as_reported`)
        self.request_check = False
        self.value_key: str | None = None  # the ExpressionAttributeValues key at fault

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


def invalid_value(detail: str) -> DynamoError:
    """An attribute value DynamoDB refuses as an invalid parameter (an empty set...)."""
    error = invalid_params(detail)
    error.request_check = True
    return error


def request_invalid(message: str) -> DynamoError:
    """A ValidationException from checking a request's expressions or attribute values."""
    error = validation(message)
    error.request_check = True
    return error


# DynamoDB counts request-check errors of its single-item writes ("1 validation error
# detected: ..."), and names the ExpressionAttributeValues key at fault in other operations.
COUNTED_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem"})
DETECTED = "1 validation error detected: "


def as_reported(operation: str, error: DynamoError) -> DynamoError:
    """`error` worded as DynamoDB reports it for `operation`."""
    if error.type != "ValidationException":
        return error
    if error.request_check and operation in COUNTED_OPERATIONS:
        if error.message.startswith(DETECTED):
            return error
        return DynamoError(error.type, DETECTED + error.message, error.extra)
    if error.value_key is not None:
        return validation(
            f"ExpressionAttributeValues contains invalid value: {error.message} for key "
            f"{error.value_key}"
        )
    return error
