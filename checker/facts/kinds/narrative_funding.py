"""`narrative_funding`: one per evaluation with both report and table — the report's money figures
against the table's."""

from __future__ import annotations

import re
from typing import Any

from checker.facts.amounts import money_num, money_scale, rnd, rounding_slack
from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.figures import figures
from checker.facts.text import squash
from checker.model import FundingRow, Narrative, Value
from checker.quantity import MONEY_UNIT, parse_quantity
from checker.readers.layout.prose import narrative_funding
from checker.sections import report_path

KIND = FactKind(
    "narrative_funding",
    "one per evaluation with both report and table: the report's money figures",
    {
        "stated_budget": f("number", "年度预算金额 of the 自评报告 (万元)"),
        "stated_amount": f("number", "first money figure of 项目支出管理和使用基本情况 (万元)"),
        "full_use_claim": f("bool", "the report says the money was fully used (已全部使用, 使用率100%…)"),
        "table_budget": f("number", "全年预算数 of the 自评表 (万元)"),
        "table_initial_budget": f("number", "年初预算数 of the 自评表 (万元)"),
        "table_executed": f("number", "全年执行数 of the 自评表 (万元)"),
        "rate_computed": f("number", "全年执行数 / 全年预算数 × 100"),
        "stated_budget_gap_abs": f("number", "abs(stated_budget − table_budget)"),
        "stated_amount_gap_abs": f("number", "abs(stated_amount − table_budget)"),
        "full_use_text": f("string", "the words claiming full use"),
        "text_spent": f("number", "what the report's text says was spent (万元), read by role (支出/执行/使用/拨付)"),
        "text_spent_raw": f("string", "that amount as written"),
        "text_rate": f("number", "the execution rate the report's text states (%)"),
        "table_rate": f("number", "执行率 as the table reports it (%)"),
        "spent_gap_beyond_rounding": f("number", "abs(text_spent − table_executed) less the rounding of both"),
        "rate_gap_beyond_rounding": f("number", "abs(text_rate − the table's rate, reported or computed) less the "
                                                "rounding of the rate as written"),
    },
    places=frozenset({"text_spent", "text_rate"}),
)

_FULL_USE_RE = re.compile(r"(已?全部(?:使用|拨付|支付|支出|用于)|全额(?:使用|拨付|支付)|(?:资金)?(?:使用|执行)率(?:达到?)?100%)")


def produce(b: FactBuilder) -> None:
    ev = b.ev
    n = ev.narrative
    total = ev.funding_row("total")
    if n is None or total is None:
        return
    scale = money_scale(ev)
    fields: dict[str, Any] = {"table_budget": money_num(total.budget, scale),
                              "table_initial_budget": money_num(total.initial_budget, scale),
                              "table_executed": money_num(total.executed, scale)}
    tb, te = fields["table_budget"], fields["table_executed"]
    if tb and te is not None:
        fields["rate_computed"] = rnd(te / tb * 100, 2)
    loc = None
    if n.budget is not None and n.budget.text:
        q = _money_of(n.budget.text)
        if q is not None:
            fields["stated_budget"] = q
            if tb is not None:
                fields["stated_budget_gap_abs"] = rnd(abs(q - tb))
        loc = n.budget.loc
    if n.management is not None:
        money = [x for x in figures(n.management.raw) if x.unit == MONEY_UNIT]
        if money:
            fields["stated_amount"] = money[0].value
            if tb is not None:
                fields["stated_amount_gap_abs"] = rnd(abs(money[0].value - tb))
        m = _FULL_USE_RE.search(squash(n.management.raw).replace("％", "%"))
        fields["full_use_claim"] = m is not None
        if m:
            fields["full_use_text"] = m.group(0)
        loc = n.management.loc or loc
    places = _text_figures(n, total, scale, fields)
    b.add("narrative_funding", fields, loc, report_path("management"),
          cell_text=n.management.raw if n.management else None, places=places)


def _text_figures(n: Narrative, total: FundingRow, scale: float, fields: dict[str, Any]) -> dict[str, Value]:
    """What the text says was spent and at what rate, against the table (the text's figures by their role)."""
    row = narrative_funding(n)
    if row is None:
        return {}
    te, table_rate = fields.get("table_executed"), total.rate.parsed.value
    if table_rate is not None and total.rate.parsed.unit is None and table_rate <= 1:
        table_rate *= 100
    fields["table_rate"] = table_rate
    places: dict[str, Value] = {}
    spent = money_num(row.executed, 1.0)
    if spent is not None and te is not None:
        fields.update(text_spent=spent, text_spent_raw=row.executed.raw)
        slack = rounding_slack([row.executed]) + rounding_slack([total.executed]) * scale
        fields["spent_gap_beyond_rounding"] = rnd(max(0.0, abs(spent - te) - slack))
        places["text_spent"] = row.executed
    rate = row.rate.number
    if rate is not None:
        fields["text_rate"] = rate
        rates = [r for r in (table_rate, fields.get("rate_computed")) if r is not None]
        if rates:
            slack = rounding_slack([row.rate]) + 0.01
            fields["rate_gap_beyond_rounding"] = rnd(max(0.0, min(abs(rate - r) for r in rates) - slack), 3)
        places["text_rate"] = row.rate
    return places


def _money_of(text: str) -> float | None:
    q = parse_quantity(text)
    if q.kind == "number" and q.unit == MONEY_UNIT and q.value is not None:
        return q.value
    return None
