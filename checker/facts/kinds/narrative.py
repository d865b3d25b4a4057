"""`narrative`: one per 自评报告 with both 存在的问题 and 改进措施 — how much the measures copy the problems."""

from __future__ import annotations

from checker.facts.amounts import rnd
from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.text import contained_share, none_answer, shorten, similarity
from checker.sections import report_path

KIND = FactKind(
    "narrative",
    "one per 自评报告 with both 存在的问题 and 改进措施",
    {
        "problems": f("string", "存在的问题 (shortened)"),
        "measures": f("string", "改进措施 (shortened)"),
        "problems_measures_similarity": f("number", "0–1 similarity of 改进措施 to 存在的问题"),
        "problems_in_measures": f("number", "0–1 share of 存在的问题 found verbatim inside 改进措施"),
    },
)


def produce(b: FactBuilder) -> None:
    n = b.ev.narrative
    if n is None or n.problems is None or n.measures is None or n.problems.empty or n.measures.empty \
            or none_answer(n.problems.raw):  # "无" twice copies nothing
        return
    b.add("narrative", {"problems": shorten(n.problems.text, 200), "measures": shorten(n.measures.text, 200),
                        "problems_measures_similarity": rnd(similarity(n.problems.raw, n.measures.raw), 3),
                        "problems_in_measures": rnd(contained_share(n.problems.raw, n.measures.raw), 3)},
          n.measures.loc, report_path("measures"), cell_text=n.measures.raw)
