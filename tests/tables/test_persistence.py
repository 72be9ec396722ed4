"""--persist: data survives a restart; a crash mid-write loses at most that write."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

import pytest

from pyarc.tables.engine import Engine
from pyarc.tables.store.persistence import JOURNAL, SNAPSHOT
from pyarc.testing import wait_until

TABLE = {
    "TableName": "notes",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def test_data_survives_a_restart(tmp_path, serve_engine, client_for):
    running, stop = serve_engine(Engine(tmp_path, compact_every=3))
    client = client_for(running.url)
    client.create_table(**TABLE)
    client.update_time_to_live(TableName="notes",
                               TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    for n in range(10):
        client.put_item(TableName="notes", Item={"id": {"N": str(n)}, "body": {"S": f"note {n}"}})
    client.delete_item(TableName="notes", Key={"id": {"N": "3"}})
    client.update_item(TableName="notes", Key={"id": {"N": "4"}}, UpdateExpression="SET body = :t",
                       ExpressionAttributeValues={":t": {"S": "edited"}})
    stop()
    running.engine.close()
    assert (tmp_path / SNAPSHOT).exists()

    running, _ = serve_engine(Engine(tmp_path))
    client = client_for(running.url)
    items = {int(i["id"]["N"]): i["body"]["S"] for i in client.scan(TableName="notes")["Items"]}
    assert sorted(items) == [0, 1, 2, 4, 5, 6, 7, 8, 9]
    assert items[4] == "edited"
    ttl = client.describe_time_to_live(TableName="notes")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}
    running.engine.close()


def test_deletion_protection_survives_a_restart(tmp_path, serve_engine, client_for):
    running, _ = serve_engine(Engine(tmp_path))
    client = client_for(running.url)
    client.create_table(**TABLE, DeletionProtectionEnabled=True)
    running.engine.close()

    running, _ = serve_engine(Engine(tmp_path))
    client = client_for(running.url)
    assert client.describe_table(TableName="notes")["Table"]["DeletionProtectionEnabled"] is True
    error = pytest.raises(client.exceptions.ClientError, client.delete_table, TableName="notes")
    assert error.value.response["Error"]["Code"] == "ValidationException"
    client.update_table(TableName="notes", DeletionProtectionEnabled=False)
    running.engine.close()

    running, _ = serve_engine(Engine(tmp_path))
    client = client_for(running.url)
    assert client.describe_table(TableName="notes")["Table"]["DeletionProtectionEnabled"] is False
    running.engine.close()


def test_torn_last_line_is_dropped_and_cut_off(tmp_path):
    engine = Engine(tmp_path)
    engine.handle("CreateTable", TABLE)
    engine.handle("PutItem", {"TableName": "notes", "Item": {"id": {"N": "1"}}})
    engine.close()
    journal = tmp_path / JOURNAL
    intact = journal.stat().st_size
    with journal.open("ab") as handle:
        handle.write(b'[{"o":"put","t":"notes","i":{"id":{"N":"2"')  # the crash happened here
    engine = Engine(tmp_path)
    assert [i["id"]["N"] for i in engine.handle("Scan", {"TableName": "notes"})["Items"]] == ["1"]
    assert journal.stat().st_size == intact
    engine.handle("PutItem", {"TableName": "notes", "Item": {"id": {"N": "3"}}})
    engine.close()
    again = Engine(tmp_path)
    found = sorted(i["id"]["N"] for i in again.handle("Scan", {"TableName": "notes"})["Items"])
    assert found == ["1", "3"]
    again.close()


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pyarc.tables.engine import Engine

    engine = Engine(Path(sys.argv[1]), compact_every=40)
    engine.handle("CreateTable", {table!r})
    n = 0
    while True:
        engine.handle("PutItem", {{"TableName": "notes", "Item": {{"id": {{"N": str(n)}},
                                  "pad": {{"S": "x" * 2000}}}}}})
        print(n, flush=True)
        n += 1
    """
)


def test_killed_mid_write_loses_at_most_the_last_write(tmp_path):
    script = CHILD.format(table=TABLE)
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        journal = tmp_path / JOURNAL
        snapshot = tmp_path / SNAPSHOT
        wait_until(lambda: snapshot.exists() and journal.exists() and journal.stat().st_size > 20000,
                   timeout=30, what="the child to write and compact")
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        out, _ = child.communicate(timeout=10)
    acknowledged = [int(line) for line in out.split()]
    engine = Engine(tmp_path)
    found = sorted(int(i["id"]["N"]) for i in _scan_all(engine))
    assert found == list(range(len(found))), "a write in the middle went missing"
    assert len(found) >= (acknowledged[-1] + 1 if acknowledged else 0)
    assert len(found) >= 40
    json.loads(snapshot.read_text())  # the snapshot is always a whole file
    engine.close()


def _scan_all(engine):
    start = {}
    while True:
        page = engine.handle("Scan", {"TableName": "notes", **start})
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
