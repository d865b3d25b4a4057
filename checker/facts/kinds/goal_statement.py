"""`goal_statement`: one per 年度总体目标 with an expected text — a goal that is only the project's name or only
amounts of money (43.2 / 37.24) states no goal."""

from __future__ import annotations

import re

from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.text import shorten, similarity, squash
from checker.sections import GOAL, GOAL_EXPECTED, table_path

KIND = FactKind(
    "goal_statement",
    "one per 年度总体目标 whose expected text is filled",
    {
        "expected": f("string", "年度总体目标 预期目标"),
        "actual": f("string", "年度总体目标 实际完成情况"),
        "is_name": f("bool", "the goal is only the project's name"),
        "only_figures": f("bool", "the goal is only figures or amounts of money, with no words of what is to be done"),
    },
    places=frozenset({"expected"}),
)

# what is left of a goal once its figures, money words and punctuation are taken away
_FIGURE_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|千元|元|%|％)?")
_MONEY_WORDS_RE = re.compile(r"项目|预算|资金|经费|金额|万元|元|共计|合计|总计|共|申请|安排|下达|拨付|到位|支出|执行|使用|"
                             r"完成|实际|本年|年度|全年|计划|本项目|为|约|其中")


def produce(b: FactBuilder) -> None:
    goal = b.ev.goal
    if goal is None or goal.expected.empty:
        return
    text = goal.expected.text
    left = _MONEY_WORDS_RE.sub("", _FIGURE_RE.sub("", squash(text)))
    name = squash(b.ev.project)
    is_name = bool(name) and (squash(text) == name or similarity(squash(text), name) >= 0.9)
    only_figures = bool(_FIGURE_RE.search(text)) and len(left) <= 1
    b.add("goal_statement", {"expected": shorten(text, 200), "actual": shorten(goal.actual.text, 200),
                             "is_name": is_name, "only_figures": only_figures},
          goal.expected.loc, table_path(GOAL, GOAL_EXPECTED), cell_text=goal.expected.raw,
          places={"expected": goal.expected})
