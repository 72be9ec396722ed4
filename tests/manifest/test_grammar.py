"""Every grammar rule of the `.arc` format, checked against @architect/parser's output shape."""

from __future__ import annotations

import pytest

from pyarc.manifest import parse, parse_document


def test_pragmas_and_scalars() -> None:
    assert parse("@app\nmyapp\n") == {"app": ["myapp"]}


def test_empty_pragma_is_an_empty_list() -> None:
    assert parse("@app\nx\n@ws\n") == {"app": ["x"], "ws": []}


def test_pragma_names_allow_dashes_underscores_digits() -> None:
    assert parse("@tables-indexes\n@my_pragma2\n") == {"tables-indexes": [], "my_pragma2": []}


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("true", True),
        ("false", False),
        ("42", 42),
        ("-7", -7),
        ("3.5", 3.5),
        ("1e3", 1000.0),
        ("0x10", 16),
        ("007", 7),
        ("hello", "hello"),
        ("truely", "truely"),
        ("1-2", "1-2"),
        ("-", "-"),
        ("*String", "*String"),
        ("/things/:id", "/things/:id"),
        ("rate(5", "rate(5"),
        ("a=b&c|d^e%f!g~h,i$j?k+l", "a=b&c|d^e%f!g~h,i$j?k+l"),
    ],
)
def test_scalar_types(word: str, value: object) -> None:
    parsed = parse(f"@x\n{word}\n")["x"][0]
    assert parsed == value
    assert type(parsed) is type(value)


def test_array_is_several_values_on_one_line() -> None:
    assert parse("@http\nget /things/:id\n") == {"http": [["get", "/things/:id"]]}


def test_array_mixes_types() -> None:
    assert parse("@aws\nmemory 1024 true x\n") == {"aws": [["memory", 1024, True, "x"]]}


def test_vector_is_a_name_with_single_values_indented() -> None:
    text = "@x\nfruits\n  apple\n  pear\n"
    assert parse(text) == {"x": [{"fruits": ["apple", "pear"]}]}


def test_vector_collects_every_value_of_its_lines() -> None:
    assert parse("@x\nv\n  a\n  b c\n") == {"x": [{"v": ["a", "b", "c"]}]}


def test_map_keys_with_values() -> None:
    text = "@tables\ndata\n  scopeID *String\n  dataID **String\n  ttl TTL\n"
    assert parse(text) == {
        "tables": [{"data": {"scopeID": "*String", "dataID": "**String", "ttl": "TTL"}}]
    }


def test_map_key_with_several_values_is_a_list() -> None:
    assert parse("@x\nm\n  k 1 2 three\n") == {"x": [{"m": {"k": [1, 2, "three"]}}]}


def test_map_nested_vector_at_four_spaces() -> None:
    text = "@x\nm\n  layers\n    arn:a\n    arn:b\n  memory 256\n"
    assert parse(text) == {"x": [{"m": {"layers": ["arn:a", "arn:b"], "memory": 256}}]}


def test_map_nested_single_value_is_flattened() -> None:
    text = "@x\nm\n  key\n    only\n"
    assert parse(text) == {"x": [{"m": {"key": "only"}}]}


def test_comments_anywhere() -> None:
    text = "# top\n@app # trailing\nmyapp # name\n  # indented comment\n@http\nget / #x\n"
    assert parse(text) == {"app": ["myapp"], "http": [["get", "/"]]}


def test_hash_ends_a_word() -> None:
    assert parse("@x\nabc#def\n") == {"x": ["abc"]}


def test_tabs_count_as_two_spaces() -> None:
    assert parse("@x\nm\n\tk v\n\tj\n\t\tdeep\n") == {"x": [{"m": {"k": "v", "j": "deep"}}]}


def test_crlf_and_cr_line_endings() -> None:
    lf = "@app\nmyapp\n@tables\nt\n  id *String\n"
    assert parse(lf.replace("\n", "\r\n")) == parse(lf)
    assert parse(lf.replace("\n", "\r")) == parse(lf)


def test_blank_lines_inside_a_block_are_ignored() -> None:
    assert parse("@x\nv\n  a\n\n  b\n") == {"x": [{"v": ["a", "b"]}]}


@pytest.mark.parametrize("quote", ['"', "'", "`"])
def test_quoted_strings_hold_reserved_characters(quote: str) -> None:
    text = f"@x\nkey {quote}a {{b}} [c] <d> #e @f{quote}\n"
    assert parse(text) == {"x": [["key", "a {b} [c] <d> #e @f"]]}


def test_quoted_numbers_and_booleans_stay_strings() -> None:
    assert parse('@x\n"42" "true"\n') == {"x": [["42", "true"]]}


def test_escaped_quote_inside_quotes() -> None:
    assert parse('@x\n"say \\"hi\\""\n') == {"x": ['say "hi"']}


def test_quoted_string_may_span_lines_and_keeps_line_numbers() -> None:
    doc = parse_document('@x\n"a\nb"\nnext\n')
    assert doc.data == {"x": ["a\nb", "next"]}
    assert doc.item_positions["x"] == [(2, 1), (4, 1)]


def test_quoted_empty_string() -> None:
    assert parse('@x\nk ""\n') == {"x": [["k", ""]]}


def test_positions_of_pragmas_items_and_keys() -> None:
    doc = parse_document("@app\nmyapp\n\n@tables\ndata\n  id *String\n")
    assert doc.pragma_positions == {"app": (1, 1), "tables": (4, 1)}
    assert doc.item_positions["tables"] == [(5, 1)]
    assert doc.key_positions[("tables", 0)] == {"id": (6, 3)}


def test_pragma_order_is_kept() -> None:
    assert list(parse("@ws\n@app\nx\n@http\n")) == ["ws", "app", "http"]


def test_non_ascii_text_is_allowed_bare() -> None:
    assert parse("@x\ncafé ünïcode\n") == {"x": [["café", "ünïcode"]]}


def test_byte_order_mark_free_text_with_trailing_spaces() -> None:
    assert parse("@app   \nmyapp   \n") == {"app": ["myapp"]}
