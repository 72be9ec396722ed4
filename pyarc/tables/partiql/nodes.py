"""PartiQL statements as typed values: what the parser builds and the planner reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AttributeValue = dict[str, Any]


@dataclass(frozen=True)
class PathRef:
    """A document path: attribute names and list indexes, as written."""

    elements: tuple[str | int, ...]

    @property
    def attribute(self) -> str | None:
        """The top-level attribute when the path is just one name (a key can only be that)."""
        first = self.elements[0]
        return first if len(self.elements) == 1 and isinstance(first, str) else None


@dataclass(frozen=True)
class Literal:
    value: AttributeValue


@dataclass(frozen=True)
class Call:
    function: str  # lower case: begins_with, contains, attribute_type, size, list_append...
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Arithmetic:
    operator: str  # "+" or "-"
    left: Any
    right: Any


Operand = PathRef | Literal | Call | Arithmetic


@dataclass(frozen=True)
class Compare:
    operator: str  # =, <>, <, <=, >, >=
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class In:
    operand: Operand
    choices: tuple[Literal, ...]


@dataclass(frozen=True)
class Is:
    operand: Operand
    what: str  # "MISSING" or "NULL"
    negated: bool


@dataclass(frozen=True)
class Not:
    condition: Any


@dataclass(frozen=True)
class And:
    conditions: tuple[Any, ...]


@dataclass(frozen=True)
class Or:
    conditions: tuple[Any, ...]


Condition = Compare | Between | In | Is | Not | And | Or | Call


@dataclass
class Select:
    table: str
    index: str | None
    paths: list[PathRef] | None  # None: SELECT *
    where: Condition | None


@dataclass
class Insert:
    table: str
    item: AttributeValue


@dataclass
class SetAction:
    path: PathRef
    value: Operand


@dataclass
class Update:
    table: str
    sets: list[SetAction] = field(default_factory=list)
    removes: list[PathRef] = field(default_factory=list)
    where: Condition | None = None
    returning: str = "NONE"  # DynamoDB ReturnValues: ALL_OLD, ALL_NEW, UPDATED_OLD, UPDATED_NEW


@dataclass
class Delete:
    table: str
    where: Condition | None
    returning: str = "NONE"


Statement = Select | Insert | Update | Delete
