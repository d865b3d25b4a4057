"""Who and what a report is about: from its title ("XX局2022年度YY项目绩效自评报告", "关于YY…的绩效自评
报告"), its opening sentence ("现将YY绩效自评情况报告如下", "对YY项目开展绩效自评"), its own words ("本项目为
YY项目") and its signature (the unit's name above the date at the end). Never from a heading or the last
paragraph of the body.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from checker.readers.document import Paragraph
from checker.readers.layout.vocabulary import Vocabulary, norm

_YEAR_RE = re.compile(r"[(（]?(?P<year>(?:19|20)\d{2})\s*年度?[)）]?")
_ABOUT_RE = re.compile(r"^关于(?P<subject>.+?)(?:的|之)?(?:项目支出|部门整体支出|整体支出)?(?:绩效)?(?:自评价?|评价)"
                       r"(?:工作)?(?:情况|结果)?(?:的|总结)?(?:报告|说明)?$")
_REPORT_END_RE = re.compile(r"(?:的)?(?:项目支出|部门整体支出|单位整体支出|整体支出|财政支出|支出)?(?:预算)?"
                            r"(?:部门|单位)?(?:绩效)?(?:单位|部门)?(?:自评价?|评价|自评估)(?:工作)?(?:总结)?(?:总)?(?:情况)?"
                            r"(?:的)?(?:报告|表|说明)?$"
                            r"|(?:绩效)?(?:自评|评价)?(?:总结|情况)?(?:报告|说明)$")
_LEAD_RE = re.compile(r"^(?:附件\s*\d*\s*[:：]?|附\s*\d+\s*[:：]?)")
_INTRO_RE = re.compile(r"现将(?P<subject>.{2,80}?)(?:绩效)?(?:自评价?|评价)(?:总结)?(?:报告|情况|结果)(?:报告)?如下")
_AGAINST_RE = re.compile(r"对(?:我[局委办校院单位中心站所馆]{1,2})?(?P<subject>[^，。；,;]{2,50}?(?:项目|资金|经费|专项))"
                         r"(?:的)?(?:支出)?(?:绩效)?(?:情况)?(?:进行|开展)了?(?:绩效)?(?:自评|自我评价|评价)")
_PROJECT_IS_RE = re.compile(r"(?:本|该)项目(?:名称)?(?:为|是|系)[“\"《]?(?P<name>[^，。；,;“”\"》]{2,40}?(?:项目|工程|经费|资金))")
_GENERIC = re.compile(r"^(?:年度)?(?:部门|单位)?(?:项目|项目支出|整体支出|部门整体支出|单位整体支出|财政支出|支出|预算|部门预算|财政)?"
                      r"(?:项目)?$|^(?:[\u4e00-\u9fff]{2,8}(?:省|市|区|县))?(?:政府)?(?:专项)?债券(?:资金)?(?:项目)?$"
                      r"|^(?:中央|省级|省|市级|上级)?(?:对地方)?(?:财政)?转移支付(?:资金|项目)?$")
_PAREN_SUBJECT_RE = re.compile(r"^(?P<title>.+?(?:报告|表))[(（](?P<subject>[^()（）]{2,60})[)）]$")
_OPENING_UNIT_RE = re.compile(r"^(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}[、.]|\d{1,2}[、.])?"
                              r"(?P<unit>[^，。,;；:：\d()（）“”]{3,30}?)(?:\(以下简称|（以下简称|(?:19|20)\d{2}\s*年)")
_SUBJECT_IS_RE = re.compile(r"^(?P<name>[^，。,；;“”\"]{2,30}?(?:项目|工程|经费|资金))(?:为|是|系)")
_DATE_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$")
_SENTENCE_RE = re.compile(r"[，,。；;！？!?]")
_STRONG_UNIT_RE = re.compile(r"(?:局|委员会|办公室|中心|医院|学校|政府|办事处|大学|学院|中学|小学|幼儿园|馆|研究院|研究所|"
                             r"管理处|管理所|管理站|服务站|事务所|监狱|法院|检察院|联合会|委|厅|集团|公司)$")


@dataclass
class Identity:
    unit: str = ""
    project: str = ""
    year: int | None = None
    generic: str = ""  # what a title on all of a unit's projects calls them ("2024年度项目支出")


def _strip(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip()
    s = _LEAD_RE.sub("", s)
    return re.sub(r"\s+", "", s)


def title_identity(title: str, vocab: Vocabulary) -> Identity:
    """Unit, project and year named by a report's title."""
    s = _strip(title)
    out = Identity()
    m = _PAREN_SUBJECT_RE.match(s)
    if m:  # "海口市财政支出项目绩效自评报告(云龙产业园基础设施配套路网项目)"
        inner = title_identity(m.group("title"), vocab)
        subject = m.group("subject")
        y = _YEAR_RE.match(subject)
        return Identity(inner.unit, subject[y.end():] if y and len(subject) > y.end() + 1 else subject,
                        inner.year or (int(y.group("year")) if y else None))
    m = _ABOUT_RE.match(s)
    if m:
        s = m.group("subject")
    elif "关于" in s:  # "承德市农业农村局关于2023年度项目绩效自评工作的报告": the unit, then what it reports on
        unit, _, rest = s.partition("关于")
        m = _ABOUT_RE.match("关于" + rest)
        if m and _is_unit(unit, vocab):
            out.unit, s = unit, m.group("subject")
    years = list(_YEAR_RE.finditer(s))
    if years:
        out.year = int(years[0].group("year"))
    for _ in range(3):
        s2 = _REPORT_END_RE.sub("", s)
        if s2 == s:
            break
        s = s2
    if years:
        y = _YEAR_RE.search(s)
        if y:
            before, after = s[:y.start()], s[y.end():]
            if before and _is_unit(before, vocab):
                out.unit, s = before, after
            elif not before:
                s = after
            else:
                s = before + after
    if not out.unit:
        out.unit, s = _split_unit(s, vocab)
    s = s.strip("的之 :：")
    s = _YEAR_RE.sub("", s) if _YEAR_RE.fullmatch(s) else s
    if _GENERIC.match(s) or len(s) < 2:
        words = re.search(r"(?:部门|单位)?整体支出|项目支出", title)
        if words:
            out.generic = (f"{out.year}年度" if out.year and "整体" not in words.group(0) else "") + words.group(0)
    else:
        out.project = s
    return out


def _is_unit(text: str, vocab: Vocabulary) -> bool:
    return bool(vocab.unit_ends.search(text)) and not _SENTENCE_RE.search(text) and 3 <= len(text) <= 40 \
        and not re.match(r"^(?:全|本|我|该|各|此)", text)


def _split_unit(s: str, vocab: Vocabulary) -> tuple[str, str]:
    """("XX局", "YY项目") of "XX局YY项目": the longest prefix ending as a unit's name does, leaving a name."""
    best = ""
    for end in range(len(s) - 2, 2, -1):
        if _STRONG_UNIT_RE.search(s[:end]):
            best = s[:end]
            break
    if best and len(s) - len(best) >= 2:
        return best, s[len(best):]
    return "", s


def intro_subject(text: str) -> str:
    """What the opening sentence says is evaluated: "现将YY项目绩效自评情况报告如下", "对YY项目开展了绩效自评"."""
    t = norm(text)
    m = _INTRO_RE.search(t) or _AGAINST_RE.search(t)
    if not m:
        return ""
    s = m.group("subject")
    s = re.sub(r"^(?:(?:19|20)\d{2}年度?)", "", s)
    s = re.sub(r"^(?:我[局委办校院单位中心站所馆]{1,2}|本单位|本部门)(?:(?:19|20)\d{2}年度?)?", "", s)
    for _ in range(2):
        s = _REPORT_END_RE.sub("", s)
    s = s.strip("的之")
    return "" if _GENERIC.match(s) or len(s) < 2 else s


def stated_project(texts: list[str]) -> str:
    """"本项目为YY项目", "YY项目为省商务厅本级的经常性项目" in the report's first paragraphs."""
    for t in texts[:8]:
        m = _PROJECT_IS_RE.search(norm(t)) or _SUBJECT_IS_RE.match(norm(t))
        if m:
            return m.group("name")
    return ""


def opening_unit(texts: list[str], vocab: Vocabulary) -> str:
    """The unit named at the start of the report's first paragraphs: "南昌市烈士陵园管理处2022年度共有5个项目",
    "红河州数据发展中心(以下简称…)"."""
    for t in texts[:8]:
        m = _OPENING_UNIT_RE.match(norm(t))
        if m and _is_unit(m.group("unit"), vocab) and _STRONG_UNIT_RE.search(m.group("unit")):
            return m.group("unit")
    return ""


def parenthesized_subject(text: str) -> str:
    """A line holding only "(YY项目)" under a title: the project the title is about."""
    t = norm(text)
    m = re.fullmatch(r"[(（](?P<s>[^()（）]{2,60})[)）]", t)
    return m.group("s") if m else ""


def signature_unit(paragraphs: list[Paragraph], vocab: Vocabulary) -> str:
    """The unit's name signed at the end of a report: a short line ending as a unit's name does, with or
    before the date."""
    tail = [p.text.strip() for p in paragraphs[-4:] if p.text.strip()]
    for text in reversed(tail):
        t = norm(text)
        t = _DATE_RE.sub("", t).strip()
        if not t or _DATE_RE.fullmatch(norm(text)):
            continue
        if len(t) <= 30 and not _SENTENCE_RE.search(t) and _is_unit(t, vocab):
            return t
        break
    return ""


_SUBJECT_START_RE = re.compile(r"^(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十\d]{1,2}[、.．])?\s*"
                               r"(?P<name>[\u4e00-\u9fff（）()\-—]{4,40}?(?:项目|工程(?:[(（][^)）]{1,6}[)）])?))"
                               r"(?:是|为|位于|起于|于|由|共|主要|计划|总投资|建设|实施|包括)")
_ALLOTTED_RE = re.compile(r"(?:下达|安排|拨付|分配)(?:我[区县市镇乡局])?(?:[^，。；,;]{0,12}?年度?)?"
                          r"(?P<name>[\u4e00-\u9fff]{2,30}(?:转移支付|专项资金|补助资金|补助经费|专项经费|工作经费|资金|经费))")
_APPROVAL_RE = re.compile(r"《关于(?P<name>[\u4e00-\u9fff（）()\-—]{4,40}?(?:项目|工程))(?:可行性|初步设计|实施方案|立项|建设)")


def named_project(texts: list[str]) -> str:
    """The project a report without a title is about, from its first paragraphs: the subject a sentence opens
    with ("瓯海区排水管网工程(二期)是…"), the money allotted ("下达上级资金转移支付755.19万元"), or the project of
    the approval it cites (《关于口岸幼儿园项目可行性研究报告的批复》)."""
    found: list[str] = []
    for t in texts[:6]:
        for sentence in re.split(r"[。；;]", norm(t)):
            for pattern in (_SUBJECT_START_RE, _APPROVAL_RE, _ALLOTTED_RE):
                m = pattern.match(sentence) if pattern is _SUBJECT_START_RE else pattern.search(sentence)
                if m is None:
                    continue
                name = _SCOPE_RE.sub("", re.sub(r"^(?:(?:19|20)\d{2}年度?)", "", m.group("name")))
                if len(name) >= 4 and not _GENERIC.match(name) and not _NOT_A_NAME_RE.search(name):
                    found.append(name)
    if not found:
        return ""
    specific = [n for n in found if len(_FUND_WORDS_RE.sub("", n)) >= 2]  # 文物保护专项资金 over 预算资金
    found = specific or found
    # the name the report keeps using ("农业生产发展资金") over one it mentions once
    whole = norm("".join(texts))
    return max(found, key=lambda n: (whole.count(n), -found.index(n)))


_FUND_WORDS_RE = re.compile(r"预算|专项|项目|补助|资金|经费|转移支付|财政|上级|中央|省级|市级|县级")
_SCOPE_RE = re.compile(r"^(?:(?:中央|省级|上级)?(?:对地方)?转移支付)?(?:全区|全省|全市|全县|全州|全镇|全乡|我区|我省|我市|我县)")
_NOT_A_NAME_RE = re.compile(r"根据|按照|设置|通过|为了|以及|我[局单校院]|本[局单校院]|绩效|评价|情况")


SELF_WORDS = ("本单位", "本局", "我单位", "我局", "同上", "本部门", "本校", "本院", "本中心")
