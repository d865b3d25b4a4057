"""Figures inside running text: "全年发生生产安全事故98起，死亡107人" → (事故, 98, 起), (死亡, 107, 人).

Used for narrative claims, for the figures a table's actual values state, and for comparing one metric
across filings. Money is normalised to 万元 like the quantity parser does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from checker.memo import by_length
from checker.quantity import CHANGE_DOWN, CHANGE_UP, MONEY_FACTORS, MONEY_UNIT

# Units a narrative figure may carry; longest first.
CLAIM_UNITS = sorted(
    ["亿元", "万元", "元", "万人次", "人次", "万人", "人", "名", "起", "家", "个", "次", "期", "部", "项", "件", "场",
     "万户", "户", "所", "座", "台", "套", "辆", "公里", "万亩", "亩", "万吨", "吨", "篇", "条", "批", "万平方米", "平方米",
     "公顷", "%"],
    key=len, reverse=True,
)
# Units that count the same thing: a claim in 人 may be checked against rows in 人次.
UNIT_FAMILY = {"人": "人", "人次": "人", "名": "人", "万人": "人", "万人次": "人"}

_FIGURE_RE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>" + "|".join(re.escape(u) for u in CLAIM_UNITS) + r")"
    r"(?P<suffix>以上|以下|以内|左右|多)?"
)
_CLAUSE_BOUNDARY = "，,。；;：:！!？?\n"
_CONTEXT_BOUNDARY = _CLAUSE_BOUNDARY + "、"
_APPROX = ("约", "近", "左右", "多", "余")


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str  # normalised: 万元 for money, 人 for 万人 (value scaled)
    context: str  # words between the previous boundary and the figure
    clause: str  # the whole clause holding it
    direction: str | None = None  # 下降 / 增长 when the context ends with a change word
    op: str | None = None  # >= / <= from 以上 / 以下 / 不低于…
    approximate: bool = False

    @property
    def family(self) -> str:
        return UNIT_FAMILY.get(self.unit, self.unit)

    @property
    def dimension(self) -> str:
        return f"{self.direction or ''}{self.unit}"


def figures(text: str) -> list[Figure]:
    return list(_figures(text))


@by_length(120)
def _figures(text: str) -> tuple[Figure, ...]:
    """Memoised: the same actual values ("100%", "1-12月") recur in every filing, a paragraph within its own."""
    s = unicodedata.normalize("NFKC", text)
    out: list[Figure] = []
    for m in _FIGURE_RE.finditer(s):
        start = m.start()
        if start > 0 and (s[start - 1].isdigit() or s[start - 1] in ".-*×/"):
            continue  # part of a longer number, a range or an expression
        after = s[m.end(): m.end() + 1]
        if m.group("unit") in ("元", "万元", "亿元") and after == "/":
            continue  # a per-unit rate
        ctx_start = max((s.rfind(b, 0, start) for b in _CONTEXT_BOUNDARY), default=-1) + 1
        clause_start = max((s.rfind(b, 0, start) for b in _CLAUSE_BOUNDARY), default=-1) + 1
        clause_end = min((i for i in (s.find(b, m.end()) for b in _CLAUSE_BOUNDARY) if i >= 0), default=len(s))
        context = s[ctx_start:start].strip()
        value = float(m.group("num"))
        unit = m.group("unit")
        if unit in MONEY_FACTORS:
            value, unit = round(value * MONEY_FACTORS[unit], 6), MONEY_UNIT
        elif unit.startswith("万"):
            value, unit = value * 10000, unit[1:]
        direction = None
        for word in CHANGE_DOWN + CHANGE_UP:
            if context.endswith(word) or re.search(word + r"(?:了)?$", context):
                direction = "下降" if word in CHANGE_DOWN else "增长"
                break
        suffix = m.group("suffix") or ""
        op = ">=" if suffix == "以上" or context.endswith(("不低于", "不少于", "超过", "达到")) else \
            "<=" if suffix in ("以下", "以内") or context.endswith(("不超过", "不高于")) else None
        approx = suffix in ("左右", "多") or context.endswith(_APPROX)
        out.append(Figure(value=value, unit=unit, context=context, clause=s[clause_start:clause_end], direction=direction,
                          op=op, approximate=approx))
    return tuple(out)




def bigrams(text: str) -> set[str]:
    t = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {t[i: i + 2] for i in range(len(t) - 1)}
