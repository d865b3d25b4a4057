"""`gap`: one per part of the filing that is missing, empty or still holds the template's instruction text
(the reader finds the gaps; this turns them into facts)."""

from __future__ import annotations

from checker.facts.base import FactBuilder, FactKind, f
from checker.sections import (
    ACTUAL,
    FUNDING,
    GOAL,
    GOAL_ACTUAL,
    GOAL_EXPECTED,
    INDICATORS,
    PROJECT,
    REPORT,
    SCORES,
    TABLE,
    TOTAL,
)

KIND = FactKind(
    "gap",
    "one per part of the filing that is missing, empty or still holds the template's instruction text",
    {
        "part": f("string", "what is lacking: table, funding, goal.expected, goal.actual, indicators, total, "
                            "scores, actuals, project, narrative, narrative.management, narrative.achievement, "
                            "narrative.problems, narrative.measures"),
        "label": f("string", "the part as the form names it (自评表, 存在的问题 …)"),
        "reason": f("string", "missing (not in the filing), empty (there, but blank) or instruction (still the "
                              "template's instruction text)"),
        "text": f("string", "the instruction text left in the part"),
        "filing_kind": f("string", "project (项目支出) or department (部门整体支出)"),
    },
)

_PATHS = {"table": [TABLE], "funding": [TABLE, FUNDING], "goal": [TABLE, GOAL],
          "goal.expected": [TABLE, GOAL, GOAL_EXPECTED], "goal.actual": [TABLE, GOAL, GOAL_ACTUAL],
          "indicators": [TABLE, INDICATORS], "total": [TABLE, TOTAL], "scores": [TABLE, SCORES],
          "actuals": [TABLE, INDICATORS, ACTUAL], "project": [PROJECT], "narrative": [REPORT]}


def produce(b: FactBuilder) -> None:
    for g in b.ev.gaps:
        path = list(_PATHS.get(g.part) or [REPORT, g.label])
        b.add("gap", {"part": g.part, "label": g.label, "reason": g.reason, "text": g.text, "filing_kind": b.ev.kind},
              g.loc, path, cell_text=g.text or None)
