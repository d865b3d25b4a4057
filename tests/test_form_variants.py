"""Form variants of other provinces (fixtures/variants) and the form vocabulary as data (--forms)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from checker.cli import main
from checker.readers import read_path
from checker.readers.layout.vocabulary import FormsError, load_vocabulary
from tests.conftest import FIXTURES

VARIANTS = FIXTURES / "variants"


def _check_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", "--no-cache", "--jobs", "0", "--format", "json", "--no-config", *args])
    return code, json.loads(capsys.readouterr().out)


def test_yuan_funding_grade_header_breakdown_and_unknown_header_cell():
    [ev] = read_path(VARIANTS / "yuan_grade_breakdown_2022.txt")[0].evaluations
    assert (ev.project, ev.project_code, ev.department, ev.implementer) == (
        "乡村公厕改造提升", "330421220001", "某县农业农村局", "某县农村人居环境整治中心")
    assert ev.money_unit == "元"
    total = ev.funding_row("total")
    assert (total.budget.number, total.executed.number) == (1150000, 1035000)
    # 综合得分 and 评价等级 above the table; the total row's 96 is kept as the total, the header's 86.5 beside it
    assert (ev.total.weight.number, ev.total.score.number, ev.total.grade.text) == (100, 96, "良")
    assert (ev.header_total.score.number, ev.header_total.grade.text) == (86.5, "良")
    # 完成情况数值 is not in the vocabulary: read as 实际完成值 from its place between 年度指标值 and 分值
    assert [i.actual.raw for i in ev.indicators][:2] == ["38座", "10座"]
    assert any("完成情况数值" in w and "实际完成值" in w for w in ev.warnings)
    breakdown = ev.indicators[1]
    assert breakdown.name.text == "其中：新建公厕" and breakdown.breakdown and not breakdown.counted


def test_yuan_funding_is_checked_in_wan_yuan(capsys):
    _, doc = _check_json(capsys, str(VARIANTS / "yuan_grade_breakdown_2022.txt"))
    [report] = doc["reports"]
    rules = [f["rule"] for f in report["findings"]]
    # 1,035,000 元 of 1,150,000 元 is 90%: no execution finding; the breakdown row is no indicator of its own
    assert not {"BUD001", "BUD002", "ARI002"} & set(rules)


def test_whole_department_filing_keeps_income_and_expenditure_apart():
    [ev] = read_path(VARIANTS / "department_whole_2021.txt")[0].evaluations
    assert (ev.kind, ev.project, ev.year) == ("department", "某县文化旅游体育局", 2021)
    assert [(s.side, s.label, s.amount.number) for s in ev.sources] == [
        ("income", "一般公共预算", 800), ("expenditure", "基本支出", 520), ("income", "政府性基金拨款", 40),
        ("expenditure", "项目支出", 290), ("income", "纳入专户管理的非税收入拨款", 20), ("income", "其他资金", 0)]
    assert len([i for i in ev.indicators if i.counted]) == 4 and ev.total.score.number == 100


def test_prose_report_with_joined_and_suffixed_headings():
    [ev] = read_path(VARIANTS / "prose_joined_2023.txt")[0].evaluations
    n = ev.narrative
    assert (ev.project, ev.year, ev.has_table) == ("某县农村饮水安全维修养护专项资金", 2023, False)
    assert n.management.text.startswith("2023年预算资金500万元")
    assert [p.text[:4] for p in n.achievement] == ["（一）产", "（二）效"]
    # 存在的问题及改进措施 under one heading: the text is the problems, the measures are not missing
    assert (n.problems.text, n.measures, n.joined) == ("暂无问题。", None, ["measures"])
    assert [(g.part, g.reason) for g in ev.gaps] == [("table", "missing")]


# --- the vocabulary as data ------------------------------------------------------------------------

def _form(tmp_path, header: str) -> str:
    path = tmp_path / "2022_土家族自治县.txt"
    path.write_text(textwrap.dedent(f"""\
        2022年度项目支出绩效自评表
        项目名称\t民族文化保护传承
        主管部门\t某县民族宗教事务局
        项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
        \t年度资金总额\t50\t50\t45\t10\t90%\t9
        年度总体目标\t预期目标\t实际完成情况
        \t举办民族文化活动6场\t举办民族文化活动6场
        绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t{header}\t分值\t得分\t偏差原因分析及改进措施
        \t产出指标(50分)\t数量指标\t民族文化活动场次\t≥6场\t6场\t50\t50\t
        \t效益指标(30分)\t社会效益指标\t参与群众人次\t≥3000人次\t3500人次\t30\t30\t
        \t满意度指标(10分)\t服务对象满意度指标\t群众满意度\t≥90%\t96%\t10\t10\t
        总分\t100\t99\t
        """), encoding="utf-8")
    return str(path)


def test_a_province_label_is_added_by_a_user_vocabulary_without_code(tmp_path, capsys):
    path = _form(tmp_path, "年终核实值")
    [ev] = read_path(path)[0].evaluations
    # without the label the column is still inferred, with a warning naming the cell
    assert any("年终核实值" in w for w in ev.warnings)
    forms = tmp_path / "forms-xiangxi"
    forms.mkdir()
    (forms / "xiangxi.yaml").write_text(textwrap.dedent("""\
        description: 湘西州 2022 项目支出绩效自评表
        indicators:
          columns:
            actual: [年终核实值]
        """), encoding="utf-8")
    [ev] = read_path(path, load_vocabulary([forms]))[0].evaluations
    assert [i.actual.raw for i in ev.indicators] == ["6场", "3500人次", "96%"]
    assert not any("年终核实值" in w for w in ev.warnings)
    code = main(["parse", "--no-config", "--forms", str(forms), path])
    out, err = capsys.readouterr()
    assert code == 0 and "年终核实值" not in err and "3500人次" in out
    code, doc = _check_json(capsys, "--forms", str(forms), path)
    assert doc["reports"][0]["warnings"] == ["missing 自评报告 (the narrative report)"]


def test_forms_setting_in_the_settings_file(tmp_path, capsys):
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "a.yaml").write_text("indicators:\n  columns:\n    actual: [年终核实值]\n", encoding="utf-8")
    (tmp_path / "jxcheck.toml").write_text('forms = ["forms"]\n', encoding="utf-8")
    path = _form(tmp_path, "年终核实值")
    code = main(["check", "--no-cache", "--jobs", "0", "--format", "json", "--config", str(tmp_path / "jxcheck.toml"),
                 path])
    doc = json.loads(capsys.readouterr().out)
    assert code in (0, 1) and not any("年终核实值" in w for w in doc["reports"][0]["warnings"])


@pytest.mark.parametrize(("text", "message", "where"), [
    ("indicators:\n  columns:\n    actuals: [x]\n", "indicators.columns.actuals", "line 3, entry indicators.columns"),
    ("funding:\n  rows:\n    total: ['/(unclosed/']\n", "does not compile", "line 3, entry funding.rows.total"),
    ("funding:\n  rows:\n    total: ['/^(\\d+,?)+号单位$/']\n", "limit: nested quantifiers",
     "line 3, entry funding.rows.total"),
    ("funding:\n  rows:\n    total: ['/" + "a" * 301 + "/']\n", "limit: pattern length", "entry funding.rows.total"),
    ("titles: [a, b]\nunknown: 1\n", "unknown", "entry unknown"),
    ("indicators: [oops\n", "invalid YAML", "line 2, column 1"),
])
def test_broken_vocabulary_is_exit_2_naming_file_line_and_entry(tmp_path, capsys, text, message, where):
    forms = tmp_path / "bad"
    forms.mkdir()
    (forms / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FormsError) as exc:
        load_vocabulary([forms])
    assert message in str(exc.value) and where in str(exc.value) and "bad.yaml" in str(exc.value)
    code = main(["check", "--no-cache", "--jobs", "0", "--no-config", "--forms", str(forms),
                 str(FIXTURES / "seed_yongzhou_2021.txt")])
    _, err = capsys.readouterr()
    assert code == 2 and "bad.yaml" in err and message in err


def test_a_long_cell_is_never_tried_as_a_label():
    """Label patterns run on label-sized text only (a pattern with overlapping alternatives passes the shape
    check and could still backtrack on a 5,000-digit cell): a pattern that matches anything finds no label in
    a cell longer than a label can be."""
    from checker.readers.layout.vocabulary import LABEL_TEXT_MAX, Labels

    anything = Labels(["/.*/"])
    assert "1" * LABEL_TEXT_MAX in anything and "1" * (LABEL_TEXT_MAX + 1) not in anything


def test_bundled_vocabulary_documents_every_part():
    vocab = load_vocabulary([])
    data = vocab.data
    assert data.identity.project and data.funding.columns and data.indicators.columns and data.totals.score
    assert set(data.indicators.groups) == {"target", "section"}
    assert vocab.title_year("项目支出绩效自评表 (2022年度)") == 2022
    assert vocab.title_year("银川市本级部门项目支出绩效自评表(2021年)") == 2021


def test_directory_with_nothing_readable_is_exit_2(tmp_path, capsys):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    code = main(["check", "--no-cache", "--jobs", "0", "--no-config", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2


def test_error_through_an_inferred_column_is_a_warning_saying_why(tmp_path, capsys):
    """The arithmetic may hold while the reading does not: a finding read through a column inferred from its
    position is a warning at most, and says which column was inferred."""
    path = _form(tmp_path, "年终核实值")
    form = Path(path)
    form.write_text(form.read_text(encoding="utf-8").replace("\t≥6场\t6场\t50\t50\t", "\t≥6场\t4场\t50\t50\t"),
                    encoding="utf-8")
    _, doc = _check_json(capsys, "--select", "SCO001", path)
    [finding] = doc["reports"][0]["findings"]
    assert finding["severity"] == "warning"
    assert "读取存疑：实际完成值 ← 年终核实值列由位置推断" in finding["message"]
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "a.yaml").write_text("indicators:\n  columns:\n    actual: [年终核实值]\n", encoding="utf-8")
    _, doc = _check_json(capsys, "--select", "SCO001", "--forms", str(forms), path)
    assert doc["reports"][0]["findings"][0]["severity"] == "error"


# --- forms of other provinces (issue: read every published self-evaluation) ------------------------------

def test_department_form_with_label_and_figure_in_one_cell():
    """部门整体 form: 单位基本情况, 年度部门整体支出规模, 按收入性质分：2030.12 / 一般公共预算拨款：1800 in one cell,
    年度整体绩效目标 / 整体绩效目标完成情况 / 未能完成原因 as label rows."""
    [ev] = read_path(VARIANTS / "department_forms_2022.txt")[0].evaluations
    assert (ev.kind, ev.project, ev.year) == ("department", "某县农业农村局", 2022)
    assert [r.kind for r in ev.funding] == ["total"]  # no text read as a funding row
    assert [(s.side, s.label, s.amount.number) for s in ev.sources] == [
        ("income", "一般公共预算拨款", 1800), ("expenditure", "基本支出", 1100.5), ("income", "政府性基金拨款", 200),
        ("expenditure", "项目支出", 885.1), ("income", "其他资金", 30.12)]
    assert ev.goal.expected.text.startswith("1.保障机构正常运转") and ev.goal.actual.text.startswith("1.机构正常运转")
    assert len([i for i in ev.indicators if i.counted]) == 6 and ev.total.score.number == 99.78
    assert not [w for w in ev.warnings if "funding row" in w]


def test_period_and_annual_targets_are_two_targets_and_no_actual():
    """周期指标值 | 本年度指标值: the annual target is the target; the multi-year one is never the actual."""
    [ev] = read_path(VARIANTS / "period_target_2023.txt")[0].evaluations
    assert [(i.target.raw, i.actual.raw) for i in ev.indicators if i.counted][:2] == [("≥4处", ""), ("100%", "")]
    assert "actuals" not in {g.part for g in ev.gaps}  # a form without an actual column is not one left empty


def test_weights_at_each_level_and_the_sources_of_money_as_columns():
    """湖北 广水: 中央|省、地|本级|其他|合计|执行数|执行率 as columns; 项目权重|评价内容|分值|自评分|复核分|评价标准; 产出指标
    40 分 / 数量指标 15 分 in labels; 自评总分 above the table."""
    [ev] = read_path(FIXTURES / "real" / "hb_guangshui_jtj_2021_xiangcun.txt")[0].evaluations
    total = ev.funding_row("total")
    assert (total.budget.number, total.executed.number, total.rate.number) == (309, 309, 100)
    assert [(r.kind, r.budget.number) for r in ev.funding if r.kind != "total"] == [("current", 309)]
    assert [(i.name.text, i.weight.number, i.score.number) for i in ev.indicators][:2] == [("决策依据", 2, 2),
                                                                                            ("财务制度", 3, 3)]
    assert [(lv.name, lv.declared_weight) for lv in ev.level1] == [("项目决策", 2), ("项目管理", 13), ("产出指标", 40)]
    assert [(lv.name, lv.declared_weight) for lv in ev.level2] == [("数量指标", 15)]
    assert ev.total.score.number == 95 and "criteria" in ev.indicator_columns and "review" in ev.indicator_columns


def test_weights_in_columns_beside_each_level_and_a_basic_information_block():
    """海南: 一级指标|分值|二级指标|分值|三级指标|分值|得分 and 计划投资额 | 实际到位资金 | 实际使用情况 pairs."""
    [ev] = read_path(FIXTURES / "real" / "hi_hainan_swt_nd_fuwumaoyi.txt")[0].evaluations
    total = ev.funding_row("total")
    assert (total.budget.number, total.received.number, total.executed.number) == (570, 398.88, 395.86)
    assert [(lv.name, lv.declared_weight) for lv in ev.level1][:2] == [("项目决策", 20), ("项目管理", 25)]
    assert (ev.level2[0].name, ev.level2[0].declared_weight) == ("项目目标", 4)
    assert [(i.name.text, i.weight.number, i.score.number) for i in ev.indicators][:2] == [("目标内容", 4, 4),
                                                                                            ("决策依据", 3, 3)]
    assert ev.project == "服务贸易项目"
