"""Indicators and a total a report states in sentences, where it has no table:
"1.重大动物强制免疫病种群体免疫密度,年初目标值≥90%,实际完成值≥90%,自评得分20分;" is an indicator row with its
target, actual and score; "因此评价分100分,自评等级为优秀" is the report's total and grade. Read as the model's
own indicators (marked as read from the text), so the indicator rules check them as they check a table's.
"""

from __future__ import annotations

import re

from checker.model import Indicator, Text, Total, Value
from checker.readers.layout.outline import numbering

_INDICATOR_RE = re.compile(
    r"(?P<name>[^，,；;。:：\n]{2,40}?)[，,:：]\s*(?:年初|年度|全年|初)?(?:目标值|指标值|计划值|预期值|预期目标|目标)(?:为|是)?"
    r"[:：]?\s*(?P<target>[^，,；;。\n]{1,30}?)[，,；;]\s*(?:全年|年度|年底|年末)?(?:实际完成值|实际完成|完成值|实际值|实际)"
    r"(?:为|是)?[:：]?\s*(?P<actual>[^，,；;。\n]{1,30}?)"
    r"(?:[，,]\s*(?:自评)?(?:得分|评分|自评分)(?:为)?[:：]?\s*(?P<score>\d+(?:\.\d+)?)\s*分?)?(?=[；;。\n]|$)")
_TOTAL_RE = re.compile(r"(?:自评|评价)(?:总)?(?:得)?分(?:数)?(?:为|是|:|：)?\s*(?P<score>\d+(?:\.\d+)?)\s*分")
_GRADE_RE = re.compile(r"(?:自评|评价|绩效)等级(?:为|是|:|：)?\s*(?P<grade>优秀|优|良好|良|中等|中|合格|差|不合格)")


def text_indicators(texts: list[Text]) -> list[Indicator]:
    """The indicator rows stated in sentences."""
    out: list[Indicator] = []
    for t in texts:
        for m in _INDICATOR_RE.finditer(t.raw):
            name = m.group("name").strip()
            found = numbering(name)
            if found is not None:
                name = found[1].strip()
            loc = t.loc_at(m.start())
            out.append(Indicator(name=Text(raw=name, loc=loc), target=Value.of(m.group("target").strip(), loc),
                                 actual=Value.of(m.group("actual").strip(), loc),
                                 score=Value.of(m.group("score") or "", loc), from_text=True, loc=loc))
    return out


def text_total(texts: list[Text]) -> Total | None:
    """The total (and grade) a report states in a sentence of its own, not an indicator's score."""
    for t in texts:
        taken = [m.span() for m in _INDICATOR_RE.finditer(t.raw)]
        for m in _TOTAL_RE.finditer(t.raw):
            if any(a <= m.start() < b for a, b in taken):
                continue
            loc = t.loc_at(m.start())
            grade = _GRADE_RE.search(t.raw, m.end())
            return Total(placement="header", score=Value.of(m.group("score"), loc),
                         grade=Text(raw=grade.group("grade"), loc=loc) if grade else Text(), loc=loc)
    return None
