"""`evaluation`: one per evaluation — weights, scores, totals and the grade of the scored table."""

from __future__ import annotations

from typing import Any

from checker.facts.amounts import execution_of, num, rnd, score_sum
from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.grades import grade_fields
from checker.sections import REPORT, TOTAL, table_path

KIND = FactKind(
    "evaluation",
    "one per evaluation: weights, scores and totals of the scored table",
    {
        "has_table": f("bool", "the 自评表 was found"),
        "has_narrative": f("bool", "the 自评报告 was found"),
        "indicator_count": f("number", "indicator rows of their own (not blank, template or 其中 breakdown rows)"),
        "template_slots": f("number", "rows of the template never filled in (指标2:, ……)"),
        "filing_kind": f("string", "project (项目支出) or department (部门整体支出)"),
        "weight_sum": f("number", "execution 分值 plus every indicator 分值"),
        "expected_total": f("number", "total weight of the scoring profile (100 by default)"),
        "weight_gap_abs": f("number", "abs(weight_sum − expected_total)"),
        "score_sum": f("number", "execution 得分 plus every indicator 得分 as reported"),
        "total_reported": f("number", "总分 得分 as reported"),
        "total_gap": f("number", "total_reported − score_sum"),
        "total_gap_abs": f("number", "abs(total_gap)"),
        "declared_sum": f("number", "execution 分值 plus the weights declared by the 一级 labels (all declared)"),
        "declared_gap_abs": f("number", "abs(declared_sum − expected_total)"),
        "total_over_max": f("number", "total_reported − weight_sum: above 0, a total the rows cannot reach"),
        "grade": f("string", "评价等级 stated (优/良/中/差; 优秀, 良好, 合格… folded onto them)"),
        "grade_expected": f("string", "the grade the reported total earns: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below"),
        "grade_fits": f("bool", "grade equals grade_expected"),
        "header_score": f("number", "自评得分 stated in the header block above a table that also has a total row"),
        "header_gap_abs": f("number", "abs(header_score − total_reported)"),
    },
    places=frozenset({'grade', 'header_score'}),
)


def produce(b: FactBuilder) -> None:
    ev = b.ev
    rows = [i for i in ev.indicators if i.counted]
    ex = execution_of(ev)
    exec_weight = 0 if ex.in_indicators else ex.weight
    exec_score = 0 if ex.in_indicators else ex.score
    weights = [w for w in (num(i.weight) for i in rows) if w is not None]
    # a 二级 block whose rows carry no weight of their own is weighted at its level (数量指标 15 分)
    weights += [lv.declared_weight for lv in ev.level2 if lv.declared_weight is not None and not any(
        num(i.weight) is not None for i in rows if i.level1 == lv.level1 and i.level2 == lv.name)]
    scores = [s for s in (num(i.score) for i in rows) if s is not None]
    fields: dict[str, Any] = {"has_table": ev.has_table, "has_narrative": ev.narrative is not None,
                              "indicator_count": len(rows), "filing_kind": ev.kind,
                              "template_slots": sum(1 for i in ev.indicators if i.placeholder)}
    # the total a filing's weights must reach: what its form declares (总分 100), else the scheme the user chose
    declared_total = num(ev.total.weight) if ev.total is not None else None
    expected_total = declared_total if declared_total else (sum(b.profile.values()) or None)
    fields["expected_total"] = expected_total
    if ev.has_table and rows:
        if weights:  # a form without per-row weights (scores only) has no weight sum to check
            fields["weight_sum"] = rnd(sum(weights) + (exec_weight or 0))
            if expected_total is not None:
                fields["weight_gap_abs"] = rnd(abs(fields["weight_sum"] - expected_total))
        if scores or exec_score is not None:
            fields["score_sum"] = score_sum(ev)
        reported = num(ev.total.score) if ev.total else None
        if reported is not None and "score_sum" in fields:
            fields["total_reported"] = reported
            fields["total_gap"] = rnd(reported - fields["score_sum"])
            fields["total_gap_abs"] = abs(fields["total_gap"])
        if reported is not None and "weight_sum" in fields:
            fields["total_over_max"] = rnd(reported - fields["weight_sum"])
        declared = [lv.declared_weight for lv in ev.level1]
        if declared and all(d is not None for d in declared):
            fields["declared_sum"] = rnd(sum(declared) + (exec_weight or 0))  # type: ignore[arg-type]
            if expected_total is not None:
                fields["declared_gap_abs"] = rnd(abs(fields["declared_sum"] - expected_total))
    fields.update(grade_fields(ev, num(ev.total.score) if ev.total is not None else None))
    score_cell = ev.total.score if ev.total is not None else None
    b.add("evaluation", fields, score_cell.loc if score_cell else None,
          table_path(TOTAL) if ev.has_table else [REPORT], cell_text=score_cell.raw if score_cell else None,
          places={"grade": ev.total.grade if ev.total is not None else None,
                  "header_score": ev.header_total.score if ev.header_total is not None else None})
