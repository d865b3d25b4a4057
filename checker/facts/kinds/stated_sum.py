"""`stated_sum`: one per sentence that states a total and lists its parts (…共计X万元，其中A万元、B万元…)."""

from __future__ import annotations

from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.statements import stated_sums
from checker.facts.text import shorten
from checker.model import Evaluation, Text
from checker.sections import DEVIATION, INDICATORS, UNNAMED, goal_texts, narrative_texts, table_path

KIND = FactKind(
    "stated_sum",
    "one per sentence that states a total and lists its parts",
    {
        "section": f("string", "the text holding the sentence"),
        "sentence": f("string", "the sentence stating a total and its parts (…共计X万元，其中A万元、B万元…)"),
        "total": f("number", "the total stated (万元)"),
        "parts_sum": f("number", "the sum of the parts stated after 其中 or the colon (万元)"),
        "parts_count": f("number", "how many parts"),
        "gap": f("number", "total − parts_sum"),
        "gap_abs": f("number", "abs(gap)"),
        "gap_beyond_rounding": f("number", "gap_abs less half a unit of the finest figure written in the sentence"),
    },
)


def produce(b: FactBuilder) -> None:
    for path, text in _texts(b.ev):
        for st in stated_sums(text.raw):
            gap = st.gap
            b.add("stated_sum", {"section": path[-1], "sentence": shorten(st.sentence, 160), "total": st.total,
                                 "parts_sum": round(sum(st.parts), 6), "parts_count": len(st.parts), "gap": gap,
                                 "gap_abs": abs(gap), "gap_beyond_rounding": round(abs(gap) - st.slack, 6)},
                  text.loc, path, cell_text=st.sentence, parts=[f"{p:g}万元" for p in st.parts])


def _texts(ev: Evaluation) -> list[tuple[list[str], Text]]:
    """The free texts where a sentence may state a total and its parts."""
    out = goal_texts(ev)
    out += narrative_texts(ev.narrative, ("budget", "purpose", "management", "problems", "measures", "other"),
                           skip_empty=True)
    for ind in ev.indicators:
        if not ind.deviation.empty:
            out.append((table_path(INDICATORS, ind.name.text or UNNAMED, DEVIATION), ind.deviation))
    return out
