"""Checking AWS requests against botocore's service models, shared by every local endpoint
(DynamoDB, SNS, SQS, SSM). Imports only the standard library and botocore.

`input_shape(service, operation)` compiles an operation's input shape once;
`check(shape, request)` refuses a member of the wrong type or a missing required one with
`WrongType` / `MissingMember`; `query.decode(shape, form)` reads a query-protocol form body
(SNS) into the same structure first (`read_form` / `validate` read and check in one call);
`refusal(service, error)` is how that service words the refusal, and `query_error` /
`json_error` are the answer's bytes.
"""

from pyarc.wire.check import MissingMember, OpaqueHook, OutOfRange, WireError, WrongType, check
from pyarc.wire.model import Shape, error_statuses, input_shape, service_model
from pyarc.wire.query import decode as decode_query
from pyarc.wire.read import read_form, validate
from pyarc.wire.refusals import Refusal, json_error, query_error, refusal

__all__ = [
    "MissingMember", "OpaqueHook", "OutOfRange", "Refusal", "Shape", "WireError", "WrongType", "check",
    "decode_query", "error_statuses", "input_shape", "json_error", "query_error", "read_form", "refusal",
    "service_model", "validate",
]
