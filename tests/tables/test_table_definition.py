"""One table definition under both renderings: conflicts are refused once, at load, alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pyarc.errors import ManifestError
from pyarc.inventory import load
from pyarc.inventory.table_definition import table_definition
from pyarc.sandbox.tables import ensure_tables
from pyarc.tables.engine import Engine
from pyarc.template import build

TWO_TYPES = """@app
two-types

@tables
notes
  noteID *String

@tables-indexes
notes
  noteID *Number
  name byNumber
"""


def pyarc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pyarc", *args, "--cwd", str(cwd)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "COLUMNS": "200", "AWS_ACCESS_KEY_ID": "x",
             "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-west-2"},
    )  # fmt: skip


def test_a_two_typed_attribute_is_refused_alike_by_inventory_sandbox_and_dry_run(tmp_path):
    (tmp_path / "app.arc").write_text(TWO_TYPES)
    wanted = (
        "app.arc:10:3: @tables 'notes': attribute 'noteID' is Number in index 'byNumber' but "
        "String in the table key; give it one type"
    )
    runs = {
        "inventory": pyarc("inventory", cwd=tmp_path),
        "sandbox": pyarc("sandbox", "--port", "0", "--tables-port", "0", cwd=tmp_path),
        "dry-run": pyarc("deploy", "--dry-run", cwd=tmp_path),
    }
    for name, run in runs.items():
        assert run.returncode != 0, f"{name} accepted the manifest: {run.stdout}"
        assert wanted in run.stderr, f"{name}: {run.stderr}"
    assert not (tmp_path / "sam.yaml").exists()


def test_the_ttl_attribute_may_not_be_an_index_key(tmp_path):
    (tmp_path / "app.arc").write_text("@app\nttl-key\n\n@tables\nnotes\n  noteID *String\n"
                                      "  expires TTL\n\n@tables-indexes\nnotes\n"
                                      "  expires *Number\n")
    with pytest.raises(ManifestError) as raised:
        load(tmp_path)
    assert str(raised.value) == (
        "app.arc:7:3: @tables 'notes': TTL attribute 'expires' is also a key "
        "(in index 'expires-index'); mark a different attribute TTL"
    )


def test_template_and_sandbox_render_the_same_definition(tmp_path):
    (tmp_path / "app.arc").write_text(
        "@app\nsame\n\n@tables\nnotes\n  noteID *String\n  at **Number\n  expires TTL\n"
        "  stream true\n\n@tables-indexes\nnotes\n  owner *String\n  at **Number\n"
        "  projection keys\n"
    )
    inventory = load(tmp_path)
    definition = table_definition(inventory.tables[0])
    properties = build(inventory)["Resources"]["NotesTable"]["Properties"]
    engine = Engine()
    ensure_tables(engine, inventory, ("staging",))
    described = engine.handle("DescribeTable", {"TableName": "same-staging-notes"})["Table"]
    for rendered in (properties, described):
        assert rendered["KeySchema"] == definition.key_schema
        assert rendered["AttributeDefinitions"] == definition.attribute_definitions
        assert [
            {k: i[k] for k in ("IndexName", "KeySchema", "Projection")}
            for i in rendered["GlobalSecondaryIndexes"]
        ] == [i.to_json() for i in definition.global_secondary_indexes]
        assert rendered["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert properties["TimeToLiveSpecification"]["AttributeName"] == "expires"
    ttl = engine.handle("DescribeTimeToLive", {"TableName": "same-staging-notes"})
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires"
