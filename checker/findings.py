"""The one findings model every output is rendered from."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from checker.model import Location

Severity = Literal["error", "warning", "info"]
Category = Literal["budget", "arithmetic", "consistency", "duplication", "scoring", "indicator", "completeness"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
CATEGORIES: tuple[str, ...] = get_args(Category)


def worst_severity(severities: Iterable[str]) -> str:
    """error before warning before info (a cell flagged by several findings shows the worst)."""
    return min(severities, key=SEVERITY_ORDER.__getitem__)
# what a Chinese reader calls them
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
CATEGORY_ZH = {"budget": "预算", "arithmetic": "计算", "consistency": "一致性", "duplication": "重复", "scoring": "评分",
               "indicator": "指标", "completeness": "完整性"}


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class EvidenceLabel(Bilingual):
    """What an evidence figure is called (声明分值, 相似度 …), and whether it reads as a percentage."""

    percent: bool = False


# the names of a finding's evidence figures where its rule names none: a reported figure and its
# recomputation (填报/计算), a similarity and its threshold, a text's figure and the table's value
DEFAULT_LABELS: dict[str, dict[str, EvidenceLabel]] = {
    "figures": {"reported": EvidenceLabel(zh="填报", en="reported"), "computed": EvidenceLabel(zh="计算", en="computed")},
    "similarity": {"reported": EvidenceLabel(zh="相似度", en="similarity", percent=True),
                   "computed": EvidenceLabel(zh="对照", en="compared with", percent=True),
                   "tolerance": EvidenceLabel(zh="阈值", en="threshold", percent=True)},
    "table": {"reported": EvidenceLabel(zh="报告所述", en="in the report"),
              "computed": EvidenceLabel(zh="表内值", en="table value")},
}
COMMON_LABELS = {"suggested": EvidenceLabel(zh="应填", en="should be"),
                 "tolerance": EvidenceLabel(zh="容差", en="tolerance")}
EVIDENCE_FIELDS = ("reported", "computed", "suggested", "tolerance")


def default_label(kind: str, field: str) -> EvidenceLabel:
    return DEFAULT_LABELS.get(kind, DEFAULT_LABELS["figures"]).get(field) or COMMON_LABELS[field]


class FindingLocation(BaseModel):
    """Where a finding points: a readable path and, where known, the exact cell or paragraph."""

    model_config = ConfigDict(extra="forbid")
    path: list[str] = Field(default_factory=list, description="自评表 › 绩效指标 › 产出指标 › … › 三级指标")
    source: Location | None = None
    text: str | None = Field(None, description="the cell or paragraph text")


class OtherPlace(BaseModel):
    """The other place of a consistency or duplication finding."""

    model_config = ConfigDict(extra="forbid")
    source: str | None = None
    project: str | None = None
    section: str | None = None
    text: str | None = None
    location: Location | None = None
    detail: str | None = None


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field("figures", description="figures (填报/计算), similarity (相似度/阈值) or table (填报/表内值)")
    reported: Any = None
    computed: Any = None
    suggested: Any = Field(None, description="the value that should stand in the cell (应填)")
    tolerance: Any = None
    labels: dict[str, EvidenceLabel] = Field(default_factory=dict, description="the name of each figure above, as its "
                                             "rule gives it (声明分值, 分值合计, 相似度 …)")
    items: list[str] = Field(default_factory=list, description="the figures or rows that produced `computed`")
    others: list[OtherPlace] = Field(default_factory=list)
    group: str | None = Field(None, description="findings of one group (one pasted paragraph, seen from each project "
                                                "it stands in) are counted once")
    consequences: list[Bilingual] = Field(default_factory=list, description="what follows from this finding on the "
                                          "same row, listed here instead of as findings of their own")

    def label(self, field: str) -> EvidenceLabel:
        return self.labels.get(field) or default_label(self.kind, field)


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str
    category: Category
    severity: Severity
    title: Bilingual
    message: Bilingual
    source: str
    project: str
    year: int | None = None
    department: str = ""
    location: FindingLocation = Field(default_factory=FindingLocation)
    evidence: Evidence = Field(default_factory=Evidence)
    _order: int = PrivateAttr(default=0)  # the matched fact's place in its evaluation's facts
    _fingerprint: str | None = PrivateAttr(default=None)  # computed once, in the worker that made the finding
    _may_fold: bool = PrivateAttr(default=True)  # the rule's consequence_if held for the fact (checker.check.fold)

    @property
    def fingerprint(self) -> str:
        """Stable identity of a finding: rule, project, location path and normalised evidence.

        No line, row or column enters it, so re-ordered rows, re-wrapped text or another file format of
        the same filing keep the fingerprint.
        """
        if self._fingerprint is None:
            others = sorted(_norm(o.project or "") + "/" + _norm(o.section or "") for o in self.evidence.others)
            key = [self.rule, _norm(self.project), [_norm(p) for p in self.location.path],
                   _norm(self.evidence.reported), _norm(self.evidence.computed), others]
            self._fingerprint = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode()).hexdigest()[:20]
        return self._fingerprint

    def position_key(self) -> tuple:
        """Document order: by cell or paragraph where known, then by fact order, then rule."""
        loc = self.location.source or Location()
        pos = tuple(-1 if v is None else v for v in (loc.table, loc.row, loc.col, loc.paragraph))
        return (loc.sheet or "", pos, self._order, self.rule, self.message.zh)

    def sort_key(self) -> tuple:
        """The order a reader works through a filing's findings: errors, then warnings, then notes, each in
        document order."""
        return (SEVERITY_ORDER[self.severity], *self.position_key())


class FileError(BaseModel):
    """A file or rule pack that could not be read."""

    model_config = ConfigDict(extra="forbid")
    source: str
    where: str | None = None
    message: str
    kind: Literal["unreadable", "not_a_filing"] = Field("unreadable", description="not_a_filing: readable, but "
                                                         "nothing of a self-evaluation in it")


_NOISE_RE = re.compile(r"[\s\u3000，,。．.、；;：:！!？?“”\"'‘’（）()]+")


def _norm(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return f"{round(float(value), 4):g}"
    return _NOISE_RE.sub("", unicodedata.normalize("NFKC", str(value)))
