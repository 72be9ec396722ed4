"""Tokens of DynamoDB's expression language."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<alias>\#[A-Za-z0-9_]+)
  | (?P<value>:[A-Za-z0-9_]+)
  | (?P<number>[0-9]+)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*)
  | (?P<op><>|<=|>=|[=<>()\[\],.+\-])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # alias | value | number | name | op | eof | bad
    text: str
    start: int
    end: int


def tokenize(source: str) -> list[Token]:
    """Split an expression into tokens; an unknown character becomes a `bad` token."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            tokens.append(Token("bad", source[pos], pos, pos + 1))
            break
        kind = match.lastgroup or "bad"
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos, match.end()))
        pos = match.end()
    tokens.append(Token("eof", "<EOF>", len(source), len(source)))
    return tokens
