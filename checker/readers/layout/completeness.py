"""What a filing lacks: parts missing, left empty or still holding the template's instruction text.

Gaps are derived from the model and the vocabulary only, so the canonical YAML/JSON reader recomputes them
the same way the document readers do. The facts turn each gap into a `gap` fact; the completeness rules
decide what an auditor is told.
"""

from __future__ import annotations

from checker.model import Evaluation, Gap, GapReason, Location, Text
from checker.quantity import IMPLAUSIBLE
from checker.readers.layout.vocabulary import Vocabulary
from checker.sections import (
    ACTUAL,
    DEPARTMENT_TABLE,
    FUNDING,
    GOAL,
    GOAL_ACTUAL,
    GOAL_EXPECTED,
    INDICATORS,
    NARRATIVE,
    PROJECT,
    REPORT,
    SCORES,
    TABLE,
    TOTAL,
)

REQUIRED_SECTIONS = ("management", "achievement", "problems", "measures")  # of the 自评报告
TABLELESS_FORMATS = ("xlsx", "yaml", "json")


def find_gaps(ev: Evaluation, vocab: Vocabulary, fmt: str) -> list[Gap]:
    gaps: list[Gap] = []

    def add(part: str, label: str, reason: GapReason, text: str = "", loc: Location | None = None) -> None:
        gaps.append(Gap(part=part, label=label, reason=reason, text=text[:200], loc=loc))

    def check_text(part: str, label: str, t: Text | None, required: bool = True) -> None:
        if t is None:
            if required:
                add(part, label, "missing")
            return
        if t.empty:
            add(part, label, "empty", loc=t.loc)
        elif vocab.is_instruction(t.raw):
            add(part, label, "instruction", t.text, t.loc)

    if ev.kind == "project" and not ev.project and ev.has_table:
        # a table must name its project; a report whose name the reader could not find is a reader warning
        add("project", PROJECT, "missing")
    if not ev.has_table:
        add("table", TABLE if ev.kind == "project" else DEPARTMENT_TABLE, "missing")
    else:
        if not ev.funding:
            add("funding", FUNDING, "missing")
        if ev.goal is not None:  # some provinces' forms have no 年度总体目标: only a goal that is there is checked
            check_text("goal.expected", f"{GOAL} {GOAL_EXPECTED}", ev.goal.expected)
            check_text("goal.actual", f"{GOAL} {GOAL_ACTUAL}", ev.goal.actual)
        counted = [i for i in ev.indicators if i.counted]
        if not counted:
            add("indicators", INDICATORS, "missing")
        weighted = [i for i in counted if not i.weight.empty]
        total = ev.funding_row("total")
        exec_weighted = (total is not None and not total.weight.empty) or ev.execution_weight is not None
        scored = [i for i in counted if not i.score.empty] + ([total] if total and not total.score.empty else [])
        total_score = ev.total is not None and not ev.total.score.empty
        if (weighted or exec_weighted or scored) and (ev.total is None or (
                ev.total.score.empty and ev.total.weight.empty and ev.total.grade.empty)):
            add("total", TOTAL, "missing")  # a form that scores nothing has no total to miss
        if (weighted or exec_weighted) and not scored and not total_score:
            add("scores", SCORES, "empty", loc=(weighted[0].score.loc or weighted[0].loc) if weighted else None)
        targeted = [i for i in counted if not i.target.empty]
        has_actual_column = "actual" in ev.indicator_columns or not ev.indicator_columns
        if targeted and has_actual_column and all(i.actual.empty for i in targeted):
            add("actuals", ACTUAL, "empty", loc=targeted[0].actual.loc or targeted[0].loc)
    if ev.narrative is None:
        if fmt not in TABLELESS_FORMATS:
            add("narrative", REPORT, "missing")
    else:
        n = ev.narrative
        prose = bool(n.headings) or n.preamble is not None
        for name in REQUIRED_SECTIONS:
            label = NARRATIVE[name]
            if name in n.joined:
                continue
            if prose and name in ("management", "achievement") and getattr(n, name) in (None, []):
                # prose tells how the money was used and what was achieved under headings of every name (项目
                #实施情况, 绩效分析 …): only 存在的问题 and 改进措施, which every outline has, are missed when absent
                continue
            if name in n.headings:
                continue  # a prose report's section whose heading is there (its text may follow a page break)
            if name == "achievement":
                if not n.achievement and ev.has_table:
                    continue  # the table's indicators report the achievement
                texts = n.achievement
                if not texts:
                    add("narrative.achievement", label, "missing")
                for t in texts:
                    if vocab.is_instruction(t.raw):
                        add("narrative.achievement", label, "instruction", t.text, t.loc)
                continue
            check_text(f"narrative.{name}", label, getattr(n, name))
    return gaps


MISSING_WARNINGS = {"project": "missing 项目名称", "table": "missing 自评表 (the scored table)",
                    "narrative": "missing 自评报告 (the narrative report)", "funding": "missing 项目资金 rows",
                    "goal": "missing 年度总体目标", "indicators": "missing 绩效指标 rows", "total": "missing 总分 row"}


_ORDER = ("project", "year", "table", "narrative", "funding", "goal", "indicators", "total")


def missing_parts(ev: Evaluation) -> list[str]:
    """What a partly readable evaluation lacks, as reader warnings (the gaps say it to the auditor)."""
    found: list[tuple[int, str]] = []
    for g in ev.gaps:
        if g.reason != "missing":
            continue
        if g.part in MISSING_WARNINGS:
            found.append((_ORDER.index(g.part), MISSING_WARNINGS[g.part]))
        elif g.part in ("narrative.management", "narrative.problems", "narrative.measures"):
            found.append((len(_ORDER), f"missing 自评报告 section {g.label}"))
    if ev.year is None:
        found.append((_ORDER.index("year"), "missing year (no …年度…自评 title)"))
    if ev.kind == "project" and not ev.project and not ev.has_table:
        found.append((_ORDER.index("project"), "could not tell which project the report is about (no title or "
                                               "项目名称 naming it)"))
    return [text for _, text in sorted(found, key=lambda x: x[0])]


def implausible_figures(ev: Evaluation) -> list[str]:
    """A figure no form holds (a 400-digit budget) is read as no figure — never the basis of a finding — and
    said here, where the clerk sees it."""
    values = [v for row in ev.funding for v in (row.initial_budget, row.budget, row.executed, row.weight, row.rate,
                                                 row.score, row.received)]
    values += [v for i in ev.indicators for v in (i.target, i.actual, i.weight, i.score)]
    if ev.total is not None:
        values += [ev.total.weight, ev.total.score]
    return [f"{v.loc.describe() + ': ' if v.loc else ''}{v.raw[:24]}{'…' if len(v.raw) > 24 else ''} is a {IMPLAUSIBLE}; "
            "read as no figure" for v in values if IMPLAUSIBLE in v.parsed.issues]
