"""Each finding's 应填 is what makes it go away without making another: applied to a copy of the filing (the
cell the finding points at set to the suggested value) and checked again, the finding is gone and no new
error appears. Run over the seed, every real filing and every rule's failing cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.config import PROFILES
from checker.findings import Finding
from checker.model import Evaluation, Filing, Location, Text, Value
from checker.readers import read_path
from checker.readers.canonical import derive
from checker.render.common import fmt
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import FIXTURES, check_reports

RULES = load_rules([bundled_rules_dir()])
RULES_BY_ID = {r.id: r for r in RULES}
FILES = [FIXTURES / "seed_yongzhou_2021.txt", FIXTURES / "seed_yongzhou_2021.xlsx",
         *sorted((FIXTURES / "real").glob("*.txt"))]


def _cells(ev: Evaluation, placed: bool = True):
    """Every value or text of the evaluation that stands in a table cell, with a setter (`placed=False`:
    those without a place too)."""
    holders = [*ev.funding, *ev.indicators, *([ev.goal] if ev.goal is not None else [])]
    if ev.total is not None:
        holders.append(ev.total)
    if ev.header_total is not None:
        holders.append(ev.header_total)
    for h in holders:
        for name in type(h).model_fields:
            v = getattr(h, name)
            if isinstance(v, Value | Text) and (not placed or (v.loc is not None and v.loc.paragraph is None)):
                yield v, (lambda raw, h=h, name=name, v=v: setattr(h, name, type(v)(raw=raw, loc=v.loc)))


def _same_cell(a: Location, b: Location) -> bool:
    return (a.table, a.row, a.col, a.sheet, a.cell, a.line) == (b.table, b.row, b.col, b.sheet, b.cell, b.line)


def _key(f: Finding) -> tuple:
    return f.rule, tuple(f.location.path)


def _known(f: Finding) -> set[tuple]:
    """The finding and what it lists inside it (a row of zeros: its other columns), by rule and block."""
    block = tuple(f.location.path[:2])
    return {(f.rule, block)} | {(c.zh.split(" ", 1)[0], block) for c in f.evidence.consequences}


def _case_filing(path: Path, name: str) -> tuple[list[Filing], dict]:
    """A rule case's filing, each of its cells given a place of its own (cases are written without places)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    case = data["cases"][name]
    filing = Filing.model_validate({"source": path.name, "format": "yaml", **case["filing"]})
    for t, ev in enumerate(filing.evaluations):
        for n, (v, _) in enumerate(_cells(ev, placed=False)):
            v.loc = Location(table=t, row=n, col=0)
    return [derive(filing)], (PROFILES[case["profile"]] if "profile" in case else {})


def _read(path: Path) -> tuple[list[Filing], dict]:
    if "#" in path.name:
        file, name = str(path).split("#")
        return _case_filing(Path(file), name)
    return read_path(path), {}


RULE_CASES = [Path(f"{p}#{name}") for p in sorted((FIXTURES / "rules").glob("*.yaml"))
              for name in yaml.safe_load(p.read_text(encoding="utf-8"))["cases"] if name.startswith("test_fail_")]


def _suggestions(path: Path) -> list[tuple[int, Finding]]:
    filings, profile = _read(path)
    reports = check_reports(filings, RULES, profile)
    return [(k, f) for k, r in enumerate(reports) for f in r.findings
            if f.evidence.suggested is not None and f.location.source is not None
            and f.location.source.paragraph is None]


CASES = [pytest.param(p, k, f, id=f"{p.stem}-{f.rule}-{' › '.join(f.location.path[-2:])}")
         for p in [*FILES, *RULE_CASES] for k, f in _suggestions(p)]


@pytest.mark.parametrize(("path", "index", "finding"), CASES)
def test_applying_the_suggested_value_removes_the_finding_and_adds_no_error(path, index, finding):
    filings, profile = _read(path)
    evaluations = [ev for f in filings for ev in f.evaluations]
    before = {k for r in check_reports(filings, RULES, profile) for f in r.findings for k in _known(f)}
    ev = evaluations[index]
    target = [set_ for v, set_ in _cells(ev) if _same_cell(v.loc, finding.location.source)]
    assert target, f"{finding.rule} suggests a value for a cell the model does not hold"
    value = finding.evidence.suggested
    target[0](f"{value:g}" if isinstance(value, float) else str(value))
    after = check_reports([Filing(source=f.source, format=f.format, evaluations=f.evaluations) for f in filings],
                          RULES, profile)
    found = [f for r in after for f in r.findings]
    assert _key(finding) not in {_key(f) for f in found if f.project == finding.project}, finding.message.zh
    new_errors = [f for f in found if f.severity == "error" and not _known(f) & before]
    # where the fix moves other cells too (a row moves the 总分), the finding says so and gives their values
    moved = set(RULES_BY_ID[finding.rule].fix_also)
    for f in new_errors:
        if f.rule in moved and f.project == finding.project:
            assert f.evidence.suggested is not None and fmt(f.evidence.suggested) in finding.message.zh, \
                (finding.message.zh, f.rule, f.evidence.suggested)
    new_errors = [f for f in new_errors if not (f.rule in moved and f.project == finding.project)]
    assert new_errors == [], [f"{f.rule} {f.message.zh}" for f in new_errors]


def test_there_are_suggestions_to_test():
    assert len(CASES) >= 20
    assert sum("#" in str(c.values[0]) for c in CASES) >= 10  # rule cases among them


def _figures(f: Finding) -> list:
    e = f.evidence
    return [v for v in (e.reported, e.computed, e.suggested) if v is not None]


def _holds(value: Value | Text, figures: list) -> bool:
    """The cell shows one of the figures: as its number, or as its text."""
    parsed = value.parsed.value if isinstance(value, Value) else None
    for fig in figures:
        if isinstance(fig, int | float) and not isinstance(fig, bool):
            if parsed is not None and abs(parsed - fig) <= 0.011 * max(1.0, abs(fig)):
                return True
            if isinstance(value, Value) and value.parsed.number is not None and abs(value.parsed.number - fig) < 0.011:
                return True
        elif str(fig).strip() and (str(fig) in value.raw or value.raw.strip() in str(fig)):
            return True
    return False


def _pointed(path: Path) -> list[tuple[int, Finding]]:
    filings, profile = _read(path)
    reports = check_reports(filings, RULES, profile)
    return [(k, f) for k, r in enumerate(reports) for f in r.findings
            if RULES_BY_ID[f.rule].at and f.location.source is not None and f.location.source.paragraph is None]


POINTED = [pytest.param(p, k, f, id=f"{p.stem}-{f.rule}-{' › '.join(f.location.path[-2:])}")
           for p in [*FILES, *RULE_CASES] for k, f in _pointed(p)]


@pytest.mark.parametrize(("path", "index", "finding"), POINTED)
def test_a_finding_points_at_the_cell_whose_value_is_wrong(path, index, finding):
    """The `at:` cell is the one whose value is wrong: it holds one of the finding's figures (the reported
    value, its recomputation or the fix), or the text the finding quotes, or — where the fault is a cell left
    empty — it is empty and the finding says so."""
    filings, _ = _read(path)
    ev = [ev for f in filings for ev in f.evaluations][index]
    held = [v for v, _ in _cells(ev) if _same_cell(v.loc, finding.location.source)]
    assert held, f"{finding.rule} points at a cell the model does not hold"
    cell, message = held[0], finding.message.zh
    text = cell.raw.strip(" \u3000\n")
    quoted = bool(text) and text in message
    unfilled = text in ("", "无", "/", "-", "—") and any(w in message for w in ("未填写", "为空", "未填"))
    assert _holds(cell, _figures(finding)) or quoted or unfilled, (finding.rule, cell.raw, _figures(finding), message)


def test_there_are_pointed_findings_of_most_rules():
    assert len({c.values[2].rule for c in POINTED}) >= 15
