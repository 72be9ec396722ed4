"""Tables from the Inventory, and seed data, for the sandbox's DynamoDB endpoint.

Public API:

    ensure_tables(engine, inventory, envs=("staging", "production")) -> list[str]
        Create every `@tables` table as `<app>-<env>-<name>` with its keys, TTL, stream and
        `@tables-indexes` GSIs. Idempotent: existing tables are left as they are.
    load_seed(engine, inventory, path=None) -> int
        Load `sandbox-seed.json` (`{"<logical table>": [plain JSON items]}`) into the staging
        tables, all or nothing; returns the number of items written.

Both go through `Engine.handle` (and `Engine.check`), the entry point the wire uses, so a
bad seed item is refused with the message a PutItem over the wire would get.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory
from pyarc.inventory.table_definition import table_definition
from pyarc.tables.engine import Engine
from pyarc.tables.errors import DynamoError

SEED_FILE = "sandbox-seed.json"


def _streamed(inventory: Inventory) -> set[str]:
    return {t.name for t in inventory.tables if t.stream} | {s.table for s in inventory.streams}


def ensure_tables(
    engine: Engine, inventory: Inventory, envs: tuple[str, ...] = ("staging", "production")
) -> list[str]:
    """Create each `@tables` table for each env; return the physical names (existing included)."""
    names: list[str] = []
    streamed = _streamed(inventory)
    for env in envs:
        for table in inventory.tables:
            physical = table.physical_name(inventory.app, env)
            names.append(physical)
            if physical in engine.tables:
                continue
            definition = table_definition(table, streamed=table.name in streamed)
            engine.handle("CreateTable", definition.create_table_request(physical))
            ttl = definition.time_to_live_request(physical)
            if ttl is not None:
                engine.handle("UpdateTimeToLive", ttl)
    return names


def _seed_path(inventory: Inventory, path: Path | None) -> Path | None:
    if path is not None:
        if not path.is_file():
            raise PyarcError(f"The seed file {path} does not exist; create it or drop --seed.")
        return path
    if inventory.prefs.sandbox.seed_data:
        configured = inventory.cwd / inventory.prefs.sandbox.seed_data
        if not configured.is_file():
            raise PyarcError(
                f"The seed file {configured} named in prefs.arc does not exist; create it or "
                "remove `seed-data` from prefs.arc."
            )
        return configured
    default = inventory.cwd / SEED_FILE
    return default if default.is_file() else None


def load_seed(engine: Engine, inventory: Inventory, path: Path | None = None) -> int:
    """Write the seed items into the staging tables; nothing is written if any item is bad."""
    found = _seed_path(inventory, path)
    if found is None:
        return 0
    ensure_tables(engine, inventory, ("staging",))
    try:
        data = json.loads(found.read_text("utf-8"), parse_float=Decimal)
    except ValueError as exc:
        raise PyarcError(f"{found} is not valid JSON ({exc}); fix the file.") from None
    if not isinstance(data, dict):
        raise PyarcError(f'{found} must hold an object like {{"<table>": [items]}}; fix the file.')
    writes: list[dict[str, Any]] = []
    for logical, items in data.items():
        try:
            table = inventory.table(logical)
        except KeyError:
            raise PyarcError(
                f"{found} seeds table '{logical}', which is not in @tables; add it to the "
                "manifest or remove it from the seed file."
            ) from None
        if not isinstance(items, list):
            raise PyarcError(f"{found}: '{logical}' must be a list of items; fix the file.")
        physical = table.physical_name(inventory.app, "staging")
        from boto3.dynamodb.types import TypeSerializer  # here: boto3 costs start-up ~0.3 s

        serializer = TypeSerializer()
        for position, plain in enumerate(items):
            shown = json.dumps(plain, default=str)[:200]
            if not isinstance(plain, dict):
                raise PyarcError(
                    f"{found}: item {position} of '{logical}' ({shown}) is not an object; fix it."
                )
            try:
                request = {
                    "TableName": physical,
                    "Item": {k: serializer.serialize(v) for k, v in plain.items()},
                }
                engine.check("PutItem", request)  # all or nothing: every item first
            except (DynamoError, TypeError) as exc:
                reason = exc.message if isinstance(exc, DynamoError) else str(exc)
                raise PyarcError(
                    f"{found}: item {position} of '{logical}' ({shown}) does not fit the table: "
                    f"{reason}; fix the item or the table's keys."
                ) from None
            writes.append(request)
    for request in writes:
        engine.handle("PutItem", request)
    return len(writes)
