"""The internal `_arc` service (default port 2222): SSM service discovery + Management API.

Handlers discover resources the way Architect's `@architect/functions` does, with
SSM `GetParametersByPath` on `/<StackName>` (e.g. `/CageSocketTesting`), and get
`/<Stack>/tables/<name>` = the physical table name, plus events, queues, static
and WebSocket URLs. `AWS_ENDPOINT_URL_SSM` points plain boto3 here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from pyarc.inventory.model import Inventory, stack_name
from pyarc.sandbox.bus import names
from pyarc.sandbox.config import ACCOUNT_ID, ENV_NAME
from pyarc.sandbox.environment import Ports, static_bucket
from pyarc.sandbox.management_api import ManagementApi, connection_id_from
from pyarc.wire import WireError, json_error, refusal, validate

JSON_11 = "application/x-amz-json-1.1"
MAX_RESULTS = 10


def service_parameters(inventory: Inventory, ports: Ports) -> dict[str, str]:
    """Every SSM parameter a deployed stack would hold, with local values."""
    stack = "/" + stack_name(inventory.app, ENV_NAME)
    found: dict[str, str] = {}
    for table in inventory.tables:
        found[f"{stack}/tables/{table.name}"] = table.physical_name(inventory.app, "staging")
    region = inventory.aws.region
    events_url = f"http://127.0.0.1:{ports.events or 0}"
    for event in inventory.events:  # as deployed: the topic ARN and the queue URL
        found[f"{stack}/events/{event.name}"] = names.topic_arn(inventory.app, event.name, region)
    for queue in inventory.queues:
        found[f"{stack}/queues/{queue.name}"] = names.queue_url(
            inventory.app, queue.name, queue.fifo, events_url
        )
    if inventory.static is not None:
        found[f"{stack}/static/bucket"] = static_bucket(inventory)
        found[f"{stack}/static/fingerprint"] = str(inventory.static.fingerprint).lower()
    if inventory.ws:
        found[f"{stack}/ws/https"] = f"http://localhost:{ports.http}"
        found[f"{stack}/ws/wss"] = f"ws://localhost:{ports.http}"
    return found


def _error(error_type: str, message: str, status: int = 400) -> Response:
    return Response(json_error(error_type, message), status_code=status, media_type=JSON_11)


class _Invalid(Exception):
    """A request SSM's own rules refuse (its types are checked by the model)."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _parameter(name: str, value: str, region: str) -> dict[str, Any]:
    return {
        "Name": name,
        "Type": "String",
        "Value": value,
        "Version": 1,
        "LastModifiedDate": 0,
        "ARN": f"arn:aws:ssm:{region}:{ACCOUNT_ID}:parameter{name}",
        "DataType": "text",
    }


class ArcService:
    def __init__(
        self,
        parameters: Callable[[], dict[str, str]],
        region: Callable[[], str],
        management: ManagementApi,
    ) -> None:
        self.parameters = parameters
        self.region = region
        self.management = management

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        connection_id = connection_id_from(request.url.path)
        if connection_id is not None:
            response = await self.management.handle(request, connection_id)
        else:
            response = await self._ssm(request)
        await response(scope, receive, send)

    async def _ssm(self, request: Request) -> Response:
        target = request.headers.get("x-amz-target", "")
        operation = target.rpartition(".")[2]
        try:
            body = json.loads(await request.body() or b"{}")
        except (ValueError, RecursionError):  # RecursionError: nested deeper than json reads
            return _error("SerializationException", "The request body is not valid JSON.")
        if not isinstance(body, dict):
            return _error("SerializationException", "The request body must be a JSON object.")
        answer = {"GetParametersByPath": self._by_path, "GetParameter": self._one,
                  "GetParameters": self._many}.get(operation)
        if answer is None:
            return _error(
                "InvalidAction",
                f"The sandbox's SSM emulation does not support {operation or target!r}.",
            )
        try:
            validate("ssm", operation, body, ranges=True)  # botocore's model: types, required, min/max
            return answer(body)
        except WireError as exc:
            refused = refusal("ssm", exc)
            return _error(refused.code, refused.message, refused.status)
        except _Invalid as exc:
            return _error(exc.error_type, str(exc))

    def _by_path(self, body: dict[str, Any]) -> Response:
        path: str = body["Path"]
        if not path.startswith("/"):
            return _error("ValidationException", "Path must start with /.")
        prefix = path.rstrip("/") + "/"
        recursive: bool = body.get("Recursive", False)
        names = sorted(
            name
            for name in self.parameters()
            if name.startswith(prefix) and (recursive or "/" not in name[len(prefix) :])
        )
        max_results: int = body.get("MaxResults", MAX_RESULTS)  # 1..10: the model's range
        token: str = body.get("NextToken", "0")
        if not token.isascii() or not token.isdigit():
            raise _Invalid("The NextToken is not valid; pass the one the last page returned.",
                           "InvalidNextToken")
        start = int(token)
        page = names[start : start + max_results]
        values = self.parameters()
        result: dict[str, Any] = {
            "Parameters": [_parameter(n, values[n], self.region()) for n in page]
        }
        if start + max_results < len(names):
            result["NextToken"] = str(start + max_results)
        return Response(json.dumps(result), media_type=JSON_11)

    def _one(self, body: dict[str, Any]) -> Response:
        name: str = body["Name"]
        values = self.parameters()
        if name not in values:
            return _error("ParameterNotFound", f"Parameter {name} not found.")
        parameter = _parameter(name, values[name], self.region())
        return Response(json.dumps({"Parameter": parameter}), media_type=JSON_11)

    def _many(self, body: dict[str, Any]) -> Response:
        values = self.parameters()
        names: list[str] = body["Names"]
        found = [_parameter(n, values[n], self.region()) for n in names if n in values]
        invalid = [n for n in names if n not in values]
        return Response(
            json.dumps({"Parameters": found, "InvalidParameters": invalid}), media_type=JSON_11
        )
