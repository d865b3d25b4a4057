"""Parse the values written in 自评表 cells: "＞1200个", "≥4期", "5*4=20万元", "1-12月"…

A value that does not parse cleanly stays kind "text" with no number: the parser never guesses.
Money is normalised to 万元; counts keep their unit ("人次", "个"…); "万人" becomes 人 × 10000.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Op = Literal[">=", ">", "<=", "<", "="]
Kind = Literal["empty", "number", "range", "list", "date", "expression", "rate", "change", "text"]

MONEY_UNIT = "万元"
MONEY_FACTORS = {"亿元": 10000.0, "万元": 1.0, "千元": 0.1, "元": 0.0001}

# Longest first so that "人次" wins over "人" and "个月" over "个".
COUNT_UNITS = sorted(
    ["万", "人次", "个月", "个百分点", "百分点", "平方公里", "平方千米", "平方米", "立方米", "公里", "千米", "厘米", "毫米",
     "千瓦", "千瓦时", "兆瓦", "吨标准煤", "标准亩", "公顷", "公斤", "千克", "小时", "分钟", "工作日", "季度", "课时", "学时", "个", "家", "期", "次", "部", "起", "件", "项", "场", "份", "台", "套", "辆", "户", "所", "名", "人", "批", "条", "篇", "本", "册", "张", "处", "座", "架", "艘", "棵", "株", "头", "只", "宗", "单", "轮", "届", "节", "天", "日", "周", "月", "年", "米", "亩", "吨", "元", "%", "‰", "分", "km", "m", "位", "支", "队", "组", "栋", "间", "床", "所", "块", "根", "辆", "期次", "人天", "票", "卷", "盏", "口", "把", "门", "类", "种", "段", "篇次", "场次", "批次", "户次", "车次", "架次", "人月"],
    key=len,
    reverse=True,
)
UNITS = sorted(set(COUNT_UNITS) | set(MONEY_FACTORS), key=len, reverse=True)

# Operator words, normalised. Prefix forms stand before the number, suffix forms after the unit.
PREFIX_OPS: dict[str, Op] = {
    ">=": ">=", "≥": ">=", "≧": ">=", "⩾": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=",
    "至少": ">=", "达到": ">=", "大于等于": ">=", "大于或等于": ">=",
    "<=": "<=", "≤": "<=", "≦": "<=", "⩽": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=",
    "不多于": "<=", "至多": "<=", "最多": "<=", "小于等于": "<=", "控制在": "<=", "低于等于": "<=",
    ">": ">", "大于": ">", "超过": ">", "高于": ">", "多于": ">",
    "<": "<", "小于": "<", "低于": "<", "少于": "<",
    "=": "=", "等于": "=",
}
SUFFIX_OPS: dict[str, Op] = {
    "及以上": ">=", "以上": ">=", "或以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=",
}
CHANGE_DOWN = ("下降", "降低", "减少", "减低", "压减", "缩减", "缩短")
CHANGE_UP = ("增长", "提高", "增加", "上升", "提升", "增幅")
CHANGE_BASES = ("同比", "环比", "较上年", "比上年", "较上期", "比上期", "较去年", "比去年", "较同期")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


class DatePart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    year: int | None = None
    month: int | None = None
    day: int | None = None


class Quantity(BaseModel):
    """The parsed form of one value. `value` is in `unit` (money always in 万元)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field("", description="the value as written, outer blanks removed")
    kind: Kind = "empty"
    op: Op | None = Field(None, description="comparison stated with the figure, None when bare")
    value: float | None = Field(None, description="the figure in the normalised unit")
    number: float | None = Field(None, description="the figure as written, before unit normalisation")
    unit: str | None = Field(None, description="normalised unit; None when absent or unknown")
    raw_unit: str | None = Field(None, description="the unit as written")
    per: str | None = Field(None, description="denominator of a rate: 期 in 5万元/期, 月 in 每月5次")
    low: float | None = None
    high: float | None = None
    direction: Literal["up", "down"] | None = Field(None, description="for a change: 下降 / 增长")
    base: str | None = Field(None, description="for a change: 同比, 较上年…")
    label: str | None = Field(None, description="words before the figure: 合格率 in 合格率≥80%")
    subject: str | None = Field(None, description="words after the unit: 企业 in 85家企业")
    items: list[Quantity] = Field(default_factory=list, description="parts of a list or expression operands")
    dates: list[DatePart] = Field(default_factory=list)
    issues: list[str] = Field(default_factory=list, description="what is odd about the value (unknown unit…)")


# --- numbers -------------------------------------------------------------------------------------

_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN_NUM = r"[零〇一二两三四五六七八九十百千万]+"
_NUM_ANY = rf"(?:{_NUM}|{_CN_NUM})"


def chinese_numeral(s: str) -> int | None:
    """一百二十 → 120, 两 → 2, 十二 → 12; None for anything else."""
    if not s or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in s):
        return None
    total, section, digit = 0, 0, None
    for c in s:
        if c in "零〇":
            continue
        if c in _CN_DIGITS:
            if digit is not None:  # "一二" is not a numeral
                return None
            digit = _CN_DIGITS[c]
        else:
            mult = _CN_UNITS[c]
            if mult == 10000:
                total += (section + (digit or 0)) * mult
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * mult
                digit = None
    return total + section + (digit or 0)


PLAUSIBLE = 1e13  # no figure on these forms reaches it: 10 万亿 in 元; larger is a slip or a probe, never a figure
IMPLAUSIBLE = "figure beyond any plausible amount"


def _to_float(s: str) -> float | None:
    s = s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        n = chinese_numeral(s)
        return float(n) if n is not None else None


def _normalise(text: str) -> str:
    # NFKC folds full-width digits, ％, ＞, （） and the ideographic space; ≧ ≦ are kept as they are.
    s = unicodedata.normalize("NFKC", text)
    s = s.replace("×", "*").replace("＊", "*").replace("~", "-").replace("～", "-").replace("—", "-")
    s = s.replace("–", "-").replace("\u2212", "-")  # en dash, minus sign
    s = re.sub(r"(\d)百分比", r"\1%", s)  # "≥100百分比"
    s = re.sub(r"负(?=\d)", "-", s)  # 负96
    s = _PERCENT_WORDS.sub(_percent, s)  # 百分之五十 → 50%
    return re.sub(r"\s+", "", s)


_PERCENT_WORDS = re.compile(r"百分之([零〇一二两三四五六七八九十百]+|\d+(?:\.\d+)?)")


def _percent(m: re.Match[str]) -> str:
    """百分之五十 → 50%, 百分之95.5 → 95.5%; a numeral that does not read stays as written (read as text)."""
    n = m.group(1)
    if n[0].isdigit():
        return f"{n}%"
    value = chinese_numeral(n)
    return f"{value}%" if value is not None else m.group()


# --- unit handling -------------------------------------------------------------------------------

def _split_unit(rest: str) -> tuple[str | None, str]:
    """Longest known unit at the start of `rest`, and what follows it."""
    if rest.startswith("万") and not rest.startswith("万元"):
        for u in COUNT_UNITS:  # 万人次, 万亩, 万平方米: ten-thousands of a count
            if u != "万" and u not in MONEY_FACTORS and rest.startswith(u, 1):
                return "万" + u, rest[1 + len(u):]
    for u in UNITS:
        if rest.startswith(u):
            return u, rest[len(u):]
    return None, rest


def _normalise_unit(number: float, unit: str | None) -> tuple[float, str | None]:
    if unit is None:
        return number, None
    if unit in MONEY_FACTORS:
        return round(number * MONEY_FACTORS[unit], 10), MONEY_UNIT
    if unit == "万":  # "10万" in a 万元 funding table: a bare count of ten-thousands
        return number, "万"
    if unit.startswith("万") and unit != "万元":
        return number * 10000, unit[1:]
    if unit == "‰":
        return number / 10, "%"
    if unit in ("百分点", "个百分点"):
        return number, "个百分点"
    if unit == "km":
        return number, "公里"
    return number, unit


_OP_PREFIX_RE = "|".join(re.escape(k) for k in sorted(PREFIX_OPS, key=len, reverse=True))
_OP_SUFFIX_RE = "|".join(re.escape(k) for k in sorted(SUFFIX_OPS, key=len, reverse=True))
_LABEL = r"(?:(?![零〇一二两三四五六七八九十百千万])[\u4e00-\u9fff()A-Za-z]){1,12}?"
_SINGLE_RE = re.compile(
    rf"^(?P<label>{_LABEL})?(?P<op>{_OP_PREFIX_RE})?(?P<num>{_NUM_ANY})(?P<rest>[^\d]*?)(?P<suffix>{_OP_SUFFIX_RE}|左右)?$"
)


def _single(s: str) -> Quantity | None:
    """`[label][op]number[unit][subject][以上/以内]`; None when `s` is not of that shape."""
    m = _SINGLE_RE.match(s)
    if not m:
        return None
    label, num, rest = m.group("label"), m.group("num"), m.group("rest") or ""
    op_text = m.group("op") or ""
    if label and not op_text:  # "达到100%": the operator word was taken for a label
        word = next((k for k in sorted(PREFIX_OPS, key=len, reverse=True) if label.endswith(k)), None)
        if word:
            label, op_text = label[: -len(word)], word
    number = _to_float(num)
    if number is None:
        return None
    cn = not re.match(r"[-+\d]", num)
    if label and op_text and label[-1] + op_text in PREFIX_OPS:  # "不" + "低于"
        label, op_text = label[:-1], label[-1] + op_text
    op = PREFIX_OPS.get(op_text) or SUFFIX_OPS.get(m.group("suffix") or "")
    if m.group("suffix") == "左右":
        op = None
    unit, subject = _split_unit(rest) if rest else (None, "")
    f: dict[str, Any] = {"text": s, "kind": "number", "op": op, "number": number, "label": label or None}
    if rest and unit is None:
        # digits followed by words we do not know: keep the figure only if it is a rate (x/y)
        return None
    if cn and unit is None:
        return None  # a bare Chinese numeral inside words ("每月一交办") is not a quantity
    if subject:
        if not re.fullmatch(r"[\u4e00-\u9fff]{1,20}", subject):
            return None
        nxt, _ = _split_unit(subject)
        if nxt is not None and (nxt in MONEY_FACTORS or unit in MONEY_FACTORS):
            # "0.5万元元": two units in a row, not a unit followed by a noun
            return Quantity(**f, issues=[f"unknown unit {unit}{subject}"], raw_unit=unit + subject, value=number)
        f["subject"] = subject
    f["value"], f["unit"] = _normalise_unit(number, unit)
    return Quantity(**f, raw_unit=unit)


_EXPR_RE = re.compile(rf"^(?P<ops>{_NUM}(?:\*{_NUM})+)=(?P<res>{_NUM})(?P<unit>[^\d]*)$")
_RATE_RE = re.compile(rf"^(?P<op>{_OP_PREFIX_RE})?(?P<num>{_NUM_ANY})(?P<unit>[^\d/]+)/(?P<per>[\u4e00-\u9fffA-Za-z]{{1,4}})$")
_EACH_RE = re.compile(rf"^每(?P<per>[\u4e00-\u9fff]{{1,2}}?)(?P<op>{_OP_PREFIX_RE})?(?P<num>{_NUM_ANY})(?P<unit>[^\d]+)$")
_RANGE_RE = re.compile(rf"^(?P<lo>{_NUM})(?P<u1>[^\d\-]{{0,2}})(?:-|至|到)(?P<hi>{_NUM})(?P<unit>[^\d]{{0,3}})$")
_CHANGE_RE = re.compile(
    rf"^(?P<base>{'|'.join(CHANGE_BASES)})?(?P<dir>{'|'.join(CHANGE_DOWN + CHANGE_UP)})"
    rf"(?P<op>{_OP_PREFIX_RE})?(?P<num>{_NUM})(?P<unit>%|个百分点|百分点|[\u4e00-\u9fff]{{0,2}})(?P<suffix>{_OP_SUFFIX_RE})?$"
)
_DATE_RE = re.compile(r"^(?:(?P<y>(?:19|20)\d{2})年)?(?:(?P<m>1[0-2]|0?[1-9])月)?(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号])?"
                      r"(?:底前|末前|底之前|之前|以前|前|底|末)?"
                      r"(?:完成|完工|办结|结束|竣工|验收|拨付|发放|兑现|上报|实施完毕|全部完成)?$")


def _rate(s: str) -> Quantity | None:
    m = _RATE_RE.match(s) or _EACH_RE.match(s)
    if not m:
        return None
    number = _to_float(m.group("num"))
    if number is None:
        return None
    raw_unit = m.group("unit")
    unit, extra = _split_unit(raw_unit)
    if (unit is None or extra) and (s.startswith("每") or not re.match(r"[-+\d]", m.group("num"))):
        return None  # "每月一交办": words, not a rate
    f: dict[str, Any] = {"text": s, "kind": "rate", "op": PREFIX_OPS.get(m.group("op") or ""), "number": number,
                         "per": m.group("per"), "raw_unit": raw_unit}
    if unit is None or extra:
        return Quantity(**f, value=number, issues=[f"unknown unit {raw_unit}"])
    f["value"], f["unit"] = _normalise_unit(number, unit)
    return Quantity(**f)


def _expression(s: str) -> Quantity | None:
    m = _EXPR_RE.match(s)
    if not m:
        return None
    operands = [_to_float(x) for x in m.group("ops").split("*")]
    result = _to_float(m.group("res"))
    if result is None or any(o is None for o in operands):
        return None
    raw_unit = m.group("unit") or None
    unit, extra = _split_unit(raw_unit) if raw_unit else (None, "")
    f: dict[str, Any] = {"text": s, "kind": "expression", "number": result, "raw_unit": raw_unit, "issues": [],
                         "items": [Quantity(text=f"{o:g}", kind="number", number=o, value=o) for o in operands]}
    if raw_unit and (unit is None or extra):
        f["value"] = result
        f["issues"].append(f"unknown unit {raw_unit}")
    else:
        f["value"], f["unit"] = _normalise_unit(result, unit)
    product = 1.0
    for o in operands:
        product *= o  # type: ignore[operator]
    if abs(product - result) > 1e-6 * max(1.0, abs(result)):
        f["issues"].append(f"expression gives {product:g}, not {result:g}")
    return Quantity(**f)


def _range(s: str) -> Quantity | None:
    m = _RANGE_RE.match(s)
    if not m:
        return None
    lo, hi = _to_float(m.group("lo")), _to_float(m.group("hi"))
    u1, unit = m.group("u1") or "", m.group("unit") or ""
    if lo is None or hi is None or (u1 and u1 != unit) or lo > hi:
        return None
    known, extra = _split_unit(unit) if unit else (None, "")
    if unit and (known is None or extra):
        return None
    dates: list[DatePart] = []
    if known == "月" and lo >= 1 and hi <= 12:
        dates = [DatePart(month=int(lo)), DatePart(month=int(hi))]
    elif known == "年" and 1900 <= lo <= 2100:
        dates = [DatePart(year=int(lo)), DatePart(year=int(hi))]
    return Quantity(text=s, kind="range", raw_unit=unit or None, unit=known, low=lo, high=hi, dates=dates)


def _change(s: str) -> Quantity | None:
    m = _CHANGE_RE.match(s)
    if not m:
        return None
    number = _to_float(m.group("num"))
    raw_unit = m.group("unit") or None
    unit, extra = _split_unit(raw_unit) if raw_unit else (None, "")
    if number is None or (raw_unit and (unit is None or extra)):
        return None
    op = PREFIX_OPS.get(m.group("op") or "") or SUFFIX_OPS.get(m.group("suffix") or "")
    value, unit = _normalise_unit(number, unit)
    return Quantity(text=s, kind="change", op=op, number=number, value=value, unit=unit, raw_unit=raw_unit,
                    direction="down" if m.group("dir") in CHANGE_DOWN else "up", base=m.group("base"))


def _date(s: str) -> Quantity | None:
    m = _DATE_RE.match(s)
    if not m or not (m.group("m") or (m.group("y") and m.group("d") is None)):
        return None
    if m.group("d") and not m.group("m"):
        return None
    if m.group("y") and not m.group("m"):
        return None  # "2021年" alone is a year count as much as a date: leave it to _single
    part = DatePart(year=int(m.group("y")) if m.group("y") else None, month=int(m.group("m")),
                    day=int(m.group("d")) if m.group("d") else None)
    return Quantity(text=s, kind="date", dates=[part])


_LIST_SPLIT = re.compile(r"[,;、]|及|和")


def _list(s: str) -> Quantity | None:
    parts = _LIST_SPLIT.split(s)
    if len(parts) < 2 or not all(parts):
        return None
    items = []
    for p in parts:
        q = _scalar(p)
        if q is None:
            return None
        items.append(q)
    dates = [d for i in items for d in i.dates] if all(i.kind == "date" for i in items) else []
    return Quantity(text=s, kind="list", items=items, dates=dates)


def _scalar(s: str) -> Quantity | None:
    for parse in (_expression, _rate, _change, _range, _date, _single):
        q = parse(s)
        if q is not None:
            return q
    return None


@lru_cache(maxsize=8192)
def _parse_cached(text: str) -> Quantity:
    stripped = text.strip(" \t\r\n\u3000\xa0")
    if not stripped:
        return Quantity(text="", kind="empty")
    s = _normalise(stripped)
    if "分之" in s:  # 百分之… or 三分之一 left unread: never a figure taken from the words around it
        return Quantity(text=stripped, kind="text")
    q = _scalar(s) or _list(s)
    if q is None:
        return Quantity(text=stripped, kind="text")
    if not _plausible(q):
        return Quantity(text=stripped, kind="text", issues=[IMPLAUSIBLE])  # inf too: read as no figure, said
    return q.model_copy(update={"text": stripped})


def _plausible(q: Quantity) -> bool:
    return all(x is None or abs(x) < PLAUSIBLE for x in (q.value, q.number, q.low, q.high)) and all(
        _plausible(i) for i in q.items)


def parse_quantity(text: str | None) -> Quantity:
    """Parse one cell's text. Never raises; unparseable text comes back as kind "text".

    Quantities are frozen, so the cached instance is shared safely between cells.
    """
    return _parse_cached(text or "")
