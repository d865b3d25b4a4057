"""The fact kinds rules may use, with every field documented.

This table is the contract between Python (which computes facts) and the YAML rules (which decide):
a rule condition or message naming a field not listed here is rejected when the rule pack loads.
Booleans travel to durable-rules as 0/1; a field whose value is unknown is left out of the fact, so a
comparison on it never matches (the compiler guards every comparison with an existence test).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["number", "string", "bool"]


@dataclass(frozen=True)
class FieldDoc:
    type: FieldType
    doc: str


def _f(type_: FieldType, doc: str) -> FieldDoc:
    return FieldDoc(type_, doc)


COMMON: dict[str, FieldDoc] = {
    "kind": _f("string", "the fact kind"),
    "fid": _f("string", "unique id of the fact within a run"),
    "project": _f("string", "项目名称 of the evaluation the fact belongs to"),
    "department": _f("string", "主管部门"),
    "year": _f("number", "year of the evaluation"),
    "where": _f("string", "human-readable place: section › row"),
}

FACT_KINDS: dict[str, dict[str, FieldDoc]] = {
    "evaluation": {
        "has_table": _f("bool", "the 自评表 was found"),
        "has_narrative": _f("bool", "the 自评报告 was found"),
        "indicator_count": _f("number", "indicator rows of their own (not blank, template or 其中 breakdown rows)"),
        "filing_kind": _f("string", "project (项目支出) or department (部门整体支出)"),
        "weight_sum": _f("number", "execution 分值 plus every indicator 分值"),
        "expected_total": _f("number", "total weight of the scoring profile (100 by default)"),
        "weight_gap_abs": _f("number", "abs(weight_sum − expected_total)"),
        "score_sum": _f("number", "execution 得分 plus every indicator 得分 as reported"),
        "total_reported": _f("number", "总分 得分 as reported"),
        "total_gap": _f("number", "total_reported − score_sum"),
        "total_gap_abs": _f("number", "abs(total_gap)"),
        "declared_sum": _f("number", "execution 分值 plus the weights declared by the 一级 labels (all declared)"),
        "declared_gap_abs": _f("number", "abs(declared_sum − expected_total)"),
        "total_over_max": _f("number", "total_reported − weight_sum: above 0, a total the rows cannot reach"),
        "grade": _f("string", "评价等级 stated (优/良/中/差; 优秀, 良好, 合格… folded onto them)"),
        "grade_expected": _f("string", "the grade the reported total earns: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below"),
        "grade_fits": _f("bool", "grade equals grade_expected"),
        "header_score": _f("number", "自评得分 stated in the header block above a table that also has a total row"),
        "header_gap_abs": _f("number", "abs(header_score − total_reported)"),
    },
    "narrative": {
        "problems": _f("string", "存在的问题 (shortened)"),
        "measures": _f("string", "改进措施 (shortened)"),
        "problems_measures_similarity": _f("number", "0–1 similarity of 改进措施 to 存在的问题"),
        "problems_in_measures": _f("number", "0–1 share of 存在的问题 found verbatim inside 改进措施"),
    },
    "funding": {
        "budget": _f("number", "全年预算数 of 年度资金总额 (万元)"),
        "initial_budget": _f("number", "年初预算数 of 年度资金总额 (万元)"),
        "executed": _f("number", "全年执行数 of 年度资金总额 (万元)"),
        "weight": _f("number", "分值 of the execution rate"),
        "expected_weight": _f("number", "the execution weight of the scoring profile (10 by default)"),
        "weight_profile_gap_abs": _f("number", "abs(weight − expected_weight)"),
        "rate_reported": _f("number", "执行率 as reported (%)"),
        "rate_computed": _f("number", "全年执行数 / 全年预算数 × 100"),
        "rate_suggested": _f("string", "rate_computed as it should be written in the 执行率 cell (42.19%)"),
        "rate_gap_abs": _f("number", "abs(rate_reported − rate_computed) in percentage points"),
        "score_reported": _f("number", "execution 得分 as reported"),
        "score_computed": _f("number", "min(rate, 100%) × 分值"),
        "score_gap_abs": _f("number", "abs(score_reported − score_computed)"),
        "over_executed": _f("number", "executed − budget when positive"),
        "cost_actual_sum": _f("number", "sum of the 成本指标 actual money values (万元)"),
        "cost_rows": _f("number", "成本指标 rows whose actual is a money figure"),
        "cost_excess": _f("number", "cost_actual_sum − executed (or budget when nothing is executed)"),
        "cost_reference": _f("number", "the amount cost_excess is measured against (万元)"),
        "cost_excess_beyond_rounding": _f("number", "cost_excess less half a unit of the last digit of each cost "
                                                    "figure (90 against 89.974 is rounding, not excess)"),
        "basis": _f("string", "empty, or 资金来源合计的 when budget and executed are the sums of the sources "
                              "(from_parts); written before 全年执行数 in messages"),
        "from_parts": _f("bool", "budget and executed are the sums of the funding sources: the 年度资金总额 row "
                                 "holds zeros or blanks"),
    },
    "funding_column": {
        "column": _f("string", "column label (年初预算数, 全年预算数, 全年执行数)"),
        "total": _f("number", "年度资金总额 in that column"),
        "parts_sum": _f("number", "当年财政拨款 + 上年结转资金 + 其他资金 in that column"),
        "parts_count": _f("number", "how many of the three parts are filled in"),
        "gap": _f("number", "total − parts_sum"),
        "gap_abs": _f("number", "abs(gap)"),
    },
    "level1": {
        "name": _f("string", "一级指标 name (产出指标…)"),
        "declared_weight": _f("number", "weight declared in the label, e.g. 50 in 产出指标(50分)"),
        "weight_sum": _f("number", "sum of the 分值 of its rows"),
        "score_sum": _f("number", "sum of the 得分 of its rows"),
        "weight_gap": _f("number", "weight_sum − declared_weight"),
        "weight_gap_abs": _f("number", "abs(weight_gap)"),
        "rows": _f("number", "non-empty rows under it"),
        "expected_weight": _f("number", "the weight the scoring profile gives this 一级 block"),
        "profile_gap_abs": _f("number", "abs(declared_weight − expected_weight)"),
    },
    "indicator": {
        "name": _f("string", "三级指标"),
        "level1": _f("string", "一级指标"),
        "level2": _f("string", "二级指标"),
        "target_text": _f("string", "年度指标值 as written"),
        "actual_text": _f("string", "实际完成值 as written"),
        "deviation_text": _f("string", "偏差原因分析 as written"),
        "target_kind": _f("string", "parsed kind of the target (number, range, list, date, rate, change, text…)"),
        "actual_kind": _f("string", "parsed kind of the actual"),
        "target_value": _f("number", "the target figure in its normalised unit"),
        "actual_value": _f("number", "the actual figure, comparable with target_value"),
        "unit": _f("string", "the common unit of target and actual"),
        "polarity": _f("string", "positive (more is better) or negative (a cap: ≤, costs, accidents)"),
        "comparable": _f("bool", "target and actual are figures in compatible units"),
        "met": _f("bool", "the actual meets the target (only where comparable)"),
        "ratio": _f("number", "achievement ratio: actual/target, or target/actual for a cap"),
        "weight": _f("number", "分值"),
        "score": _f("number", "得分"),
        "lost": _f("number", "分值 − 得分"),
        "full_marks": _f("bool", "得分 ≥ 分值"),
        "implied_score": _f("number", "the score target vs. actual implies: 分值 × min(ratio, 1)"),
        "score_excess": _f("number", "得分 − implied_score"),
        "over_target": _f("number", "actual/target for a positive figure (how far above target)"),
        "deviation_filled": _f("bool", "偏差原因分析 holds a real reason (not blank, 无, —, 0)"),
        "is_time": _f("bool", "a 时效 indicator (二级 时效指标)"),
        "is_cost": _f("bool", "a 成本 indicator (二级 成本指标)"),
        "target_is_time": _f("bool", "the target is a period or dates (1-12月, 3月、10月, 2021-2023年)"),
        "actual_is_count": _f("bool", "the actual is a plain count or figure, not a time or a description"),
        "restates_target": _f("bool", "the actual repeats the target with its comparison (≥90% as the actual of ≥90%)"),
        "same_words": _f("bool", "a qualitative target answered with its own words (显著提升 / 显著提升)"),
        "vague_target": _f("bool", "the target names no measure: 效果明显, 有效, 持续提高, 达成预期指标, 符合相关规定…"),
        "verdict_actual": _f("bool", "the actual is only a verdict: 达成预期指标, 已完成, 达标, 良好…"),
        "is_satisfaction": _f("bool", "a 满意度 indicator"),
        "achieved": _f("bool", "the target was reached: by the figures, by the dates, or (qualitative) by the "
                               "target's own words or an explicit 达成/完成"),
        "time_missed": _f("bool", "dates in the actual fall outside the target months or after the deadline"),
        "actual_months": _f("string", "months found in the actual, e.g. 1、4"),
        "unit_issue": _f("string", "a unit that does not parse (0.5万元元/部)"),
        "expression": _f("string", "a value written as an expression whose arithmetic is wrong (5*4=21万元)"),
        "expression_product": _f("number", "what the expression's factors multiply to"),
        "expression_result": _f("number", "the result written after ="),
        "restate_similarity": _f("number", "0–1 similarity of the actual to indicator name + target (or the target text)"),
        "qualitative": _f("bool", "the target is words, not a figure (定性指标)"),
        "score_share": _f("number", "得分 / 分值"),
    },
    "text": {
        "section": _f("string", "where the text stands (实际完成值, 存在的问题, 项目绩效目标完成情况…)"),
        "text": _f("string", "the text (up to 2,000 characters)"),
        "stutter": _f("string", "the phrase written twice in a row, when there is one"),
        "stutter_len": _f("number", "length of that phrase in characters"),
    },
    "narrative_funding": {
        "stated_budget": _f("number", "年度预算金额 of the 自评报告 (万元)"),
        "stated_amount": _f("number", "first money figure of 项目支出管理和使用基本情况 (万元)"),
        "full_use_claim": _f("bool", "the report says the money was fully used (已全部使用, 使用率100%…)"),
        "table_budget": _f("number", "全年预算数 of the 自评表 (万元)"),
        "table_initial_budget": _f("number", "年初预算数 of the 自评表 (万元)"),
        "table_executed": _f("number", "全年执行数 of the 自评表 (万元)"),
        "rate_computed": _f("number", "全年执行数 / 全年预算数 × 100"),
        "stated_budget_gap_abs": _f("number", "abs(stated_budget − table_budget)"),
        "stated_amount_gap_abs": _f("number", "abs(stated_amount − table_budget)"),
        "full_use_text": _f("string", "the words claiming full use"),
    },
    "claim": {
        "section": _f("string", "the narrative section of the claim"),
        "speaker": _f("string", "who states it: 自评报告, or 年度总体目标实际完成情况"),
        "sentence": _f("string", "the sentence holding the figure"),
        "value": _f("number", "the figure stated in the narrative"),
        "unit": _f("string", "its unit"),
        "context": _f("string", "the words before the figure"),
        "indicator": _f("string", "the table indicator the claim is about"),
        "table_values": _f("string", "the figures the table gives for it, e.g. 80、13"),
        "matched": _f("bool", "an indicator of the table speaks of the same thing in the same unit"),
        "consistent": _f("bool", "the figure equals a table figure or the sum of the matching rows"),
    },
    "paste": {
        "section": _f("string", "the section of this paragraph"),
        "text": _f("string", "the paragraph (shortened)"),
        "other_project": _f("string", "the other project holding the same text"),
        "other_section": _f("string", "where it stands there"),
        "other_source": _f("string", "the other filing's file"),
        "others": _f("number", "how many other paragraphs of other projects share it"),
        "shared_ratio": _f("number", "0–1 share of this paragraph found in the other"),
    },
    "stated_sum": {
        "section": _f("string", "the text holding the sentence"),
        "sentence": _f("string", "the sentence stating a total and its parts (…共计X万元，其中A万元、B万元…)"),
        "total": _f("number", "the total stated (万元)"),
        "parts_sum": _f("number", "the sum of the parts stated after 其中 or the colon (万元)"),
        "parts_count": _f("number", "how many parts"),
        "gap": _f("number", "total − parts_sum"),
        "gap_abs": _f("number", "abs(gap)"),
        "gap_beyond_rounding": _f("number", "gap_abs less half a unit of the finest figure written in the sentence"),
    },
    "goal": {
        "expected": _f("string", "年度总体目标 预期目标"),
        "actual": _f("string", "年度总体目标 实际完成情况"),
        "similarity": _f("number", "0–1 similarity of the two texts"),
        "actual_in_expected": _f("number", "0–1 share of the actual found verbatim in the expected text"),
        "overlap": _f("number", "the larger of similarity and actual_in_expected"),
        "same_figures": _f("bool", "both texts state the same figures (or none): a copy, not a report of results"),
    },
    "stated_funding": {
        "stated_budget": _f("number", "the budget a report without a table states (万元)"),
        "stated_spent": _f("number", "what it says was spent or paid (万元)"),
        "stated_rate": _f("number", "spent / budget × 100, or the rate it states"),
        "full_use_claim": _f("bool", "it says the money was used in full (已全部拨付, 使用率100%…)"),
        "full_use_text": _f("string", "the words of that claim"),
        "problems_none": _f("bool", "存在的问题 says there is none (无, 暂无问题…)"),
    },
    "department_funding": {
        "executed": _f("number", "全年执行数 of a whole-department filing (万元)"),
        "budget": _f("number", "全年预算数 (万元)"),
        "expenditure_sum": _f("number", "按支出性质: 基本支出 + 项目支出 … (万元)"),
        "income_sum": _f("number", "按收入性质: 一般公共预算 + 政府性基金 + … (万元)"),
        "expenditure_gap_abs": _f("number", "abs(executed − expenditure_sum)"),
        "executed_is_income": _f("bool", "the 全年执行数 equals the income total"),
        "rate_from_expenditure": _f("number", "expenditure_sum / budget × 100"),
        "score_from_expenditure": _f("number", "min(rate_from_expenditure, 100%) × execution 分值"),
        "weight": _f("number", "execution 分值"),
    },
    "gap": {
        "part": _f("string", "what is lacking: table, funding, goal.expected, goal.actual, indicators, total, "
                             "scores, actuals, project, narrative, narrative.management, narrative.achievement, "
                             "narrative.problems, narrative.measures"),
        "label": _f("string", "the part as the form names it (自评表, 存在的问题 …)"),
        "reason": _f("string", "missing (not in the filing), empty (there, but blank) or instruction (still the "
                               "template's instruction text)"),
        "text": _f("string", "the instruction text left in the part"),
        "filing_kind": _f("string", "project (项目支出) or department (部门整体支出)"),
    },
    "metric_pair": {
        "metric": _f("string", "normalised indicator name, the key across filings"),
        "name": _f("string", "三级指标 as written"),
        "dimension": _f("string", "what the figure measures: unit, and 下降/增长 for changes"),
        "value": _f("number", "the figure in this project"),
        "text": _f("string", "the actual value as written here"),
        "other_project": _f("string", "another project of the same unit and year stating the same metric"),
        "other_value": _f("number", "the figure there"),
        "other_text": _f("string", "the actual value as written there"),
        "other_source": _f("string", "the file of the other filing"),
        "gap_abs": _f("number", "abs(value − other_value)"),
        "unit_wide": _f("bool", "a statistic of the whole unit or area: a year-on-year change, or a name with "
                                "全市/全县/辖区…; per-project counts (培训人次) differ legitimately"),
    },
}

# The named cells of a fact a rule may point its finding at (`at:`), besides the fact's own place.
PLACES: dict[str, set[str]] = {
    "funding": {"rate", "score", "weight", "executed", "budget"},
    "indicator": {"target", "actual", "weight", "score", "deviation", "name"},
    "evaluation": {"grade", "header_score"},
}


def fields_of(kind: str) -> dict[str, FieldDoc]:
    return {**COMMON, **FACT_KINDS[kind]}


KIND_DOCS = {
    "evaluation": "one per evaluation: weights, scores and totals of the scored table",
    "narrative": "one per 自评报告 with both 存在的问题 and 改进措施",
    "funding": "one per scored table with a 年度资金总额 row: execution rate and score, costs vs. spending",
    "funding_column": "one per funding column (年初预算数, 全年预算数, 全年执行数) whose sources are filled in",
    "level1": "one per 一级指标 block",
    "indicator": "one per non-empty indicator row: target vs. actual, implied score, time, units",
    "text": "one per text holding a phrase written twice in a row",
    "narrative_funding": "one per evaluation with both report and table: the report's money figures",
    "claim": "one per count in 项目绩效目标完成情况, matched to the table",
    "paste": "one per report paragraph that shares sentences with another project's report (cross-filing)",
    "stated_sum": "one per sentence that states a total and lists its parts",
    "goal": "one per 年度总体目标 with both the expected and the actual text",
    "stated_funding": "one per report without a table that states its budget, spending or rate in words",
    "department_funding": "one per whole-department filing with an expenditure breakdown",
    "gap": "one per part of the filing that is missing, empty or still holds the template's instruction text",
    "metric_pair": "one per pair of projects of one unit and year stating the same metric (cross-filing)",
}


def facts_markdown() -> str:
    """The fact reference for rule authors (docs/facts.md is this output)."""
    lines = ["# Fact kinds", "",
             "Generated by `jxcheck facts`. Rules match one kind (`fact:`) and may use only these fields.",
             "Booleans are written `true`/`false` in rules. A field whose value is unknown is absent from the",
             "fact, so no comparison on it matches.", "", "Every fact also has: " +
             ", ".join(f"`{k}` ({v.doc})" for k, v in COMMON.items()) + ".", ""]
    for kind, fields in FACT_KINDS.items():
        lines += [f"## `{kind}`", "", KIND_DOCS[kind][0].upper() + KIND_DOCS[kind][1:] + ".", "",
                  "| field | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| `{name}` | {doc.type} | {doc.doc} |" for name, doc in fields.items()]
        lines.append("")
    return "\n".join(lines)
