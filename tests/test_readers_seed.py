"""The seed read field by field from its text export, and the same table facts from .docx and .xlsx."""

from __future__ import annotations

import pytest

from checker.model import Evaluation
from checker.readers import read_path
from tests.conftest import FIXTURES

PROJECTS = ["安全生产专项", "执法办案经费", "非税收入"]
FUNDING_TOTAL = {  # 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分
    "安全生产专项": (210, 210, 210, 10, 100, 10),
    "执法办案经费": (96, 96, 40.5, 10, 100, 10),
    "非税收入": (54, 54, 54, 10, 100, 10),
}
INDICATOR_ROWS = {"安全生产专项": 44, "执法办案经费": 21, "非税收入": 20}
TOTALS = {"安全生产专项": 95.5, "执法办案经费": 95.8, "非税收入": 99.96}
FORMATS = ["txt", "docx", "xlsx"]


def _evaluations(ext: str) -> list[Evaluation]:
    filings = read_path(FIXTURES / f"seed_yongzhou_2021.{ext}")
    assert len(filings) == 1
    return filings[0].evaluations


@pytest.fixture(scope="module", params=FORMATS)
def evaluations(request) -> list[Evaluation]:
    return _evaluations(request.param)


def test_three_projects(evaluations):
    assert [ev.project for ev in evaluations] == PROJECTS
    for ev in evaluations:
        assert ev.year == 2021
        assert ev.department == "永州市应急管理局"
        assert ev.implementer == "永州市应急管理局"
        assert ev.has_table
        assert ev.warnings == []


def test_funding(evaluations):
    for ev in evaluations:
        total = ev.funding_row("total")
        assert total is not None
        got = tuple(getattr(total, f).number for f in
                    ("initial_budget", "budget", "executed", "weight", "rate", "score"))
        assert got == FUNDING_TOTAL[ev.project]
        assert total.rate.parsed.unit == "%"
        assert [r.kind for r in ev.funding] == ["total", "current", "carryover", "other"]
    current = evaluations[1].funding_row("current")
    # 其中：当年财政拨款 40.5 stands in the 年初预算数 column; the rest of the row is empty
    assert current.initial_budget.number == 40.5
    assert current.budget.empty and current.executed.empty
    for ev in (evaluations[0], evaluations[2]):
        assert ev.funding_row("current").empty


def test_indicators(evaluations):
    for ev in evaluations:
        assert len(ev.indicators) == INDICATOR_ROWS[ev.project]
        assert [(lv.name, lv.declared_weight) for lv in ev.level1] == [
            ("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)]
        assert ev.total.weight.number == 100
        assert ev.total.score.number == TOTALS[ev.project]
    first = evaluations[0].indicators[0]
    assert (first.level1, first.level2, first.name.text) == ("产出指标", "数量指标", "安全生产隐患交办")
    assert (first.target.parsed.op, first.target.number, first.target.parsed.unit) == (">", 1200, "个")
    assert first.actual.number == 7134 and first.weight.number == 1 and first.score.number == 1
    training = evaluations[0].indicators[10]
    assert training.name.text == "社会应急救援队伍培训"
    assert (training.target.number, training.actual.number, training.weight.number, training.score.number) == (
        3, 2, 5, 3.5)
    assert training.deviation.text == "缺乏社会应急救援队伍培训专项资金"
    unit = evaluations[0].indicators[36]
    assert unit.level2 == "成本指标" and unit.target.raw == "0.5万元元/部"
    assert unit.target.parsed.issues == ["unknown unit 万元元"]
    satisfaction = evaluations[0].indicators[-1]
    assert (satisfaction.level1, satisfaction.level2) == ("满意度指标", "服务对象满意度指标")
    assert (satisfaction.target.parsed.op, satisfaction.target.number) == (">=", 95)


def test_empty_benefit_rows_are_kept(evaluations):
    rows = evaluations[2].indicators
    empty = [(i.level1, i.level2) for i in rows if i.empty]
    assert empty == [("效益指标", "经济效益指标"), ("效益指标", "生态效益指标")]
    assert [i.level2 for i in rows if i.level1 == "效益指标"] == [
        "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]


def test_level2_groups(evaluations):
    ev = evaluations[0]
    counts: dict[str, int] = {}
    for ind in ev.indicators:
        counts[ind.level2] = counts.get(ind.level2, 0) + 1
    assert counts == {"数量指标": 14, "质量指标": 8, "时效指标": 10, "成本指标": 5, "经济效益指标": 1,
                      "社会效益指标": 2, "生态效益指标": 1, "可持续影响指标": 2, "服务对象满意度指标": 1}


def test_goal(evaluations):
    goal = evaluations[0].goal
    assert goal.expected.text.startswith("建成永州市安全生产信息化综合性大平台")
    assert goal.actual.text.startswith("通过日常监管、挂牌督办")


def test_text_export_locations():
    ev = _evaluations("txt")[0]
    assert ev.total.score.loc.line == 600
    assert ev.indicators[0].target.loc.line == 148
    assert (ev.indicators[0].target.loc.table, ev.indicators[0].target.loc.col) == (1, 4)


def test_paragraph_locations():
    evs = _evaluations("txt")
    assert [(p.loc.paragraph, p.loc.line) for p in evs[0].narrative.achievement] == [(0, 25), (1, 27), (2, 29)]
    assert [(p.loc.paragraph, p.loc.line) for p in evs[1].narrative.achievement] == [(0, 627), (1, 628), (2, 630)]


def test_xlsx_locations():
    ev = _evaluations("xlsx")[1]
    loc = ev.funding_row("total").executed.loc
    assert loc.sheet == "执法办案经费"
    assert loc.cell == "F5"


@pytest.mark.parametrize("ext", ["txt", "docx"])
def test_narrative(ext):
    evs = _evaluations(ext)
    n = evs[0].narrative
    assert n.budget.text == "210万元"
    assert n.department.text == "永州市应急管理局"
    assert n.purpose.text.startswith("建成永州市安全生产信息化综合性大平台")
    assert n.management.text.startswith("安全生产专项经费210万元，按年度工作计划使用，资金使用率100%。")
    assert [p.text[:2] for p in n.achievement] == ["1、", "2、", "3、"]
    assert "全年发生生产安全事故98起，死亡107人" in n.achievement[0].text
    assert n.problems.text.startswith("从我局项目实施情况来看")
    assert n.measures.text.startswith("2021年度我局较好完成了本年度绩效目标")
    assert n.other.text == "无"
    second = evs[1].narrative
    assert second.management.text.startswith("执法办案经费经费40.5万元，已全部使用。")
    # "1、…" and "2、…" stand on adjacent lines without a blank between them in the export
    assert [p.text[:2] for p in second.achievement] == ["1、", "2、", "3、"]
    assert evs[2].narrative.budget.text == "54万元"


def test_xlsx_has_no_narrative():
    assert all(ev.narrative is None for ev in _evaluations("xlsx"))


def test_one_row_per_line_export(tmp_path):
    """Word's plain "convert table to text" writes each row on one line with TAB between cells."""
    ev = _evaluations("txt")[2]
    lines = ["2021年度项目支出绩效自评表", f"项目支出名称\t{ev.project}"]
    lines.append("项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分")
    for fr in ev.funding:
        lines.append("\t".join(["", fr.label] + [getattr(fr, f).raw for f in
                                                 ("initial_budget", "budget", "executed", "weight", "rate", "score")]))
    lines.append("绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施")
    for ind in ev.indicators:
        lines.append("\t".join(["", ind.level1, ind.level2, ind.name.raw, ind.target.raw, ind.actual.raw,
                                ind.weight.raw, ind.score.raw, ind.deviation.raw]))
    lines.append(f"总分\t{ev.total.weight.raw}\t{ev.total.score.raw}")
    path = tmp_path / "rows.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [got] = read_path(path)[0].evaluations
    assert (got.year, got.project) == (2021, "非税收入")
    assert [(i.name.text, i.target.raw, i.score.number) for i in got.indicators] == [
        (i.name.text, i.target.raw, i.score.number) for i in ev.indicators]
    assert got.funding_row("total").executed.number == 54
    assert got.total.score.number == 99.96
