"""One entry point: the wire and the sandbox's own calls meet the same checks and messages."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory, Table
from pyarc.sandbox.tables import load_seed
from pyarc.tables.engine import Engine
from pyarc.tables.errors import (
    DETECTED,  # PutItem/UpdateItem/DeleteItem count request errors
    DynamoError,
)
from tests.tables.conftest import CREDENTIALS

TRANSACTION = {
    "TransactItems": [
        {"Put": {"TableName": "things", "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}}}},
        {"Delete": {"TableName": "things", "Key": {"pk": {"S": "b"}, "sk": {"S": "1"}}}},
        {"ConditionCheck": {"TableName": "things", "Key": {"pk": {"S": "c"}, "sk": {"S": "1"}}}},
    ]
}


def raw_client(url: str) -> Any:
    """A client that sends what it is given (no client-side checks), as other SDKs may."""
    config = Config(parameter_validation=False, retries={"max_attempts": 1})
    return boto3.client("dynamodb", endpoint_url=url, config=config, **CREDENTIALS)


def wire_error(url: str, operation: str, request: dict[str, Any]) -> tuple[str, str]:
    method = getattr(raw_client(url), _snake(operation))
    with pytest.raises(ClientError) as raised:
        method(**copy.deepcopy(request))
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def engine_error(engine: Engine, operation: str, request: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(DynamoError) as raised:
        engine.handle(operation, copy.deepcopy(request))
    return raised.value.type, raised.value.message


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def test_transact_write_error_names_the_same_member_through_wire_and_engine(
    tables_server, things
):
    wanted = (
        "ValidationException",
        "1 validation error detected: Value null at "
        "'transactItems.3.member.conditionCheck.conditionExpression' failed to satisfy "
        "constraint: Member must not be null",
    )
    assert wire_error(tables_server.url, "TransactWriteItems", TRANSACTION) == wanted
    assert engine_error(tables_server.engine, "TransactWriteItems", TRANSACTION) == wanted


def test_a_bad_attribute_value_is_refused_alike_through_wire_and_engine(tables_server, things):
    request = {"TableName": "things", "Item": {"pk": {"S": "a"}, "sk": {"S": "1"},
                                               "tags": {"SS": []}}}  # fmt: skip
    wanted = (
        "ValidationException",
        DETECTED + "One or more parameter values were invalid: An string set  may not be empty",
    )
    assert wire_error(tables_server.url, "PutItem", request) == wanted
    assert engine_error(tables_server.engine, "PutItem", request) == wanted


def test_numbers_are_normalised_once_whichever_way_they_arrive(tables_server, things):
    engine = tables_server.engine
    engine.handle("PutItem", {"TableName": "things",
                              "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}, "n": {"N": "01.50"}}})
    got = engine.handle("GetItem", {"TableName": "things",
                                    "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}})  # fmt: skip
    assert got["Item"]["n"] == {"N": "1.5"}


def test_the_sandbox_seed_is_refused_with_the_wire_message(tmp_path, tables_server, make_table):
    inventory = Inventory(app="seedy", cwd=tmp_path, manifest=tmp_path / "app.arc",
                          tables=[Table("notes", "id", "String")])  # fmt: skip
    (tmp_path / "sandbox-seed.json").write_text('{"notes": [{"id": "a"}, {"id": ""}]}')
    make_table("seedy-staging-notes", ("id", "S"), None)
    _, wanted = wire_error(tables_server.url, "PutItem",
                           {"TableName": "seedy-staging-notes", "Item": {"id": {"S": ""}}})
    engine = Engine()
    with pytest.raises(PyarcError) as raised:
        load_seed(engine, inventory)
    assert f"item 1 of 'notes' ({{\"id\": \"\"}}) does not fit the table: {wanted};" in str(
        raised.value
    )
    assert engine.handle("Scan", {"TableName": "seedy-staging-notes"})["Count"] == 0
