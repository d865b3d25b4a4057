"""Each finding's 应填 is what makes it go away without making another: applied to a copy of the filing (the
cell the finding points at set to the suggested value) and checked again, the finding is gone and no new
error appears. Run over the seed and every real filing."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.findings import Finding
from checker.model import Evaluation, Filing, Location, Text, Value
from checker.readers import read_path
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import FIXTURES, check_reports

RULES = load_rules([bundled_rules_dir()])
FILES = [FIXTURES / "seed_yongzhou_2021.txt", FIXTURES / "seed_yongzhou_2021.xlsx",
         *sorted((FIXTURES / "real").glob("*.txt"))]


def _cells(ev: Evaluation):
    """Every value or text of the evaluation that stands in a table cell, with a setter."""
    holders = [*ev.funding, *ev.indicators]
    if ev.total is not None:
        holders.append(ev.total)
    if ev.header_total is not None:
        holders.append(ev.header_total)
    for h in holders:
        for name in type(h).model_fields:
            v = getattr(h, name)
            if isinstance(v, Value | Text) and v.loc is not None and v.loc.paragraph is None:
                yield v, (lambda raw, h=h, name=name, v=v: setattr(h, name, type(v)(raw=raw, loc=v.loc)))


def _same_cell(a: Location, b: Location) -> bool:
    return (a.table, a.row, a.col, a.sheet, a.cell, a.line) == (b.table, b.row, b.col, b.sheet, b.cell, b.line)


def _key(f: Finding) -> tuple:
    return f.rule, tuple(f.location.path)


def _known(f: Finding) -> set[tuple]:
    """The finding and what it lists inside it (a row of zeros: its other columns), by rule and block."""
    block = tuple(f.location.path[:2])
    return {(f.rule, block)} | {(c.zh.split(" ", 1)[0], block) for c in f.evidence.consequences}


def _suggestions(path: Path) -> list[tuple[int, Finding]]:
    filings = read_path(path)
    reports = check_reports(filings, RULES)
    return [(k, f) for k, r in enumerate(reports) for f in r.findings
            if f.evidence.suggested is not None and f.location.source is not None
            and f.location.source.paragraph is None]


CASES = [pytest.param(p, k, f, id=f"{p.stem}-{f.rule}-{' › '.join(f.location.path[-2:])}")
         for p in FILES for k, f in _suggestions(p)]


@pytest.mark.parametrize(("path", "index", "finding"), CASES)
def test_applying_the_suggested_value_removes_the_finding_and_adds_no_error(path, index, finding):
    filings = read_path(path)
    evaluations = [ev for f in filings for ev in f.evaluations]
    before = {k for r in check_reports(filings, RULES) for f in r.findings for k in _known(f)}
    ev = evaluations[index]
    target = [set_ for v, set_ in _cells(ev) if _same_cell(v.loc, finding.location.source)]
    assert target, f"{finding.rule} suggests a value for a cell the model does not hold"
    value = finding.evidence.suggested
    target[0](f"{value:g}" if isinstance(value, float) else str(value))
    after = check_reports([Filing(source=f.source, format=f.format, evaluations=f.evaluations) for f in filings],
                          RULES)
    found = [f for r in after for f in r.findings]
    assert _key(finding) not in {_key(f) for f in found if f.project == finding.project}, finding.message.zh
    new_errors = [f for f in found if f.severity == "error" and not _known(f) & before]
    assert new_errors == [], [f"{f.rule} {f.message.zh}" for f in new_errors]


def test_there_are_suggestions_to_test():
    assert len(CASES) >= 20
