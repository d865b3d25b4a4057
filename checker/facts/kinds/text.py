"""`text`: one per text holding a phrase written twice in a row (only those: the rest would never match)."""

from __future__ import annotations

from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.text import stutter
from checker.model import Evaluation, Text
from checker.sections import ACTUAL, TARGET, goal_texts, indicator_path, narrative_texts

KIND = FactKind(
    "text",
    "one per text holding a phrase written twice in a row",
    {
        "section": f("string", "where the text stands (实际完成值, 存在的问题, 项目绩效目标完成情况…)"),
        "text": f("string", "the text (up to 2,000 characters)"),
        "stutter": f("string", "the phrase written twice in a row, when there is one"),
        "stutter_len": f("number", "length of that phrase in characters"),
    },
)


def produce(b: FactBuilder) -> None:
    for section, text in _all_texts(b.ev):
        phrase = stutter(text.raw)
        if phrase:
            b.add("text", {"section": section[-1], "text": text.raw.strip(" \u3000"), "stutter": phrase,
                           "stutter_len": len(phrase)}, text.loc, section, cell_text=text.raw)


def _all_texts(ev: Evaluation) -> list[tuple[list[str], Text]]:
    out = narrative_texts(ev.narrative, ("purpose", "management", "problems", "measures", "other"))
    out += goal_texts(ev)
    for ind in ev.indicators:
        if ind.empty:
            continue
        path = indicator_path(ind)
        for label, value in ((TARGET, ind.target), (ACTUAL, ind.actual)):
            out.append(([*path, label], Text(raw=value.raw, loc=value.loc)))
    return out
