"""A recursive-descent parser for DynamoDB expressions, with AWS's error wording.

`ExpressionContext` holds one request's ExpressionAttributeNames/Values and records which
were used, so `check_unused()` can reject leftovers as DynamoDB does. Each `parse_*`
function returns a syntax tree from `nodes`; names and values are resolved while parsing.
"""

from __future__ import annotations

import re
from typing import Any

from pyarc.tables.errors import DynamoError, request_invalid
from pyarc.tables.expressions.lexer import Token, tokenize
from pyarc.tables.expressions.nodes import (
    And,
    Arithmetic,
    Between,
    Compare,
    Function,
    In,
    Not,
    Or,
    Path,
    Update,
    UpdateAction,
    Value,
)
from pyarc.tables.expressions.reserved import RESERVED_WORDS
from pyarc.tables.values import comparable, type_of

_KEY = re.compile(r"[#:][A-Za-z0-9_]+")  # what the lexer reads as an alias or a value
COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
BOOLEAN_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
}
CONDITION_OPERAND_FUNCTIONS = {"size": 1}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
ALL_FUNCTIONS = {**BOOLEAN_FUNCTIONS, **CONDITION_OPERAND_FUNCTIONS, **UPDATE_FUNCTIONS}
CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")
ATTRIBUTE_TYPES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")
TYPE_WORDS = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "BOOL": "BOOLEAN", "NULL": "NULL",
              "M": "MAP", "L": "LIST", "SS": "SET", "NS": "SET", "BS": "SET"}  # fmt: skip


class ExpressionContext:
    """ExpressionAttributeNames/Values of one request, with use tracking. The values were
    checked (and normalised) with the request's shape, in `pyarc.tables.shapes`."""

    def __init__(self, names: Any = None, values: Any = None) -> None:
        if names is not None and not names:
            raise request_invalid("ExpressionAttributeNames must not be empty")
        if values is not None and not values:
            raise request_invalid("ExpressionAttributeValues must not be empty")
        for kind, given, sign in (("Names", names, "#"), ("Values", values, ":")):
            for key in given or ():
                if not _KEY.fullmatch(key) or key[0] != sign:
                    raise request_invalid(
                        f'ExpressionAttribute{kind} contains invalid key: Syntax error; key: "{key}"'
                    )
        self.names: dict[str, str] = names or {}
        self.values: dict[str, Any] = values or {}  # checked with the request's shape
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def check_unused(self) -> None:
        unused_names = [k for k in self.names if k not in self.used_names]
        if unused_names:
            raise request_invalid(
                "Value provided in ExpressionAttributeNames unused in expressions: "
                f"keys: {{{', '.join(unused_names)}}}"
            )
        unused_values = [k for k in self.values if k not in self.used_values]
        if unused_values:
            raise request_invalid(
                "Value provided in ExpressionAttributeValues unused in expressions: "
                f"keys: {{{', '.join(unused_values)}}}"
            )


class _Parser:
    def __init__(self, source: str, label: str, context: ExpressionContext) -> None:
        self.source = source
        self.label = label
        self.context = context
        self.tokens = tokenize(source)
        self.pos = 0
        self._group: tuple[int, int] | None = None  # token span of the last (...) condition
        if self.tokens[0].kind == "eof":
            raise self.error("The expression can not be empty;")

    # -- helpers -------------------------------------------------------------------------
    def error(self, detail: str) -> DynamoError:
        return request_invalid(f"Invalid {self.label}: {detail}")

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind == "bad":
            raise self.syntax_error()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def syntax_error(self) -> DynamoError:
        token = self.tok
        previous = self.tokens[self.pos - 1] if self.pos > 0 else None
        start = previous.start if previous else token.start
        near = self.source[start : token.end] if token.kind != "eof" else self.source[start:]
        return self.error(f'Syntax error; token: "{token.text}", near: "{near}"')

    def is_op(self, text: str) -> bool:
        return self.tok.kind == "op" and self.tok.text == text

    def is_keyword(self, word: str) -> bool:
        return self.tok.kind == "name" and self.tok.text.upper() == word

    def expect_op(self, text: str) -> None:
        if not self.is_op(text):
            raise self.syntax_error()
        self.advance()

    def expect_end(self) -> None:
        if self.tok.kind != "eof":
            raise self.syntax_error()

    def is_function_call(self) -> bool:
        return self.tok.kind == "name" and self.peek().kind == "op" and self.peek().text == "("

    # -- paths and operands --------------------------------------------------------------
    def name_element(self) -> str:
        token = self.tok
        if token.kind == "alias":
            self.advance()
            if token.text not in self.context.names:
                raise self.error(
                    "An expression attribute name used in the document path is not defined; "
                    f"attribute name: {token.text}"
                )
            self.context.used_names.add(token.text)
            return self.context.names[token.text]
        if token.kind == "name":
            if token.text.upper() in RESERVED_WORDS:
                raise self.error(
                    f"Attribute name is a reserved keyword; reserved keyword: {token.text}"
                )
            self.advance()
            return token.text
        raise self.syntax_error()

    def path(self) -> Path:
        elements: list[str | int] = [self.name_element()]
        while True:
            if self.is_op("."):
                self.advance()
                elements.append(self.name_element())
            elif self.is_op("["):
                self.advance()
                if self.tok.kind != "number":
                    raise self.syntax_error()
                elements.append(int(self.advance().text))
                self.expect_op("]")
            else:
                return Path(tuple(elements))

    def value(self) -> Value:
        token = self.advance()
        if token.text not in self.context.values:
            raise self.error(
                "An expression attribute value used in expression is not defined; "
                f"attribute value: {token.text}"
            )
        self.context.used_values.add(token.text)
        return Value(token.text, self.context.values[token.text])

    def function(self, allowed: dict[str, int], operand: Any) -> Function:
        name_token = self.advance()
        name = name_token.text
        if name not in ALL_FUNCTIONS:
            raise self.error(f"Invalid function name; function: {name}")
        if name not in allowed:
            where = "an update" if self.label == "UpdateExpression" else "a condition"
            raise self.error(f"The function is not allowed in {where} expression; function: {name}")
        self.expect_op("(")
        args = [operand()]
        while self.is_op(","):
            self.advance()
            args.append(operand())
        self.expect_op(")")
        if len(args) != allowed[name]:
            raise self.error(
                "Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(args)}"
            )
        return self.check_function(Function(name, tuple(args)))

    def check_function(self, func: Function) -> Function:
        name, args = func.name, func.args
        needs_path = name in ("attribute_exists", "attribute_not_exists", "if_not_exists")
        if needs_path and not isinstance(args[0], Path):
            raise self.error(
                f"Operator or function requires a document path; operator or function: {name}"
            )
        if name in ("attribute_type", "begins_with", "contains"):
            self.check_distinct(name, args[0], args[1])
        if name == "attribute_type":
            wanted = args[1]
            if not isinstance(wanted, Value) or type_of(wanted.value) != "S":
                shown = (
                    type_of(wanted.value)
                    if isinstance(wanted, Value)
                    else "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
                )
                raise self.error(
                    "Incorrect operand type for operator or function; "
                    f"operator or function: {name}, operand type: {shown}"
                )
            if wanted.value["S"] not in ATTRIBUTE_TYPES:
                raise self.error(
                    f"Invalid attribute type name found; type: {wanted.value['S']}, "
                    "valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }"
                )
        if (
            name == "size"
            and isinstance(args[0], Value)
            and type_of(args[0].value) in ("N", "BOOL", "NULL")
        ):
            raise self.operand_type_error(name, type_of(args[0].value))
        if name == "begins_with":
            for arg in args:
                if isinstance(arg, Value) and type_of(arg.value) not in ("S", "B"):
                    raise self.operand_type_error(name, type_of(arg.value))
        if name == "list_append":
            for arg in args:
                if isinstance(arg, Value) and type_of(arg.value) != "L":
                    raise self.operand_type_error(name, type_of(arg.value))
        return func

    def operand_type_error(self, name: str, kind: str) -> DynamoError:
        return self.error(
            "Incorrect operand type for operator or function; "
            f"operator or function: {name}, operand type: {kind}"
        )

    def check_distinct(self, operator: str, first: Any, second: Any) -> None:
        """AWS rejects `a = a`, `contains(a, a)`...: the same path on both sides."""
        if isinstance(first, Path) and first == second:
            raise self.error(
                "The first operand must be distinct from the remaining operands for this "
                f"operator or function; operator: {operator}, first operand: {first}"
            )

    def condition_operand(self) -> Any:
        token = self.tok
        if token.kind == "value":
            return self.value()
        if self.is_function_call():
            func = self.function(
                {**CONDITION_OPERAND_FUNCTIONS, **BOOLEAN_FUNCTIONS}, self.condition_operand
            )
            if func.name in BOOLEAN_FUNCTIONS:
                raise self.error(
                    "The function is not allowed to be used this way in an expression; "
                    f"function: {func.name}"
                )
            return func
        if token.kind in ("name", "alias"):
            return self.path()
        raise self.syntax_error()

    # -- conditions ----------------------------------------------------------------------
    def condition(self) -> Any:
        left = self.conjunction()
        while self.is_keyword("OR"):
            self.advance()
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> Any:
        left = self.negation()
        while self.is_keyword("AND"):
            self.advance()
            left = And(left, self.negation())
        return left

    def negation(self) -> Any:
        if self.is_keyword("NOT"):
            self.advance()
            return Not(self.negation())
        return self.primary()

    def check_between(self, low: Any, high: Any) -> None:
        """Bounds given as values must share a type and be in order (checked before any read)."""
        if not isinstance(low, Value) or not isinstance(high, Value):
            return
        kind, other = type_of(low.value), type_of(high.value)
        shown = (
            f"lower bound operand: AttributeValue: {{{kind}:{low.value[kind]}}}, "
            f"upper bound operand: AttributeValue: {{{other}:{high.value[other]}}}"
        )
        if kind != other:
            raise self.error(
                f"The BETWEEN operator requires same data type for lower and upper bounds; {shown}"
            )
        if kind not in ("S", "N", "B"):
            raise self.operand_type_error("BETWEEN", kind)
        if comparable(low.value) > comparable(high.value):
            raise self.error(
                "The BETWEEN operator requires upper bound to be greater than or equal to lower "
                f"bound; {shown}"
            )

    def primary(self) -> Any:
        if self.is_op("("):
            self.advance()
            start = self.pos
            inner = self.condition()
            if self._group == (start, self.pos):
                raise self.error("The expression has redundant parentheses;")
            self.expect_op(")")
            self._group = (start - 1, self.pos)
            return inner
        if self.is_function_call() and self.tok.text in BOOLEAN_FUNCTIONS:
            func = self.function(
                {**CONDITION_OPERAND_FUNCTIONS, **BOOLEAN_FUNCTIONS}, self.condition_operand
            )
            if self.tok.kind == "op" and self.tok.text in COMPARATORS:
                raise self.error(
                    "The function is not allowed to be used this way in an expression; "
                    f"function: {func.name}"
                )
            return func
        left = self.condition_operand()
        if self.tok.kind == "op" and self.tok.text in COMPARATORS:
            op = self.advance().text
            right = self.condition_operand()
            self.check_distinct(op, left, right)
            return Compare(op, left, right)
        if self.is_keyword("BETWEEN"):
            self.advance()
            low = self.condition_operand()
            if not self.is_keyword("AND"):
                raise self.syntax_error()
            self.advance()
            high = self.condition_operand()
            self.check_between(low, high)
            return Between(left, low, high)
        if self.is_keyword("IN"):
            self.advance()
            self.expect_op("(")
            options = [self.condition_operand()]
            while self.is_op(","):
                self.advance()
                options.append(self.condition_operand())
            self.expect_op(")")
            if len(options) > 100:
                raise self.error(
                    "The IN operator is provided with too many operands; number of operands: "
                    f"{len(options)}"
                )
            return In(left, tuple(options))
        if isinstance(left, Function):
            raise self.error(
                "The function is not allowed to be used this way in an expression; "
                f"function: {left.name}"
            )
        raise self.syntax_error()

    # -- updates -------------------------------------------------------------------------
    def update_unit(self) -> Any:
        token = self.tok
        if token.kind == "value":
            return self.value()
        if self.is_function_call():
            return self.function(UPDATE_FUNCTIONS, self.update_unit)
        if token.kind in ("name", "alias"):
            return self.path()
        raise self.syntax_error()

    def update_value(self) -> Any:
        left = self.update_unit()
        if self.is_op("+") or self.is_op("-"):
            op = self.advance().text
            right = self.update_unit()
            for arg in (left, right):
                if isinstance(arg, Value) and type_of(arg.value) != "N":
                    raise self.operand_type_error(op, type_of(arg.value))
            return Arithmetic(op, left, right)
        return left

    def update(self) -> Update:
        result = Update()
        seen: set[str] = set()
        while self.tok.kind != "eof":
            clause = self.tok.text.upper() if self.tok.kind == "name" else ""
            if clause not in CLAUSES:
                raise self.syntax_error()
            if clause in seen:
                raise self.error(
                    f'The "{clause}" section can only be used once in an update expression;'
                )
            seen.add(clause)
            self.advance()
            while True:
                result.actions.append(self.update_action(clause))
                if not self.is_op(","):
                    break
                self.advance()
        self.check_update_paths(result)
        return result

    def update_action(self, clause: str) -> UpdateAction:
        path = self.path()
        if clause == "SET":
            self.expect_op("=")
            return UpdateAction("SET", path, self.update_value())
        if clause == "REMOVE":
            return UpdateAction("REMOVE", path)
        if self.tok.kind != "value":
            raise self.syntax_error()
        value = self.value()
        kind = type_of(value.value)
        allowed = ("N", "SS", "NS", "BS") if clause == "ADD" else ("SS", "NS", "BS")
        if kind not in allowed:
            raise self.error(
                "Incorrect operand type for operator or function; "
                f"operator: {clause}, operand type: {TYPE_WORDS[kind]}"
            )
        return UpdateAction(clause, path, value)

    def check_update_paths(self, update: Update) -> None:
        self.check_paths([a.path for a in update.actions])

    def check_paths(self, paths: list[Path]) -> None:
        """AWS: no path may be a prefix of another (overlap), nor index where another names."""
        for i, two in enumerate(paths):
            for one in paths[:i]:
                for a, b in zip(one.elements, two.elements, strict=False):
                    if isinstance(a, int) != isinstance(b, int):
                        raise self.error(
                            "Two document paths conflict with each other; must remove or rewrite "
                            f"one of these paths; path one: {one}, path two: {two}"
                        )
                    if a != b:
                        break
                else:
                    raise self.error(
                        "Two document paths overlap with each other; must remove or rewrite one "
                        f"of these paths; path one: {one}, path two: {two}"
                    )

    # -- projections ---------------------------------------------------------------------
    def projection(self) -> list[Path]:
        paths = [self.path()]
        while self.is_op(","):
            self.advance()
            paths.append(self.path())
        self.expect_end()
        self.check_paths(paths)
        return paths


def parse_condition(source: Any, label: str, context: ExpressionContext) -> Any:
    """Parse a Condition/Filter/KeyCondition expression (`label` names it in errors)."""
    parser = _Parser(source, label, context)
    tree = parser.condition()
    parser.expect_end()
    return tree


def parse_update(source: Any, context: ExpressionContext) -> Update:
    parser = _Parser(source, "UpdateExpression", context)
    return parser.update()


def parse_projection(source: Any, context: ExpressionContext) -> list[Path]:
    parser = _Parser(source, "ProjectionExpression", context)
    return parser.projection()
