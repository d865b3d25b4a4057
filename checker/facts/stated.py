"""Facts about what a filing states of itself: totals and their parts in a sentence, a goal whose actual
copies the expected text, the funding a report gives in words, a whole department's income against its
expenditure, and a grade against the total."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checker.facts.amounts import execution_of, money_num, money_scale, rnd
from checker.facts.figures import figures
from checker.facts.statements import stated_funding, stated_sums
from checker.facts.text import contained_share, none_answer, shorten, similarity
from checker.model import Evaluation, Text

if TYPE_CHECKING:
    from checker.facts.build import FactBuilder

# 财预〔2020〕10号 grades: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60
GRADE_BANDS = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", float("-inf")))
GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "合格": "中", "一般": "中", "及格": "中",
               "差": "差", "较差": "差", "不合格": "差"}


def grade_for(score: float) -> str:
    return next(g for g, low in GRADE_BANDS if score >= low)


def _texts(ev: Evaluation) -> list[tuple[list[str], Text]]:
    """The free texts where a sentence may state a total and its parts."""
    out: list[tuple[list[str], Text]] = []
    if ev.goal is not None:
        out += [(["自评表", "年度总体目标", "预期目标"], ev.goal.expected),
                (["自评表", "年度总体目标", "实际完成情况"], ev.goal.actual)]
    n = ev.narrative
    if n is not None:
        for name, label in (("budget", "年度预算金额"), ("purpose", "项目立项目的"), ("management", "项目支出管理和使用基本情况"),
                            ("problems", "存在的问题"), ("measures", "改进措施"), ("other", "其他需要说明问题")):
            t = getattr(n, name)
            if t is not None and not t.empty:
                out.append((["自评报告", label], t))
        out += [(["自评报告", "项目绩效目标完成情况", f"第{k + 1}段"], p) for k, p in enumerate(n.achievement)]
    for ind in ev.indicators:
        if not ind.deviation.empty:
            out.append((["自评表", "绩效指标", ind.name.text or "(未命名)", "偏差原因分析"], ind.deviation))
    return out


def add_stated(b: FactBuilder) -> None:
    ev = b.ev
    for path, text in _texts(ev):
        for st in stated_sums(text.raw):
            gap = st.gap
            b.add("stated_sum", {"section": path[-1], "sentence": shorten(st.sentence, 160), "total": st.total,
                                 "parts_sum": round(sum(st.parts), 6), "parts_count": len(st.parts), "gap": gap,
                                 "gap_abs": abs(gap), "gap_beyond_rounding": round(abs(gap) - st.slack, 6)},
                  text.loc, path, cell_text=st.sentence, parts=[f"{p:g}万元" for p in st.parts])
    _goal(b)
    _stated_funding(b)
    _department(b)


def _goal(b: FactBuilder) -> None:
    goal = b.ev.goal
    if goal is None or goal.expected.empty or goal.actual.empty:
        return
    expected, actual = goal.expected.raw, goal.actual.raw
    numbers = {(f.value, f.unit) for f in figures(expected)} == {(f.value, f.unit) for f in figures(actual)}
    sim, contained = round(similarity(expected, actual), 3), round(contained_share(actual, expected), 3)
    b.add("goal", {"expected": shorten(goal.expected.text, 200), "actual": shorten(goal.actual.text, 200),
                   "similarity": sim, "actual_in_expected": contained, "overlap": max(sim, contained),
                   "same_figures": numbers},
          goal.actual.loc, ["自评表", "年度总体目标", "实际完成情况"], cell_text=actual)


def _stated_funding(b: FactBuilder) -> None:
    """The budget and spending a report states in words, where no table gives them."""
    ev = b.ev
    n = ev.narrative
    if n is None or ev.has_table:
        return
    texts = [t.raw for t in (n.budget, n.management, n.purpose) if t is not None] + [p.raw for p in n.achievement]
    sf = stated_funding(texts)
    if sf.budget is None and sf.rate is None and not sf.full_use_text:
        return
    fields: dict[str, Any] = {"stated_budget": sf.budget, "stated_spent": sf.spent, "stated_rate": sf.computed_rate,
                              "full_use_claim": bool(sf.full_use_text), "full_use_text": sf.full_use_text,
                              "problems_none": n.problems is not None and none_answer(n.problems.raw)}
    loc = n.management.loc if n.management is not None else None
    b.add("stated_funding", fields, loc, ["自评报告", "项目支出管理和使用基本情况"],
          cell_text=n.management.raw if n.management is not None else None,
          problems=n.problems.text if n.problems is not None else "")


def _department(b: FactBuilder) -> None:
    """A whole department's execution is what it spent (按支出性质), not what it received (按收入性质)."""
    ev = b.ev
    total = ev.funding_row("total")
    income = [s for s in ev.sources if s.side == "income" and s.amount.number is not None]
    spent = [s for s in ev.sources if s.side == "expenditure" and s.amount.number is not None]
    if ev.kind != "department" or total is None or not spent:
        return
    scale = money_scale(ev)
    executed, budget = money_num(total.executed, scale), money_num(total.budget, scale)
    expenditure = rnd(sum(money_num(s.amount, scale) or 0 for s in spent))
    fields: dict[str, Any] = {"executed": executed, "budget": budget, "expenditure_sum": expenditure,
                              "income_sum": rnd(sum(money_num(s.amount, scale) or 0 for s in income)) if income else None}
    if executed is not None:
        fields["expenditure_gap_abs"] = rnd(abs(executed - expenditure))
        if fields["income_sum"] is not None:
            fields["executed_is_income"] = abs(executed - fields["income_sum"]) < 0.005
    ex = execution_of(ev)
    if budget:
        rate = expenditure / budget * 100
        fields["rate_from_expenditure"] = rnd(rate, 2)
        if ex.weight is not None:
            fields["score_from_expenditure"] = rnd(min(rate, 100) / 100 * ex.weight, 2)
        fields["weight"] = ex.weight
    b.add("department_funding", fields, total.executed.loc or total.loc, ["自评表", "项目资金", "年度资金总额", "全年执行数"],
          cell_text=total.executed.raw,
          sources=[f"{'收入' if s.side == 'income' else '支出'} {s.label} {s.amount.raw.strip()}" for s in ev.sources])


def grade_fields(ev: Evaluation, total_reported: float | None) -> dict[str, Any]:
    """The grade a filing states, the grade its total earns, and a 自评得分 stated above the table."""
    out: dict[str, Any] = {}
    grade_text = ev.total.grade.text if ev.total is not None else ""
    grade = GRADE_WORDS.get(grade_text.strip("()（） "))
    if grade and total_reported is not None:
        out.update(grade=grade, grade_expected=grade_for(total_reported), grade_fits=grade == grade_for(total_reported))
    header = ev.header_total
    if header is not None and not header.score.empty and header.score.number is not None and total_reported is not None:
        out.update(header_score=header.score.number, header_gap_abs=round(abs(header.score.number - total_reported), 4))
    return out
