"""`goal`: one per 年度总体目标 with both texts — an actual that copies the expected text reports nothing."""

from __future__ import annotations

from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.figures import figures
from checker.facts.text import contained_share, shorten, similarity
from checker.sections import GOAL, GOAL_ACTUAL, table_path

KIND = FactKind(
    "goal",
    "one per 年度总体目标 with both the expected and the actual text",
    {
        "expected": f("string", "年度总体目标 预期目标"),
        "actual": f("string", "年度总体目标 实际完成情况"),
        "similarity": f("number", "0–1 similarity of the two texts"),
        "actual_in_expected": f("number", "0–1 share of the actual found verbatim in the expected text"),
        "overlap": f("number", "the larger of similarity and actual_in_expected"),
        "same_figures": f("bool", "both texts state the same figures (or none): a copy, not a report of results"),
    },
)


def produce(b: FactBuilder) -> None:
    goal = b.ev.goal
    if goal is None or goal.expected.empty or goal.actual.empty:
        return
    expected, actual = goal.expected.raw, goal.actual.raw
    numbers = {(x.value, x.unit) for x in figures(expected)} == {(x.value, x.unit) for x in figures(actual)}
    sim, contained = round(similarity(expected, actual), 3), round(contained_share(actual, expected), 3)
    b.add("goal", {"expected": shorten(goal.expected.text, 200), "actual": shorten(goal.actual.text, 200),
                   "similarity": sim, "actual_in_expected": contained, "overlap": max(sim, contained),
                   "same_figures": numbers},
          goal.actual.loc, table_path(GOAL, GOAL_ACTUAL), cell_text=actual)
