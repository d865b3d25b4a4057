"""A rule as written in a rule pack: its id, category, severity, bilingual texts, condition and evidence."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from checker.engine import CompiledRule
from checker.errors import JxError
from checker.findings import EVIDENCE_FIELDS, Bilingual, Category, EvidenceLabel, Severity, default_label
from checker.inputs import INPUTS

RULE_ID_RE = re.compile(r"^[A-Z]{2,6}\d{3}$")


class RuleError(JxError):
    """A rule pack that cannot be used."""


class EvidenceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["figures", "similarity", "table"] = Field(
        "figures", description="how the evidence reads: reported vs computed figures (填报/计算), a similarity and "
                               "its threshold (相似度/阈值), or the table's own values (填报/表内值)")
    reported: str | None = Field(None, description="field holding the reported figure")
    computed: str | None = Field(None, description="field holding the computed figure")
    suggested: str | None = Field(None, description="field holding the value that should stand in the cell (应填)")
    tolerance: str | None = Field(None, description="$parameter or field giving the tolerance applied")
    items: str | None = Field(None, description="evidence list of the fact to show (costs, parts, table…)")
    group: str | None = Field(None, description="field naming the group a finding belongs to: the findings of one "
                                                "group (a paragraph pasted into several projects) count once")
    labels: dict[Literal["reported", "computed", "suggested", "tolerance"], EvidenceLabel] = Field(
        default_factory=dict, description="what each figure is called ({zh, en, percent}): 声明分值/分值合计, "
                                          "得分/按完成比例应得 …; a figure without one takes its kind's name")
    _resolved: dict[str, EvidenceLabel] | None = PrivateAttr(default=None)

    @field_validator("labels")
    @classmethod
    def _labels_name_figures(cls, labels: dict, info: Any) -> dict:
        for name in labels:
            if info.data.get(name) is None:
                raise ValueError(f"labels.{name}: the evidence has no {name} figure to name")
        return labels

    def resolved_labels(self) -> dict[str, EvidenceLabel]:
        """The name of every figure the evidence shows (one shared object per rule, not per finding)."""
        if self._resolved is None:
            self._resolved = {f: self.labels.get(f) or default_label(self.kind, f)  # type: ignore[call-overload]
                              for f in EVIDENCE_FIELDS if getattr(self, f) is not None}
        return self._resolved


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bad: str | None = None
    good: str | None = None
    note: Bilingual | None = None


def example_lines(examples: list[Example], prefix: str, bad: str = "", good: str = "", lang: str = "zh") -> list[str]:
    """The rule's examples, one line each, for `explain` and for SARIF help."""
    out: list[str] = []
    for ex in examples:
        if ex.bad:
            out.append(f"{prefix}✗ {bad}{ex.bad}")
        if ex.good:
            out.append(f"{prefix}✓ {good}{ex.good}")
        if ex.note:
            out.append(f"{prefix}  {ex.note.get(lang)}")
    return out


def _known_inputs(names: list[str]) -> list[str]:
    unknown = [n for n in names if n not in INPUTS]
    if unknown:
        raise ValueError(f"unknown input {unknown[0]!r}; known: {', '.join(INPUTS)}")
    return names


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    category: Category
    severity: Severity
    title: Bilingual
    message: Bilingual
    rationale: Bilingual
    reference: str | None = None
    parameters: dict[str, float | int | str | bool] = Field(default_factory=dict)
    fact: str | None = None
    facts: dict[str, str] | None = None
    when: dict[str, Any]
    evidence: EvidenceSpec = Field(default_factory=EvidenceSpec)
    at: str | None = Field(None, description="the cell of the fact the finding points at (rate, score, target …)")
    consequence_of: list[str] = Field(default_factory=list, description="rules whose finding on the same row is the "
                                      "cause of this one: this finding is then listed inside that one, not apart")
    consequence_if: str | None = Field(None, description="a bool field of the fact: only where it holds is this finding "
                                                         "a consequence (a rate measured on the sources of a 年度资金总额 "
                                                         "row of zeros)")
    fix_also: list[str] = Field(default_factory=list, description="rules whose cells the 应填 moves too (a corrected "
                                "row moves the 总分): the message gives their new values, so the fix is whole")
    one_per_row: bool = Field(False, description="several findings of the rule on one row are one defect: the first "
                                                 "lists the others")
    requires: list[str] = Field(default_factory=list, description="what the rule needs of a filing to run at all "
                                "(table, report, deviation_column …: checker/inputs.py); a filing without them "
                                "lists the rule as not run, with the reason")
    examples: list[Example] = Field(default_factory=list)
    # where it was loaded from (set by the loader, not written in YAML)
    file: str = ""
    line: int = 0
    # set by checker.rulebook.check_rule; pickled with the rule, so worker processes never compile again
    _compiled: CompiledRule | None = PrivateAttr(None)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not RULE_ID_RE.match(v):
            raise ValueError("rule id must be 2–6 capital letters and 3 digits, e.g. BUD001")
        return v

    @field_validator("requires")
    @classmethod
    def _requires(cls, v: list[str]) -> list[str]:
        return _known_inputs(v)

    @property
    def aliases(self) -> dict[str, str]:
        return self.facts if self.facts else {"m": self.fact or ""}

    @property
    def kinds(self) -> set[str]:
        return set(self.aliases.values())

    @property
    def compiled(self) -> CompiledRule:
        """The rule as the engine runs it; every rule is checked (and so compiled) by `check_rule`."""
        if self._compiled is None:
            raise RuntimeError(f"rule {self.id} was never checked: load it with checker.rulebook")
        return self._compiled

    def where(self) -> str:
        return f"line {self.line}, rule {self.id}"
