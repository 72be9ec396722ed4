"""The expression syntax tree: document paths, operands, conditions and update actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PathElement = str | int  # attribute name, or list index


@dataclass(frozen=True)
class Path:
    elements: tuple[PathElement, ...]

    def __str__(self) -> str:
        return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in self.elements) + "]"


@dataclass(frozen=True)
class Value:
    name: str  # ":v"
    value: dict[str, Any]


@dataclass(frozen=True)
class Function:
    name: str  # lower case: "size", "if_not_exists", "begins_with", ...
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Arithmetic:
    op: str  # "+" or "-"
    left: Any
    right: Any


@dataclass(frozen=True)
class Compare:
    op: str  # = <> < <= > >=
    left: Any
    right: Any


@dataclass(frozen=True)
class Between:
    operand: Any
    low: Any
    high: Any


@dataclass(frozen=True)
class In:
    operand: Any
    options: tuple[Any, ...]


@dataclass(frozen=True)
class And:
    left: Any
    right: Any


@dataclass(frozen=True)
class Or:
    left: Any
    right: Any


@dataclass(frozen=True)
class Not:
    operand: Any


Operand = Path | Value | Function | Arithmetic
Condition = Compare | Between | In | And | Or | Not | Function


@dataclass(frozen=True)
class UpdateAction:
    kind: str  # "SET" | "REMOVE" | "ADD" | "DELETE"
    path: Path
    operand: Any = None  # SET: Operand; ADD/DELETE: Value; REMOVE: None


@dataclass
class Update:
    actions: list[UpdateAction] = field(default_factory=list)
