"""Lines of tokens -> pragmas of items, the shape @architect/parser produces.

Item shapes (under a pragma, at indentation 0):
- scalar: one value on its line                      `myapp`            -> "myapp"
- array:  several values on one line                 `get /things`      -> ["get", "/things"]
- vector: a name, then single values indented 2      `name\\n  a\\n  b`   -> {"name": ["a", "b"]}
- map:    a name, then `key value...` lines at 2,    `t\\n  pk *String`  -> {"t": {"pk": "*String"}}
          a bare key takes its values from lines at 4 spaces; one value is kept as a scalar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyarc.errors import ManifestError
from pyarc.manifest.lexer import Line, Token, tokenize

Position = tuple[int, int]  # (line, column)


@dataclass
class Document:
    """Parsed manifest: plain data plus where each pragma, item and map key was written."""

    file: str
    data: dict[str, list[Any]] = field(default_factory=dict)
    pragma_positions: dict[str, Position] = field(default_factory=dict)
    item_positions: dict[str, list[Position]] = field(default_factory=dict)
    # (pragma, item index) -> key -> position, for vector/map items
    key_positions: dict[tuple[str, int], dict[str, Position]] = field(default_factory=dict)

    def position(self, pragma: str, index: int | None = None, key: str | None = None) -> Position:
        """Best known (line, column) for a pragma, one of its items, or a key of an item."""
        if index is not None and key is not None:
            found = self.key_positions.get((pragma, index), {}).get(key)
            if found:
                return found
        if index is not None:
            items = self.item_positions.get(pragma, [])
            if index < len(items):
                return items[index]
        return self.pragma_positions.get(pragma, (0, 0))


def parse_document(text: str, file: str = "app.arc") -> Document:
    """Parse `.arc` text; every mistake raises ManifestError with its line and column."""
    lines = tokenize(text, file)
    doc = Document(file=file)
    pragma: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.pragma is not None:
            pragma = _start_pragma(doc, line, file)
            i += 1
            continue
        first = line.tokens[0]
        if pragma is None:
            raise ManifestError(
                f"'{first.value}' comes before any pragma; start the file with a pragma "
                "such as @app",
                file,
                first.line,
                first.column,
            )
        if line.indent:
            raise ManifestError(
                f"'{first.value}' is indented but has no name above it to belong to; "
                "remove the indentation, or indent it under a single name",
                file,
                first.line,
                first.column,
            )
        block_end = i + 1
        while (
            block_end < len(lines) and lines[block_end].pragma is None and lines[block_end].indent
        ):
            block_end += 1
        children = lines[i + 1 : block_end]
        value, keys = _item(line, children, file)
        index = len(doc.data[pragma])
        doc.data[pragma].append(value)
        doc.item_positions[pragma].append((first.line, first.column))
        if keys:
            doc.key_positions[(pragma, index)] = keys
        i = block_end
    if not doc.data:
        raise ManifestError(
            "no pragma found; an .arc file needs at least one, such as '@app' followed by the "
            "app name",
            file,
            1,
            1,
        )
    return doc


def parse(text: str, file: str = "app.arc") -> dict[str, list[Any]]:
    """`.arc` text -> {pragma: [items]} exactly as @architect/parser returns it."""
    return parse_document(text, file).data


def _start_pragma(doc: Document, line: Line, file: str) -> str:
    name = line.pragma
    assert name is not None
    if name in doc.data:
        first_line = doc.pragma_positions[name][0]
        raise ManifestError(
            f"@{name} is already defined on line {first_line}; merge both into one @{name}",
            file,
            line.number,
            line.pragma_column,
        )
    doc.data[name] = []
    doc.pragma_positions[name] = (line.number, line.pragma_column)
    doc.item_positions[name] = []
    return name


def _item(line: Line, children: list[Line], file: str) -> tuple[Any, dict[str, Position]]:
    tokens = line.tokens
    if len(tokens) > 1:
        if children:
            child = children[0].tokens[0]
            raise ManifestError(
                f"'{child.value}' is indented under a line with several values; only a single "
                "name can have indented values below it",
                file,
                child.line,
                child.column,
            )
        return [t.value for t in tokens], {}
    if not children:
        return tokens[0].value, {}
    name = tokens[0]
    if name.kind != "string":
        raise ManifestError(
            f"'{_shown(name)}' has indented values below it, so it must be a name, not a "
            "number or true/false; quote it",
            file,
            name.line,
            name.column,
        )
    second = children[0]
    third = children[1] if len(children) > 1 else None
    third_is_nested = third is not None and third.indent >= 4
    if len(second.tokens) == 1 and not third_is_nested:
        return _vector(name, children, file)
    return _map(name, children, file)


def _vector(name: Token, children: list[Line], file: str) -> tuple[Any, dict[str, Position]]:
    values = []
    for child in children:
        if child.indent != 2:
            _bad_indent(child, "a vector's values are indented exactly two spaces", file)
        values += [t.value for t in child.tokens]
    return {name.value: values}, {}


def _map(name: Token, children: list[Line], file: str) -> tuple[Any, dict[str, Position]]:
    entries: dict[str, Any] = {}
    positions: dict[str, Position] = {}
    open_key: Token | None = None  # a bare key collecting values from 4-space lines
    open_values: list[Any] = []

    def close_open_key() -> None:
        nonlocal open_key, open_values
        if open_key is None:
            return
        if not open_values:
            raise ManifestError(
                f"key '{open_key.value}' of '{name.value}' has no value; write it on the same "
                "line ('key value') or on lines indented four spaces below it",
                file,
                open_key.line,
                open_key.column,
            )
        entries[str(open_key.value)] = open_values[0] if len(open_values) == 1 else open_values
        open_key, open_values = None, []

    for child in children:
        if child.indent == 2:
            close_open_key()
            key = child.tokens[0]
            if key.kind != "string":
                raise ManifestError(
                    f"map key '{_shown(key)}' of '{name.value}' must be a name, not a number or "
                    "true/false; quote it",
                    file,
                    key.line,
                    key.column,
                )
            if key.value in entries or (open_key is not None and open_key.value == key.value):
                raise ManifestError(
                    f"key '{key.value}' appears twice in '{name.value}'; keep one",
                    file,
                    key.line,
                    key.column,
                )
            positions[str(key.value)] = (key.line, key.column)
            rest = [t.value for t in child.tokens[1:]]
            if rest:
                entries[str(key.value)] = rest[0] if len(rest) == 1 else rest
            else:
                open_key = key
        elif child.indent == 4 and open_key is not None:
            open_values += [t.value for t in child.tokens]
        elif child.indent == 4:
            _bad_indent(
                child,
                "values indented four spaces must follow a key that stands alone on its line",
                file,
            )
        else:
            _bad_indent(child, "map keys are indented two spaces and their values four", file)
    close_open_key()
    return {name.value: entries}, positions


def _bad_indent(line: Line, rule: str, file: str) -> None:
    token = line.tokens[0]
    raise ManifestError(
        f"'{_shown(token)}' is indented {line.indent} space{'' if line.indent == 1 else 's'}; "
        f"{rule}",
        file,
        token.line,
        token.column,
    )


def _shown(token: Token) -> str:
    if token.kind == "boolean":
        return "true" if token.value else "false"
    return str(token.value)
