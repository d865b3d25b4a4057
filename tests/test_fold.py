"""One row, one finding of a kind: what follows from a root finding is listed inside it, not apart."""

from __future__ import annotations

from checker.model import Filing
from checker.readers.canonical import derive
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import check_reports

RULES = load_rules([bundled_rules_dir()])


def _findings(evaluation: dict) -> list:
    filing = derive(Filing.model_validate({"source": "x.yaml", "format": "yaml", "evaluations": [evaluation]}))
    [report] = check_reports([filing], RULES)
    return report.findings


def test_a_total_row_of_zeros_is_one_finding_listing_what_follows():
    # 池州 棠溪镇: 年度资金总额 0 / 0 / 0 with a rate and score of 0, its one source 90 / 89.974 / 89.974
    found = _findings({"project": "委托业务项目", "has_table": True, "funding": [
        {"kind": "total", "label": "年度资金总额", "initial_budget": "0", "budget": "0", "executed": "0",
         "weight": "10", "rate": "0", "score": "0"},
        {"kind": "current", "label": "其中：当年财政拨款", "initial_budget": "90", "budget": "89.974",
         "executed": "89.974"}]})
    funding = [f for f in found if f.rule.startswith("BUD")]
    assert [f.rule for f in funding] == ["BUD003"]
    assert [c.zh.split()[0] for c in funding[0].evidence.consequences] == ["BUD001", "BUD002", "BUD003", "BUD003"]


def test_a_wrong_rate_on_a_filled_row_stays_its_own_finding():
    # the seed's 安全生产专项: 40.5 of 96 written as 100% and scored 10 — rate and score are two defects
    found = _findings({"project": "安全生产专项", "has_table": True, "funding": [
        {"kind": "total", "label": "年度资金总额", "budget": "96", "executed": "40.5", "weight": "10", "rate": "100%",
         "score": "10"}]})
    assert sorted(f.rule for f in found if f.rule.startswith("BUD")) == ["BUD001", "BUD002"]
    assert all(not f.evidence.consequences for f in found)
