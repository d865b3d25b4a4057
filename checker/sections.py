"""The parts of a filing as the forms name them — one place for readers, facts and renderers.

A finding's path (自评表 › 绩效指标 › 产出指标 › 数量指标 › …) and a fact's `section` are built from these,
so the same part is always written the same way.
"""

from __future__ import annotations

from checker.model import Evaluation, Indicator, Narrative, Text

TABLE = "自评表"
DEPARTMENT_TABLE = "部门整体支出绩效自评表"
REPORT = "自评报告"
PROJECT = "项目名称"
GOAL = "年度总体目标"
GOAL_EXPECTED = "预期目标"
GOAL_ACTUAL = "实际完成情况"
FUNDING = "项目资金"
FUNDING_TOTAL = "年度资金总额"
INDICATORS = "绩效指标"
TOTAL = "总分"
SCORES = "得分"
TARGET = "年度指标值"
ACTUAL = "实际完成值"
DEVIATION = "偏差原因分析"
UNNAMED = "(未命名)"

# the 自评报告's sections, by the Narrative field that holds them
NARRATIVE: dict[str, str] = {
    "budget": "年度预算金额",
    "purpose": "项目立项目的",
    "management": "项目支出管理和使用基本情况",
    "achievement": "项目绩效目标完成情况",
    "problems": "存在的问题",
    "measures": "改进措施",
    "other": "其他需要说明问题",
    "preamble": "开头部分",
}


def table_path(*parts: str) -> list[str]:
    """自评表 › parts (a new list each time: paths travel with facts and findings)."""
    return [TABLE, *parts]


def report_path(field: str) -> list[str]:
    """自评报告 › the section held in Narrative.`field`."""
    return [REPORT, NARRATIVE[field]]


def paragraph_path(k: int) -> list[str]:
    """自评报告 › 项目绩效目标完成情况 › 第k段 (k from 0)."""
    return [REPORT, NARRATIVE["achievement"], f"第{k + 1}段"]


def indicator_path(ind: Indicator) -> list[str]:
    """自评表 › 绩效指标 › … of a table row; 自评报告 › 绩效指标 › … of one a report states in a sentence."""
    parts = [INDICATORS, *(x for x in (ind.level1, ind.level2) if x), ind.name.text or UNNAMED]
    return [REPORT, *parts] if ind.from_text else table_path(*parts)


def narrative_texts(n: Narrative | None, fields: tuple[str, ...], skip_empty: bool = False) -> list[tuple[list[str], Text]]:
    """The named sections of a 自评报告 that are there, in the order asked, then each paragraph of
    项目绩效目标完成情况 — as (path, text)."""
    if n is None:
        return []
    out = [(report_path(name), t) for name in fields
           if (t := getattr(n, name)) is not None and not (skip_empty and t.empty)]
    return out + [(paragraph_path(k), p) for k, p in enumerate(n.achievement)]


def goal_texts(ev: Evaluation) -> list[tuple[list[str], Text]]:
    if ev.goal is None:
        return []
    return [(table_path(GOAL, GOAL_EXPECTED), ev.goal.expected), (table_path(GOAL, GOAL_ACTUAL), ev.goal.actual)]
