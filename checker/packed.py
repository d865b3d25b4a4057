"""Reports as they cross from a worker to the main process: plain data, not pydantic objects.

A worker packs each report into tuples of strings and numbers (pickled once, cheap to load), with what
the main process needs without opening it: the severity, category and rule of each finding (summary,
exit code) and, when the run writes JSON, the report's JSON text rendered in the worker. The main process
stores and writes these as they are; it unpacks a report into objects only where a finding must change
(cross-filing findings, per-path settings, waivers, a baseline) or a renderer needs the objects.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from checker.findings import Bilingual, Evidence, EvidenceLabel, Finding, FindingLocation, OtherPlace
from checker.model import Location, assemble
from checker.results import Coverage, Report

# a report's JSON item in three parts, so that findings can be spliced in: the text before its findings,
# each finding's text, the text after them
JsonParts = tuple[str, list[str], str]


@dataclass(slots=True)
class PackedReport:
    data: bytes  # pickled plain tuples: see _plain
    tally: list[tuple[str, str, str, str, str]]  # (severity, category, rule, department, group) of each finding
    json: JsonParts | None = None  # the report's JSON item, when the worker rendered it
    json_lang: str | None = None
    keys: list[tuple] = field(default_factory=list)  # with `json`: each finding's sort key, to splice by
    extra: list[Finding] = field(default_factory=list)  # findings added in the main process (cross-filing)
    coverage: Coverage | None = None  # which checks ran (summaries read it without unpacking)

    def unpack(self) -> Report:
        source, project, year, department, warnings, scores, findings, evaluation, sources = pickle.loads(self.data)
        found = [_finding(x) for x in findings]
        if self.extra:
            found = sorted(found + self.extra, key=Finding.sort_key)
        return Report(source, project, year, department, found, warnings, scores, evaluation, sources, self.coverage)

    def add(self, findings: list[Finding], render: Callable[[Finding, str], str]) -> None:
        """Findings of the cross-filing stage, in document order among the report's own, without unpacking:
        where the worker rendered the JSON, theirs is rendered here (`render`) and spliced into it."""
        self.extra.extend(findings)
        self.tally.extend(_tally(f) for f in findings)
        if self.json is None or self.json_lang is None:
            return
        head, texts, tail = self.json
        lang = self.json_lang
        new = ((f.sort_key(), render(f, lang)) for f in sorted(findings, key=Finding.sort_key))
        merged = list(heapq.merge(zip(self.keys, texts, strict=True), new, key=lambda kt: kt[0]))
        self.json = (head, [t for _, t in merged], tail)
        self.keys = [k for k, _ in merged]


Item = Report | PackedReport


def pack(report: Report, json: JsonParts | None = None, json_lang: str | None = None) -> PackedReport:
    findings = [_plain(f) for f in report.findings]
    data = (report.source, report.project, report.year, report.department, report.warnings, report.scores,
            findings, report.evaluation, report.sources)
    return PackedReport(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL),
                        [_tally(f) for f in report.findings], json, json_lang,
                        [f.sort_key() for f in report.findings] if json is not None else [], coverage=report.coverage)


def unpacked(item: Item) -> Report:
    return item.unpack() if isinstance(item, PackedReport) else item


def _tally(f: Finding) -> tuple[str, str, str, str, str]:
    return f.severity, f.category, f.rule, f.department, f.evidence.group or ""


def tally(item: Item) -> Iterator[tuple[str, str, str, str, str]]:
    """(severity, category, rule, department, group) of each finding, without unpacking a packed report."""
    if isinstance(item, PackedReport):
        yield from item.tally
    else:
        for f in item.findings:
            yield _tally(f)


class ReportList:
    """A run's reports as collected, packed or not; iterating gives Report objects, `items()` them as
    they are (for the renderers and counts that need no objects)."""

    def __init__(self) -> None:
        self._items: list[Item] = []

    def append(self, item: Item) -> None:
        self._items.append(item)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Report]:
        return (unpacked(x) for x in self._items)

    def items(self) -> Iterator[Item]:
        return iter(self._items)


def items(reports: Any) -> Iterator[Item]:
    """The items of any collection of reports (a ReportList, a store, or a plain list of Reports)."""
    own = getattr(reports, "items", None)
    return own() if callable(own) else iter(reports)


def _loc(loc: Location | None) -> dict | None:
    return None if loc is None else dict(loc.__dict__)


def _plain(f: Finding) -> tuple:
    e, where = f.evidence, f.location
    others = [(o.source, o.project, o.section, o.text, _loc(o.location), o.detail) for o in e.others]
    return (f.rule, f.category, f.severity, f.title.zh, f.title.en, f.message.zh, f.message.en, f.source,
            f.project, f.year, f.department, list(where.path), _loc(where.source), where.text, e.kind, e.reported,
            e.computed, e.suggested, e.tolerance, list(e.items), others, f._order, f.fingerprint, e.group,
            [(c.zh, c.en) for c in e.consequences], tuple((k, v.zh, v.en, v.percent) for k, v in e.labels.items()))


def _location(d: dict | None) -> Location | None:
    return None if d is None else assemble(Location, **d)


_LABELS: dict[tuple, dict[str, EvidenceLabel]] = {}


def _labels(packed: tuple) -> dict[str, EvidenceLabel]:
    """One shared labels dict per rule's labels (a run unpacks tens of thousands of findings of a few rules)."""
    found = _LABELS.get(packed)
    if found is None:
        found = _LABELS[packed] = {k: assemble(EvidenceLabel, zh=zh, en=en, percent=pc) for k, zh, en, pc in packed}
    return found


def _finding(x: tuple) -> Finding:
    (rule, category, severity, title_zh, title_en, msg_zh, msg_en, source, project, year, department, path,
     loc, text, kind, reported, computed, suggested, tolerance, ev_items, others, order, fingerprint, group,
     consequences, labels) = x
    evidence = assemble(Evidence, kind=kind, reported=reported, computed=computed, suggested=suggested,
                        tolerance=tolerance, items=ev_items, group=group, labels=_labels(labels),
                        consequences=[assemble(Bilingual, zh=z, en=e) for z, e in consequences],
                        others=[assemble(OtherPlace, source=s, project=p, section=sec, text=t, location=_location(lo),
                                         detail=d) for s, p, sec, t, lo, d in others])
    f = assemble(Finding, rule=rule, category=category, severity=severity,
                 title=assemble(Bilingual, zh=title_zh, en=title_en), message=assemble(Bilingual, zh=msg_zh, en=msg_en),
                 source=source, project=project, year=year, department=department,
                 location=assemble(FindingLocation, path=path, source=_location(loc), text=text), evidence=evidence)
    f._order = order
    f._fingerprint = fingerprint
    return f
