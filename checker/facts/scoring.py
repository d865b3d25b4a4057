"""What a target and an actual imply for an indicator's score (docs/design.md §2).

Positive indicators (≥, ＞, a bare count): met when actual ≥ target, else weight × actual / target.
Negative ones (≤, ＜, costs, accidents, complaints): met when actual ≤ target, else weight × target / actual.
A 成本指标 with a bare number is a cap, unless it counts money coming in (罚没, 收入…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.facts.base import FactRecord
from checker.model import Indicator
from checker.quantity import CHANGE_DOWN, CHANGE_UP, MONEY_FACTORS, MONEY_UNIT, Quantity

# A bare figure under these names is a cap: less is better.
NEGATIVE_NAME_WORDS = ("事故起数", "事故数", "事故率", "死亡", "伤亡", "投诉", "差错", "错误率", "损失", "发生率", "故障率",
                       "不合格", "超标", "逾期", "违规", "违法率", "返工", "退回率", "成本", "控制率", "调整率", "结转",
                       "结余", "超支", "偏差率", "误差", "拖欠", "欠款", "闲置", "滞留", "沉淀", "挪用", "漏报", "空置率",
                       "流失率", "辍学率", "发病率", "延误", "超期", "事件", "发案", "上访", "差评")
# Money coming in: more is better even under 成本指标.
REVENUE_NAME_WORDS = ("罚没", "收入", "收缴", "上缴", "征收", "税收", "回收", "收费", "缴款")
SIGNED_UNITS = {"%", "个百分点"}  # a rate may fall below zero (负96%); a count or an amount may not
TIME_UNITS = {"月", "日", "天", "年", "季度", "周", "小时", "分钟", "工作日"}
_DEADLINE_RE = re.compile(r"前|底|末|以内完成|每[月年周季]")
_MONTH_RE = re.compile(r"(?<![\d\-~至到])(\d{1,2})月")


@dataclass
class Comparison:
    target: float
    actual: float
    unit: str | None
    polarity: str  # positive / negative
    strict: bool

    @property
    def met(self) -> bool:
        if self.polarity == "positive":
            return self.actual > self.target if self.strict else self.actual >= self.target
        return self.actual < self.target if self.strict else self.actual <= self.target

    @property
    def ratio(self) -> float:
        """The share of the target reached, 0 to 1: a score is never below 0 nor above the weight."""
        if self.polarity == "positive":
            share = self.actual / self.target if self.target > 0 else 1.0
        else:
            share = 1.0 if self.actual <= 0 else self.target / self.actual
        return min(1.0, max(0.0, share))


def polarity(ind: Indicator, target: Quantity) -> str:
    if target.op in ("<=", "<"):
        return "negative"
    if target.op in (">=", ">"):
        return "positive"
    name = ind.name.text
    if "成本" in ind.level2:
        return "positive" if any(w in name for w in REVENUE_NAME_WORDS) else "negative"
    if any(w in name for w in NEGATIVE_NAME_WORDS):
        return "negative"
    return "positive"


def _change(q: Quantity) -> tuple[str, float, str | None] | None:
    """(direction, magnitude, unit) of a change such as 同比下降5%, also inside a list."""
    if q.kind == "change" and q.value is not None:
        return q.direction or "", q.value, q.unit
    if q.kind == "number" and q.label and q.value is not None:
        for word in CHANGE_DOWN + CHANGE_UP:
            if q.label.endswith(word):
                return ("down" if word in CHANGE_DOWN else "up"), q.value, q.unit
    return None


def _figure(q: Quantity) -> tuple[float, str | None] | None:
    if q.kind in ("number", "expression") and q.value is not None and not q.issues:
        return q.value, q.unit
    return None


def _units_compatible(t: str | None, a: str | None, is_cost: bool) -> str | None | bool:
    """The common unit, None for two bare figures, False when they measure different things."""
    if t == a:
        return t
    if t is None or a is None:
        known = t or a
        if is_cost and known != MONEY_UNIT:
            return False
        return known
    return False


def _in_unit_of(number: float, other: Quantity) -> tuple[float, str | None]:
    if other.raw_unit in MONEY_FACTORS:
        return number * MONEY_FACTORS[other.raw_unit], other.unit
    if other.number and other.value is not None and other.number != other.value:
        return number * other.value / other.number, other.unit  # 万人次 and the like
    return number, other.unit


def compare(ind: Indicator) -> Comparison | None:
    """Target vs. actual as figures, or None when they cannot be compared."""
    t, a = ind.target.parsed, ind.actual.parsed
    is_cost = "成本" in ind.level2
    if t.unit in TIME_UNITS and _DEADLINE_RE.search(t.text):
        return None  # 每月10日前 is a deadline, not a count of days: time_met judges it
    tc = _change(t)
    if tc is not None:
        candidates = [a, *a.items]
        for q in candidates:
            ac = _change(q)
            if ac is not None and ac[0] == tc[0] and _units_compatible(tc[2], ac[2], False) is not False:
                return Comparison(tc[1], ac[1], tc[2], "positive", t.op == ">")
        return None
    tf, af = _figure(t), _figure(a)
    if tf is None or af is None:
        return None
    if af[1] is None and tf[1] is not None and a.number is not None:
        af = _in_unit_of(a.number, t)  # a bare actual ("72890") is in the unit of its own target (72890元)
    elif tf[1] is None and af[1] is not None and t.number is not None:
        tf = _in_unit_of(t.number, a)
    unit = _units_compatible(tf[1], af[1], is_cost)
    if unit is False:
        return None
    if (tf[0] < 0 or af[0] < 0) and unit not in SIGNED_UNITS:
        return None  # a negative count (≥-5次) is a slip, not a target to measure a share of
    return Comparison(tf[0], af[0], unit if isinstance(unit, str) else None, polarity(ind, t), t.op in (">", "<"))


def target_is_time(q: Quantity) -> bool:
    if q.kind == "range":
        return q.unit in TIME_UNITS
    if q.kind == "date":
        return True
    return q.kind == "list" and bool(q.items) and all(i.kind == "date" for i in q.items)


def actual_is_count(q: Quantity) -> bool:
    return q.kind in ("number", "expression") and q.unit not in TIME_UNITS


def months_in(text: str) -> list[int]:
    return sorted({int(m) for m in _MONTH_RE.findall(text) if 1 <= int(m) <= 12})


def time_missed(target: Quantity, actual_text: str) -> bool | None:
    """Dates of the actual outside the target's named months; None when the target names no months."""
    if target.kind not in ("date", "list") or not target.dates:
        return None
    wanted = {d.month for d in target.dates if d.month}
    done = set(months_in(actual_text))
    if not wanted or not done:
        return None
    if target.kind == "date" and target.text.endswith(("前", "底", "之前", "末")):
        return max(done) > max(wanted)
    return not done <= wanted


# --- time targets of every shape -------------------------------------------------------------------------

_RECURRING_RE = re.compile(r"每(?P<period>月|季度|季|年|周)(?:(?P<month>\d{1,2})月)?(?:(?P<day>\d{1,2})[日号])?"
                           r"(?P<mark>底前|末前|之前|以前|前|底|末)?")
_DATE_IN_TEXT_RE = re.compile(r"(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>1[0-2]|0?[1-9])月(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号])?"
                              r"(?P<mark>底前|末前|之前|以前|前|底|末|上旬|中旬|下旬)?")


def _recurring(text: str) -> tuple[str, int | None, int | None, bool] | None:
    m = _RECURRING_RE.search(text)
    if not m:
        return None
    month = int(m.group("month")) if m.group("month") else None
    day = int(m.group("day")) if m.group("day") else None
    end = bool(m.group("mark")) and m.group("mark").startswith(("底", "末"))
    return m.group("period").replace("季", "季度").replace("季度度", "季度"), month, day, end


def _dates(text: str) -> list[tuple[int | None, int, int | None, str]]:
    out = []
    for m in _DATE_IN_TEXT_RE.finditer(text):
        out.append((int(m.group("y")) if m.group("y") else None, int(m.group("m")),
                    int(m.group("d")) if m.group("d") else None, m.group("mark") or ""))
    return out


def _key(year: int | None, month: int, day: int | None, end_of_month: bool, default_year: int | None) -> tuple:
    return (year or default_year or 0, month, day if day is not None else (31 if end_of_month else 31))


def time_met(target_text: str, actual_text: str) -> bool | None:
    """Whether an actual date meets a time target: a deadline (6月底前, 2022年11月25日, 12月完成), a recurring
    one (每月10日前, 每季度末, 每年6月底前) or a period (1-12月); None when either side names no date."""
    t, a = target_text.replace(" ", ""), actual_text.replace(" ", "")
    rec_t = _recurring(t)
    if rec_t is not None:
        rec_a = _recurring(a)
        if rec_a is None or rec_a[0] != rec_t[0]:
            return None
        _, t_month, t_day, t_end = rec_t
        _, a_month, a_day, a_end = rec_a
        if rec_t[0] == "月":
            if t_day is None or (a_day is None and not a_end):
                return None if not (t_end and a_end) else True
            return (a_day if a_day is not None else 31) <= t_day
        if rec_t[0] == "年" and t_month is not None and a_month is not None:
            return (a_month, a_day or 31) <= (t_month, t_day or 31)
        if rec_t[0] == "季度" and t_end:
            return a_end or None
        return None
    target_dates = _dates(t)
    actual_dates = _dates(a)
    if not target_dates or not actual_dates:
        return None
    range_m = re.search(r"(\d{1,2})[-至到~](\d{1,2})月", t)
    if range_m:
        lo, hi = int(range_m.group(1)), int(range_m.group(2))
        return all(lo <= m <= hi for _, m, _, _ in actual_dates)
    if len(target_dates) > 1:
        return None  # several named months: the month list check (time_missed) handles them
    year, month, day, mark = target_dates[0]
    deadline = _key(year, month, day, mark.startswith(("底", "末")) or not mark or mark.endswith("前"), year)
    if mark.startswith(("上旬",)):
        deadline = (deadline[0], month, 10)
    latest = max(_key(y, m, d, True, year) for y, m, d, _ in actual_dates)
    return latest <= deadline


def recomputed_scores(records: list[FactRecord]) -> dict[str, float]:
    """Total as reported, as the rows add up, and as the method scores it (execution score from the rate,
    each comparable indicator at its implied score, the rest as reported)."""
    out: dict[str, float] = {}
    ev = next((r.fact for r in records if r.fact["kind"] == "evaluation"), {})
    funding = next((r.fact for r in records if r.fact["kind"] == "funding"), {})
    if "total_reported" in ev:
        out["reported"] = ev["total_reported"]
    if "score_sum" in ev:
        out["rows"] = ev["score_sum"]
    indicators = [r.fact for r in records if r.fact["kind"] == "indicator"]
    if indicators or funding:
        execution = funding.get("score_computed", funding.get("score_reported", 0))
        rows = sum(f.get("implied_score", f.get("score", 0)) for f in indicators)
        out["recomputed"] = round(execution + rows, 2)
    return out
