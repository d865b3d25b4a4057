"""What a run produces: the findings of each evaluation, and everything a renderer shows of the run.

These types sit below the orchestrator so that renderers, the CI gate, the cache and the report store can
all reach them without importing the code that makes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from checker.findings import FileError, Finding
from checker.model import Evaluation
from checker.rulebook import Rule

SkipReason = Literal["unsupported", "own", "not_a_filing"]


@dataclass(frozen=True)
class Skipped:
    """A file a folder walk passed over, and why: a format jxcheck cannot read, the run's own file, no filing."""

    source: str
    reason: SkipReason
    message: str


@dataclass
class Coverage:
    """Which of the run's checks ran on one evaluation, and why the others did not."""

    ran: list[str] = field(default_factory=list)  # rule ids whose inputs the filing has
    not_run: dict[str, list[str]] = field(default_factory=dict)  # rule → inputs missing (see checker.inputs)
    not_applicable: dict[str, list[str]] = field(default_factory=dict)  # rule → optional parts the form lacks

    def counts(self, found_rules: Iterable[str]) -> dict[str, int]:
        """checks: all; ran; passed (ran, no finding); not_run; not_applicable."""
        found = set(found_rules)
        ran = set(self.ran) | (found - set(self.not_applicable))  # a rule that found something ran
        return {"checks": len(ran) + len(set(self.not_run) - ran) + len(self.not_applicable),
                "ran": len(ran), "passed": len(ran - found), "not_run": len(set(self.not_run) - ran),
                "not_applicable": len(self.not_applicable)}

    def reasons(self) -> dict[str, list[str]]:
        """Missing input → the rules it kept from running (each rule under the first input it lacks), the
        inputs keeping most rules first."""
        by: dict[str, list[str]] = {}
        for rule, missing in self.not_run.items():
            by.setdefault(missing[0], []).append(rule)
        return dict(sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])))


@dataclass
class Report:
    """The findings of one evaluation (one project of one filing)."""

    source: str
    project: str
    year: int | None
    department: str
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # reported, rows, recomputed
    evaluation: Evaluation | None = None  # kept for renderers that show the table (HTML)
    sources: list[str] = field(default_factory=list)  # report and table joined from two files: both, report first
    coverage: Coverage | None = None  # which checks ran on it

    @property
    def files(self) -> list[str]:
        """The file(s) the evaluation was read from."""
        return self.sources or [self.source]


class Reports(Protocol):
    """A run's reports: a list, or a store spilled to disk for archives (iterable more than once)."""

    def __iter__(self) -> Iterator[Report]: ...

    def __len__(self) -> int: ...


# --- the CI gate's records ------------------------------------------------------------------------------

class BaselineEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fingerprint: str
    rule: str
    project: str = ""
    source: str = ""
    path: str = ""
    message: str = ""


class BaselineResult(BaseModel):
    new: int = 0
    known: int = 0
    fixed: list[BaselineEntry] = Field(default_factory=list)


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fingerprint: str
    rule: str | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]  # a blank reason waives nothing
    approver: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    expires: dt.date


class WaiverResult(BaseModel):
    waived: int = 0
    expired: list[Waiver] = Field(default_factory=list)
    unused: list[Waiver] = Field(default_factory=list)


@dataclass
class RunResult:
    """Everything a renderer shows of one run."""

    reports: Reports
    errors: list[FileError]
    files: int
    rules: list[Rule]
    lang: str = "zh"
    baseline: BaselineResult | None = None  # when a baseline was applied
    waivers: WaiverResult | None = None  # when waivers were applied
    stats: dict[str, Any] = field(default_factory=dict)  # evaluations, cross-stage seconds, cached files, notes
    skipped: list[Skipped] = field(default_factory=list)  # files a folder walk passed over, each with its reason
    other_files: int = 0  # files of no filing format a walk passed over (.md, .png …), counted only
    paths: dict[str, str] = field(default_factory=dict)  # a file's name in results → its name on disk, where
    # they differ (a name in GBK bytes is shown decoded)
    digests: dict[str, str] = field(default_factory=dict)  # file → SHA-256 of what was checked (models kept)
    cleanup: Callable[[], None] | None = None  # removes the run's temporary files once rendered
