"""What a CI gate needs on top of the findings: baselines, waivers and the fail level.

A baseline records the fingerprints of accepted findings; a later run reports only findings not in it and
lists baseline entries that no longer occur. A waiver accepts one finding (by fingerprint) with a reason,
an approver and an expiry date; expired and unused waivers are reported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checker import __version__
from checker.errors import JxError
from checker.findings import SEVERITY_ORDER
from checker.output import emit
from checker.packed import items, tally
from checker.results import BaselineEntry, BaselineResult, Report, Waiver, WaiverResult
from checker.safefile import read_text
from checker.yamlio import load_marked, strip_lines

BASELINE_VERSION = 1


class GateError(JxError):
    """A baseline or waivers file that cannot be used."""


def baseline_entries(report: Report) -> list[BaselineEntry]:
    return [BaselineEntry(fingerprint=f.fingerprint, rule=f.rule, project=f.project, source=report.source,
                          path=" › ".join(f.location.path), message=f.message.zh) for f in report.findings]


def write_baseline(path: Path, entries: list[BaselineEntry]) -> int:
    entries = sorted(entries, key=lambda e: (e.source, e.project, e.rule, e.path, e.fingerprint))
    doc = {"version": BASELINE_VERSION, "tool": f"jxcheck {__version__}",
           "findings": [e.model_dump() for e in entries]}
    emit(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", str(path))
    return len(entries)


def read_baseline(path: Path) -> list[BaselineEntry]:
    source = str(path)
    try:
        doc = json.loads(read_text(path, "baseline", GateError))
    except json.JSONDecodeError as exc:
        raise GateError(source, f"baseline is not JSON: {exc}") from None
    except RecursionError:
        raise GateError(source, "baseline is not JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than Python converts (5,000)
        raise GateError(source, f"baseline is not JSON jxcheck wrote: {exc}") from None
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION or not isinstance(doc.get("findings"), list):
        raise GateError(source, f"not a jxcheck baseline (version {BASELINE_VERSION} with a findings list)")
    try:
        return [BaselineEntry.model_validate(e) for e in doc["findings"]]
    except ValidationError as exc:
        raise GateError(source, f"bad baseline entry: {exc.errors()[0]['msg']}") from None


class BaselineGate:
    """Drops findings the baseline knows (as many times as it holds them); the rest are new."""

    def __init__(self, entries: list[BaselineEntry]) -> None:
        self.entries = entries
        self.remaining = Counter(e.fingerprint for e in entries)
        self.new = self.known = 0

    def apply(self, report: Report) -> None:
        kept = []
        for f in report.findings:
            if self.remaining[f.fingerprint] > 0:
                self.remaining[f.fingerprint] -= 1
                self.known += 1
            else:
                kept.append(f)
        report.findings = kept
        self.new += len(kept)

    def result(self) -> BaselineResult:
        left = Counter({k: v for k, v in self.remaining.items() if v > 0})
        fixed = []
        for e in self.entries:
            if left[e.fingerprint] > 0:
                left[e.fingerprint] -= 1
                fixed.append(e)
        return BaselineResult(new=self.new, known=self.known, fixed=fixed)


def read_waivers(path: Path) -> list[Waiver]:
    source = str(path)
    doc: Any = load_marked(path, GateError, "waivers")
    items = doc.get("waivers") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise GateError(source, "a waivers file holds a mapping with a `waivers:` list")
    waivers = []
    for i, item in enumerate(items):
        line = item.get("__line__") if isinstance(item, dict) else None
        try:
            waivers.append(Waiver.model_validate(strip_lines(item)))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise GateError(source, f"{field}: {err['msg']}", f"line {line}, waiver {i + 1}" if line else
                            f"waiver {i + 1}") from None
    seen: dict[str, int] = {}
    for i, w in enumerate(waivers):
        if w.fingerprint in seen:
            raise GateError(source, f"fingerprint {w.fingerprint} is waived twice (waivers {seen[w.fingerprint]} and "
                                    f"{i + 1}): one reason, approver and expiry per finding", f"waiver {i + 1}")
        seen[w.fingerprint] = i + 1
    return waivers


class WaiverGate:
    """Waived findings leave the report; expired waivers stop working; both kinds of misfit are reported."""

    def __init__(self, waivers: list[Waiver], today: dt.date) -> None:
        self.waivers = waivers
        self.today = today
        self.active = {w.fingerprint: w for w in waivers if w.expires >= today}
        self.used: set[str] = set()
        self.waived = 0

    def apply(self, report: Report) -> None:
        kept = []
        for f in report.findings:
            w = self.active.get(f.fingerprint)
            if w is not None and (w.rule is None or w.rule == f.rule):
                self.used.add(w.fingerprint)
                self.waived += 1
            else:
                kept.append(f)
        report.findings = kept

    def result(self) -> WaiverResult:
        return WaiverResult(waived=self.waived, expired=[w for w in self.waivers if w.expires < self.today],
                            unused=[w for w in self.waivers if w.expires >= self.today and w.fingerprint not in self.used])


def fails(reports: Iterable[Report], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    level = SEVERITY_ORDER[fail_on]
    return any(SEVERITY_ORDER[sev] <= level for item in items(reports) for sev, *_ in tally(item))
