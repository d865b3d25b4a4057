"""`funding`: one per scored table with a 年度资金总额 row — execution rate and score, costs against spending."""

from __future__ import annotations

import re
from typing import Any

from checker.facts.amounts import execution_of, money_num, money_scale, num, rnd, rounding_slack
from checker.facts.base import FactBuilder, FactKind, f
from checker.model import FUNDING_PARTS, Indicator
from checker.quantity import MONEY_FACTORS, MONEY_UNIT
from checker.sections import FUNDING, FUNDING_TOTAL, table_path

KIND = FactKind(
    "funding",
    "one per scored table with a 年度资金总额 row: execution rate and score, costs vs. spending",
    {
        "budget": f("number", "全年预算数 of 年度资金总额 (万元)"),
        "initial_budget": f("number", "年初预算数 of 年度资金总额 (万元)"),
        "executed": f("number", "全年执行数 of 年度资金总额 (万元)"),
        "weight": f("number", "分值 of the execution rate"),
        "expected_weight": f("number", "the execution weight of the scoring profile (10 by default)"),
        "weight_profile_gap_abs": f("number", "abs(weight − expected_weight)"),
        "rate_reported": f("number", "执行率 as reported (%)"),
        "rate_computed": f("number", "全年执行数 / 全年预算数 × 100"),
        "rate_suggested": f("string", "rate_computed as it should be written in the 执行率 cell (42.19%)"),
        "rate_gap_abs": f("number", "abs(rate_reported − rate_computed) in percentage points"),
        "score_reported": f("number", "execution 得分 as reported"),
        "score_computed": f("number", "min(rate, 100%) × 分值"),
        "score_gap_abs": f("number", "abs(score_reported − score_computed)"),
        "score_gap_beyond_rounding": f("number", "score_gap_abs less half a unit of the last digit of the reported "
                                                 "score (9 for 8.62 is a score rounded to whole points)"),
        "over_executed": f("number", "executed − budget when positive"),
        "cost_actual_sum": f("number", "sum of the 成本指标 actual money values (万元)"),
        "cost_rows": f("number", "成本指标 rows whose actual is a money figure"),
        "cost_excess": f("number", "cost_actual_sum − executed (or budget when nothing is executed)"),
        "cost_reference": f("number", "the amount cost_excess is measured against (万元)"),
        "cost_excess_beyond_rounding": f("number", "cost_excess less half a unit of the last digit of each cost "
                                                   "figure (90 against 89.974 is rounding, not excess)"),
        "received": f("number", "到位资金 of the funding (万元), where the form states it"),
        "received_rate": f("number", "到位资金 / budget × 100"),
        "received_row": f("string", "the indicator scoring the money's arrival (资金到位率), where the table has one"),
        "received_row_full": f("bool", "that indicator has its full score"),
        "received_row_score": f("number", "its 得分"),
        "received_row_implied": f("number", "its 分值 × min(received_rate, 100%)"),
        "zero_budget_spent": f("bool", "the 年度资金总额 row states 全年预算数 0 (or none) beside an amount executed"),
        "basis": f("string", "empty, or 资金来源合计的 when budget and executed are the sums of the sources "
                             "(from_parts); written before 全年执行数 in messages"),
        "from_parts": f("bool", "budget and executed are the sums of the funding sources: the 年度资金总额 row "
                                "holds zeros or blanks"),
    },
    places=frozenset({'budget', 'executed', 'rate', 'score', 'weight', 'received_score'}),
)


def produce(b: FactBuilder) -> None:
    ev = b.ev
    total = ev.funding_row("total")
    if not ev.has_table or total is None:
        return
    scale = money_scale(ev)
    budget, executed = money_num(total.budget, scale), money_num(total.executed, scale)
    row_budget = budget if budget is not None else money_num(total.initial_budget, scale)
    # a budget cell that holds something unread (a 400-digit figure, words) is no basis for "no budget"
    unread = any(not v.empty and v.number is None for v in (total.budget, total.initial_budget))
    zero_budget_spent = bool(executed) and not row_budget and (total.rate.number or 0) > 0 and not unread
    if budget is None and total.budget.empty:  # a form with 年初预算 only (no 调整后/全年预算 column)
        budget = money_num(total.initial_budget, scale)
    from_parts = False
    if not budget and not executed:
        # a 年度资金总额 row of zeros (or blanks) above funded sources: measure on the sources, whose sum
        # the funding-column check compares with the total
        parts = [r for r in ev.funding if r.kind in FUNDING_PARTS]
        pb = [v for v in (money_num(r.budget, scale) for r in parts) if v]
        pe = [v for v in (money_num(r.executed, scale) for r in parts) if v is not None]
        if pb:
            budget, executed, from_parts = rnd(sum(pb)), rnd(sum(pe)) if pe else None, True
    ex = execution_of(ev)
    fields: dict[str, Any] = {"zero_budget_spent": zero_budget_spent,
                              "budget": budget, "initial_budget": money_num(total.initial_budget, scale),
                              "executed": executed, "weight": ex.weight, "score_reported": ex.score,
                              "expected_weight": b.profile.get("execution"), "from_parts": from_parts,
                              "basis": "资金来源合计的" if from_parts else ""}
    if fields["weight"] is not None and fields["expected_weight"] is not None:
        fields["weight_profile_gap_abs"] = rnd(abs(fields["weight"] - fields["expected_weight"]))
    if total.rate.parsed.value is not None:
        fields["rate_reported"] = total.rate.parsed.value * (100 if total.rate.parsed.unit is None
                                                             and total.rate.parsed.value <= 1 else 1)
    if budget and executed is not None and budget > 0:
        rate = executed / budget * 100
        fields["rate_computed"] = rnd(rate, 2)
        fields["rate_suggested"] = f"{rate:.2f}".rstrip("0").rstrip(".") + "%"
        if "rate_reported" in fields:
            fields["rate_gap_abs"] = rnd(abs(fields["rate_reported"] - rate), 2)
        if fields["weight"] is not None:
            fields["score_computed"] = rnd(min(rate, 100) / 100 * fields["weight"], 2)
            if fields["score_reported"] is not None:
                gap = abs(fields["score_reported"] - fields["score_computed"])
                fields["score_gap_abs"] = rnd(gap, 2)
                # a score written as 9 for 8.62 is rounded to whole points: half a unit of the last digit written
                fields["score_gap_beyond_rounding"] = rnd(max(0.0, gap - rounding_slack([ex.score_cell])), 3)
        if executed > budget and not total.budget.empty:  # more than 年初预算 is what a budget adjustment allows
            fields["over_executed"] = rnd(executed - budget)
    received = money_num(total.received, scale)
    received_score = None
    if received is not None and budget:
        fields["received"] = received
        fields["received_rate"] = rate_in = rnd(received / budget * 100, 2)
        row = next((i for i in ev.indicators if i.counted and "到位" in i.name.text and num(i.score) is not None
                    and num(i.weight)), None)
        if row is not None:
            w, s = num(row.weight), num(row.score)
            fields.update(received_row=row.name.text, received_row_full=s >= w - 1e-9, received_row_score=s,
                          received_row_implied=rnd(w * min(rate_in, 100) / 100, 2))
            received_score = row.score
    costs = [i for i in ev.indicators if "成本" in i.level2 and not i.empty]
    money = [v for v in (_money(i) for i in costs) if v is not None]
    if money:
        reference = executed if executed else budget
        fields["cost_actual_sum"] = rnd(sum(money))
        fields["cost_rows"] = len(money)
        if reference is not None:
            fields["cost_reference"] = reference
            fields["cost_excess"] = rnd(sum(money) - reference)
            # 90 against 89.974 is rounding: each cost figure may be off by half a unit of its last digit
            slack = sum(rounding_slack([i.actual]) for i in costs)
            fields["cost_excess_beyond_rounding"] = rnd(sum(money) - reference - slack)
    cell = ex.score_cell if ex.score_cell is not None and not ex.score_cell.empty else total.executed
    b.add("funding", fields, cell.loc or total.loc, table_path(FUNDING, FUNDING_TOTAL), cell_text=cell.raw,
          places={"rate": total.rate, "score": ex.score_cell, "weight": ex.weight_cell, "executed": total.executed,
                  "budget": total.budget, "received_score": received_score},
          costs=[f"{i.name.text}: {i.actual.raw}" for i in costs])


_RATE_NAME_RE = re.compile(r"率|比例|比重|占比|单价|单位成本|均价|标准|指数|系数")


def _money(ind: Indicator) -> float | None:
    """The actual of a cost row in 万元; a bare figure takes the unit of its own target, else the table's
    (万元). A per-unit rate (元/公里) is never money spent."""
    q = ind.actual.parsed
    if q.kind not in ("number", "expression") or q.value is None or q.issues:
        return None
    if q.unit == MONEY_UNIT:
        return q.value
    if q.unit is None:
        t = ind.target.parsed
        if t.kind == "rate" or t.per or _RATE_NAME_RE.search(ind.name.text):
            return None  # 成本控制率 100, 节约率, 单位成本: a share or a per-unit figure, not money spent
        if t.unit == MONEY_UNIT and t.raw_unit in MONEY_FACTORS:
            return q.value * MONEY_FACTORS[t.raw_unit]
        return q.value
    return None
