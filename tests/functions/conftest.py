"""Fixtures for the runtime helper tests: a clean environment, moto, and a real
management-API server (uvicorn) that answers exactly as API Gateway does, incl. 410 Gone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import pyarc.functions
from pyarc.testing import free_port, wait_for_port

REGION = "us-east-1"
APP = "cage-socket"
STACK = "CageSocketStaging"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, clean_environment: None) -> Iterator[None]:
    """No endpoint overrides or app settings leak in from the machine; caches start empty."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("ARC_APP_NAME", APP)
    monkeypatch.setenv("ARC_ENV", "staging")
    pyarc.functions.reset()
    yield
    pyarc.functions.reset()


@pytest.fixture
def moto_in_process() -> Iterator[None]:
    """Every boto3 call inside the test goes to moto, in process."""
    from moto import mock_aws

    with mock_aws():
        yield


@dataclass
class ManagementApi:
    """State of the stand-in API Gateway Management API."""

    url: str
    open: set[str] = field(default_factory=set)
    received: dict[str, list[bytes]] = field(default_factory=dict)
    too_large: set[str] = field(default_factory=set)  # ids that answer 413
    lock: threading.Lock = field(default_factory=threading.Lock)


def _management_app(state: ManagementApi) -> Starlette:
    def gone() -> Response:
        return JSONResponse(
            {"message": None}, status_code=410, headers={"x-amzn-ErrorType": "GoneException"}
        )

    async def connection(request: Request) -> Response:
        connection_id = request.path_params["connection_id"]
        if connection_id in state.too_large:
            return JSONResponse(
                {"message": "Message too long"},
                status_code=413,
                headers={"x-amzn-ErrorType": "PayloadTooLargeException"},
            )
        with state.lock:
            if connection_id not in state.open:
                return gone()
            if request.method == "DELETE":
                state.open.discard(connection_id)
                return Response(status_code=204)
        if request.method == "POST":
            data = await request.body()
            with state.lock:
                state.received.setdefault(connection_id, []).append(data)
            return Response(status_code=200)
        return JSONResponse(
            {
                "connectedAt": "2026-11-25T18:30:00.000Z",
                "lastActiveAt": "2026-11-25T18:31:00.000Z",
                "identity": {"sourceIp": "127.0.0.1", "userAgent": "pytest"},
            }
        )

    methods = ["GET", "POST", "DELETE"]
    return Starlette(
        routes=[
            Route("/@connections/{connection_id}", connection, methods=methods),
            Route("/{stage}/@connections/{connection_id}", connection, methods=methods),
        ]
    )


@pytest.fixture(scope="session")
def management_server() -> Iterator[ManagementApi]:
    """A real uvicorn server on a free port speaking the Management API wire protocol."""
    port = free_port()
    state = ManagementApi(url=f"http://127.0.0.1:{port}")
    config = uvicorn.Config(
        _management_app(state), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    yield state
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def management(
    management_server: ManagementApi, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ManagementApi]:
    """The stand-in management API, emptied, with ARC_WSS_URL pointing at it (stage path)."""
    with management_server.lock:
        management_server.open.clear()
        management_server.received.clear()
        management_server.too_large.clear()
    monkeypatch.setenv("ARC_WSS_URL", management_server.url.replace("http", "ws", 1) + "/staging")
    yield management_server
