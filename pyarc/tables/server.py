"""Run a `TablesService` under uvicorn, with its TTL sweeper alongside."""

from __future__ import annotations

import asyncio

import uvicorn

from pyarc.tables.service import TablesService


def uvicorn_server(service: TablesService, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        service.app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        access_log=False,
        interface="asgi3",
    )
    return uvicorn.Server(config)


async def serve(service: TablesService, host: str = "127.0.0.1", port: int = 5555) -> None:
    """Serve until uvicorn exits (Ctrl-C), sweeping TTL in the background."""
    server = uvicorn_server(service, host, port)
    sweeper = asyncio.create_task(service.run_background())
    try:
        await server.serve()
    finally:
        sweeper.cancel()
