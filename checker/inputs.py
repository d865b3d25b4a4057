"""What a rule needs of a filing to run at all — the 自评表, the report, a 偏差原因 column, readable scores — so
that a filing's result says which checks ran, which passed, and which could not run and why. A clean result
on a filing where half the checks could not run must never read as 未发现问题 alone.

Each input is missing in one of two ways: a part the standard form has and this filing lacks or has
unreadable (the check could not run), or a part only some forms have (the check does not apply: a
department's income breakdown on a project filing, a 评价等级 the form does not state).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from checker.model import Evaluation, Indicator, Value


@dataclass(frozen=True)
class Input:
    zh: str
    en: str
    optional: bool  # a part only some forms have: without it the rule does not apply
    present: Callable[[Evaluation, Mapping[str, float]], bool]
    in_table: bool = False  # a part of the 自评表: with no table at all, the table is what is missing

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def _number(v: Value) -> bool:
    return v.parsed.value is not None


def _rows(ev: Evaluation, stated: bool = False) -> list[Indicator]:
    """The indicator rows filled in (`stated`: with those a prose report states in its sentences)."""
    return [i for i in ev.indicators if not i.empty and not i.placeholder and (stated or not i.from_text)]


def _funding(ev: Evaluation) -> list:
    return [r for r in ev.funding if not r.from_text]


def _narrative_text(ev: Evaluation) -> bool:
    n = ev.narrative
    if n is None:
        return False
    parts = (n.budget, n.purpose, n.management, n.problems, n.measures, n.other, n.preamble, *n.achievement)
    return any(t is not None and t.text.strip() for t in parts)


INPUTS: dict[str, Input] = {
    "table": Input("自评表", "the scored table (自评表)", False, lambda ev, p: ev.has_table),
    "report": Input("自评报告", "the report (自评报告)", False, lambda ev, p: _narrative_text(ev)),
    "funding": Input("可识别的全年预算数和全年执行数", "a readable budget and amount executed", False,
                     lambda ev, p: any(_number(r.budget) and _number(r.executed) for r in ev.funding)),
    "rate": Input("可识别的执行率", "a readable execution rate", False,
                  lambda ev, p: any(_number(r.rate) for r in _funding(ev)), in_table=True),
    "execution_score": Input("可识别的预算执行率得分", "a readable score of the execution rate", False,
                             lambda ev, p: any(_number(r.score) for r in _funding(ev))
                             or any(i.execution and _number(i.score) for i in _rows(ev)), in_table=True),
    "indicators": Input("绩效指标（年度指标值和实际完成值）", "indicators with targets and actual values", False,
                        lambda ev, p: any(i.target.raw.strip() and i.actual.raw.strip() for i in _rows(ev, True))),
    "weights": Input("可识别的指标分值", "readable indicator weights", False,
                     lambda ev, p: any(_number(i.weight) for i in _rows(ev)), in_table=True),
    "scores": Input("可识别的指标得分", "readable indicator scores", False,
                    lambda ev, p: any(_number(i.score) for i in _rows(ev)), in_table=True),
    "total": Input("可识别的总分", "a readable total score", False,
                   lambda ev, p: ev.total is not None and _number(ev.total.score), in_table=True),
    "deviation_column": Input("偏差原因分析列", "a 偏差原因 column", False,
                              lambda ev, p: "deviation" in ev.indicator_columns
                              or any(i.deviation.text.strip() for i in _rows(ev)), in_table=True),
    "problems": Input("存在的问题", "the problems (存在的问题)", False,
                      lambda ev, p: ev.narrative is not None and ev.narrative.problems is not None
                      and bool(ev.narrative.problems.text.strip())),
    "measures": Input("改进措施", "the improvement measures (改进措施)", False,
                      lambda ev, p: ev.narrative is not None and ev.narrative.measures is not None
                      and bool(ev.narrative.measures.text.strip())),
    "goal": Input("年度总体目标", "the annual goal (年度总体目标)", False,
                  lambda ev, p: ev.goal is not None and bool(ev.goal.expected.text.strip())),
    # parts only some forms have
    "declared_weights": Input("一级指标标注的分值（如“产出指标(50分)”）", "weights declared on the 一级 labels", True,
                              lambda ev, p: any(x.declared_weight is not None for x in ev.level1), in_table=True),
    "scheme_total": Input("总分值（总分行的分值或选定的评分方案）", "the total weight (of the total row or a chosen "
                          "scoring profile)", True,
                          lambda ev, p: bool(p) or (ev.total is not None and _number(ev.total.weight))),
    "profile": Input("选定的评分方案（profile 设置）", "a chosen scoring profile (profile setting)", True,
                     lambda ev, p: bool(p)),
    "header_total": Input("表头的自评得分", "a score in the header block", True,
                          lambda ev, p: ev.header_total is not None, in_table=True),
    "grade": Input("评价等级", "a grade (优/良/中/差)", True,
                   lambda ev, p: ev.total is not None and bool(ev.total.grade.text.strip()), in_table=True),
    "funding_parts": Input("资金来源分项（财政拨款、其他资金…）", "funding by source", True,
                           lambda ev, p: sum(1 for r in _funding(ev) if r.kind != "total") >= 1),
    "cost_indicators": Input("成本指标", "cost indicators", True,
                             lambda ev, p: any("成本" in (i.level1 + i.level2) for i in _rows(ev))),
    "received": Input("到位资金", "funds received (到位资金)", True,
                      lambda ev, p: any(_number(r.received) for r in ev.funding)),
    "department": Input("部门整体支出", "a whole department's filing", True, lambda ev, p: ev.kind == "department"),
    "department_sources": Input("收支明细", "the income and expenditure breakdown", True,
                                lambda ev, p: any(s.side == "expenditure" for s in ev.sources)),
}


def missing_inputs(ev: Evaluation, names: list[str], profile: Mapping[str, float]) -> list[str]:
    """The inputs among `names` the evaluation lacks, in the order given; a part of the table counts as the
    table itself where there is no table (a report-only filing lacks its 自评表, not 37 columns of it)."""
    out: list[str] = []
    for n in names:
        if INPUTS[n].present(ev, profile):
            continue
        name = "table" if INPUTS[n].in_table and not ev.has_table else n
        if name not in out:
            out.append(name)
    return out
