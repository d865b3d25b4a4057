"""`funding_column`: one per funding column whose sources are filled in — do the sources add up to the total?"""

from __future__ import annotations

from checker.facts.amounts import money_num, money_scale, rnd
from checker.facts.base import FactBuilder, FactKind, f
from checker.model import FUNDING_PARTS
from checker.sections import FUNDING, table_path

KIND = FactKind(
    "funding_column",
    "one per funding column (年初预算数, 全年预算数, 全年执行数) whose sources are filled in",
    {
        "column": f("string", "column label (年初预算数, 全年预算数, 全年执行数)"),
        "total": f("number", "年度资金总额 in that column"),
        "parts_sum": f("number", "当年财政拨款 + 上年结转资金 + 其他资金 in that column"),
        "suggested_total": f("number", "the 年度资金总额 figure to write: the sum of the sources, where they hold money"),
        "parts_count": f("number", "how many of the three parts are filled in"),
        "gap": f("number", "total − parts_sum"),
        "gap_abs": f("number", "abs(gap)"),
    },
)

_COLUMNS = (("initial_budget", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数"))


def produce(b: FactBuilder) -> None:
    ev = b.ev
    total = ev.funding_row("total")
    if not ev.has_table or total is None:
        return
    parts = [r for r in ev.funding if r.kind in FUNDING_PARTS]
    scale = money_scale(ev)
    for attr, label in _COLUMNS:
        t = money_num(getattr(total, attr), scale)
        values = [(r, money_num(getattr(r, attr), scale)) for r in parts]
        filled_parts = [(r, v) for r, v in values if v is not None]
        if t is None or not filled_parts:
            continue
        s = sum(v for _, v in filled_parts)
        cell = getattr(total, attr)  # the 年度资金总额 cell of the column: what must equal the sum of the sources
        # the total to write is the sum of its sources, unless the sources were left at 0: then they are what
        # is missing, and no single figure is to be written
        b.add("funding_column", {"column": label, "total": t, "parts_sum": rnd(s), "parts_count": len(filled_parts),
                                 "gap": rnd(t - s), "gap_abs": rnd(abs(t - s)),
                                 "suggested_total": rnd(s) if s > 0 else None},
              cell.loc or total.loc, table_path(FUNDING, label), cell_text=cell.raw,
              parts=[f"{r.label} {getattr(r, attr).raw.strip()}" for r, _ in filled_parts])
