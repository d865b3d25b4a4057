"""Amounts as the checks use them: figures in 万元 whatever unit the form states, the execution's weight and
score wherever the form puts them, and the rounding a written figure allows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from checker.model import Evaluation, Value
from checker.quantity import MONEY_FACTORS, MONEY_UNIT


def num(v: Any) -> float | None:
    return v.number if v is not None and not v.empty else None


def money_num(v: Any, scale: float) -> float | None:
    """A funding figure in 万元: the form's unit applied to a bare figure; 10万 is 10万元."""
    n = num(v)
    if n is None:
        return None
    unit = v.parsed.unit
    if unit == MONEY_UNIT or unit == "万":
        return n
    return rnd(n * scale, 6)


def rnd(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


@dataclass
class Execution:
    """The budget execution's weight and score: on the 年度资金总额 row, on an indicator row of its own
    (决策/过程/产出/效益 framework), or a weight declared by the block's label (预算执行情况（20分）)."""

    weight: float | None = None
    score: float | None = None
    weight_cell: Value | None = None
    score_cell: Value | None = None
    in_indicators: bool = False  # its weight and score are already among the indicator rows


def execution_of(ev: Evaluation) -> Execution:
    total = ev.funding_row("total")
    out = Execution()
    if total is not None:
        out.weight, out.score = num(total.weight), num(total.score)
        out.weight_cell, out.score_cell = total.weight, total.score
    row = next((i for i in ev.indicators if i.execution and i.counted), None)
    if row is not None and out.weight is None and out.score is None:
        out = Execution(num(row.weight), num(row.score), row.weight, row.score, in_indicators=True)
    if out.weight is None and ev.execution_weight is not None:
        out.weight = ev.execution_weight
    return out


def score_sum(ev: Evaluation) -> float | None:
    """The execution 得分 plus every indicator 得分 as reported (None where no score is given)."""
    ex = execution_of(ev)
    scores = [s for s in (num(i.score) for i in ev.indicators if i.counted) if s is not None]
    exec_score = 0 if ex.in_indicators else ex.score
    if not scores and exec_score is None:
        return None
    return rnd(sum(scores) + (exec_score or 0))


def consistent_total(ev: Evaluation) -> float | None:
    """The reported 总分 where it is the sum of the scores: a row's score corrected then moves it too."""
    reported = num(ev.total.score) if ev.total is not None else None
    total = score_sum(ev)
    if reported is None or total is None or abs(reported - total) > 0.01:
        return None
    return reported


def money_scale(ev: Evaluation) -> float:
    """Funding figures in 万元 whatever unit the form states (项目资金（元）)."""
    return MONEY_FACTORS.get(ev.money_unit, 1.0)


_DECIMALS_RE = re.compile(r"\d+(?:\.(\d+))?")


def rounding_slack(values: list[Value]) -> float:
    """Half a unit of the last written digit of the least precise figure ("90" → 0.5, "89.97" → 0.005),
    in the figure's normalised unit."""
    slack = 0.0
    for v in values:
        if v is None or v.empty or v.number is None:
            continue
        m = _DECIMALS_RE.search(v.raw.replace(",", ""))
        if m is None:
            continue
        decimals = len(m.group(1) or "")
        unit_scale = (v.parsed.value / v.parsed.number) if v.parsed.number and v.parsed.value else 1.0
        slack = max(slack, 0.5 * 10 ** -decimals * abs(unit_scale))
    return slack
