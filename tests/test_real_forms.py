"""Real published filings (fixtures/real, sources in SOURCES.md): read field by field, and the findings a
careful auditor expects on each — exact, as for the seed.

The expectations live in fixtures/real/expected.yaml: per file and evaluation, the model as read (identity,
funding rows, goal, 一级 weights, every counted indicator row, total, report sections, gaps) and the
findings as `RULE path`. A finding that only exists because the stored copy of a page is cut short is
listed too, with a comment saying so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.readers import read_path
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import FIXTURES, check_reports

REAL = FIXTURES / "real"
EXPECTED = yaml.safe_load((REAL / "expected.yaml").read_text(encoding="utf-8"))
RULES = load_rules([bundled_rules_dir()])


def summary(path: Path) -> list[dict]:
    """The model and findings of every evaluation in a file, in the shape of expected.yaml."""
    filings = read_path(path)
    reports = check_reports(filings, RULES)
    out = []
    for ev, report in zip([e for f in filings for e in f.evaluations], reports, strict=True):
        d: dict = {"kind": ev.kind, "year": ev.year, "project": ev.project}
        for key in ("project_code", "department", "implementer"):
            if getattr(ev, key):
                d[key] = getattr(ev, key)
        if ev.money_unit != "万元":
            d["money_unit"] = ev.money_unit
        if ev.execution_weight is not None:
            d["execution_weight"] = ev.execution_weight
        if ev.funding:
            d["funding"] = [[r.kind] + [getattr(r, a).raw for a in ("initial_budget", "budget", "executed", "weight",
                                                                   "rate", "score")] for r in ev.funding]
        if ev.goal:
            d["goal"] = [ev.goal.expected.raw[:24], ev.goal.actual.raw[:24]]
        if ev.level1:
            d["level1"] = [[lv.name, lv.declared_weight] for lv in ev.level1]
        if ev.indicators:
            d["indicators"] = [[i.level1, i.level2, i.name.text, i.target.raw, i.actual.raw, i.weight.raw, i.score.raw]
                               for i in ev.indicators if i.counted]
            flags = {k: sum(1 for i in ev.indicators if getattr(i, k)) for k in ("placeholder", "breakdown", "execution")}
            if any(flags.values()):
                d["flags"] = {k: v for k, v in flags.items() if v}
        if ev.total:
            d["total"] = [ev.total.weight.raw, ev.total.score.raw, ev.total.grade.raw, ev.total.placement]
        if ev.narrative:
            n = ev.narrative
            d["narrative"] = {k: getattr(n, k).raw[:20] for k in ("budget", "purpose", "management", "problems",
                                                                  "measures", "other") if getattr(n, k) is not None}
            if n.achievement:
                d["narrative"]["achievement"] = len(n.achievement)
        if ev.sources:
            d["sources"] = [[s.side, s.label, s.amount.raw] for s in ev.sources]
        d["gaps"] = [f"{g.part} {g.reason}" for g in ev.gaps]
        d["findings"] = [f"{f.rule} {' › '.join(f.location.path)}" for f in report.findings]
        out.append(d)
    return out


def test_every_real_filing_has_expectations_and_a_source():
    files = sorted(EXPECTED)
    assert all((REAL / name).is_file() for name in files)
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in sources for name in files)
    provinces = {name.split("_")[0] for name in files}
    assert len(files) >= 12 and len(provinces) >= 6


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_filing_read_and_checked(name):
    got = summary(REAL / name)
    expected = EXPECTED[name]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        for key in sorted(set(g) | set(e)):
            assert g.get(key) == e.get(key), f"{name}: {key}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_filing_never_rejected(name):
    """Every real filing is read: none is thrown away for one unknown cell."""
    assert read_path(REAL / name)
