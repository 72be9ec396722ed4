"""Checking AWS requests against botocore's service models, shared by every local endpoint
(DynamoDB, SNS, SQS, SSM). Imports only the standard library and botocore.

`input_shape(service, operation)` compiles an operation's input shape once;
`check(shape, request)` refuses a member of the wrong type or a missing required one with
`WrongType` / `MissingMember`, which each endpoint answers in its own protocol's error shape.
"""

from pyarc.wire.check import MissingMember, OpaqueHook, WireError, WrongType, check
from pyarc.wire.model import Shape, input_shape, service_model

__all__ = [
    "MissingMember", "OpaqueHook", "Shape", "WireError", "WrongType", "check", "input_shape",
    "service_model",
]
