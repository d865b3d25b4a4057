"""`department_funding`: one per whole-department filing with an expenditure breakdown — its execution is
what it spent (按支出性质), not what it received (按收入性质)."""

from __future__ import annotations

from typing import Any

from checker.facts.amounts import execution_of, money_num, money_scale, rnd
from checker.facts.base import FactBuilder, FactKind, f
from checker.sections import FUNDING, FUNDING_TOTAL, table_path

KIND = FactKind(
    "department_funding",
    "one per whole-department filing with an expenditure breakdown",
    {
        "executed": f("number", "全年执行数 of a whole-department filing (万元)"),
        "budget": f("number", "全年预算数 (万元)"),
        "expenditure_sum": f("number", "按支出性质: 基本支出 + 项目支出 … (万元)"),
        "income_sum": f("number", "按收入性质: 一般公共预算 + 政府性基金 + … (万元)"),
        "expenditure_gap_abs": f("number", "abs(executed − expenditure_sum)"),
        "executed_is_income": f("bool", "the 全年执行数 equals the income total"),
        "rate_from_expenditure": f("number", "expenditure_sum / budget × 100"),
        "score_from_expenditure": f("number", "min(rate_from_expenditure, 100%) × execution 分值"),
        "weight": f("number", "execution 分值"),
    },
)


def produce(b: FactBuilder) -> None:
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
    b.add("department_funding", fields, total.executed.loc or total.loc, table_path(FUNDING, FUNDING_TOTAL, "全年执行数"),
          cell_text=total.executed.raw,
          sources=[f"{'收入' if s.side == 'income' else '支出'} {s.label} {s.amount.raw.strip()}" for s in ev.sources])
