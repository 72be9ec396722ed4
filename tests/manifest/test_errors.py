"""Every parse error: ManifestError with the exact file, line and column, and a fix."""

from __future__ import annotations

import pytest

from pyarc.errors import ManifestError
from pyarc.manifest import parse

CASES = [
    # (name, text, line, column, words the message must contain)
    ("repeated pragma", "@app\nx\n@http\n@app\n", 4, 1, ["already defined on line 1"]),
    ("no pragma at all", "# just a comment\n\n", 1, 1, ["no pragma"]),
    ("empty file", "", 1, 1, ["no pragma"]),
    ("value before any pragma", "\nmyapp\n@app\n", 2, 1, ["before any pragma"]),
    ("unclosed double quote", '@app\nx\n@x\nk "abc\n', 4, 3, ["never closed", '"']),
    ("unclosed single quote", "@x\n  'abc", 2, 3, ["never closed"]),
    ("unclosed backtick", "@x\n`abc\n", 2, 1, ["backtick"]),
    ("open brace", "@x\nkey {a}\n", 2, 5, ["'{'", "quotes"]),
    ("close brace", "@x\nkey }\n", 2, 5, ["'}'"]),
    ("open bracket", "@x\n[1]\n", 2, 1, ["'['"]),
    ("close bracket", "@x\na]\n", 2, 2, ["']'"]),
    ("angle open", "@x\na <b\n", 2, 3, ["'<'"]),
    ("angle close", "@x\na>\n", 2, 2, ["'>'"]),
    ("backslash", "@x\na\\b\n", 2, 2, ["'\\'"]),
    ("control character", "@x\na\x01b\n", 2, 2, ["unexpected character"]),
    ("map key without value", "@x\nm\n  k v\n  bare\n", 4, 3, ["'bare'", "no value"]),
    ("pragma name with space", "@app\nx\n@my pragma\n", 3, 1, ["not a valid pragma name"]),
    ("pragma name bad char", "@a.b\n", 1, 1, ["not a valid pragma name"]),
    ("empty pragma name", "@\n", 1, 1, ["not a valid pragma name"]),
    ("at sign inside a value", "@x\nme@example.com\n", 2, 3, ["must begin its line"]),
    ("indented pragma", "@x\n  @y\n", 2, 3, ["must begin its line"]),
    ("indented first item", "@app\n  myapp\n", 2, 3, ["indented", "no name above"]),
    ("children under an array", "@http\nget /\n  foo\n", 3, 3, ["several values"]),
    ("numeric vector name", "@x\n42\n  a\n", 2, 1, ["must be a name"]),
    ("numeric map key", "@x\nm\n  1 a\n", 3, 3, ["must be a name"]),
    ("vector three-space indent", "@x\nv\n  a\n   b\n", 4, 4, ["indented 3 spaces"]),
    ("map odd indent", "@x\nm\n  k v\n   j w\n", 4, 4, ["indented 3 spaces"]),
    ("four-space value after key with value", "@x\nm\n  k v\n    w\n", 4, 5, ["four spaces"]),
    ("duplicate map key", "@x\nm\n  k 1\n  k 2\n", 4, 3, ["appears twice"]),
    ("crlf positions", "@x\r\nm\r\n  k v\r\n  bad\r\n", 4, 3, ["no value"]),
    ("tab counted in column", "@x\n\t{\n", 2, 2, ["'{'"]),
]


@pytest.mark.parametrize(("name", "text", "line", "column", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_error_position_and_message(
    name: str, text: str, line: int, column: int, words: list[str]
) -> None:
    with pytest.raises(ManifestError) as caught:
        parse(text, "proj/app.arc")
    error = caught.value
    assert (error.file, error.line, error.column) == ("proj/app.arc", line, column)
    for word in words:
        assert word in error.message
    assert str(error).startswith(f"proj/app.arc:{line}:{column}: ")
