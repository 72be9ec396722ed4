"""Inventory -> the stable JSON schema of `pyarc inventory --json` (docs/inventory-json.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyarc.inventory.model import Function, FunctionConfig, Inventory, Table, TableIndex

SCHEMA_VERSION = 1


def _rel(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _config(config: FunctionConfig) -> dict[str, Any]:
    return {
        "runtime": config.runtime,
        "memory": config.memory,
        "timeout": config.timeout,
        "architecture": config.architecture,
        "storage": config.storage,
        "concurrency": config.concurrency,
        "layers": list(config.layers),
        "policies": list(config.policies),
        "handler": config.handler,
    }


def _function(fn: Function, cwd: Path) -> dict[str, Any]:
    """Fields every function entry shares: its source dir, handler and Lambda settings."""
    config = _config(fn.config)
    return {"src": _rel(fn.src, cwd), **config, "handler": fn.handler}


def _index(index: TableIndex) -> dict[str, Any]:
    return {
        "name": index.name,
        "partitionKey": index.partition_key,
        "partitionKeyType": index.partition_key_type,
        "sortKey": index.sort_key,
        "sortKeyType": index.sort_key_type,
        **({"partitionKeys": [list(k) for k in index.partition_keys],
            "sortKeys": [list(k) for k in index.sort_keys]}
           if index.more_partition_keys or index.more_sort_keys else {}),
        "projection": index.projection
        if isinstance(index.projection, str)
        else list(index.projection),
    }


def _table(table: Table, app: str) -> dict[str, Any]:
    return {
        "name": table.name,
        "physicalName": table.physical_name(app),
        "partitionKey": table.partition_key,
        "partitionKeyType": table.partition_key_type,
        "sortKey": table.sort_key,
        "sortKeyType": table.sort_key_type,
        "ttl": table.ttl,
        "stream": table.stream,
        "pitr": table.pitr,
        "encrypt": table.encrypt,
        "indexes": [_index(i) for i in table.indexes],
    }


def to_json(inv: Inventory) -> dict[str, Any]:
    """A JSON-ready dict; keys are stable (see docs/inventory-json.md)."""
    cwd = inv.cwd
    static = inv.static
    return {
        "schemaVersion": SCHEMA_VERSION,
        "app": inv.app,
        "cwd": cwd.as_posix(),
        "manifest": _rel(inv.manifest, cwd),
        "aws": {
            "region": inv.aws.region,
            "profile": inv.aws.profile,
            "apigateway": inv.aws.apigateway,
            "bucket": inv.aws.bucket,
            **{k: v for k, v in _config(inv.aws.defaults).items()},
        },
        "http": [
            {
                "method": r.method,
                "path": r.path,
                "routeKey": r.route_key,
                **_function(r.function, cwd),
            }
            for r in inv.http
        ],
        "ws": [
            {"name": r.name, "routeKey": r.route_key, **_function(r.function, cwd)} for r in inv.ws
        ],
        "tables": [_table(t, inv.app) for t in inv.tables],
        "tablesStreams": [
            {"name": s.name, "table": s.table, **_function(s.function, cwd)} for s in inv.streams
        ],
        "events": [{"name": e.name, **_function(e.function, cwd)} for e in inv.events],
        "queues": [
            {
                "name": q.name,
                "fifo": q.fifo,
                "batchSize": q.batch_size,
                "batchWindow": q.batch_window,
                "visibilityTimeout": q.visibility_timeout,
                **_function(q.function, cwd),
            }
            for q in inv.queues
        ],
        "scheduled": [
            {
                "name": s.name,
                "expression": s.expression,
                "timezone": s.timezone,
                **_function(s.function, cwd),
            }
            for s in inv.scheduled
        ],
        "static": None
        if static is None
        else {
            "folder": static.folder,
            "fingerprint": static.fingerprint,
            "spa": static.spa,
            "prefix": static.prefix,
            "ignore": list(static.ignore),
            "compression": static.compression,
            "staging": static.staging,
            "production": static.production,
        },
        "cdn": None if inv.cdn is None else {"enabled": inv.cdn.enabled},
        "proxy": inv.proxy,
        "shared": None if inv.shared is None else [_rel(p, cwd) for p in inv.shared],
        "views": None if inv.views is None else [_rel(p, cwd) for p in inv.views],
        "prefs": {
            "file": None if inv.prefs.file is None else _rel(inv.prefs.file, cwd),
            "sandbox": {
                "ports": dict(inv.prefs.sandbox.ports),
                "env": dict(inv.prefs.sandbox.env),
                "seedData": inv.prefs.sandbox.seed_data,
                "persist": inv.prefs.sandbox.persist,
                "useAWS": inv.prefs.sandbox.useAWS,
            },
            "env": {k: dict(v) for k, v in inv.prefs.env.items()},
        },
        "unknownPragmas": list(inv.unknown_pragmas),
        "warnings": list(inv.warnings),
    }
