"""`stated_funding`: one per report without a table that states its budget, spending or rate in words (the
funding the reader took from the text: `Evaluation.text_funding`)."""

from __future__ import annotations

from typing import Any

from checker.facts.amounts import money_num
from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.text import none_answer
from checker.sections import report_path
from checker.stated import full_use_claim

KIND = FactKind(
    "stated_funding",
    "one per report without a table that states its budget, spending or rate in words",
    {
        "stated_budget": f("number", "the budget a report without a table states (万元)"),
        "stated_spent": f("number", "what it says was spent or paid (万元)"),
        "stated_rate": f("number", "spent / budget × 100, or the rate it states"),
        "full_use_claim": f("bool", "it says the money was used in full (已全部拨付, 使用率100%…)"),
        "full_use_text": f("string", "the words of that claim"),
        "problems_none": f("bool", "存在的问题 says there is none (无, 暂无问题…)"),
    },
)


def produce(b: FactBuilder) -> None:
    ev = b.ev
    n = ev.narrative
    row = ev.text_funding
    if n is None or ev.has_table or row is None:
        return
    budget, spent = money_num(row.budget, 1.0), money_num(row.executed, 1.0)
    rate = round(spent / budget * 100, 2) if budget and spent is not None and budget > 0 else row.rate.number
    texts = [t.raw for t in (n.budget, n.management, n.purpose, n.preamble) if t is not None] + \
        [p.raw for p in n.achievement]
    claim = full_use_claim(texts)
    fields: dict[str, Any] = {"stated_budget": budget, "stated_spent": spent, "stated_rate": rate,
                              "full_use_claim": bool(claim), "full_use_text": claim,
                              "problems_none": n.problems is not None and none_answer(n.problems.raw)}
    cell = row.executed if not row.executed.empty else row.budget
    b.add("stated_funding", fields, cell.loc or row.loc, report_path("management"),
          cell_text=n.management.raw if n.management is not None else None,
          problems=n.problems.text if n.problems is not None else "")
