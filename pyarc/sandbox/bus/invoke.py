"""`pyarc invoke <pragma> <name>`: run one function of a sandbox with an AWS-shaped event.

`events`, `queues`, `scheduled`, `tables-streams` and `ws` functions get the event their
trigger would send; `http` routes are requested over HTTP from the sandbox itself, so
the route, the payload 2.0 event and the response normalisation are exactly the real
ones.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from pyarc.inventory.model import Function, Inventory
from pyarc.sandbox.bus import clock, names
from pyarc.sandbox.bus.bus import EventBus, UnknownTarget
from pyarc.sandbox.lambda_events import sns, sqs, streams
from pyarc.sandbox.lambda_events.ws import invoked_event
from pyarc.sandbox.router import HttpRouter, suggest_route

PRAGMAS = ("http", "ws", "events", "queues", "scheduled", "tables-streams")


class Invoker:
    def __init__(
        self,
        bus: EventBus,
        invoke: Callable[[Function, dict], Awaitable[Any]],
        http_url: Callable[[], str],
    ) -> None:
        self.bus = bus
        self.invoke = invoke
        self.http_url = http_url

    @property
    def inventory(self) -> Inventory:
        return self.bus.inventory

    async def __call__(self, pragma: str, name: str, payload: object) -> dict:
        if pragma == "http":
            return await self._http(name, payload)
        if pragma == "scheduled":
            return _result(await self.bus.fire(name))
        fn, event = self.event_for(pragma, name, payload)
        return _result(await self.invoke(fn, event))

    def event_for(self, pragma: str, name: str, payload: object) -> tuple[Function, dict]:
        inv = self.inventory
        region = inv.aws.region
        text = json.dumps(payload)
        if pragma == "events":
            event = _find(inv.events, name, "@events")
            return event.function, sns.sns_event(
                topic_arn=names.topic_arn(inv.app, name, region),
                message=text,
                message_id=str(uuid.uuid4()),
                published=clock.now(),
            )
        if pragma == "queues":
            queue = _find(inv.queues, name, "@queues")
            now = clock.now()
            record = sqs.sqs_record(
                queue_arn=names.queue_arn(inv.app, name, queue.fifo, region),
                message_id=str(uuid.uuid4()),
                body=text,
                sent=now,
                first_received=now,
                receive_count=1,
                group_id="default" if queue.fifo else None,
            )
            return queue.function, {"Records": [record]}
        if pragma == "tables-streams":
            stream = _find(inv.streams, name, "@tables-streams")
            table = inv.table(stream.table)
            image = payload if isinstance(payload, dict) else {}
            from boto3.dynamodb.types import TypeSerializer  # here: boto3 costs start-up ~0.3 s

            marshal = TypeSerializer().serialize
            keys = {k: image[k] for k in (table.partition_key, table.sort_key) if k and k in image}
            record = {
                "eventName": "INSERT",
                "dynamodb": {
                    "ApproximateCreationDateTime": float(int(clock.now().timestamp())),
                    "Keys": {k: marshal(v) for k, v in keys.items()},
                    "NewImage": {k: marshal(v) for k, v in image.items()},
                    "SequenceNumber": f"{time.time_ns():021d}",
                    "SizeBytes": max(1, len(text.encode())),
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            }
            physical = table.physical_name(inv.app, "staging")
            return stream.function, streams.stream_event([record], names.stream_arn(physical, region))
        if pragma == "ws":
            route = next((r for r in inv.ws if name in (r.name, r.route_key)), None)
            if route is None:
                raise UnknownTarget(_unknown(name, "@ws", [r.route_key for r in inv.ws]))
            domain = urlsplit(self.http_url()).netloc
            return route.function, invoked_event(route.route_key, text, domain)
        raise UnknownTarget(f"'{pragma}' is not a pragma with functions; use one of {', '.join(PRAGMAS)}")

    async def _http(self, name: str, payload: object) -> dict:
        method, _, path = name.strip().partition(" ")
        if not path:
            raise UnknownTarget(f"name an @http route as 'METHOD /path', e.g. 'get /', not '{name}'")
        self._require_route(method, path)
        body = None if payload is None else json.dumps(payload)
        import httpx  # here, not at start-up (~0.1 s)

        async with httpx.AsyncClient(base_url=self.http_url(), timeout=None) as client:
            response = await client.request(
                method.upper(), path, content=body,
                headers={"content-type": "application/json"} if body else None,
            )
        text = response.text
        return {
            "ok": response.status_code < 500,
            "payload": {"statusCode": response.status_code, "headers": dict(response.headers), "body": text},
            "error": None,
            "durationMs": response.elapsed.total_seconds() * 1000,
            "cold": None,
        }

    def _require_route(self, method: str, target: str) -> None:
        """Refuse a request no `@http` route would run: invoke runs a function, and the
        sandbox's 404 for an unknown path is not one (it printed `ok`)."""
        routes = self.inventory.http
        path = urlsplit(target).path
        if HttpRouter(routes).match(method, path) is not None:
            return
        declared = ", ".join(f"{r.method} {r.path}" for r in routes) or "none"
        raise UnknownTarget(
            f"no @http route in {self.inventory.manifest.name} matches {method.upper()} {path} "
            f"(its routes: {declared}); name one of them, or add `{suggest_route(method, path)}` "
            "under @http."
        )

def _find(items: list, name: str, pragma: str):  # type: ignore[no-untyped-def]
    for item in items:
        if item.name == name:
            return item
    raise UnknownTarget(_unknown(name, pragma, [i.name for i in items]))


def _unknown(name: str, pragma: str, known: list[str]) -> str:
    return f"there is no {pragma} '{name}' (declared: {', '.join(known) or 'none'})"


def _result(outcome: Any) -> dict:
    error = outcome.error
    return {
        "ok": outcome.ok,
        "payload": getattr(outcome, "payload", None),
        "error": error.to_lambda_payload() if error is not None and hasattr(error, "to_lambda_payload") else error,
        "durationMs": getattr(outcome, "duration_ms", None),
        "cold": getattr(outcome, "cold", None),
    }
