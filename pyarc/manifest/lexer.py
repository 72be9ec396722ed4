"""`.arc` text -> lines of tokens (value, kind, line, column), as Architect's lexer cuts them.

Rules (Architect's, from @architect/parser's lexer):
- `@name` at the start of a line is a pragma; its name is `[a-zA-Z0-9_-]+`.
- `#` starts a comment that runs to the end of the line, anywhere on a line.
- spaces separate values; a tab counts as two spaces of indentation.
- `"`, `'` and a backtick quote a string that may hold reserved characters (and newlines);
  a backslash before the quote character escapes it.
- `true` / `false` are booleans; a word that JavaScript's `Number()` reads is a number;
  anything else is a string.
- `{ } [ ] < >` and `\\` are reserved: outside quotes they are an error.
CRLF, CR and LF all end a line. Columns are 1-based character positions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

from pyarc.errors import ManifestError

Scalar = str | int | float | bool
TokenKind = Literal["string", "number", "boolean"]

PRAGMA_NAME = re.compile(r"^[a-zA-Z0-9_-]+$")
QUOTES = "\"'`"
# Architect's STRING class: ( ) / \w ~ - _ . , : $ * ? & ! % = + | ^ ` ' "
BARE_PUNCTUATION = frozenset("()/~-_.,:$*?&!%=+|^`'\"")
RESERVED = frozenset("{}[]<>\\")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_RADIX = re.compile(r"^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$")


@dataclass
class Token:
    value: Scalar
    kind: TokenKind
    line: int
    column: int
    quoted: bool = False


@dataclass
class Line:
    """One logical line: its indentation (tabs count 2) and the values on it."""

    number: int
    indent: int
    tokens: list[Token] = field(default_factory=list)
    pragma: str | None = None  # set when the line is `@name`
    pragma_column: int = 1


def is_bare_char(ch: str) -> bool:
    """True for characters a value may contain without quotes."""
    if ch.isascii():
        return ch.isalnum() or ch == "_" or ch in BARE_PUNCTUATION
    # An extension to Architect (ASCII-only `\w`): printable non-ASCII text is allowed bare.
    return ch.isprintable() and not ch.isspace()


def js_number(word: str) -> int | float | None:
    """What JavaScript's `Number(word)` gives for a word starting with `-` or a digit, or None."""
    if _INTEGER.match(word):
        return int(word)
    if _DECIMAL.match(word):
        value = float(word)
        if not math.isfinite(value):
            return None  # JSON has no Infinity: keep it as a string
        return value
    if _RADIX.match(word):
        return int(word, 0)
    return None


def classify(word: str) -> tuple[Scalar, TokenKind]:
    if word in ("true", "false"):
        return word == "true", "boolean"
    if word[0] == "-" or word[0].isdigit():
        number = js_number(word)
        if number is not None:
            return number, "number"
    return word, "string"


def tokenize(text: str, file: str) -> list[Line]:
    """Cut `.arc` text into lines; blank and comment-only lines are left out."""
    lines: list[Line] = []
    n = len(text)
    i = 0
    line_no = 1
    line_start = 0
    current = Line(number=1, indent=0)
    at_line_start = True  # still reading indentation

    def column(pos: int) -> int:
        return pos - line_start + 1

    def end_line(pos: int) -> int:
        """Close the current line at the newline at `pos`; return the index after it."""
        nonlocal current, line_no, line_start, at_line_start
        if current.tokens or current.pragma is not None:
            lines.append(current)
        step = 2 if text.startswith("\r\n", pos) else 1
        line_no += 1
        line_start = pos + step
        current = Line(number=line_no, indent=0)
        at_line_start = True
        return pos + step

    while i < n:
        ch = text[i]
        if ch in "\r\n":
            i = end_line(i)
            continue
        if ch == " " or ch == "\t":
            if at_line_start:
                current.indent += 2 if ch == "\t" else 1
            i += 1
            continue
        if ch == "#":
            while i < n and text[i] not in "\r\n":
                i += 1
            continue
        if ch == "@":
            i = _lex_pragma(text, i, current, column(i), at_line_start, file)
            at_line_start = False
            continue
        at_line_start = False
        if ch in QUOTES:
            start_line, start_col = line_no, column(i)
            close = _find_close_quote(text, i + 1, ch)
            if close < 0:
                raise ManifestError(
                    f"the {_quote_name(ch)} opened here is never closed; add a closing {ch}",
                    file,
                    start_line,
                    start_col,
                )
            raw = text[i + 1 : close]
            value = raw.replace("\\" + ch, ch)
            current.tokens.append(Token(value, "string", start_line, start_col, quoted=True))
            # a quoted string may span lines: keep line numbers and columns right
            breaks = list(_NEWLINE.finditer(raw))
            if breaks:
                line_no += len(breaks)
                line_start = i + 1 + breaks[-1].end()
            i = close + 1
            continue
        if is_bare_char(ch):
            start = i
            while i < n and is_bare_char(text[i]):
                i += 1
            value, kind = classify(text[start:i])
            current.tokens.append(Token(value, kind, line_no, column(start)))
            continue
        raise ManifestError(_unknown_char_message(ch), file, line_no, column(i))

    if current.tokens or current.pragma is not None:
        lines.append(current)
    return lines


def _lex_pragma(text: str, i: int, current: Line, col: int, at_line_start: bool, file: str) -> int:
    end = i
    while end < len(text) and text[end] not in "\r\n":
        end += 1
    raw = text[i:end]
    if not at_line_start or current.indent or current.tokens:
        raise ManifestError(
            "'@' starts a pragma and must begin its line; quote a value that contains '@' "
            f'(for example "{raw.split()[0]}")',
            file,
            current.number,
            col,
        )
    name = raw.split("#", 1)[0][1:].strip()
    if not PRAGMA_NAME.match(name):
        shown = name or "(empty)"
        raise ManifestError(
            f"'@{shown}' is not a valid pragma name: use letters, numbers, '-' or '_' "
            "and put its values on the lines below",
            file,
            current.number,
            col,
        )
    current.pragma = name
    current.pragma_column = col
    return end


def _find_close_quote(text: str, start: int, quote: str) -> int:
    pos = start
    while True:
        found = text.find(quote, pos)
        if found < 0:
            return -1
        if found > start and text[found - 1] == "\\":
            pos = found + 1
            continue
        return found


def _quote_name(ch: str) -> str:
    return {'"': "double quote", "'": "single quote", "`": "backtick"}[ch]


def _unknown_char_message(ch: str) -> str:
    shown = repr(ch) if not ch.isprintable() else f"'{ch}'"
    if ch in RESERVED:
        return f"the character {shown} is reserved in .arc files; put the value in quotes"
    return f"unexpected character {shown}; put the value in quotes or remove the character"
