"""Every result says which checks ran on the filing, which passed, and which could not run and why — so a
clean result on a filing where half the checks could not run never reads as 未发现问题 alone."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from checker.cli import main
from checker.inputs import INPUTS
from checker.readers import read_path
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import FIXTURES, SEED, check_reports

RULES = load_rules([bundled_rules_dir()])
OPTIONAL = {"ARI006": ["profile"], "ARI007": ["header_total"], "ARI008": ["grade"], "BUD006": ["profile"],
            "BUD007": ["department", "department_sources"], "BUD009": ["received"]}


def _reports(path):
    return check_reports(read_path(path), RULES)


def test_the_seed_runs_every_check_its_form_allows():
    for r in _reports(SEED):
        assert r.coverage.not_run == {}, r.project
        assert r.coverage.not_applicable == OPTIONAL
        c = r.coverage.counts(f.rule for f in r.findings)
        assert c["checks"] == len(RULES) and c["ran"] == len(RULES) - len(OPTIONAL)
        assert c["passed"] == c["ran"] - len({f.rule for f in r.findings})


def test_a_report_without_a_table_lists_the_table_checks_as_not_run():
    [r] = _reports(FIXTURES / "real" / "ah_hefei_yaohai_nlsw_2022_dangjian.txt")
    reasons = r.coverage.reasons()
    assert {"ARI003", "ARI004", "BUD006"} <= set(reasons["table"])  # the table, not its 37 columns
    assert "weights" not in reasons and "scores" not in reasons
    assert r.coverage.not_run["SCO001"] == ["indicators", "table"]  # no indicator with a target, no scores
    assert "DUP001" in reasons["problems"]
    assert r.coverage.counts(f.rule for f in r.findings)["not_run"] == 44


def test_a_table_without_a_deviation_column_cannot_check_unexplained_deductions():
    [r] = _reports(FIXTURES / "real" / "hb_guangshui_jtj_2021_xiangcun.txt")
    assert r.coverage.not_run["SCO006"] == ["deviation_column"]
    assert "SCO001" in r.coverage.ran


def test_a_clean_result_with_checks_not_run_does_not_read_as_clean(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text("2022年度乡村公路养护项目绩效自评报告\n\n一、项目基本情况\n\n该项目年度预算100万元，"
                      "实际支出100万元，预算执行率100%。\n\n二、存在的问题\n\n部分路段养护不及时。\n\n"
                      "三、改进措施\n\n建立巡查台账，按月考核。\n", encoding="utf-8")
    code = main(["check", "--no-cache", "--no-config", "-j", "0", "--select", "SCO,ARI,DUP001", str(report)])
    out = capsys.readouterr().out
    assert code == 0
    assert "未发现问题" not in out.replace("已运行的检查未发现问题", "")
    assert "已运行的检查未发现问题（部分检查无法运行，见上）" in out
    assert "无法运行" in out and "缺少：自评表" in out and "有检查无法运行的项目 1" in out


def test_coverage_in_json_page_and_working_paper(tmp_path, capsys):
    path = FIXTURES / "real" / "hb_guangshui_jtj_2021_xiangcun.txt"
    main(["check", "--no-cache", "--no-config", "-j", "0", "--format", "json", str(path)])
    doc = json.loads(capsys.readouterr().out)
    [rep] = doc["reports"]
    assert rep["coverage"]["not_run"]["SCO006"] == ["deviation_column"]
    assert {"input": "deviation_column", "label": "偏差原因分析列", "rules": ["SCO006"]} in rep["coverage"]["missing"]
    assert doc["summary"]["partly_checked"] == 1 and doc["summary"]["checks_not_run"] == 15
    page = tmp_path / "r.html"
    main(["check", "--no-cache", "--no-config", "-j", "0", "--format", "html", "-o", str(page), str(path)])
    assert 'class="coverage partly">检查61项：已运行38项（通过35项），无法运行15项（缺少：自评报告11项' in page.read_text()
    paper = tmp_path / "r.xlsx"
    main(["check", "--no-cache", "--no-config", "-j", "0", "--format", "xlsx", "-o", str(paper), str(path)])
    rows = list(load_workbook(paper)["检查覆盖"].iter_rows(min_row=2, values_only=True))
    assert rows[0][2:7] == (61, 38, 35, 15, 8) and "偏差原因分析列（1）" in rows[0][7] and "SCO006" in rows[0][8]


def test_coverage_survives_the_cache(tmp_path, capsys):
    args = ["check", "--no-config", "-j", "0", "--format", "json", "--cache-dir", str(tmp_path / "c"), str(SEED)]
    main(args)
    first = json.loads(capsys.readouterr().out)
    main(args)
    second = json.loads(capsys.readouterr().out)
    assert [r["coverage"] for r in first["reports"]] == [r["coverage"] for r in second["reports"]]
    assert first["reports"][0]["coverage"]["not_applicable"] == OPTIONAL


def test_every_rule_names_known_inputs_with_the_fundamental_ones_first():
    for rule in RULES:
        assert all(name in INPUTS for name in rule.requires), rule.id
        if "table" in rule.requires:  # the table (or the report) comes before the parts of it
            assert rule.requires[0] in ("table", "report"), rule.id
