"""@tables-indexes with several `*` / `**` lines: multi-attribute GSI keys, manifest to engine."""

from __future__ import annotations

import pytest

from pyarc.errors import ManifestError
from pyarc.inventory import load
from pyarc.inventory.table_definition import table_definition
from pyarc.sandbox.tables import ensure_tables
from pyarc.tables.engine import Engine
from pyarc.template import build

MATCHES = """@app
games

@tables
matches
  matchID *String

@tables-indexes
matches
  tournament *String
  area *String
  round **String
  score **Number
  name byMatch
matches
  tournament *String
  area *String
"""


def test_several_key_lines_make_one_multi_attribute_index(tmp_path):
    (tmp_path / "app.arc").write_text(MATCHES)
    inventory = load(tmp_path)
    definition = table_definition(inventory.tables[0])
    by_match, default = definition.global_secondary_indexes
    assert by_match.key_schema == [
        {"AttributeName": "tournament", "KeyType": "HASH"},
        {"AttributeName": "area", "KeyType": "HASH"},
        {"AttributeName": "round", "KeyType": "RANGE"},
        {"AttributeName": "score", "KeyType": "RANGE"},
    ]
    assert default.name == "tournament-area-index"
    assert {"AttributeName": "score", "AttributeType": "N"} in definition.attribute_definitions
    properties = build(inventory)["Resources"]["MatchesTable"]["Properties"]
    engine = Engine()
    ensure_tables(engine, inventory, ("staging",))
    described = engine.handle("DescribeTable", {"TableName": "games-staging-matches"})["Table"]
    for rendered in (properties, described):
        assert [
            {k: i[k] for k in ("IndexName", "KeySchema", "Projection")}
            for i in rendered["GlobalSecondaryIndexes"]
        ] == [i.to_json() for i in definition.global_secondary_indexes]
    engine.handle("PutItem", {"TableName": "games-staging-matches", "Item": {
        "matchID": {"S": "m1"}, "tournament": {"S": "W"}, "area": {"S": "EU"},
        "round": {"S": "SEMI"}, "score": {"N": "3"}}})
    found = engine.handle("Query", {
        "TableName": "games-staging-matches", "IndexName": "byMatch",
        "KeyConditionExpression": "tournament = :t AND area = :a AND #r = :r",
        "ExpressionAttributeNames": {"#r": "round"},
        "ExpressionAttributeValues": {":t": {"S": "W"}, ":a": {"S": "EU"}, ":r": {"S": "SEMI"}},
    })
    assert [i["matchID"]["S"] for i in found["Items"]] == ["m1"]


def test_a_fifth_partition_key_is_refused_at_its_line(tmp_path):
    keys = "".join(f"  k{n} *String\n" for n in range(5))
    (tmp_path / "app.arc").write_text(
        f"@app\ntoo-many\n\n@tables\nthings\n  id *String\n\n@tables-indexes\nthings\n{keys}"
    )
    with pytest.raises(ManifestError) as raised:
        load(tmp_path)
    assert str(raised.value) == (
        "app.arc:14:3: @tables-indexes 'things' has more than 4 partition keys; a DynamoDB "
        "index takes up to 4 of each"
    )


def test_a_key_both_partition_and_sort_is_refused(tmp_path):
    (tmp_path / "app.arc").write_text(
        "@app\nboth\n\n@tables\nthings\n  id *String\n\n@tables-indexes\nthings\n"
        "  a *String\n  b *String\n  a **String\n"
    )
    with pytest.raises(ManifestError) as raised:
        load(tmp_path)
    assert str(raised.value).endswith("app.arc:12:3: key 'a' appears twice in 'things'; keep one")
