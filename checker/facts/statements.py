"""Figures a text states about itself: a total and its parts in one sentence, and the budget and spending a
report gives in words (the only funding figures of a report without a table).

"本项目共完成预算资金89.97万元。其中：30万元用于…；30万元用于…；29.99万元用于…" states a total and three parts
that must add up; "项目资金共2179万元，已完成拨付2113.63万元，执行率97%" states a budget, a spending and a rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.facts.figures import figures
from checker.facts.text import sentences, squash
from checker.quantity import MONEY_FACTORS, MONEY_UNIT

# words before a figure that make it the total of what follows
_TOTAL_WORDS = ("共", "合计", "总计", "总额", "总投资", "申请", "安排", "下达", "批复", "预算", "到位", "完成", "支出", "收入",
                "拨付", "投入", "资金")
_MONEY_RE = re.compile(r"\d(?:\.\d+)?\s*(?:亿元|万元|元)")
_DECIMALS_RE = re.compile(r"(\d+)(?:\.(\d+))?\s*(?P<unit>亿元|万元|元)")


@dataclass
class StatedSum:
    sentence: str
    total: float
    parts: list[float]
    slack: float  # half a unit of the finest figure written: 30 and 29.99 show a writer who counts cents

    @property
    def gap(self) -> float:
        return round(self.total - sum(self.parts), 6)


_STOP_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def _statements(text: str) -> list[str]:
    """Sentences (a list of parts runs on over ；), with a sentence opening with 其中 joined to the one it
    breaks down."""
    out: list[str] = []
    for s in (x.strip() for x in _STOP_RE.findall(text)):
        if not s:
            continue
        if out and s.startswith("其中") and "其中" not in out[-1]:
            out[-1] += s
        else:
            out.append(s)
    return out


def _first_colon_after_money(sentence: str) -> re.Match[str] | None:
    money = _MONEY_RE.search(sentence)
    return re.compile(r"[:：]").search(sentence, money.end()) if money else None


def stated_sums(text: str) -> list[StatedSum]:
    found = []
    for sentence in _statements(text):
        mark = re.search("其中", sentence) or _first_colon_after_money(sentence)
        if mark is None:
            continue
        head_text = sentence[:mark.start()]
        head = [f for f in figures(head_text) if f.unit == MONEY_UNIT and f.direction is None]
        if not head or not any(w in head_text for w in _TOTAL_WORDS):
            continue
        tail = sentence[mark.end():].split("其中")[0]  # a second 其中 breaks down a part, not the total
        parts = [f for f in figures(tail) if f.unit == MONEY_UNIT and f.direction is None]
        if len(parts) < 2:
            continue
        slack = min((0.5 * 10 ** -len(m.group(2) or "") * MONEY_FACTORS[m.group("unit")]
                     for m in _DECIMALS_RE.finditer(sentence)), default=0.0)
        found.append(StatedSum(sentence, head[-1].value, [p.value for p in parts], slack))
    return found


# --- a report's own funding figures ------------------------------------------------------------------

_BUDGET_RE = re.compile(r"(?:预算资金|预算|资金共|项目资金共?|计划投资|总投资|安排资金|下达资金|批复资金|资金总额|申请资金)"
                        r"[^，,。；;]{0,8}?(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)")
_SPENT_RE = re.compile(r"(?:实际支出|实际使用|已支出|支出|已使用|已完成拨付|完成拨付|已拨付|拨付|执行|完成支付|已支付|支付)"
                       r"[^，,。；;]{0,6}?(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)")
_RATE_RE = re.compile(r"(?:执行率|支出率|使用率|拨付率)(?:为|达|达到)?(?P<num>\d+(?:\.\d+)?)%")
_FULL_USE_RE = re.compile(r"已?全部(?:使用|拨付|支付|支出|用于|到位并使用)|全额(?:使用|拨付|支付)|(?:资金)?(?:使用|执行)率(?:达到?)?100%")


@dataclass
class StatedFunding:
    budget: float | None = None
    spent: float | None = None
    rate: float | None = None
    full_use_text: str = ""

    @property
    def computed_rate(self) -> float | None:
        if self.budget and self.spent is not None and self.budget > 0:
            return round(self.spent / self.budget * 100, 2)
        return self.rate


def stated_funding(texts: list[str]) -> StatedFunding:
    out = StatedFunding()
    for text in texts:
        for sentence in sentences(text):
            s = sentence.replace("％", "%")
            if out.budget is None and (m := _BUDGET_RE.search(s)):
                out.budget = float(m.group("num")) * MONEY_FACTORS[m.group("unit")]
            if out.spent is None and (m := _SPENT_RE.search(s)) and not _BUDGET_RE.match(s[m.start():]):
                value = float(m.group("num")) * MONEY_FACTORS[m.group("unit")]
                if out.budget is None or value != out.budget or "执行" in m.group(0):
                    out.spent = value
            if out.rate is None and (m := _RATE_RE.search(s)):
                out.rate = float(m.group("num"))
            if not out.full_use_text and (m := _FULL_USE_RE.search(squash(s).replace("％", "%"))):
                out.full_use_text = m.group(0)
    return out
