"""`stated_funding`: one per report without a table that states its budget, spending or rate in words."""

from __future__ import annotations

from typing import Any

from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.statements import stated_funding
from checker.facts.text import none_answer
from checker.sections import report_path

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
    b.add("stated_funding", fields, loc, report_path("management"),
          cell_text=n.management.raw if n.management is not None else None,
          problems=n.problems.text if n.problems is not None else "")
