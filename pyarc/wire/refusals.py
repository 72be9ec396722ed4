"""What each service answers when its model refuses a request, and the bytes of an error
answer in each protocol. One table, so the four endpoints word the same refusal as their
services do:

- DynamoDB, SSM (JSON, Coral's front end): `SerializationException` with the JSON parser's
  words for a wrong type, `ValidationException` "1 validation error detected: Value null
  at 'path' ..." for a missing member.
- SQS (JSON, AWS-query compatible: botocore reads the code from `x-amzn-query-error`):
  `InvalidParameterValue` "Value 5 for parameter QueueUrl is invalid. ..." and
  `MissingParameter` "The request must contain the parameter QueueUrl.", SQS's common
  errors, naming parameters as SQS does (`Entries.1.DelaySeconds`).
- SNS (query, XML): `InvalidParameter` "Invalid parameter: ..." (SNS's own wording) for a
  value that cannot be read as its type, `ValidationError` with Coral's null wording for
  a missing member.
(A value outside the model's `min` / `max`, for an endpoint that asks for that check: the
same ValidationException wording, "Member must have value less than or equal to 10".)
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

from pyarc.wire.check import EXPECTED, MissingMember, OutOfRange, WireError, WrongType, dotted_path

# what a query parameter must look like, where the JSON wording would say "an object"
QUERY_EXPECTED = {**EXPECTED, "structure": "a structure (Name.Member=...)",
                  "list": "a list (Name.member.N=...)", "map": "a map (Name.entry.N.key=...)"}


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str  # the error code (`__type`'s shape name on JSON protocols)
    message: str
    status: int = 400


def refusal(service: str, error: WireError) -> Refusal:
    """`service`'s answer to a request its model refuses with `error`."""
    missing = isinstance(error, MissingMember)
    if isinstance(error, OutOfRange):  # Coral's wording on every protocol
        code = {"sqs": "InvalidParameterValue", "sns": "ValidationError"}
        return Refusal(code.get(service, "ValidationException"), error.message)
    if service == "sqs":
        where = dotted_path(error.where)
        if missing:
            return Refusal("MissingParameter", f"The request must contain the parameter {where}.")
        assert isinstance(error, WrongType)
        return Refusal(
            "InvalidParameterValue",
            f"Value {json.dumps(error.value)[:100]} for parameter {where} is invalid. "
            f"Reason: it must be {EXPECTED.get(error.kind, error.kind)}.",
        )
    if service == "sns":
        if missing:
            return Refusal("ValidationError", error.message)
        assert isinstance(error, WrongType)
        return Refusal(
            "InvalidParameter",
            f"Invalid parameter: {dotted_path(error.where)} Reason: it must be "
            f"{QUERY_EXPECTED.get(error.kind, error.kind)}",
        )
    return Refusal("ValidationException" if missing else "SerializationException", error.message)


def query_error(namespace: str | None, code: str, message: str, request_id: str = "") -> bytes:
    """The query protocol's `<ErrorResponse>` (botocore reads `Error.Code`, `Error.Message`)."""
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (
        f"<ErrorResponse{xmlns}><Error><Type>Sender</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error><RequestId>{request_id or uuid.uuid4()}"
        "</RequestId></ErrorResponse>"
    ).encode()


def json_error(error_type: str, message: str) -> bytes:
    """The JSON protocols' error body: `__type` (the shape name, maybe namespaced) + `message`."""
    return json.dumps({"__type": error_type, "message": message}).encode()
