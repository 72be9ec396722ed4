"""Tables from the Inventory (`ensure_tables`) and seed data (`load_seed`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory, Table, TableIndex
from pyarc.sandbox.tables import ensure_tables, load_seed
from pyarc.tables.engine import Engine


def inventory(tmp_path: Path) -> Inventory:
    return Inventory(
        app="cage-socket",
        cwd=tmp_path,
        manifest=tmp_path / "app.arc",
        tables=[
            Table("rooms", "roomId", "String", ttl="expires", stream=True,
                  indexes=[TableIndex("owner-index", "owner", "String")]),
            Table("moves", "roomId", "String", "at", "Number"),
        ],
    )


def test_ensure_tables_creates_each_env_idempotently(tmp_path):
    engine = Engine()
    inv = inventory(tmp_path)
    names = ensure_tables(engine, inv)
    assert names == ["cage-socket-staging-rooms", "cage-socket-staging-moves",
                     "cage-socket-production-rooms", "cage-socket-production-moves"]
    assert ensure_tables(engine, inv) == names
    rooms = engine.handle("DescribeTable", {"TableName": "cage-socket-staging-rooms"})["Table"]
    assert rooms["GlobalSecondaryIndexes"][0]["IndexName"] == "owner-index"
    assert rooms["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    ttl = engine.handle("DescribeTimeToLive", {"TableName": "cage-socket-staging-rooms"})
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires"
    moves = engine.handle("DescribeTable", {"TableName": "cage-socket-staging-moves"})["Table"]
    assert moves["KeySchema"][1] == {"AttributeName": "at", "KeyType": "RANGE"}


def test_seed_loads_plain_json_into_staging(tmp_path):
    (tmp_path / "sandbox-seed.json").write_text(json.dumps(
        {"rooms": [{"roomId": "r1", "owner": "ann", "size": 2.5, "tags": ["a"]}],
         "moves": [{"roomId": "r1", "at": 1}, {"roomId": "r1", "at": 2}]}))
    engine = Engine()
    inv = inventory(tmp_path)
    ensure_tables(engine, inv)
    assert load_seed(engine, inv) == 3
    item = engine.handle("GetItem", {"TableName": "cage-socket-staging-rooms",
                                     "Key": {"roomId": {"S": "r1"}}})["Item"]
    assert item["size"] == {"N": "2.5"} and item["tags"] == {"L": [{"S": "a"}]}


def test_seed_key_mismatch_is_rejected_with_nothing_written(tmp_path):
    seed = tmp_path / "custom-seed.json"
    seed.write_text(json.dumps({"moves": [{"roomId": "r1", "at": 1}, {"roomId": "r1", "at": "late"}]}))
    engine = Engine()
    inv = inventory(tmp_path)
    ensure_tables(engine, inv)
    with pytest.raises(PyarcError) as excinfo:
        load_seed(engine, inv, seed)
    message = str(excinfo.value)
    assert "item 1 of 'moves'" in message and "Type mismatch for key at expected: N actual: S" in message
    assert engine.handle("Scan", {"TableName": "cage-socket-staging-moves"})["Count"] == 0


def test_seed_for_unknown_table(tmp_path):
    (tmp_path / "sandbox-seed.json").write_text(json.dumps({"ghosts": []}))
    with pytest.raises(PyarcError, match="'ghosts', which is not in @tables"):
        load_seed(Engine(), inventory(tmp_path))
