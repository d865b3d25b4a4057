"""The seed: every finding the issue lists, none of its non-findings, the same on .docx (the snapshot of every
output format is in test_snapshots.py)."""

from __future__ import annotations

import json

import pytest

from checker.cli import main
from tests.conftest import FIXTURES, ROOT

# (project, rule, text that must appear in the message or the location path)
EXPECTED = [
    ("安全生产专项", "ARI001", "产出指标声明50分，其下各三级指标分值合计47分"),
    ("安全生产专项", "ARI002", "合计97分，应为100分"),
    ("安全生产专项", "ARI003", "总分填报95.5分，预算执行率得分与各三级指标得分合计为92.5分"),
    ("安全生产专项", "CON004", "全年发生生产安全事故98起”，自评表“年度安全生产事故起数”实际完成值为80起"),
    ("安全生产专项", "CON004", "死亡107人”，自评表“年度安全生产事故死亡人数”实际完成值为86人"),
    ("安全生产专项", "BUD004", "成本指标实际完成值合计215万元，超过全年执行数210万元"),
    ("安全生产专项", "SCO004", "综合减灾示范社区创建"),
    ("安全生产专项", "SCO004", "综合减灾示范区创建成功率"),
    ("安全生产专项", "SCO004", "目前省厅正在对4个安全生产示范乡镇创建进行验收"),
    ("安全生产专项", "SCO005", "时效指标要求“3月、10月”，实际在1、4月完成"),
    ("安全生产专项", "SCO003", "年度指标值3期，实际完成2期，得3.5分，高于按完成比例计算的3.33分"),
    ("安全生产专项", "SCO003", "年度指标值30次，实际完成10次，得2分，高于按完成比例计算的1.67分"),
    ("安全生产专项", "DUP001", "改进措施与存在的问题"),
    ("安全生产专项", "DUP002", "“全民安全生产意识”连写两次"),
    ("安全生产专项", "DUP003", "减少灾害对生态环境的破坏比上期降低"),
    ("安全生产专项", "DUP003", "全市应急管理水平持续提高"),
    ("安全生产专项", "IND001", "计量单位“万元元”无法识别"),
    ("执法办案经费", "BUD001", "执行率填报100%，按全年执行数40.5万元÷全年预算数96万元应为42.2%"),
    ("执法办案经费", "BUD002", "应为4.22分"),
    ("执法办案经费", "BUD003", "年度资金总额96万元，其中当年财政拨款、上年结转资金、其他资金合计40.5万元"),
    ("执法办案经费", "CON001", "称资金40.5万元，自评表全年预算数为96万元"),
    ("执法办案经费", "CON002", "自评报告称“已全部使用”"),
    ("执法办案经费", "DUP001", "改进措施与存在的问题"),
    ("执法办案经费", "DUP003", "年度安全生产事故起数同比下降5%"),
    ("执法办案经费", "CON005", "本项目填“年度安全生产事故起数同比下降5%”，同单位“安全生产专项”填“生产安全事故80起，同比减少13起，下降14%”"),
    ("安全生产专项", "CON005", "同单位“执法办案经费”填“年度安全生产事故起数同比下降5%”"),
    ("非税收入", "BUD004", "成本指标实际完成值合计54.5万元，超过全年执行数54万元"),
    ("非税收入", "SCO001", "年度指标值13，实际完成13.5，未达到却得满分3分"),
    ("非税收入", "SCO001", "年度指标值26，实际完成26.2，未达到却得满分3分"),
    ("非税收入", "SCO002", "年度指标值15，实际完成14.8，已达到却只得2.96分"),
    ("非税收入", "IND002", "实际完成值却是数量“1244”"),
    ("非税收入", "IND002", "实际完成值却是数量“716”"),
    ("非税收入", "IND002", "实际完成值却是数量“6755”"),
    ("非税收入", "IND002", "实际完成值却是数量“3330”"),
    # pasted paragraphs: one finding per pasted group, on its first project, listing the others
    ("安全生产专项", "DUP004", "“存在的问题”有100%与“执法办案经费”的“存在的问题”相同（共涉及2个其他项目：“执法办案经费”、“非税收入”）"),
    ("安全生产专项", "DUP004", "“改进措施”有100%与“执法办案经费”的“改进措施”相同（共涉及2个其他项目：“执法办案经费”、“非税收入”）"),
    ("安全生产专项", "DUP004", "“项目绩效目标完成情况 › 第2段”有62%与“非税收入”"),
    ("安全生产专项", "DUP004", "“项目支出管理和使用基本情况”有83%与“执法办案经费”的“项目支出管理和使用基本情况”相同（共涉及2个其他项目"),
    # the pasted text seen from the other projects it stands in, too (issue 18: 非税收入's paragraph was pasted)
    ("非税收入", "DUP004", "“项目支出管理和使用基本情况”有82%与“安全生产专项”"),
    ("执法办案经费", "DUP004", "“存在的问题”有100%与“安全生产专项”的“存在的问题”相同"),
]
# findings that need the narrative report, which an .xlsx does not carry
NARRATIVE_RULES = {"CON001", "CON002", "CON003", "CON004", "DUP001", "DUP004"}


def test_pasted_group_is_seen_from_every_project_and_counted_once(seed_json):
    pastes = [(p, f) for p, f in _findings(seed_json) if f["rule"] == "DUP004"]
    assert {p for p, _ in pastes} == {"安全生产专项", "执法办案经费", "非税收入"}
    problems = [(p, f) for p, f in pastes if f["location"]["path"][-1] == "存在的问题"]
    assert [p for p, _ in problems] == ["安全生产专项", "执法办案经费", "非税收入"]
    assert len({f["evidence"]["group"] for _, f in problems}) == 1  # one group: counted once
    for p, f in problems:
        assert {o["project"] for o in f["evidence"]["others"]} == {"安全生产专项", "执法办案经费", "非税收入"} - {p}
    groups = {f["evidence"]["group"] for _, f in pastes}
    assert seed_json["summary"]["by_rule"]["DUP004"] == len(groups) == 4  # 存在的问题 also pasted as 改进措施


def _check(capsys, path: str, *extra: str) -> tuple[int, dict]:
    code = main(["check", path, "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def _findings(doc: dict) -> list[tuple[str, dict]]:
    return [(r["project"], f) for r in doc["reports"] for f in r["findings"]]


def _has(found: list[tuple[str, dict]], project: str, rule: str, needle: str) -> bool:
    return any(p == project and f["rule"] == rule and (needle in f["messages"]["zh"]
                                                       or needle in " › ".join(f["location"]["path"]))
               for p, f in found)


@pytest.fixture(scope="module")
def seed_json():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "checker.cli", "check", "fixtures/seed_yongzhou_2021.txt", "--format",
                          "json"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 1, out.stderr  # error findings
    return json.loads(out.stdout)


@pytest.mark.parametrize(("project", "rule", "needle"), EXPECTED)
def test_expected_finding(seed_json, project, rule, needle):
    assert _has(_findings(seed_json), project, rule, needle)


def _on_row(found, project: str, row: str) -> list[str]:
    return [f["rule"] for p, f in found if p == project and f["severity"] in ("error", "warning")
            and f["location"]["path"][-1] == row]


def test_non_findings(seed_json):
    found = _findings(seed_json)
    # the report's 7999 and 4046 examinees equal the sums of the rows; 130家 in report and table
    assert not [f for p, f in found if f["rule"] == "CON004" and p == "非税收入"]
    assert not [f for p, f in found if f["rule"] == "CON004" and "130" in f["messages"]["zh"]]
    # 执法办案经费's and 非税收入's totals equal their rows
    assert not [f for p, f in found if f["rule"] == "ARI003" and p != "安全生产专项"]
    # >10个→6个 scored 3 of 5 with a reason; 罚没 16→15 scored 4.7; satisfaction 100% against ≥95%;
    # 安全生产考核巡查 5次 → 考核4次，巡查2次
    assert _on_row(found, "执法办案经费", "生产安全事故处罚") == []
    assert _on_row(found, "执法办案经费", "烟花爆竹和危险化学品行业罚没") == []
    for project in ("安全生产专项", "执法办案经费"):
        assert _on_row(found, project, "社会公众和企业对应急管理工作的满意度") == []
    assert _on_row(found, "非税收入", "参与特种作业考核人员满意度") == []
    assert _on_row(found, "安全生产专项", "安全生产考核巡查") == []


def test_summary_and_errors(seed_json):
    assert seed_json["errors"] == []
    assert seed_json["summary"]["reports"] == 3
    assert [r["project"] for r in seed_json["reports"]] == ["安全生产专项", "执法办案经费", "非税收入"]
    found = [f for r in seed_json["reports"] for f in r["findings"]]
    groups = {f["evidence"]["group"] for f in found if f["evidence"].get("group")}
    assert seed_json["summary"]["findings"] == sum(1 for f in found if not f["evidence"].get("group")) + len(groups)


def test_docx_gives_the_same_findings(capsys, seed_json):
    code, doc = _check(capsys, str(FIXTURES / "seed_yongzhou_2021.docx"))
    assert code == 1

    def key(d):
        return sorted((p, f["rule"], f["messages"]["zh"]) for p, f in _findings(d))

    assert key(doc) == key(seed_json)


def test_xlsx_gives_the_table_findings(capsys):
    code, doc = _check(capsys, str(FIXTURES / "seed_yongzhou_2021.xlsx"))
    assert code == 1
    found = _findings(doc)
    for project, rule, needle in EXPECTED:
        if rule not in NARRATIVE_RULES:
            assert _has(found, project, rule, needle), (project, rule, needle)
    assert not [f for _, f in found if f["rule"] in NARRATIVE_RULES]
    # an .xlsx names cells: every table finding points at a sheet and a cell
    assert all(f["location"]["source"].get("cell") for _, f in found if f["location"].get("source"))


def test_findings_are_deterministic(capsys, seed_json, monkeypatch):
    monkeypatch.chdir(ROOT)
    _, again = _check(capsys, "fixtures/seed_yongzhou_2021.txt")
    assert again == seed_json
