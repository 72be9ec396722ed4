"""Parse one PartiQL statement (DynamoDB's subset) with a lark LALR grammar.

    parse(statement: str, parameters: list[AttributeValue] | None) -> Statement

`?` placeholders take the request's `Parameters` in order; literals become DynamoDB
AttributeValues (`'a'` -> S, `1` -> N, `<<'a'>>` -> SS, `{'k': 1}` -> M, `[1]` -> L). Errors
carry DynamoDB's wording: `Statement wasn't well formed, can't be processed: ...`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import lark

from pyarc.tables.errors import validation
from pyarc.tables.partiql import nodes as n

MALFORMED = "Statement wasn't well formed, can't be processed: "
DML = {"SELECT", "INSERT", "UPDATE", "DELETE"}
KEYWORDS = {
    "SELECT", "FROM", "WHERE", "INSERT", "INTO", "VALUE", "UPDATE", "SET", "REMOVE", "DELETE",
    "RETURNING", "ALL", "OLD", "NEW", "MODIFIED", "AND", "OR", "NOT", "BETWEEN", "IN", "IS",
    "MISSING", "NULL", "TRUE", "FALSE",
}
RETURNING = {
    "all_old": "ALL_OLD", "all_new": "ALL_NEW",
    "modified_old": "UPDATED_OLD", "modified_new": "UPDATED_NEW",
}


@functools.cache
def _parser() -> lark.Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="lalr", lexer="basic", maybe_placeholders=False)


@functools.lru_cache(maxsize=256)
def _tree(statement: str) -> lark.Tree:
    # Apps send the same few statements with different parameters: parse each text once.
    # The transformer below builds new nodes and never mutates the cached tree.
    return _parser().parse(statement)


def malformed(detail: str) -> Exception:
    return validation(MALFORMED + detail)


def parse(statement: str, parameters: list[dict[str, Any]] | None = None) -> n.Statement:
    try:
        tree = _tree(statement)
    except lark.exceptions.UnexpectedInput as error:
        raise malformed(_detail(error)) from None
    builder = _Build(parameters or [])
    try:
        result = builder.transform(tree)
    except lark.exceptions.VisitError as error:  # a DynamoError raised while building
        raise error.orig_exc from None
    if builder.used != len(parameters or []):
        raise validation("Number of parameters in request and statement don't match.")
    return result


def _detail(error: lark.exceptions.UnexpectedInput) -> str:
    token = getattr(error, "token", None)
    if error.pos_in_stream in (0, None) or (token is not None and token.start_pos == 0):
        return "Expected data manipulation"
    if token is not None and token.type == "$END":
        return "Unexpected end of statement"
    if token is not None and (token.type in KEYWORDS or str(token).upper() in KEYWORDS):
        return "Unexpected keyword"
    return "Unexpected term"


def _name(token: lark.Token) -> str:
    text = str(token)
    return text[1:-1].replace('""', '"') if token.type == "QUOTED_NAME" else text


def _set(values: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = {next(iter(v)) for v in values}
    if len(kinds) != 1 or not kinds <= {"S", "N", "B"}:
        raise malformed("Unsupported set element type")  # sets hold one scalar type
    kind = kinds.pop()
    return {kind + "S": [v[kind] for v in values]}


class _Build(lark.Transformer):
    """Tree -> nodes; `?` parameters are taken in the order they appear."""

    def __init__(self, parameters: list[dict[str, Any]]) -> None:
        super().__init__()
        self.parameters = parameters
        self.used = 0

    # -- values --------------------------------------------------------------------------
    def string(self, children: list) -> n.Literal:
        return n.Literal({"S": str(children[0])[1:-1].replace("''", "'")})

    def number(self, children: list) -> n.Literal:
        return n.Literal({"N": "".join(str(c) for c in children)})

    def true(self, _: list) -> n.Literal:
        return n.Literal({"BOOL": True})

    def false(self, _: list) -> n.Literal:
        return n.Literal({"BOOL": False})

    def null(self, _: list) -> n.Literal:
        return n.Literal({"NULL": True})

    def parameter(self, _: list) -> n.Literal:
        self.used += 1
        if self.used > len(self.parameters):
            raise validation("Number of parameters in request and statement don't match.")
        return n.Literal(self.parameters[self.used - 1])

    def pair(self, children: list) -> tuple[str, dict[str, Any]]:
        return str(children[0])[1:-1].replace("''", "'"), children[1].value

    def map(self, children: list) -> n.Literal:
        return n.Literal({"M": dict(children)})

    def list(self, children: list) -> n.Literal:
        return n.Literal({"L": [c.value for c in children]})

    def set(self, children: list) -> n.Literal:
        return n.Literal(_set([c.value for c in children if isinstance(c, n.Literal)]))

    # -- paths and operands --------------------------------------------------------------
    def name(self, children: list) -> str:
        return _name(children[0])

    def path(self, children: list) -> n.PathRef:
        for child in children:
            if isinstance(child, lark.Token) and not str(child).isdigit():
                raise malformed("Unexpected term")  # a list index is a whole number
        return n.PathRef(tuple(int(c) if isinstance(c, lark.Token) else c for c in children))

    def call(self, children: list) -> n.Call:
        return n.Call(str(children[0]).lower(), tuple(children[1:]))

    def plus(self, children: list) -> n.Arithmetic:
        return n.Arithmetic("+", children[0], children[2])

    def minus(self, children: list) -> n.Arithmetic:
        return n.Arithmetic("-", children[0], children[2])

    # -- conditions ----------------------------------------------------------------------
    def compare(self, children: list) -> n.Compare:
        operator = "<>" if str(children[1]) == "!=" else str(children[1])
        return n.Compare(operator, children[0], children[2])

    def between(self, children: list) -> n.Between:
        return n.Between(children[0], children[2], children[4])

    def in_(self, children: list) -> n.In:
        return n.In(children[0], tuple(children[2:]))

    def is_missing(self, children: list) -> n.Is:
        return n.Is(children[0], "MISSING", False)

    def is_not_missing(self, children: list) -> n.Is:
        return n.Is(children[0], "MISSING", True)

    def is_null(self, children: list) -> n.Is:
        return n.Is(children[0], "NULL", False)

    def is_not_null(self, children: list) -> n.Is:
        return n.Is(children[0], "NULL", True)

    def not_(self, children: list) -> n.Not:
        return n.Not(children[1])

    def conjunction(self, children: list) -> n.And:
        return n.And(tuple(c for c in children if not isinstance(c, lark.Token)))

    def disjunction(self, children: list) -> n.Or:
        return n.Or(tuple(c for c in children if not isinstance(c, lark.Token)))

    def where(self, children: list) -> Any:
        return children[1]

    # -- statements ----------------------------------------------------------------------
    def star(self, _: list) -> None:
        return None

    def paths(self, children: list) -> list[n.PathRef]:
        return children

    def source(self, children: list) -> tuple[str, str | None]:
        return children[0], children[1] if len(children) > 1 else None

    def select(self, children: list) -> n.Select:
        table, index = children[3]
        where = children[4] if len(children) > 4 else None
        return n.Select(table, index, children[1], where)

    def insert(self, children: list) -> n.Insert:
        value = children[4].value
        if "M" not in value:
            raise validation("Unsupported operation: Insert value must be a tuple")
        return n.Insert(children[2], value["M"])

    def set_action(self, children: list) -> n.SetAction:
        return n.SetAction(children[0], children[2])

    def set_clause(self, children: list) -> tuple[str, list]:
        return "set", children[1:]

    def remove_clause(self, children: list) -> tuple[str, list]:
        return "remove", children[1:]

    def update(self, children: list) -> n.Update:
        statement = n.Update(children[1])
        for child in children[2:]:
            if isinstance(child, tuple):
                (statement.sets if child[0] == "set" else statement.removes).extend(child[1])
            elif isinstance(child, str) and child in RETURNING.values():
                statement.returning = child
            else:
                statement.where = child
        return statement

    def delete(self, children: list) -> n.Delete:
        returning = children[4] if len(children) > 4 else "NONE"
        return n.Delete(children[2], children[3], returning)

    def all_old(self, _: list) -> str:
        return RETURNING["all_old"]

    def all_new(self, _: list) -> str:
        return RETURNING["all_new"]

    def modified_old(self, _: list) -> str:
        return RETURNING["modified_old"]

    def modified_new(self, _: list) -> str:
        return RETURNING["modified_new"]
