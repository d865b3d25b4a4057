"""Evaluation → facts: plain dicts with the derived fields durable-rules cannot compute.

Each fact travels with a Python-side record (location, path, evidence) that the engine never sees; a
finding is built from the rule that fired and the records of the facts it matched.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from checker.facts import claims as claims_mod
from checker.facts.amounts import execution_of, money_num, money_scale, num, rnd, rounding_slack
from checker.facts.figures import figures
from checker.facts.scoring import actual_is_count, compare, months_in, target_is_time, time_met, time_missed
from checker.facts.stated import add_stated, grade_fields
from checker.facts.text import contained_share, filled, none_answer, shorten, similarity, squash, stutter
from checker.facts.wording import same_words, says_achieved, signed_restatement, vague_target, verdict_actual
from checker.model import FUNDING_PARTS, Evaluation, Indicator, Location, Text, Value
from checker.quantity import MONEY_FACTORS, MONEY_UNIT, parse_quantity

MAX_STRING = 2000


@dataclass
class FactRecord:
    fact: dict[str, Any]
    loc: Location | None = None
    path: list[str] = field(default_factory=list)
    cell_text: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)  # shown with a finding, never seen by rules
    others: list[dict[str, Any]] = field(default_factory=list)  # the other places of a consistency/duplication
    eval_key: int = 0
    # named cells of the fact (rate, score, target …): a rule's `at:` points its finding at one of them
    places: dict[str, tuple[Location | None, str]] = field(default_factory=dict)
    # why the reading behind this fact is uncertain (a column inferred): its findings are warnings at most
    uncertain: str | None = None

    @property
    def fid(self) -> str:
        return self.fact["fid"]

    @property
    def order(self) -> int:
        """Creation order within the evaluation; cross-filing facts come after the evaluation's own."""
        prefix, _, n = self.fid.partition(".")
        offset = 100_000 if prefix[:1].isalpha() else 0
        return offset + int(n)


MAX_FIGURE = 1e15  # beyond this a figure is no amount a filing states: it is left out of the facts


def clean_number(x: float) -> float | int:
    """A number durable-rules parses and JSON carries: no exponent notation, no NaN, nothing out of range
    (ValueError: the field is left out, so no rule compares it)."""
    if isinstance(x, bool):
        return int(x)
    if type(x) is int:
        if abs(x) >= MAX_FIGURE:
            raise ValueError("out of range")
        return x
    if x != x or x in (float("inf"), float("-inf")) or abs(x) >= MAX_FIGURE:
        raise ValueError("not a finite number in range")
    x = round(x, 6)
    if x.is_integer():
        return int(x)
    if abs(x) < 1e-4:  # durable-rules cannot parse exponent notation (1e-05)
        return 0
    return x


def sanitise(fact: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in fact.items():
        t = type(v)
        if t is str:
            out[k] = v if len(v) <= MAX_STRING else v[:MAX_STRING]
        elif t is bool:
            out[k] = int(v)
        elif t is int or t is float:
            try:
                out[k] = clean_number(v)
            except ValueError:
                continue
        elif v is not None:
            raise TypeError(f"fact field {k} has type {t.__name__}")
    return out


class FactBuilder:
    """Collects the facts of one evaluation."""

    def __init__(self, ev: Evaluation, eval_key: int, prefix: str = "",
                 profile: dict[str, float] | None = None) -> None:
        self.ev = ev
        self.profile = profile or {}
        self.eval_key = eval_key
        self.prefix = prefix  # keeps fids of cross-filing facts apart from per-evaluation ones
        self.records: list[FactRecord] = []
        self._n = 0
        # facts read through an inferred column: their findings cannot be errors
        inferred = getattr(ev, "inferred", None)  # the cross-filing stage builds from compact metadata
        note = "、".join(inferred or [])
        self.uncertain = {k: note for k in ("indicator", "evaluation", "level1", "funding", "funding_column")} \
            if inferred else {}

    def add(self, kind: str, fields: dict[str, Any], loc: Location | None, path: list[str],
            cell_text: str | None = None, places: dict[str, Value | Text | None] | None = None,
            **evidence: Any) -> FactRecord:
        self._n += 1
        base = {"kind": kind, "fid": f"{self.prefix}{self.eval_key}.{self._n}", "project": self.ev.project,
                "department": self.ev.department, "year": self.ev.year, "where": " › ".join(path)}
        rec = FactRecord(fact=sanitise({**base, **fields}), loc=loc, path=path, cell_text=cell_text,
                         evidence=evidence, eval_key=self.eval_key,
                         places={k: (v.loc, v.raw) for k, v in (places or {}).items() if v is not None and v.loc},
                         uncertain=self.uncertain.get(kind))
        self.records.append(rec)
        return rec


DEFAULT_PROFILE: dict[str, float] = {"execution": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10}


def build_facts(ev: Evaluation, eval_key: int = 0, profile: dict[str, float] | None = None) -> list[FactRecord]:
    b = FactBuilder(ev, eval_key, profile=profile or DEFAULT_PROFILE)
    _evaluation(b)
    if ev.has_table:
        _funding(b)
        _level1(b)
        for i, ind in enumerate(ev.indicators):
            if not ind.empty:
                _indicator(b, ind, i)
    _texts(b)
    _gaps(b)
    add_stated(b)
    if ev.narrative is not None:
        _narrative_funding(b)
        claims_mod.add_claims(b)
    return b.records


GAP_PATHS = {"table": ["自评表"], "funding": ["自评表", "项目资金"], "goal": ["自评表", "年度总体目标"],
             "goal.expected": ["自评表", "年度总体目标", "预期目标"], "goal.actual": ["自评表", "年度总体目标", "实际完成情况"],
             "indicators": ["自评表", "绩效指标"], "total": ["自评表", "总分"], "scores": ["自评表", "得分"],
             "actuals": ["自评表", "绩效指标", "实际完成值"],
             "project": ["项目名称"], "narrative": ["自评报告"]}


def _gaps(b: FactBuilder) -> None:
    for g in b.ev.gaps:
        path = GAP_PATHS.get(g.part) or ["自评报告", g.label]
        b.add("gap", {"part": g.part, "label": g.label, "reason": g.reason, "text": g.text, "filing_kind": b.ev.kind},
              g.loc, path, cell_text=g.text or None)


def indicator_path(ind: Indicator) -> list[str]:
    return ["自评表", "绩效指标", *(x for x in (ind.level1, ind.level2) if x), ind.name.text or "(未命名)"]


def _evaluation(b: FactBuilder) -> None:
    ev = b.ev
    rows = [i for i in ev.indicators if i.counted]
    ex = execution_of(ev)
    exec_weight = 0 if ex.in_indicators else ex.weight
    exec_score = 0 if ex.in_indicators else ex.score
    weights = [w for w in (num(i.weight) for i in rows) if w is not None]
    scores = [s for s in (num(i.score) for i in rows) if s is not None]
    fields: dict[str, Any] = {"has_table": ev.has_table, "has_narrative": ev.narrative is not None,
                              "indicator_count": len(rows), "filing_kind": ev.kind}
    expected_total = sum(b.profile.values())
    fields["expected_total"] = expected_total
    if ev.has_table and rows:
        if weights:  # a form without per-row weights (scores only) has no weight sum to check
            fields["weight_sum"] = rnd(sum(weights) + (exec_weight or 0))
            fields["weight_gap_abs"] = rnd(abs(fields["weight_sum"] - expected_total))
        if scores or exec_score is not None:
            fields["score_sum"] = rnd(sum(scores) + (exec_score or 0))
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
            fields["declared_gap_abs"] = rnd(abs(fields["declared_sum"] - expected_total))
    fields.update(grade_fields(ev, num(ev.total.score) if ev.total is not None else None))
    score_cell = ev.total.score if ev.total is not None else None
    b.add("evaluation", fields, score_cell.loc if score_cell else None,
          ["自评表", "总分"] if ev.has_table else ["自评报告"], cell_text=score_cell.raw if score_cell else None,
          places={"grade": ev.total.grade if ev.total is not None else None,
                  "header_score": ev.header_total.score if ev.header_total is not None else None})
    n = ev.narrative
    if n is not None and n.problems is not None and n.measures is not None and not n.problems.empty \
            and not n.measures.empty and not none_answer(n.problems.raw):  # "无" twice copies nothing
        b.add("narrative", {"problems": shorten(n.problems.text, 200), "measures": shorten(n.measures.text, 200),
                            "problems_measures_similarity": rnd(similarity(n.problems.raw, n.measures.raw), 3),
                            "problems_in_measures": rnd(contained_share(n.problems.raw, n.measures.raw), 3)},
              n.measures.loc, ["自评报告", "改进措施"], cell_text=n.measures.raw)


def _funding(b: FactBuilder) -> None:
    ev = b.ev
    total = ev.funding_row("total")
    if total is None:
        return
    scale = money_scale(ev)
    budget, executed = money_num(total.budget, scale), money_num(total.executed, scale)
    from_parts = False
    if not budget and not executed:
        # a 年度资金总额 row of zeros (or blanks) above funded sources: measure on the sources, whose sum
        # the funding-column check compares with the total
        parts = [r for r in ev.funding if r.kind in FUNDING_PARTS]
        pb = [v for v in (money_num(r.budget, scale) for r in parts) if v]
        pe = [v for v in (money_num(r.executed, scale) for r in parts) if v is not None]
        if pb:
            budget, executed, from_parts = rnd(sum(pb)), rnd(sum(pe)) if pe else None, True
    ex = execution_of(ev)
    fields: dict[str, Any] = {"budget": budget, "initial_budget": money_num(total.initial_budget, scale),
                              "executed": executed, "weight": ex.weight, "score_reported": ex.score,
                              "expected_weight": b.profile.get("execution"), "from_parts": from_parts,
                              "basis": "资金来源合计的" if from_parts else ""}
    if fields["weight"] is not None and fields["expected_weight"] is not None:
        fields["weight_profile_gap_abs"] = rnd(abs(fields["weight"] - fields["expected_weight"]))
    if total.rate.parsed.value is not None:
        fields["rate_reported"] = total.rate.parsed.value * (100 if total.rate.parsed.unit is None
                                                             and total.rate.parsed.value <= 1 else 1)
    if budget and executed is not None and budget > 0:
        rate = executed / budget * 100
        fields["rate_computed"] = rnd(rate, 2)
        fields["rate_suggested"] = f"{rate:.2f}".rstrip("0").rstrip(".") + "%"
        if "rate_reported" in fields:
            fields["rate_gap_abs"] = rnd(abs(fields["rate_reported"] - rate), 2)
        if fields["weight"] is not None:
            fields["score_computed"] = rnd(min(rate, 100) / 100 * fields["weight"], 2)
            if fields["score_reported"] is not None:
                fields["score_gap_abs"] = rnd(abs(fields["score_reported"] - fields["score_computed"]), 2)
        if executed > budget:
            fields["over_executed"] = rnd(executed - budget)
    costs = [i for i in ev.indicators if "成本" in i.level2 and not i.empty]
    money = [v for v in (_money(i) for i in costs) if v is not None]
    if money:
        reference = executed if executed else budget
        fields["cost_actual_sum"] = rnd(sum(money))
        fields["cost_rows"] = len(money)
        if reference is not None:
            fields["cost_reference"] = reference
            fields["cost_excess"] = rnd(sum(money) - reference)
            # 90 against 89.974 is rounding: each cost figure may be off by half a unit of its last digit
            slack = sum(rounding_slack([i.actual]) for i in costs)
            fields["cost_excess_beyond_rounding"] = rnd(sum(money) - reference - slack)
    cell = ex.score_cell if ex.score_cell is not None and not ex.score_cell.empty else total.executed
    b.add("funding", fields, cell.loc or total.loc, ["自评表", "项目资金", "年度资金总额"], cell_text=cell.raw,
          places={"rate": total.rate, "score": ex.score_cell, "weight": ex.weight_cell, "executed": total.executed,
                  "budget": total.budget},
          costs=[f"{i.name.text}: {i.actual.raw}" for i in costs])
    _funding_columns(b)


def _money(ind: Indicator) -> float | None:
    """The actual of a cost row in 万元; a bare figure takes the unit of its own target, else the table's
    (万元). A per-unit rate (元/公里) is never money spent."""
    q = ind.actual.parsed
    if q.kind not in ("number", "expression") or q.value is None or q.issues:
        return None
    if q.unit == MONEY_UNIT:
        return q.value
    if q.unit is None:
        t = ind.target.parsed
        if t.kind == "rate" or t.per:
            return None
        if t.unit == MONEY_UNIT and t.raw_unit in MONEY_FACTORS:
            return q.value * MONEY_FACTORS[t.raw_unit]
        return q.value
    return None


_COLUMNS = (("initial_budget", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数"))


def _funding_columns(b: FactBuilder) -> None:
    ev = b.ev
    total = ev.funding_row("total")
    parts = [r for r in ev.funding if r.kind in FUNDING_PARTS]
    scale = money_scale(ev)
    assert total is not None
    for attr, label in _COLUMNS:
        t = money_num(getattr(total, attr), scale)
        values = [(r, money_num(getattr(r, attr), scale)) for r in parts]
        filled_parts = [(r, v) for r, v in values if v is not None]
        if t is None or not filled_parts:
            continue
        s = sum(v for _, v in filled_parts)
        first = getattr(filled_parts[0][0], attr)
        b.add("funding_column", {"column": label, "total": t, "parts_sum": rnd(s), "parts_count": len(filled_parts),
                                 "gap": rnd(t - s), "gap_abs": rnd(abs(t - s))},
              first.loc, ["自评表", "项目资金", label], cell_text=first.raw,
              parts=[f"{r.label} {getattr(r, attr).raw.strip()}" for r, _ in filled_parts])


def _level1(b: FactBuilder) -> None:
    ev = b.ev
    for lv in ev.level1:
        rows = [i for i in ev.indicators if i.level1 == lv.name and i.counted]
        weights = [w for w in (num(i.weight) for i in rows) if w is not None]
        scores = [s for s in (num(i.score) for i in rows) if s is not None]
        fields: dict[str, Any] = {"name": lv.name, "declared_weight": lv.declared_weight,
                                  "score_sum": rnd(sum(scores)), "rows": len(rows)}
        if weights:
            fields["weight_sum"] = rnd(sum(weights))
        if lv.declared_weight is not None and weights:
            fields["weight_gap"] = rnd(sum(weights) - lv.declared_weight)
            fields["weight_gap_abs"] = abs(fields["weight_gap"])
        expected = _profile_weight(b.profile, lv.name)
        if expected is not None:
            fields["expected_weight"] = expected
            if lv.declared_weight is not None:
                fields["profile_gap_abs"] = rnd(abs(lv.declared_weight - expected))
        b.add("level1", fields, lv.loc, ["自评表", "绩效指标", lv.name], cell_text=lv.raw)


def _profile_weight(profile: dict[str, float], name: str) -> float | None:
    """The profile's weight for a 一级 block: 满意度指标 also matches 服务对象满意度指标."""
    key = squash(name)
    for label, weight in profile.items():
        if label != "execution" and (squash(label) in key or key in squash(label)):
            return weight
    return None


def _indicator(b: FactBuilder, ind: Indicator, index: int) -> None:
    t, a = ind.target.parsed, ind.actual.parsed
    weight, score = num(ind.weight), num(ind.score)
    fields: dict[str, Any] = {
        "name": ind.name.text, "level1": ind.level1, "level2": ind.level2,
        "target_text": ind.target.raw.strip(" \u3000"), "actual_text": ind.actual.raw.strip(" \u3000"),
        "deviation_text": ind.deviation.text, "target_kind": t.kind, "actual_kind": a.kind,
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


def _texts(b: FactBuilder) -> None:
    """Only texts with a stuttered phrase become facts: the rest would never match."""
    for section, text in _all_texts(b.ev):
        phrase = stutter(text.raw)
        if phrase:
            b.add("text", {"section": section[-1], "text": text.raw.strip(" \u3000"), "stutter": phrase,
                           "stutter_len": len(phrase)}, text.loc, section, cell_text=text.raw)


def _all_texts(ev: Evaluation) -> list[tuple[list[str], Text]]:
    out: list[tuple[list[str], Text]] = []
    n = ev.narrative
    if n is not None:
        for name, label in (("purpose", "项目立项目的"), ("management", "项目支出管理和使用基本情况"),
                            ("problems", "存在的问题"), ("measures", "改进措施"), ("other", "其他需要说明问题")):
            t = getattr(n, name)
            if t is not None:
                out.append((["自评报告", label], t))
        for k, p in enumerate(n.achievement):
            out.append((["自评报告", "项目绩效目标完成情况", f"第{k + 1}段"], p))
    if ev.goal is not None:
        out.append((["自评表", "年度总体目标", "预期目标"], ev.goal.expected))
        out.append((["自评表", "年度总体目标", "实际完成情况"], ev.goal.actual))
    for ind in ev.indicators:
        if ind.empty:
            continue
        path = indicator_path(ind)
        for label, value in (("年度指标值", ind.target), ("实际完成值", ind.actual)):
            out.append(([*path, label], Text(raw=value.raw, loc=value.loc)))
    return out


_FULL_USE_RE = re.compile(r"(已?全部(?:使用|拨付|支付|支出|用于)|全额(?:使用|拨付|支付)|(?:资金)?(?:使用|执行)率(?:达到?)?100%)")


def _narrative_funding(b: FactBuilder) -> None:
    ev = b.ev
    n = ev.narrative
    assert n is not None
    total = ev.funding_row("total")
    if total is None:
        return
    scale = money_scale(ev)
    fields: dict[str, Any] = {"table_budget": money_num(total.budget, scale),
                              "table_initial_budget": money_num(total.initial_budget, scale),
                              "table_executed": money_num(total.executed, scale)}
    tb, te = fields["table_budget"], fields["table_executed"]
    if tb and te is not None:
        fields["rate_computed"] = rnd(te / tb * 100, 2)
    loc = None
    if n.budget is not None and n.budget.text:
        q = _money_of(n.budget.text)
        if q is not None:
            fields["stated_budget"] = q
            if tb is not None:
                fields["stated_budget_gap_abs"] = rnd(abs(q - tb))
        loc = n.budget.loc
    if n.management is not None:
        money = [f for f in figures(n.management.raw) if f.unit == MONEY_UNIT]
        if money:
            fields["stated_amount"] = money[0].value
            if tb is not None:
                fields["stated_amount_gap_abs"] = rnd(abs(money[0].value - tb))
        m = _FULL_USE_RE.search(squash(n.management.raw).replace("％", "%"))
        fields["full_use_claim"] = m is not None
        if m:
            fields["full_use_text"] = m.group(0)
        loc = n.management.loc or loc
    b.add("narrative_funding", fields, loc, ["自评报告", "项目支出管理和使用基本情况"],
          cell_text=n.management.raw if n.management else None)


def _money_of(text: str) -> float | None:
    q = parse_quantity(text)
    if q.kind == "number" and q.unit == MONEY_UNIT and q.value is not None:
        return q.value
    return None
