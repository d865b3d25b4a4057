"""What a CI gate needs on top of the findings: baselines, waivers and the fail level.

A baseline records the fingerprints of accepted findings; a later run reports only findings not in it and
lists baseline entries that no longer occur. A waiver accepts one finding (by fingerprint) with a reason,
an approver and an expiry date; expired and unused waivers are reported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker import __version__
from checker.check import Report
from checker.errors import JxError
from checker.findings import SEVERITY_ORDER, Finding
from checker.output import write_atomic

BASELINE_VERSION = 1


class GateError(JxError):
    """A baseline or waivers file that cannot be used."""


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
    reason: str
    approver: str
    expires: dt.date


class WaiverResult(BaseModel):
    waived: int = 0
    expired: list[Waiver] = Field(default_factory=list)
    unused: list[Waiver] = Field(default_factory=list)


def _entry(report: Report, f: Finding) -> BaselineEntry:
    return BaselineEntry(fingerprint=f.fingerprint, rule=f.rule, project=f.project, source=report.source,
                         path=" › ".join(f.location.path), message=f.message.zh)


def write_baseline(path: Path, reports: list[Report]) -> int:
    entries = sorted((_entry(r, f) for r in reports for f in r.findings),
                     key=lambda e: (e.source, e.project, e.rule, e.path, e.fingerprint))
    doc = {"version": BASELINE_VERSION, "tool": f"jxcheck {__version__}",
           "findings": [e.model_dump() for e in entries]}
    write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return len(entries)


def read_baseline(path: Path) -> list[BaselineEntry]:
    source = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GateError(source, f"cannot read baseline: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GateError(source, f"baseline is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION or not isinstance(doc.get("findings"), list):
        raise GateError(source, f"not a jxcheck baseline (version {BASELINE_VERSION} with a findings list)")
    try:
        return [BaselineEntry.model_validate(e) for e in doc["findings"]]
    except ValidationError as exc:
        raise GateError(source, f"bad baseline entry: {exc.errors()[0]['msg']}") from None


def apply_baseline(reports: list[Report], entries: list[BaselineEntry]) -> BaselineResult:
    """Drop findings the baseline knows (as many times as it holds them); the rest are new."""
    remaining = Counter(e.fingerprint for e in entries)
    result = BaselineResult()
    for r in reports:
        kept = []
        for f in r.findings:
            if remaining[f.fingerprint] > 0:
                remaining[f.fingerprint] -= 1
                result.known += 1
            else:
                kept.append(f)
        r.findings = kept
        result.new += len(kept)
    left = Counter({k: v for k, v in remaining.items() if v > 0})
    for e in entries:
        if left[e.fingerprint] > 0:
            left[e.fingerprint] -= 1
            result.fixed.append(e)
    return result


def read_waivers(path: Path) -> list[Waiver]:
    source = str(path)
    try:
        doc: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GateError(source, f"cannot read waivers: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise GateError(source, f"invalid YAML: {exc}") from None
    items = doc.get("waivers") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise GateError(source, "a waivers file holds a mapping with a `waivers:` list")
    waivers = []
    for i, item in enumerate(items):
        try:
            waivers.append(Waiver.model_validate(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise GateError(source, f"{field}: {err['msg']}", f"waiver {i + 1}") from None
    return waivers


def apply_waivers(reports: list[Report], waivers: list[Waiver], today: dt.date) -> WaiverResult:
    active = {w.fingerprint: w for w in waivers if w.expires >= today}
    used: set[str] = set()
    result = WaiverResult(expired=[w for w in waivers if w.expires < today])
    for r in reports:
        kept = []
        for f in r.findings:
            w = active.get(f.fingerprint)
            if w is not None and (w.rule is None or w.rule == f.rule):
                used.add(w.fingerprint)
                result.waived += 1
            else:
                kept.append(f)
        r.findings = kept
    result.unused = [w for w in waivers if w.expires >= today and w.fingerprint not in used]
    return result


def fails(reports: list[Report], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    level = SEVERITY_ORDER[fail_on]
    return any(SEVERITY_ORDER[f.severity] <= level for r in reports for f in r.findings)
