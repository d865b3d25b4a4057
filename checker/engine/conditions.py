"""The conditions the engine runs: a small typed tree the rule book builds and the compiler translates.

The rule book (checker.rulebook) checks a rule's `when` against the fact schema and builds this tree; the
compiler turns it into durable-rules' dict form. Nothing here knows YAML or durable-rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Op = Literal["eq", "ne", "gt", "gte", "lt", "lte", "exists", "matches"]
OPS: frozenset[str] = frozenset(("eq", "ne", "gt", "gte", "lt", "lte", "exists", "matches"))


@dataclass(frozen=True)
class FieldRef:
    """Another field of the same fact (`@field`)."""

    field: str


@dataclass(frozen=True)
class JoinRef:
    """A field of a fact matched before in a join (`@a.field`)."""

    alias: str
    field: str


@dataclass(frozen=True)
class Number:
    """A number written in the rule, or given by the parameter `param`."""

    value: int | float
    param: str | None = None


Operand = str | bool | Number | FieldRef | JoinRef


@dataclass(frozen=True)
class Test:
    """`field op operand`; `exists` takes a bool, `matches` a pattern string."""

    field: str
    op: Op
    operand: Operand


@dataclass(frozen=True)
class Group:
    """All or any of the blocks; a block holds all of its terms (one mapping of the rule's YAML)."""

    quantifier: Literal["all", "any"]
    blocks: tuple[tuple[Term, ...], ...]


Term = Test | Group


@dataclass(frozen=True)
class Pattern:
    """The fact a rule matches under `alias`: its kind and the terms it must satisfy."""

    alias: str
    kind: str
    terms: tuple[Term, ...]
