"""Figures a text states about itself: a total and its parts in one sentence.

"本项目共完成预算资金89.97万元。其中：30万元用于…；30万元用于…；29.99万元用于…" states a total and three parts
that must add up. (A report's budget, spending and rates in words: checker/stated.py.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.facts.figures import figures
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
