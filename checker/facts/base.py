"""The fact toolkit: what a fact kind declares, the record each fact travels with, and the builder
the producers add facts through.

A fact is a plain dict of str, bool, int and float — what rules see. Its record keeps what rules never
see: the place in the filing, the path shown to the reader, the evidence of a finding, the other places
of a consistency or duplication finding.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from checker.model import Evaluation, Location, Text, Value

FieldType = Literal["number", "string", "bool"]
MAX_STRING = 2000  # characters of a string field
MAX_FIGURE = 1e15  # beyond this a figure is no amount a filing states: it is left out of the fact


@dataclass(frozen=True)
class FieldDoc:
    type: FieldType
    doc: str


def f(type_: FieldType, doc: str) -> FieldDoc:
    return FieldDoc(type_, doc)


@dataclass(frozen=True)
class FactKind:
    """A kind of fact: its name, when there is one, its documented fields, and the named cells of the
    filing a rule may point its finding at (`at:`)."""

    name: str
    doc: str
    fields: dict[str, FieldDoc]
    places: frozenset[str] = frozenset()


COMMON: dict[str, FieldDoc] = {
    "kind": f("string", "the fact kind"),
    "fid": f("string", "unique id of the fact within a run"),
    "project": f("string", "项目名称 of the evaluation the fact belongs to"),
    "department": f("string", "主管部门"),
    "year": f("number", "year of the evaluation"),
    "where": f("string", "human-readable place: section › row"),
}


@dataclass
class FactRecord:
    fact: dict[str, Any]
    loc: Location | None = None
    path: list[str] = field(default_factory=list)
    cell_text: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)  # shown with a finding, never seen by rules
    others: list[dict[str, Any]] = field(default_factory=list)  # the other places of a consistency/duplication
    eval_key: int = 0
    # named cells of the fact (rate, score, target …): a rule's `at:` points its finding at one of them
    places: dict[str, tuple[Location | None, str]] = field(default_factory=dict)
    # why the reading behind this fact is uncertain (a column inferred): its findings are warnings at most
    uncertain: str | None = None

    @property
    def fid(self) -> str:
        return self.fact["fid"]

    @property
    def order(self) -> int:
        """Creation order within the evaluation; cross-filing facts come after the evaluation's own."""
        prefix, _, n = self.fid.partition(".")
        offset = 100_000 if prefix[:1].isalpha() else 0
        return offset + int(n)


def clean_number(x: float) -> float | int:
    """A figure as facts carry it: six decimals at most, whole numbers as integers, nothing infinite or out
    of range (ValueError: the field is left out, so no rule compares it)."""
    if type(x) is int:
        if abs(x) >= MAX_FIGURE:
            raise ValueError("out of range")
        return x
    if not math.isfinite(x) or abs(x) >= MAX_FIGURE:
        raise ValueError("not a finite number in range")
    x = round(x, 6)
    return int(x) if x.is_integer() else x


def clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields as a fact holds them; None (unknown) is left out."""
    out: dict[str, Any] = {}
    for k, v in fields.items():
        t = type(v)
        if t is str:
            out[k] = v if len(v) <= MAX_STRING else v[:MAX_STRING]
        elif t is bool:
            out[k] = v
        elif t is int or t is float:
            try:
                out[k] = clean_number(v)
            except ValueError:
                continue
        elif v is not None:
            raise TypeError(f"fact field {k} has type {t.__name__}")
    return out


@dataclass
class Subject:
    """Whom the facts are about: an evaluation, or (cross-filing) the compact metadata of one."""

    project: str
    department: str
    year: int | None
    inferred: list[str] = field(default_factory=list)


class FactBuilder:
    """Collects the facts of one evaluation."""

    def __init__(self, subject: Subject | Evaluation, eval_key: int, prefix: str = "",
                 profile: dict[str, float] | None = None) -> None:
        self.subject = subject
        self.profile = profile or {}
        self.eval_key = eval_key
        self.prefix = prefix  # keeps fids of cross-filing facts apart from per-evaluation ones
        self.records: list[FactRecord] = []
        self._n = 0
        # facts read through an inferred column: their findings cannot be errors
        note = "、".join(subject.inferred or [])
        self.uncertain = {k: note for k in ("indicator", "evaluation", "level1", "funding", "funding_column")} \
            if subject.inferred else {}

    @property
    def ev(self) -> Evaluation:
        """The evaluation of a per-evaluation builder."""
        assert isinstance(self.subject, Evaluation)
        return self.subject

    def add(self, kind: str, fields: dict[str, Any], loc: Location | None, path: list[str],
            cell_text: str | None = None, places: dict[str, Value | Text | None] | None = None,
            **evidence: Any) -> FactRecord:
        self._n += 1
        s = self.subject
        base = {"kind": kind, "fid": f"{self.prefix}{self.eval_key}.{self._n}", "project": s.project,
                "department": s.department, "year": s.year, "where": " › ".join(path)}
        rec = FactRecord(fact=clean({**base, **fields}), loc=loc, path=path, cell_text=cell_text,
                         evidence=evidence, eval_key=self.eval_key,
                         places={k: (v.loc, v.raw) for k, v in (places or {}).items() if v is not None and v.loc},
                         uncertain=self.uncertain.get(kind))
        self.records.append(rec)
        return rec


Producer = Callable[[FactBuilder], None]
