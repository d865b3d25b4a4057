"""`indicator`: one per indicator row — target against actual, the score they imply, deadlines, units and
what the words of the row say."""

from __future__ import annotations

import math
from typing import Any

from checker.facts.amounts import consistent_total, num, rnd
from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.scoring import actual_is_count, compare, months_in, target_is_time, time_met, time_missed
from checker.facts.text import filled, similarity
from checker.facts.wording import same_words, says_achieved, signed_restatement, vague_target, verdict_actual
from checker.model import Indicator
from checker.sections import indicator_path

KIND = FactKind(
    "indicator",
    "one per non-empty indicator row: target vs. actual, implied score, time, units",
    {
        "name": f("string", "三级指标"),
        "level1": f("string", "一级指标"),
        "level2": f("string", "二级指标"),
        "target_text": f("string", "年度指标值 as written"),
        "actual_text": f("string", "实际完成值 as written"),
        "deviation_text": f("string", "偏差原因分析 as written"),
        "target_kind": f("string", "parsed kind of the target (number, range, list, date, rate, change, text…)"),
        "actual_kind": f("string", "parsed kind of the actual"),
        "target_value": f("number", "the target figure in its normalised unit"),
        "actual_value": f("number", "the actual figure, comparable with target_value"),
        "unit": f("string", "the common unit of target and actual"),
        "polarity": f("string", "positive (more is better) or negative (a cap: ≤, costs, accidents)"),
        "comparable": f("bool", "target and actual are figures in compatible units"),
        "met": f("bool", "the actual meets the target (only where comparable)"),
        "ratio": f("number", "achievement ratio: actual/target, or target/actual for a cap"),
        "weight": f("number", "分值"),
        "score": f("number", "得分"),
        "lost": f("number", "分值 − 得分"),
        "full_marks": f("bool", "得分 ≥ 分值"),
        "implied_score": f("number", "the score target vs. actual implies: 分值 × min(ratio, 1)"),
        "score_excess": f("number", "得分 − implied_score"),
        "over_target": f("number", "actual/target for a positive figure (how far above target)"),
        "deviation_filled": f("bool", "偏差原因分析 holds a real reason (not blank, 无, —, 0)"),
        "has_deviation_column": f("bool", "the form has a 偏差原因 column (assumed for canonical input)"),
        "is_time": f("bool", "a 时效 indicator (二级 时效指标)"),
        "is_cost": f("bool", "a 成本 indicator (二级 成本指标)"),
        "target_is_time": f("bool", "the target is a period or dates (1-12月, 3月、10月, 2021-2023年)"),
        "actual_is_count": f("bool", "the actual is a plain count or figure, not a time or a description"),
        "restates_target": f("bool", "the actual repeats the target with its comparison (≥90% as the actual of ≥90%)"),
        "same_words": f("bool", "a qualitative target answered with its own words (显著提升 / 显著提升)"),
        "vague_target": f("bool", "the target names no measure: 效果明显, 有效, 持续提高, 达成预期指标, 符合相关规定…"),
        "verdict_actual": f("bool", "the actual is only a verdict: 达成预期指标, 已完成, 达标, 良好…"),
        "is_satisfaction": f("bool", "a 满意度 indicator"),
        "achieved": f("bool", "the target was reached: by the figures, by the dates, or (qualitative) by the "
                              "target's own words or an explicit 达成/完成"),
        "time_missed": f("bool", "dates in the actual fall outside the target months or after the deadline"),
        "actual_months": f("string", "months found in the actual, e.g. 1、4"),
        "unit_issue": f("string", "a unit that does not parse (0.5万元元/部)"),
        "expression": f("string", "a value written as an expression whose arithmetic is wrong (5*4=21万元)"),
        "expression_product": f("number", "what the expression's factors multiply to"),
        "expression_result": f("number", "the result written after ="),
        "restate_similarity": f("number", "0–1 similarity of the actual to indicator name + target (or the target text)"),
        "qualitative": f("bool", "the target is words, not a figure (定性指标)"),
        "score_share": f("number", "得分 / 分值"),
        "total_after": f("number", "the 总分 once this row scores implied_score (where the total is now the sum "
                                   "of the scores)"),
        "total_if_full": f("number", "the 总分 once this row scores its full weight (where the total is now the "
                                     "sum of the scores)"),
    },
    places=frozenset({'actual', 'deviation', 'name', 'score', 'target', 'weight'}),
)


def produce(b: FactBuilder) -> None:
    for i, ind in enumerate(b.ev.indicators):
        if not b.ev.has_table and not ind.from_text:
            continue  # a table's rows only where the table was read (a report's rows are stated in sentences)
        if not ind.empty and not ind.placeholder:  # a template slot never filled is counted by the evaluation
            _indicator(b, ind, i)


def _indicator(b: FactBuilder, ind: Indicator, index: int) -> None:
    t, a = ind.target.parsed, ind.actual.parsed
    weight, score = num(ind.weight), num(ind.score)
    fields: dict[str, Any] = {
        "name": ind.name.text, "level1": ind.level1, "level2": ind.level2,
        "target_text": ind.target.raw.strip(" \u3000"), "actual_text": ind.actual.raw.strip(" \u3000"),
        "deviation_text": ind.deviation.text, "target_kind": t.kind, "actual_kind": a.kind,
        "has_deviation_column": "deviation" in b.ev.indicator_columns or not b.ev.indicator_columns,
        "weight": weight, "score": score, "deviation_filled": filled(ind.deviation.raw),
        "is_time": "时效" in ind.level2, "is_cost": "成本" in ind.level2,
        "target_is_time": target_is_time(t), "actual_is_count": actual_is_count(a),
    }
    if weight is not None and score is not None:
        fields["lost"] = rnd(weight - score)
        fields["full_marks"] = score >= weight - 1e-9
        if weight > 0:
            fields["score_share"] = rnd(score / weight, 4)
    fields["qualitative"] = t.kind == "text"
    cmp = compare(ind)
    fields["comparable"] = cmp is not None
    if cmp is not None:
        fields.update(target_value=cmp.target, actual_value=cmp.actual, unit=cmp.unit, polarity=cmp.polarity,
                      met=cmp.met, ratio=rnd(cmp.ratio))
        if cmp.polarity == "positive" and cmp.target > 0:
            fields["over_target"] = rnd(cmp.actual / cmp.target, 3)
        if weight is not None:
            implied = weight * min(cmp.ratio, 1.0)
            fields["implied_score"] = rnd(implied, 2)
            if score is not None:
                fields["score_excess"] = rnd(score - implied, 3)
    total = consistent_total(b.ev) if ind.counted else None
    if total is not None and score is not None:  # a row corrected moves the total with it: the finding says so
        if "implied_score" in fields:
            fields["total_after"] = rnd(total - score + fields["implied_score"], 2)
        if weight is not None:
            fields["total_if_full"] = rnd(total - score + weight, 2)
    timed = fields["is_time"] or fields["target_is_time"]
    on_time = time_met(ind.target.raw, ind.actual.raw) if timed and not ind.actual.empty else None
    missed = time_missed(t, ind.actual.raw)
    if missed is None and on_time is not None:
        missed = not on_time
    if missed is not None:
        fields["time_missed"] = missed
        fields["actual_months"] = "、".join(str(m) for m in months_in(ind.actual.raw)) or ind.actual.raw.strip()
    # what the words say: a restated target, an unmeasurable target, a bare verdict
    fields["restates_target"] = not ind.actual.empty and signed_restatement(t, a)
    fields["same_words"] = not ind.actual.empty and same_words(t, a)
    fields["vague_target"] = vague_target(t)
    fields["verdict_actual"] = verdict_actual(a)
    fields["is_satisfaction"] = "满意" in ind.level1 or "满意" in ind.level2
    if on_time is not None:  # a deadline is met by the dates, not by comparing day numbers
        fields["achieved"] = on_time and not missed
    elif cmp is not None:
        fields["achieved"] = cmp.met
    elif t.kind == "text" and not ind.actual.empty:
        fields["achieved"] = fields["same_words"] or says_achieved(a)
    unit_issues = [i for q in (t, a) for i in q.issues if i.startswith("unknown unit")]
    if unit_issues:
        fields["unit_issue"] = unit_issues[0].removeprefix("unknown unit ")
    for q in (t, a):
        if q.kind == "expression" and any(i.startswith("expression") for i in q.issues):
            product = math.prod(i.value or 0 for i in q.items)
            fields.update(expression=q.text, expression_product=rnd(product), expression_result=q.number)
            break
    if not ind.actual.empty and not ind.target.empty:
        name_target = ind.name.text + ind.target.raw
        sim = similarity(ind.actual.raw, name_target)
        if t.kind == "text":
            sim = max(sim, similarity(ind.actual.raw, ind.target.raw))
        fields["restate_similarity"] = rnd(sim, 3)
    cell = ind.actual if not ind.actual.empty else ind.name
    b.add("indicator", fields, cell.loc or ind.loc, indicator_path(ind), cell_text=cell.raw, row=index,
          places={"target": ind.target, "actual": ind.actual, "weight": ind.weight, "score": ind.score,
                  "deviation": ind.deviation, "name": ind.name})
