"""Findings an auditor can act on: the value to write (应填), the right cell, evidence labels that fit."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from checker.cli import main
from checker.readers import read_path
from checker.render.common import evidence_parts
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import FIXTURES, SEED, check_reports

RULES = {r.id: r for r in load_rules([bundled_rules_dir()])}


def _findings():
    filings = read_path(SEED)
    evs = [e for f in filings for e in f.evaluations]
    reports = check_reports(filings, RULES.values())
    return [(ev, f) for ev, r in zip(evs, reports, strict=True) for f in r.findings]


FOUND = _findings()


def _one(rule: str, project: str):
    return next((ev, f) for ev, f in FOUND if f.rule == rule and f.project == project)


def test_execution_findings_point_at_the_rate_and_score_cells_and_say_what_to_write():
    ev, rate = _one("BUD001", "执法办案经费")
    total = ev.funding_row("total")
    assert rate.location.source == total.rate.loc and rate.location.text.strip() == "100%"
    assert rate.evidence.suggested == "42.19%"
    ev, score = _one("BUD002", "执法办案经费")
    assert score.location.source == total.score.loc and score.evidence.suggested == 4.22


def test_scoring_findings_point_at_the_score_cell_unit_findings_at_the_target():
    ev, f = _one("SCO001", "非税收入")
    ind = next(i for i in ev.indicators if (i.level2, i.name.text) == tuple(f.location.path[-2:]))
    assert f.location.source == ind.score.loc and f.evidence.suggested == 2.89
    ev, f = _one("IND001", "安全生产专项")
    ind = next(i for i in ev.indicators if (i.level2, i.name.text) == tuple(f.location.path[-2:]))
    assert f.location.source == ind.target.loc


def test_every_rule_with_a_computed_cell_value_says_what_to_write():
    # budget, arithmetic and scoring rules whose evidence is a figure of a cell carry the value to write —
    # not where the fix is elsewhere: ARI001's is in the rows under the declared weight (its message says so),
    # ARI010's in the total or one of the parts of a sentence (tests/test_suggested_values.py applies the rest)
    for rid in ("BUD001", "BUD002", "BUD003", "BUD007", "ARI003", "ARI007", "ARI008", "SCO001", "SCO002", "SCO003"):
        assert RULES[rid].evidence.suggested, rid
    for rid in ("ARI001", "ARI010"):
        assert RULES[rid].evidence.suggested is None, rid
    assert "应调整其下各行分值" in RULES["ARI001"].message.zh


def test_every_rule_names_the_figures_it_shows():
    """填报/计算 only where a reported figure meets its recomputation; every other figure says what it is."""
    for rule in RULES.values():
        spec = rule.evidence
        for name in ("reported", "computed"):
            assert getattr(spec, name) is None or name in spec.labels, (rule.id, name)
    generic = {"填报", "计算"}
    assert not generic & {x.zh for x in RULES["SCO004"].evidence.labels.values()}  # a sentence is not 计算
    assert RULES["SCO005"].evidence.labels["reported"].zh == "指标值"  # 3月、10月 is the target, not 填报
    assert RULES["IND004"].evidence.resolved_labels()["tolerance"].zh == "倍数阈值"


def test_evidence_labels_in_the_findings():
    _, paste = next((ev, f) for ev, f in FOUND if f.rule == "DUP004")
    assert evidence_parts(paste.evidence, "zh")[:2] == [("相同比例", "83%"), ("阈值", "60%")]
    _, copy = _one("DUP001", "安全生产专项")
    assert [label for label, _ in evidence_parts(copy.evidence, "zh")] == ["问题文字见于措施", "整体相似度", "阈值"]
    assert all(value.endswith("%") for _, value in evidence_parts(copy.evidence, "zh"))  # no bare 0.891
    _, claim = _one("CON004", "安全生产专项")
    assert [label for label, _ in evidence_parts(claim.evidence, "zh")][:2] == ["报告所述", "表内值"]
    _, rate = _one("BUD001", "执法办案经费")
    assert [label for label, _ in evidence_parts(rate.evidence, "en")] == ["reported rate", "executed ÷ budget",
                                                                          "should be", "tolerance"]


def test_evidence_labels_the_same_in_every_output(capsys, tmp_path):
    args = ["check", "--no-cache", "--jobs", "0", "--no-config", "--select", "ARI002,DUP001", str(SEED)]
    main(args)
    assert "问题文字见于措施 96% · 整体相似度 89% · 阈值 80%" in capsys.readouterr().out
    main([*args, "--format", "json"])
    found, *_ = [f for r in json.loads(capsys.readouterr().out)["reports"] for f in r["findings"]
               if f["rule"] == "DUP001"]
    assert found["evidence"]["labels"]["reported"] == {"zh": "问题文字见于措施", "en": "problems found in the measures",
                                                       "percent": True}
    out = tmp_path / "f.html"
    main([*args, "--format", "html", "--output", str(out)])
    assert "问题文字见于措施" in out.read_text(encoding="utf-8")


def test_suggested_value_in_console_sarif_and_xlsx(capsys, tmp_path):
    main(["check", "--no-cache", "--jobs", "0", "--no-config", "--select", "BUD001", str(SEED)])
    assert "应填 42.19%" in capsys.readouterr().out
    main(["check", "--no-cache", "--jobs", "0", "--no-config", "--select", "BUD001", "--format", "sarif", str(SEED)])
    sarif = json.loads(capsys.readouterr().out)
    [result] = sarif["runs"][0]["results"]
    assert result["message"]["text"].endswith("（应填 42.19%）")
    out = tmp_path / "f.xlsx"
    main(["check", "--no-cache", "--jobs", "0", "--no-config", "--select", "BUD001", "--format", "xlsx", "--output",
          str(out), str(SEED)])
    capsys.readouterr()
    ws = load_workbook(io.BytesIO(out.read_bytes())).worksheets[0]
    head = [c.value for c in ws[1]]
    assert ws.cell(2, head.index("应填") + 1).value == "42.19%"


def test_real_filing_rate_cell_from_sources():
    """安徽 池州: the 年度资金总额 row is zeros; the rate is measured on the sources and points at the 执行率 cell."""
    [filing] = read_path(FIXTURES / "real" / "ah_chizhou_tangxi_2022_weituo.txt")
    [report] = check_reports([filing], [RULES["BUD001"], RULES["BUD002"]])
    rate, score = report.findings
    total = filing.evaluations[0].funding_row("total")
    assert (rate.location.source, rate.evidence.suggested) == (total.rate.loc, "100%")
    assert (score.location.source, score.evidence.suggested) == (total.score.loc, 10)
    assert "资金来源合计的全年执行数89.974万元" in rate.message.zh


def test_a_filing_lists_errors_then_warnings_then_notes_each_in_document_order():
    from checker.findings import SEVERITY_ORDER

    for report in check_reports(read_path(SEED), RULES.values()):
        ranks = [SEVERITY_ORDER[f.severity] for f in report.findings]
        assert ranks == sorted(ranks) and ranks[0] == 0, report.project
        errors = [f.position_key() for f in report.findings if f.severity == "error"]
        assert errors == sorted(errors)


def test_a_pasted_group_is_listed_whole_once_and_pointed_to_after(capsys):
    main(["check", "--no-cache", "--jobs", "0", "--no-config", "--select", "DUP004", str(SEED)])
    out = capsys.readouterr().out
    sections = out.split("── ")[1:]
    first, later = sections[0], "".join(sections[1:])
    assert first.count("相同比例") == first.count("DUP004") > 0 and "已在“" not in first
    assert later.count("同一段雷同文字，已在“安全生产专项”列出") >= 3 and later.count("相同比例") < later.count("DUP004")
