"""The expression syntax tree: document paths, operands, conditions and update actions.

Every node has typed fields and `children()` (the nodes directly under it), so a walker
(`walk`, `paths_in`) needs no knowledge of each node's shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

PathElement = str | int  # attribute name, or list index
Comparator = Literal["=", "<>", "<", "<=", ">", ">="]
ClauseKind = Literal["SET", "REMOVE", "ADD", "DELETE"]


class Node:
    """A node of an expression tree."""

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class Path(Node):
    elements: tuple[PathElement, ...]

    def __str__(self) -> str:
        return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in self.elements) + "]"


@dataclass(frozen=True)
class Value(Node):
    name: str  # ":v"
    value: dict[str, Any]  # the attribute value, as checked with the request


@dataclass(frozen=True)
class Function(Node):
    name: str  # lower case: "size", "if_not_exists", "begins_with", ...
    args: tuple[Operand, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True)
class Arithmetic(Node):
    op: Literal["+", "-"]
    left: Operand
    right: Operand

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Compare(Node):
    op: Comparator
    left: Operand
    right: Operand

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Between(Node):
    operand: Operand
    low: Operand
    high: Operand

    def children(self) -> tuple[Node, ...]:
        return (self.operand, self.low, self.high)


@dataclass(frozen=True)
class In(Node):
    operand: Operand
    options: tuple[Operand, ...]

    def children(self) -> tuple[Node, ...]:
        return (self.operand, *self.options)


@dataclass(frozen=True)
class And(Node):
    left: Condition
    right: Condition

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Or(Node):
    left: Condition
    right: Condition

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Not(Node):
    operand: Condition

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


Operand = Path | Value | Function | Arithmetic
Condition = Compare | Between | In | And | Or | Not | Function


@dataclass(frozen=True)
class UpdateAction(Node):
    kind: ClauseKind
    path: Path
    operand: Operand | None = None  # SET: an operand; ADD/DELETE: a Value; REMOVE: None

    def children(self) -> tuple[Node, ...]:
        return (self.path,) if self.operand is None else (self.path, self.operand)


@dataclass
class Update:
    actions: list[UpdateAction] = field(default_factory=list)


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node under it, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def paths_in(node: Node) -> Iterator[Path]:
    """Every document path an expression names."""
    return (n for n in walk(node) if isinstance(n, Path))
