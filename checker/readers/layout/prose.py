"""A 自评报告 written as prose under numbered headings (一、/（一）/1./(1)), not as a two-column form.

A heading may join two sections ("存在的问题及改进措施"), carry a suffix ("…完成情况及原因分析") or run on into
its text ("（一）项目资金使用情况。项目资金共…"). What a prose report states of its budget and spending is
read by the facts from the sections' text.
"""

from __future__ import annotations

import re
import unicodedata

from checker.model import Evaluation, Location, Narrative, Text, Total, Value, is_blank
from checker.readers.document import Paragraph
from checker.readers.layout.score_table import split_code
from checker.readers.layout.vocabulary import Vocabulary, label_key

_NUMBERING_RE = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|"
                           r"[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[、.．](?!\d))\s*")
_JOINERS = ("及", "和", "与", "、", "以及")
_SUFFIX_RE = re.compile(r"^(?:及|和|与|的)?(?:原因分析|原因|分析|情况|说明|评价)*[:：。.]?$")
_MAX_HEADING = 40


def heading(text: str, vocab: Vocabulary) -> tuple[list[str], str] | None:
    """(section names, text after the heading) when a paragraph opens with a report section's label."""
    t = unicodedata.normalize("NFKC", _NUMBERING_RE.sub("", text, count=1)).strip()
    numbered = t != unicodedata.normalize("NFKC", text).strip()
    head, sep, rest = _split_head(t)
    names: list[str] = []
    remainder = label_key(head)
    while remainder:
        match = _longest_section(remainder, vocab)
        if match is None:
            break
        name, label = match
        names.append(name)
        remainder = remainder[len(label):]
        for joiner in _JOINERS:
            if remainder.startswith(joiner) and _longest_section(remainder[len(joiner):], vocab):
                remainder = remainder[len(joiner):]
                break
        else:
            break
    if not names or not _SUFFIX_RE.match(remainder):
        return None
    if not sep and not numbered and len(t) > _MAX_HEADING:
        return None
    return names, rest.strip()


def _split_head(t: str) -> tuple[str, str, str]:
    """A heading ends at a colon, a full stop or the end of a short paragraph."""
    m = re.search(r"[:：。]", t)
    if m and m.start() <= _MAX_HEADING:
        return t[:m.start()], m.group(0), t[m.end():]
    return t, "", ""


def _longest_section(text: str, vocab: Vocabulary) -> tuple[str, str] | None:
    best: tuple[str, str] | None = None
    for name, labels in vocab.data.narrative.sections.items():
        for label in labels:
            if label.startswith("/"):
                continue
            key = label_key(label)
            if text.startswith(key) and (best is None or len(key) > len(best[1])):
                best = (name, key)
    for field in ("project", "department"):
        for label in getattr(vocab.data.identity, field):
            key = label_key(label)
            if text.startswith(key) and (best is None or len(key) > len(best[1])):
                best = (field, key)
    for label in vocab.data.totals.score:
        key = label_key(label)
        if text.startswith(key) and (best is None or len(key) > len(best[1])):
            best = ("score", key)
    return best


INLINE = ("project", "budget", "department", "score")


def read_prose(paragraphs: list[Paragraph], vocab: Vocabulary, min_sections: int = 2) -> Evaluation | None:
    """The report written as paragraphs under headings; None if the paragraphs are not one (fewer than
    `min_sections` body sections: one stray heading word is not a report)."""
    sections: list[tuple[list[str], list[Paragraph]]] = []
    inline: dict[str, tuple[str, Paragraph]] = {}
    for p in paragraphs:
        head = heading(p.text, vocab)
        if head is not None:
            names, rest = head
            if rest and names[0] in INLINE and len(names) == 1:
                inline[names[0]] = (rest, p)
                continue
            sections.append((names, [Paragraph(p.index, rest, p.line)] if rest else []))
        elif sections:
            sections[-1][1].append(p)
    body = {n for names, _ in sections for n in names} - set(INLINE)
    if len(body) < min_sections or (not body and not inline and not paragraphs):
        return None
    narrative = Narrative()
    for names, paras in sections:
        texts = [Text(raw=q.text, loc=Location(paragraph=q.index, line=q.line)) for q in paras if not is_blank(q.text)]
        first, joined = names[0], names[1:]
        narrative.joined.extend(n for n in joined if n not in narrative.joined)
        if first in INLINE:
            if texts:
                inline.setdefault(first, (texts[0].raw, paras[0]))
            continue
        if first == "achievement":
            narrative.achievement.extend(texts)
            continue
        joined_text = "\n".join(t.raw for t in texts)
        previous = getattr(narrative, first)
        if previous is not None and not previous.empty:
            joined_text = previous.raw + ("\n" + joined_text if joined_text else "")
        setattr(narrative, first, Text(raw=joined_text, loc=texts[0].loc if texts else (previous.loc if previous
                                                                                        else None)))
    ev = Evaluation(narrative=narrative)
    for name, (text, p) in inline.items():
        loc = Location(paragraph=p.index, line=p.line)
        if name == "project":
            ev.project_code, ev.project = split_code(Text(raw=text).text)
        elif name == "department":
            ev.department = Text(raw=text).text
            narrative.department = Text(raw=text, loc=loc)
        elif name == "score":
            ev.total = Total(placement="header", score=Value.of(text, loc), loc=loc)
        else:
            narrative.budget = Text(raw=text, loc=loc)
    return ev
