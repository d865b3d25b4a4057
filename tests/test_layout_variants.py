"""Layouts met in other provinces: the shared layout step maps them by labels, not positions."""

from __future__ import annotations

import pytest
from docx import Document
from openpyxl import Workbook

from checker.readers import read_path
from fixtures.make_renderings import GridCell, docx_table
from tests.conftest import FIXTURES, check_reports


def test_split_target_columns_and_other_weights():
    [filing] = read_path(FIXTURES / "edge" / "variant_split_target_2023.txt")
    [ev] = filing.evaluations
    assert (ev.year, ev.project, ev.department, ev.implementer) == (2023, "乡村道路养护", "某县交通运输局", "某县公路养护中心")
    # 产出60 + 效益30 and no 满意度
    assert [(lv.name, lv.declared_weight) for lv in ev.level1] == [("产出指标", 60), ("效益指标", 30)]
    # 权重 for 分值, 本年财政拨款 for 当年财政拨款
    total, current = ev.funding_row("total"), ev.funding_row("current")
    assert (total.weight.number, total.rate.number, total.score.number) == (10, 85, 8.5)
    assert (current.budget.number, current.executed.number) == (118, 100.3)
    # 指标性质 | 指标值 | 度量单位 folded into one target
    first = ev.indicators[0]
    assert (first.nature, first.measure_unit, first.target.raw) == ("≥", "公里", "≥300公里")
    assert (first.target.parsed.op, first.target.number, first.target.parsed.unit) == (">=", 300, "公里")
    cost = ev.indicators[3]
    assert (cost.level2, cost.target.parsed.op, cost.target.number, cost.target.parsed.unit) == (
        "成本指标", "<=", 0.35, "万元")
    qualitative = ev.indicators[4]
    assert (qualitative.nature, qualitative.target.raw, qualitative.target.parsed.kind) == ("定性", "明显提升", "text")
    # no 偏差 column: deviation stays empty rather than borrowing a neighbour
    assert all(i.deviation.empty for i in ev.indicators)
    assert (ev.total.weight.number, ev.total.score.number) == (100, 91.5)
    assert ev.warnings == ["missing 自评报告 (the narrative report)"]


def _grid_rows(rows: list[list[tuple]]) -> list[list[GridCell]]:
    return [[GridCell(*cell) for cell in row] for row in rows]


def test_docx_two_row_header_and_project_label(tmp_path):
    """年度指标值 spans 指标性质 | 指标值 | 度量单位 on a second header row; 项目名称 instead of 项目支出名称."""
    grid = _grid_rows([
        [("项目名称", 0, 2), ("社区养老服务补助", 2, 9)],
        [("主管部门", 0, 2), ("某市民政局", 2, 4), ("实施单位", 6, 2), ("某市养老服务中心", 8, 3)],
        [("项目资金（万元）", 0, 2, "restart"), ("", 2, 3), ("年初预算数", 5), ("全年预算数", 6), ("全年执行数", 7),
         ("分值", 8), ("执行率", 9), ("得分", 10)],
        [("", 0, 2, "continue"), ("年度资金总额", 2, 3), ("500", 5), ("480", 6), ("456", 7), ("20", 8),
         ("95%", 9), ("19", 10)],
        [("年度总体目标", 0, 2, "restart"), ("预期目标", 2, 5), ("实际完成情况", 7, 4)],
        [("", 0, 2, "continue"), ("为800名老人提供居家服务", 2, 5), ("为812名老人提供居家服务", 7, 4)],
        [("绩效指标", 0, 1, "restart"), ("一级指标", 1, 1, "restart"), ("二级指标", 2, 1, "restart"),
         ("三级指标", 3, 1, "restart"), ("年度指标值", 4, 3), ("实际完成值", 7, 1, "restart"),
         ("分值", 8, 1, "restart"), ("得分", 9, 1, "restart"), ("偏差原因分析及改进措施", 10, 1, "restart")],
        [("", 0, 1, "continue"), ("", 1, 1, "continue"), ("", 2, 1, "continue"), ("", 3, 1, "continue"),
         ("指标性质", 4), ("指标值", 5), ("度量单位", 6), ("", 7, 1, "continue"), ("", 8, 1, "continue"),
         ("", 9, 1, "continue"), ("", 10, 1, "continue")],
        [("", 0, 1, "continue"), ("产出指标（40分）", 1, 1, "restart"), ("数量指标", 2, 1, "restart"),
         ("服务老人数", 3), ("≥", 4), ("800", 5), ("人", 6), ("812人", 7), ("40", 8), ("40", 9), ("", 10)],
        [("", 0, 1, "continue"), ("效益指标（30分）", 1, 1, "restart"), ("社会效益指标", 2, 1, "restart"),
         ("投诉率", 3), ("≤", 4), ("2", 5), ("%", 6), ("3%", 7), ("30", 8), ("20", 9), ("个别服务不及时", 10)],
        [("", 0, 1, "continue"), ("满意度指标（10分）", 1, 1, "restart"), ("服务对象满意度指标", 2, 1, "restart"),
         ("老人满意度", 3), ("≥", 4), ("90", 5), ("%", 6), ("93%", 7), ("10", 8), ("10", 9), ("", 10)],
        [("总分", 0, 8), ("100", 8), ("89", 9), ("", 10)],
    ])
    doc = Document()
    doc.add_paragraph("2022年度项目支出绩效自评表")
    docx_table(doc, grid, 11)
    path = tmp_path / "variant.docx"
    doc.save(str(path))
    [ev] = read_path(path)[0].evaluations
    assert (ev.year, ev.project, ev.department, ev.implementer) == (2022, "社区养老服务补助", "某市民政局", "某市养老服务中心")
    total = ev.funding_row("total")
    assert (total.budget.number, total.executed.number, total.weight.number, total.score.number) == (480, 456, 20, 19)
    assert ev.goal.actual.text == "为812名老人提供居家服务"
    assert [(lv.name, lv.declared_weight) for lv in ev.level1] == [("产出指标", 40), ("效益指标", 30), ("满意度指标", 10)]
    assert [(i.name.text, i.target.raw, i.actual.raw, i.weight.number, i.score.number) for i in ev.indicators] == [
        ("服务老人数", "≥800人", "812人", 40, 40),
        ("投诉率", "≤2%", "3%", 30, 20),
        ("老人满意度", "≥90%", "93%", 10, 10),
    ]
    assert ev.indicators[1].deviation.text == "个别服务不及时"
    assert (ev.total.weight.number, ev.total.score.number) == (100, 89)


def test_xlsx_year_from_file_name_and_notes_sheet_skipped(tmp_path):
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes["A1"] = "请按要求填写。"
    ws = wb.create_sheet("项目1")
    rows = [
        ["项目名称", "河道保洁"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", 30, 30, 30, 10, 1, 10],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "权重", "得分", "偏差原因分析"],
        ["", "产出指标(50分)", "数量指标", "保洁河道长度", "≥20公里", "22公里", 50, 50, ""],
        ["总分", "", "", "", "", "", 100, 60],
    ]
    for r in rows:
        ws.append(r)
    ws["G3"].number_format = "0%"
    path = tmp_path / "2020_河道保洁.xlsx"
    wb.save(str(path))
    [ev] = read_path(path)[0].evaluations
    assert (ev.year, ev.project) == (2020, "河道保洁")
    assert ev.funding_row("total").rate.raw == "100%"
    ind = ev.indicators[0]
    assert (ind.target.raw, ind.weight.number, ind.score.number) == ("≥20公里", 50, 50)
    assert (ev.total.weight.number, ev.total.score.number) == (100, 60)
    assert ev.total.score.loc.cell == "H6"


def test_report_written_as_prose_before_the_table(tmp_path):
    """Many units write the 自评报告 as headed paragraphs, not as the two-column form."""
    from checker.rulebook import bundled_rules_dir, load_rules
    from fixtures.make_renderings import WIDTH, score_grid

    seed = read_path(FIXTURES / "seed_yongzhou_2021.txt")[0].evaluations[2]
    problems = "考核场地不足，部分考生需跨县区参考，预约等候时间较长。"
    doc = Document()
    for text in ["2021年度项目支出绩效自评报告", "一、部门概况", "项目名称：非税收入", "年度预算金额：54万元",
                 "项目主管部门：永州市应急管理局", "二、项目支出管理和使用基本情况",
                 "非税收入（特种作业考核费）54万元，已全部拨付考试中心，用于考核成本支出。",
                 "三、项目绩效目标完成情况", "1、产出指标完成情况分析。特种作业人员理论考核人数7999人。",
                 "2、效益指标完成情况分析。规范特种作业人员持证上岗。", "四、存在的问题", problems,
                 "（五）改进措施", "较好完成了年度目标。" + problems, "2021年度项目支出绩效自评表"]:
        doc.add_paragraph(text)
    docx_table(doc, score_grid(seed), WIDTH)
    path = tmp_path / "prose.docx"
    doc.save(str(path))
    [ev] = read_path(path)[0].evaluations
    n = ev.narrative
    assert (ev.project, ev.department, ev.year) == ("非税收入", "永州市应急管理局", 2021)
    assert n.budget.text == "54万元" and n.management.text.startswith("非税收入（特种作业考核费）54万元")
    assert [p.text[:2] for p in n.achievement] == ["1、", "2、"]
    assert n.problems.text == problems and n.measures.text.startswith("较好完成了年度目标")
    assert n.management.loc.paragraph == 6
    assert len(ev.indicators) == 20 and ev.warnings == []
    rules = load_rules([bundled_rules_dir()])
    found = {f.rule for r in check_reports(read_path(path), rules) for f in r.findings}
    assert {"DUP001", "BUD004", "SCO001", "IND002"} <= found and "CON004" not in found


def test_prose_report_alone(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("2022年度项目支出绩效自评报告\n项目名称：河道保洁\n一、项目支出管理和使用基本情况\n"
                    "全年执行30万元。\n二、存在的问题\n保洁频次不足。\n三、改进措施\n增加保洁班次。\n", encoding="utf-8")
    [ev] = read_path(path)[0].evaluations
    assert (ev.project, ev.year, ev.narrative.problems.text) == ("河道保洁", 2022, "保洁频次不足。")
    assert ev.warnings == ["missing 自评表 (the scored table)"]


def test_stray_heading_is_not_a_report(tmp_path):
    path = tmp_path / "memo.txt"
    path.write_text("关于改进措施的通知\n存在的问题\n请各单位自查。\n", encoding="utf-8")
    from checker.errors import InputError

    with pytest.raises(InputError):
        read_path(path)


def test_annotated_labels(tmp_path):
    """Headers and labels with a trailing annotation: 年度指标值(A), 分值（权重）, 其他资金（自筹）, 项目名称（专项）."""
    rows = [
        ["项目名称（专项）", "农村饮水安全"],
        ["主管部门（单位）", "某县水利局"],
        ["项目资金（万元）", "", "年初预算数（A）", "全年预算数（B）", "全年执行数（C）", "分值", "执行率（C/B）", "得分"],
        ["", "年度资金总额", "80", "80", "60", "10", "75%", "7.5"],
        ["", "其中：财政拨款", "70", "70", "52", "", "", ""],
        ["", "其他资金（自筹）", "10", "10", "8", "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值（A）", "实际完成值（B）", "分值（权重）", "得分", "偏差原因分析"],
        ["", "产出指标（60分）", "数量指标", "新建供水站", "≥4个", "4个", "60", "60", ""],
        ["", "效益指标（30分）", "社会效益指标", "受益人口", "≥2万人", "2.1万人", "30", "30", ""],
        ["总分（100分）", "100", "97.5"],
    ]
    text = "2023年度项目支出绩效自评表\n" + "\n\n".join("\n".join("\t" + c for c in r) for r in rows) + "\n"
    path = tmp_path / "annotated.txt"
    path.write_text(text, encoding="utf-8")
    [ev] = read_path(path)[0].evaluations
    assert (ev.project, ev.department) == ("农村饮水安全", "某县水利局")
    total, other = ev.funding_row("total"), ev.funding_row("other")
    assert (total.initial_budget.number, total.budget.number, total.executed.number, total.rate.number) == (80, 80, 60, 75)
    assert other.executed.number == 8 and ev.funding_row("current").executed.number == 52
    assert [(i.name.text, i.target.raw, i.weight.number) for i in ev.indicators] == [
        ("新建供水站", "≥4个", 60), ("受益人口", "≥2万人", 30)]
    assert ev.indicators[1].target.number == 20000 and ev.indicators[1].target.parsed.unit == "人"
    assert [(lv.name, lv.declared_weight) for lv in ev.level1] == [("产出指标", 60), ("效益指标", 30)]
    assert (ev.total.weight.number, ev.total.score.number) == (100, 97.5)


def test_funding_total_labelled_heji(tmp_path):
    """合计 as the funding total row is not the 总分 row."""
    rows = [
        ["项目名称", "乡村学校修缮"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "合计", "50", "50", "45", "10", "90%", "9"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["", "产出指标", "数量指标", "修缮校舍", "≥5所", "5所", "90", "90"],
        ["合计", "", "", "", "", "", "100", "99"],
    ]
    path = tmp_path / "heji.txt"
    path.write_text("2024年度项目支出绩效自评表\n" + "\n\n".join("\n".join("\t" + c for c in r) for r in rows) + "\n",
                    encoding="utf-8")
    [ev] = read_path(path)[0].evaluations
    assert ev.funding_row("total").executed.number == 45
    assert [i.name.text for i in ev.indicators] == ["修缮校舍"]
    assert (ev.total.weight.number, ev.total.score.number) == (100, 99)


@pytest.mark.parametrize(("text", "project", "unit"), [
    # no title: the subject a sentence opens with, the money allotted, the project an approval names
    ("一、基本情况\n（一）项目概况\n瓯海区排水管网工程(二期)是为进一步提高污水收集率的工程。项目资金11亿元。\n二、存在的问题\n无。\n",
     "瓯海区排水管网工程(二期)", ""),
    ("一、绩效目标分解下达情况\n（一）金寨县麻埠镇人民政府2023年度下达上级资金转移支付755.19万元。\n二、绩效目标完成情况分析\n已完成。\n",
     "上级资金转移支付", "金寨县麻埠镇人民政府"),
    ("一、项目情况\n（一）项目概况。根据《关于口岸幼儿园项目可行性研究报告的批复》，该项目位于口岸街道，总投资2238万元。\n"
     "二、评价情况\n绩效评价主要从过程、产出方面展开。\n", "口岸幼儿园项目", ""),
    # the opening sentence naming its unit and project
    ("为做好绩效管理工作，现将2022年西平县交通运输局农村公路建设项目绩效自评总结报告如下:\n一、资金情况\n项目资金2179万元。\n"
     "二、存在的问题\n无。\n", "农村公路建设项目", "西平县交通运输局"),
])
def test_a_report_without_a_title_is_named_by_its_own_words(tmp_path, text, project, unit):
    path = tmp_path / "2022_report.txt"
    path.write_text(text, encoding="utf-8")
    [ev] = read_path(path)[0].evaluations
    assert ev.project == project and ev.department == unit


def test_word_numbered_and_styled_headings_are_headings(tmp_path):
    """A .docx whose headings carry Word's automatic numbering or a heading style: the number is not in the
    text, the heading is still one."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_paragraph("某县水利局2022年度农村饮水安全项目绩效自评报告")

    def numbered(text: str) -> None:
        ppr = d.add_paragraph(text)._p.get_or_add_pPr()
        num, ilvl, num_id = OxmlElement("w:numPr"), OxmlElement("w:ilvl"), OxmlElement("w:numId")
        ilvl.set(qn("w:val"), "0")
        num_id.set(qn("w:val"), "1")
        num.append(ilvl)
        num.append(num_id)
        ppr.append(num)

    numbered("项目基本情况")
    d.add_paragraph("项目预算资金500万元，已支出320万元，执行率64%。")
    d.add_heading("绩效目标完成情况", level=1)
    d.add_paragraph("全年维修供水工程46处。")
    numbered("存在的问题")
    d.add_paragraph("资金拨付进度偏慢。")
    numbered("改进措施")
    d.add_paragraph("加快资金拨付。")
    path = tmp_path / "report.docx"
    d.save(str(path))
    [ev] = read_path(path)[0].evaluations
    n = ev.narrative
    assert (ev.project, ev.department) == ("农村饮水安全项目", "某县水利局")
    assert n.headings == ["purpose", "achievement", "problems", "measures"]
    assert (n.problems.text, n.measures.text, [t.text for t in n.achievement]) == (
        "资金拨付进度偏慢。", "加快资金拨付。", ["全年维修供水工程46处。"])
    assert ev.text_funding.rate.raw == "执行率64%"
