"""Architect's naming rules for @tables, @tables-indexes, @events, @queues, @scheduled and
@ws (and DynamoDB's where it is stricter), each failing with the line of the bad name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pyarc.inventory.functions import find_config_file

APP = "@app\nmy-app\n"  # the pragma under test starts on line 3, its first item on line 4


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ('"a/b"', "may not contain '/'"),  # Architect allows '/', DynamoDB does not
        ('"da:ta"', "may not contain ':'"),
        ("ab", "2 characters long"),
        ("x" * 256, "256 characters long"),
    ],
)
def test_table_names_follow_dynamodb(load_error: Callable, name: str, words: str) -> None:
    error = load_error(APP + f"@tables\nok-table\n  id *String\n{name}\n  id *String\n")
    assert (error.line, error.column) == (6, 1)
    assert "table name" in error.message and words in error.message


def test_table_names_at_the_limits_are_fine(load_app: Callable) -> None:
    long = "t" * 255
    inv = load_app(
        APP + f"@tables\nabc\n  id *String\n{long}\n  id *String\na.b_c-D\n  id *String\n"
    )
    assert [t.name for t in inv.tables] == ["abc", long, "a.b_c-D"]


@pytest.mark.parametrize(("name", "words"), [("ab", "2 characters long"), ('"by/kind"', "'/'")])
def test_explicit_index_names_follow_dynamodb(load_error: Callable, name: str, words: str) -> None:
    error = load_error(
        APP + f"@tables\ndata\n  id *String\n@tables-indexes\ndata\n  kind *String\n  name {name}\n"
    )
    assert error.line == 7 and "index name" in error.message and words in error.message


@pytest.mark.parametrize("pragma", ["events", "queues"])
@pytest.mark.parametrize(
    ("name", "words"),
    [
        (".hidden", "cannot start with '.'"),
        ("trailing.", "cannot end with '.'"),
        ("a..b", "cannot contain '..'"),
        ("aws-things", "'AWS' or 'Amazon'"),
        ("AmazonOrders", "'AWS' or 'Amazon'"),
        ("x" * 247, "up to 246 characters"),
    ],
)
def test_event_and_queue_names_follow_architect(
    load_error: Callable, pragma: str, name: str, words: str
) -> None:
    error = load_error(APP + f"@{pragma}\nfine\n{name}\n")
    assert (error.line, error.column) == (5, 1) and words in error.message


@pytest.mark.parametrize("pragma", ["events", "queues"])
def test_event_and_queue_names_that_architect_accepts(load_app: Callable, pragma: str) -> None:
    names = ["a", "a.b", "my_queue-2", "x" * 246, "not-aws"]
    inv = load_app(APP + f"@{pragma}\n" + "\n".join(names) + "\n")
    assert [item.name for item in getattr(inv, pragma)] == names


def test_scheduled_names_leave_room_for_resource_names(load_error: Callable) -> None:
    # Architect: 1-242 characters (14 are taken by the deployed rule's name)
    error = load_error(APP + "@scheduled\n" + "x" * 243 + " rate(1 day)\n")
    assert error.line == 4 and "up to 242 characters" in error.message


def test_ws_action_names_up_to_255(load_error: Callable, load_app: Callable) -> None:
    assert load_app(APP + "@ws\n" + "a" * 255 + "\n").ws[-1].name == "a" * 255
    error = load_error(APP + "@ws\nok\n" + "a" * 256 + "\n")
    assert error.line == 5 and "up to 255 characters" in error.message


def test_config_arc_found_among_absent_and_present_dirs(load_app: Callable) -> None:
    files = {
        "src/http/get-index/config.arc": "@aws\ntimeout 7\n",
        "src/http/get-b/.arc-config": "@aws\nmemory 256\n",
        "lib/custom/config.arc": "@aws\ntimeout 9\n",
    }
    inv = load_app(
        APP + "@http\nget /\nget /a\nget /b\n/c\n  method get\n  src lib/custom\n", files
    )
    by_path = {r.path: r.function.config for r in inv.http}
    assert by_path["/"].timeout == 7
    assert (by_path["/a"].timeout, by_path["/a"].memory) == (5, 1152)
    assert by_path["/b"].memory == 256
    assert by_path["/c"].timeout == 9


def test_config_lookup_lists_each_parent_once(tmp_path: Path) -> None:
    (tmp_path / "src/http/get-a").mkdir(parents=True)
    (tmp_path / "src/http/get-a/config.arc").write_text("@aws\ntimeout 7\n")
    listings: dict[str, frozenset[str] | None] = {}
    assert find_config_file(tmp_path / "src/http/get-a", listings) is not None
    assert find_config_file(tmp_path / "src/http/get-b", listings) is None
    assert find_config_file(tmp_path / "src/events/x", listings) is None
    assert listings == {
        str(tmp_path / "src/http"): frozenset({"get-a"}),
        str(tmp_path / "src/events"): None,
    }
