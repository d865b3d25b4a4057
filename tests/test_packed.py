"""Reports as plain data between processes: packing loses nothing, the worker's JSON is the JSON the main
process would write, and findings spliced in later land where sorting would put them."""

from __future__ import annotations

import pickle

import pytest

from checker.batch import BatchSpec, check_filings
from checker.findings import Finding
from checker.packed import ReportList, items, pack, tally, unpacked
from checker.readers import read_path
from checker.render.json_out import (
    _dumps,
    coverage_json,
    finding_dict,
    finding_json,
    join_parts,
    report_json,
    report_json_parts,
)
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import FIXTURES

FILES = [FIXTURES / "seed_yongzhou_2021.txt", FIXTURES / "seed_yongzhou_2021.xlsx",
         *sorted((FIXTURES / "real").glob("*.txt"))]


@pytest.fixture(scope="module")
def reports():
    rules = load_rules([bundled_rules_dir()])
    filings = [f for path in FILES for f in read_path(str(path))]
    out, errors = check_filings(filings, BatchSpec(rules, keep_models=True))
    assert not errors and len(out) > 10
    return out


def _dump(f: Finding) -> tuple:
    return f.model_dump(), f._order, f.fingerprint


def test_pack_and_unpack_lose_nothing(reports):
    for r in reports:
        back = pickle.loads(pickle.dumps(pack(r))).unpack()
        assert (back.source, back.project, back.year, back.department, back.warnings, back.scores) == \
            (r.source, r.project, r.year, r.department, r.warnings, r.scores)
        assert [_dump(f) for f in back.findings] == [_dump(f) for f in r.findings]
        assert back.evaluation == r.evaluation


def test_worker_json_is_the_document_json(reports):
    for lang in ("zh", "en"):
        for r in reports:
            item = {"source": r.source, "sources": r.files, "project": r.project, "year": r.year,
                    "department": r.department, "warnings": r.warnings,
                    "findings": [finding_dict(f, lang) for f in r.findings], "coverage": coverage_json(r.coverage, lang)}
            assert join_parts(report_json_parts(r, lang)) == _dumps(item).replace("\n", "\n    ")
    empty = next(r for r in reports if r.findings)
    empty = type(empty)(empty.source, empty.project, empty.year, empty.department, [])
    assert '"findings": []' in report_json(empty, "zh")


def test_spliced_findings_sit_where_sorting_puts_them(reports):
    r = max(reports, key=lambda x: len(x.findings))
    own, later = r.findings[::2], r.findings[1::2][::-1]  # half kept by the worker, half added out of order
    worker = type(r)(r.source, r.project, r.year, r.department, list(own), r.warnings, r.scores)
    packed = pack(worker, report_json_parts(worker, "zh"), "zh")
    packed.add(later, finding_json)
    expected = sorted(own + later, key=Finding.sort_key)
    assert [_dump(f) for f in packed.unpack().findings] == [_dump(f) for f in expected]
    whole = type(r)(r.source, r.project, r.year, r.department, expected, r.warnings, r.scores)
    assert join_parts(packed.json) == report_json(whole, "zh")
    assert sorted(tally(packed)) == sorted((f.severity, f.category, f.rule, f.department, f.evidence.group or "")
                                          for f in expected)


def test_report_list_gives_objects_and_items(reports):
    box = ReportList()
    box.append(pack(reports[0]))
    box.append(reports[1])
    assert len(box) == 2
    assert [x.project for x in box] == [reports[0].project, reports[1].project]
    assert [type(x).__name__ for x in items(box)] == ["PackedReport", "Report"]
    assert unpacked(reports[1]) is reports[1]
