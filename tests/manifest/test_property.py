"""Property: no input text makes the parser raise anything but ManifestError."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pyarc.errors import ManifestError
from pyarc.manifest import parse

# Text built from the grammar's own pieces finds deep paths faster than random characters.
PIECES = st.sampled_from(
    ["@app", "@http", "@x-y", "@", "\n", "\r\n", "\r", " ", "  ", "    ", "\t", "#", "# c",
     '"', "'", "`", "\\", "{", "}", "[", "]", "<", ">", "a", "get", "/x/:id", "*String",
     "true", "false", "-1", "0x1F", "1e309", "3.5", "é", "\x00", "@@"]
)


def _check(text: str) -> None:
    try:
        result = parse(text)
    except ManifestError as error:
        assert error.line >= 1 and error.column >= 1
        return
    assert isinstance(result, dict) and result
    assert all(isinstance(v, list) for v in result.values())


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text(text: str) -> None:
    _check(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_grammar_shaped_text(text: str) -> None:
    _check(text)
