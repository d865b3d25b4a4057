"""`funding_subject`: one per report without a table whose budget sentence names a project — the project the
money is stated for against the project the report is about ("天津…光辉路工程项目绩效自评报告" whose only funding
sentence is "东丽区雨污分流改造工程项目估算投资2082.48万元…安排资金700万元": another project's paragraph)."""

from __future__ import annotations

import re
import unicodedata

from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.text import sentences
from checker.sections import narrative_texts

KIND = FactKind(
    "funding_subject",
    "one per report without a table whose budget sentence names a project",
    {
        "report_project": f("string", "the project the report is about (its title or opening sentence)"),
        "funding_project": f("string", "the project named in the sentence stating the report's budget"),
        "sentence": f("string", "that sentence"),
        "shared_words": f("number", "two-character words the two names share, places and generic words left out"),
    },
)

_PROJECT_RE = re.compile(r"(?P<name>[\u4e00-\u9fff（）()、\-—]{6,60}(?:项目|工程))")
# where a run of words stops being the name: the verbs and money words before it
_NAME_START_RE = re.compile(r"用于|安排|下达|投资|资金|万元|亿元|元|对|为|其中|共|的|是|将|在|年度?|通过")
_PLACE_RE = re.compile(r"^(?:[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|州|盟|县|区|旗|镇|乡|街道|村))+")
_GENERIC = ("项目", "工程", "建设", "资金", "专项", "年度", "基础设施", "补助", "经费", "财政", "中央", "省级", "市级", "县级",
            "乡村振兴", "衔接", "推进", "配套", "改造", "新建", "维修", "养护", "提升", "实施", "改建", "续建", "一期", "二期")


def _key(name: str) -> set[str]:
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"[()（）\-—、\d]", "", s)
    s = _PLACE_RE.sub("", s)
    for word in _GENERIC:
        s = s.replace(word, "|")
    return {s[i:i + 2] for i in range(len(s) - 1) if "|" not in s[i:i + 2]}


def produce(b: FactBuilder) -> None:
    ev = b.ev
    row = ev.text_funding
    if ev.has_table or row is None or row.budget.empty or not ev.project or ev.narrative is None:
        return
    if re.search(r"\d+个|各项|全部|所有", ev.project) or not re.search(r"(?:项目|工程)(?:[(（][^)）]{1,8}[)）])?$",
                                                                    ev.project):
        return  # a report on several projects, or on a fund whose money goes to projects of its own
    budget = row.budget.raw
    for path, t in narrative_texts(ev.narrative, ("preamble", "purpose", "management", "budget", "other")):
        for sentence in sentences(t.raw):
            if budget not in sentence:
                continue
            sentence = re.sub(r"《[^》]*》", "", sentence)  # a document cited by its title names no project of this
            names = [_NAME_START_RE.split(m.group("name"))[-1] for m in _PROJECT_RE.finditer(sentence)]
            names = [n for n in names if len(n) >= 6]
            if not names:
                return
            name = max(names, key=len)
            mine, theirs = _key(ev.project), _key(name)
            if len(mine) < 2 or len(theirs) < 2:
                return
            b.add("funding_subject", {"report_project": ev.project, "funding_project": name, "sentence": sentence,
                                      "shared_words": len(mine & theirs)},
                  row.budget.loc or t.loc, path, cell_text=sentence)
            return
