"""What the words of a target and an actual say: a restated target, an unmeasurable target, a bare verdict.

财预〔2020〕10号 asks for targets that are 细化、量化、可衡量 and for actual values that state what was
achieved. These judgements are plain Python over the cell texts; the indicator rules decide what to report.
"""

from __future__ import annotations

import re
import unicodedata

from checker.facts.text import squash
from checker.quantity import Quantity

# Targets that name no measure: a direction or a verdict instead of a value.
VAGUE_TARGETS = re.compile(
    r"^(?:(?:效果|成效|作用|变化|改善|提升|提高|增强|好转)(?:明显|显著|突出|较好|良好)|(?:明显|显著|有效|逐步|持续|稳步|"
    r"进一步|不断|大幅|大力|全面|切实)(?:提升|提高|改善|增强|加强|好转|增加|降低|减少|推进|促进|优化)|有效|有所(?:提升|提高|改善)|"
    r"达成(?:年度|预期)?(?:指标|目标)?|达到(?:预期|预期目标|预期效果|要求)|符合(?:相关|有关|国家|上级)?(?:规定|要求|标准|文件要求)|"
    r"严格执行(?:相关|有关)?(?:制度|规定|政策)?(?:规定)?|良好|较好|好|高|较高|提高|提升|改善|促进|长期|持续|正常|按时|及时|"
    r"合规|规范|完成|全部完成|按要求完成|按计划完成|在项目计划完成时间内完成)$"
)
# Actual values that only give a verdict, not what was achieved.
VERDICT_ACTUALS = re.compile(
    r"^(?:已?达成(?:年度|预期)?(?:指标|目标)?|已?达到(?:预期|预期目标|预期效果|要求|目标)?|已?完成|全部完成|按时完成|"
    r"按期完成|按计划完成|完成(?:目标|任务)|达标|合格|符合|符合要求|符合规定|是|好|良好|较好|满意|有效|明显|显著|效果明显|"
    r"效果显著|成效明显|已实现|实现|达成预期|正常)$"
)
# Verdicts that say the target was reached (a qualitative target is then achieved).
ACHIEVED_VERDICTS = re.compile(
    r"^(?:已?达成(?:年度|预期)?(?:指标|目标)?|已?达到(?:预期|预期目标|预期效果|要求|目标)?|已?完成|全部完成|按时完成|按期完成|"
    r"按计划完成|完成(?:目标|任务)|达标|符合要求|符合规定|已实现|实现|达成预期)$"
)
# Indicators whose target 财预〔2020〕10号 wants as a figure: 数量, 成本 and, where a rate exists, 质量.
QUANTIFIED_LEVEL2 = ("数量", "成本", "经济成本")


_OP_WORDS = [("大于或等于", "≥"), ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("至少", "≥"),
             ("≧", "≥"), (">=", "≥"), ("小于或等于", "≤"), ("小于等于", "≤"), ("不超过", "≤"), ("不高于", "≤"),
             ("不大于", "≤"), ("不多于", "≤"), ("≦", "≤"), ("<=", "≤"), ("大于", ">"), ("高于", ">"), ("超过", ">"),
             ("小于", "<"), ("低于", "<"), ("＞", ">"), ("＜", "<")]
_SIGN_RE = re.compile(r"^[≥≤><]|(?:以上|以下|以内)$")


def _signed(text: str) -> str:
    """The text with its comparison words as signs: 不低于95% → ≥95%."""
    s = unicodedata.normalize("NFKC", text).replace(" ", "")
    for word, sign in _OP_WORDS:
        s = s.replace(word, sign)
    return s


def signed_restatement(target: Quantity, actual: Quantity) -> bool:
    """The actual repeats the target with its comparison ("≥90%" as the actual of "≥90%", "不低于95%"), whatever
    the unit, known or not."""
    a, t = _signed(actual.text), _signed(target.text)
    if not a or not _SIGN_RE.search(a):
        return False
    if squash(a) == squash(t) and a[:1] == t[:1]:
        return True
    return actual.op in (">=", ">", "<=", "<") and target.op == actual.op and actual.value is not None and \
        target.value == actual.value and target.unit == actual.unit


def same_words(target: Quantity, actual: Quantity) -> bool:
    """A qualitative target answered with its own words ("显著提升" / "显著提升")."""
    return target.kind == "text" and bool(squash(target.text)) and squash(target.text) == squash(actual.text)


def vague_target(target: Quantity) -> bool:
    return target.kind == "text" and bool(VAGUE_TARGETS.match(squash(target.text)))


def verdict_actual(actual: Quantity) -> bool:
    return actual.kind == "text" and bool(VERDICT_ACTUALS.match(squash(actual.text)))


def says_achieved(actual: Quantity) -> bool:
    return actual.kind == "text" and bool(ACHIEVED_VERDICTS.match(squash(actual.text)))
