"""Render PartiQL conditions and operands as DynamoDB expressions with #name/:value placeholders.

The engine's own expression language then evaluates them, so PartiQL's WHERE means exactly
what a FilterExpression or ConditionExpression means.
"""

from __future__ import annotations

from typing import Any

from pyarc.tables.partiql import nodes as n
from pyarc.tables.partiql.parser import malformed

FUNCTIONS = {"begins_with", "contains", "attribute_type", "size", "list_append", "if_not_exists"}


class Placeholders:
    """Collects ExpressionAttributeNames/Values for one request."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, dict[str, Any]] = {}

    def name(self, attribute: str) -> str:
        for placeholder, known in self.names.items():
            if known == attribute:
                return placeholder
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, value: dict[str, Any]) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def into(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.names:
            request["ExpressionAttributeNames"] = self.names
        if self.values:
            request["ExpressionAttributeValues"] = self.values
        return request

    # -- rendering -----------------------------------------------------------------------
    def path(self, path: n.PathRef) -> str:
        text = ""
        for element in path.elements:
            if isinstance(element, int):
                text += f"[{element}]"
            else:
                text += ("." if text else "") + self.name(element)
        return text

    def operand(self, operand: Any) -> str:
        if isinstance(operand, n.PathRef):
            return self.path(operand)
        if isinstance(operand, n.Literal):
            return self.value(operand.value)
        if isinstance(operand, n.Arithmetic):
            return f"{self.operand(operand.left)} {operand.operator} {self.operand(operand.right)}"
        if isinstance(operand, n.Call):
            if operand.function not in FUNCTIONS:
                raise malformed(f"Unsupported function: {operand.function}")
            return f"{operand.function}({', '.join(self.operand(a) for a in operand.args)})"
        raise malformed("Unexpected term")

    def condition(self, condition: Any) -> str:
        if isinstance(condition, n.Compare):
            left, right = self.operand(condition.left), self.operand(condition.right)
            return f"{left} {condition.operator} {right}"
        if isinstance(condition, n.Between):
            operand = self.operand(condition.operand)
            return f"{operand} BETWEEN {self.operand(condition.low)} AND {self.operand(condition.high)}"
        if isinstance(condition, n.In):
            choices = ", ".join(self.operand(c) for c in condition.choices)
            return f"{self.operand(condition.operand)} IN ({choices})"
        if isinstance(condition, n.Is):
            path = self.operand(condition.operand)
            if condition.what == "MISSING":
                return f"attribute_exists({path})" if condition.negated else f"attribute_not_exists({path})"
            test = f"attribute_type({path}, {self.value({'S': 'NULL'})})"
            return f"NOT {test}" if condition.negated else test
        if isinstance(condition, n.Not):
            return f"NOT ({self.condition(condition.condition)})"
        if isinstance(condition, n.And | n.Or):
            joiner = " AND " if isinstance(condition, n.And) else " OR "
            return joiner.join(f"({self.condition(c)})" for c in condition.conditions)
        if isinstance(condition, n.Call):
            return self.operand(condition)
        raise malformed("Unexpected term")


def conjuncts(condition: Any) -> list[Any]:
    """The parts of a top-level AND (or the one condition)."""
    if condition is None:
        return []
    return list(condition.conditions) if isinstance(condition, n.And) else [condition]


def both(conditions: list[str]) -> str | None:
    return " AND ".join(f"({c})" for c in conditions) if conditions else None
