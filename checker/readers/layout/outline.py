"""The outline of a report written as prose: which paragraphs are headings, at what depth, and what each
heading names — a section of the 自评报告, a topic within one, a project of a report on several, or
something the vocabulary does not know.

Headings come in every style the provinces use: 一、/（一）/1./1、/(1)/①, 第一部分, 【…】, unnumbered lines,
a number alone on its line with the words on the next, a heading wrapped over two lines, or a heading run
into its paragraph ("1、项目资金到位情况分析。乡村振兴衔接资金…"). Depth comes from the order in which the
numbering styles first appear, as a reader of the document would take it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from checker.readers.document import Paragraph
from checker.readers.layout.vocabulary import Vocabulary, label_key

# numbering styles, most specific first; the name is the style, its depth is found per document
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(r"^第[一二三四五六七八九十]{1,3}(?:部分|章|节)[、.．:：\s]*")),
    ("project_num", re.compile(r"^项目[一二三四五六七八九十]{1,3}\s*[:：、.．]\s*")),
    ("cn_paren", re.compile(r"^[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*[、.．]?\s*")),
    ("cn", re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]\s*")),
    ("num_paren", re.compile(r"^[(（]\s*\d{1,2}\s*[)）]\s*[、.．]?\s*")),
    ("num", re.compile(r"^\d{1,2}\s*[、．]\s*|^\d{1,2}\.(?!\d)\s*|^\d{1,2}\.(?=(?:19|20)\d{2}年)")),
    ("num_half", re.compile(r"^\d{1,2}\s*[)）]\s*")),
    ("circled", re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*")),
)
_BRACKET_RE = re.compile(r"^【(?P<head>[^】]{2,40})】\s*")
_SENTENCE_PUNCT_RE = re.compile(r"[，,；;！？!?]")
_HEAD_END_RE = re.compile(r"[:：。]")
MAX_HEAD = 40  # a heading is at most this long
MAX_PLAIN_HEAD = 24  # an unnumbered heading is shorter still
_JOINERS = ("及", "和", "与", "、", "以及", "暨")
_SUFFIX_RE = re.compile(r"^(?:及|和|与|的)?(?:原因分析|原因|分析|情况|说明|评价|总结)*[:：。.]?$")


@dataclass
class Heading:
    """A paragraph that opens a part of the outline."""

    index: int  # position in the paragraph list
    style: str  # numbering style ("plain" for an unnumbered heading)
    head: str  # the heading's words, numbering removed
    rest: str  # text run on after the heading in the same paragraph
    kind: str  # "section", "topic", "project", "identity" or "unknown"
    sections: list[str] = field(default_factory=list)  # for kind "section": the section(s) it names
    depth: int = 0
    exact: bool = False  # named by a label of the vocabulary, not only by its words


def numbering(text: str) -> tuple[str, str] | None:
    """(style, text after the number) of a numbered paragraph."""
    t = text.lstrip(" \t\u3000\xa0")
    m = _BRACKET_RE.match(t)
    if m:
        return "bracket", m.group("head") + ("。" + t[m.end():] if t[m.end():].strip() else "")
    for style, pattern in _STYLES:
        m = pattern.match(t)
        if m:
            return style, t[m.end():]
    return None


_TOPIC_COMMA_RE = re.compile(r"^(?P<head>[^，,；;。:：]{2,20}方面)[，,；;。:：]\s*")


def split_head(t: str) -> tuple[str, str]:
    """A heading ends at a colon, a full stop or the end of a short paragraph; a topic heading also at a
    comma ("一、资金保障方面，指标评价得分12")."""
    m = _TOPIC_COMMA_RE.match(t)
    if m:
        return m.group("head").strip(), t[m.end():].strip()
    m = _HEAD_END_RE.search(t)
    if m and m.start() <= MAX_HEAD:
        return t[:m.start()].strip(), t[m.end():].strip()
    return t.strip(), ""


def exact_sections(head: str, vocab: Vocabulary) -> list[str]:
    """The sections a heading names by the vocabulary's labels, joined ones included
    ("存在的问题及改进措施" → problems, measures); [] if it names none or says more than a label."""
    names: list[str] = []
    remainder = label_key(head)
    while remainder:
        match = _longest_label(remainder, vocab)
        if match is None:
            break
        name, label = match
        names.append(name)
        remainder = remainder[len(label):]
        for joiner in _JOINERS:
            if remainder.startswith(joiner) and _longest_label(remainder[len(joiner):], vocab):
                remainder = remainder[len(joiner):]
                break
        else:
            break
    if not names or not _SUFFIX_RE.match(remainder):
        return []
    return names


def _longest_label(text: str, vocab: Vocabulary) -> tuple[str, str] | None:
    best: tuple[str, str] | None = None
    candidates = [(name, labels) for name, labels in vocab.data.narrative.sections.items()]
    candidates += [(f, getattr(vocab.data.identity, f)) for f in ("project", "department", "implementer")]
    candidates.append(("score", vocab.data.totals.score))
    for name, labels in candidates:
        for label in labels:
            if label.startswith("/"):
                continue
            key = label_key(label)
            if text.startswith(key) and (best is None or len(key) > len(best[1])):
                best = (name, key)
    return best


def keyword_sections(head: str, vocab: Vocabulary) -> list[str]:
    """The sections a heading's words point to: problems and measures together where both are named,
    else the first in the vocabulary's order."""
    hits = [name for name, labels in vocab.section_keywords.items() if labels.search(head)]
    if not hits:
        return []
    pm = [n for n in hits if n in ("problems", "measures")]
    if pm:
        return sorted(pm, key=("problems", "measures").index)
    return hits[:1]


IDENTITY = ("project", "department", "implementer", "score", "budget")


def classify(head: str, vocab: Vocabulary) -> tuple[str, list[str], bool]:
    """(kind, sections, exact) of a heading's words."""
    names = exact_sections(head, vocab)
    if names:
        return ("identity" if names[0] in IDENTITY and len(names) == 1 else "section"), names, True
    key = unicodedata.normalize("NFKC", head)
    if vocab.topics.search(key):  # a topic: within the section above it, or naming one where none is open
        return "topic", keyword_sections(key, vocab), False
    if vocab.project_heads.search(key) and not vocab.not_project_heads.search(key) and len(key) >= 4:
        return "project", [], False
    names = keyword_sections(key, vocab)
    if names:
        return "section", names, False
    return "unknown", [], False


def _numbered_heading(head: str, rest: str, vocab: Vocabulary) -> tuple[str, list[str], bool] | None:
    """(kind, sections, exact) when a numbered paragraph is a heading, None when it is a list item
    ("1.加强资金管理，确保…", "2.完善制度。…")."""
    if not 2 <= len(head) <= MAX_HEAD or _SENTENCE_PUNCT_RE.search(head):
        return None
    key = unicodedata.normalize("NFKC", head)
    kind, sections, exact = classify(head, vocab)
    if exact or kind in ("topic", "project"):
        return kind, sections, exact
    if vocab.list_items.search(key):
        return None
    ends_as_heading = vocab.heading_ends.search(key) is not None
    if ends_as_heading or (not rest and len(head) <= MAX_PLAIN_HEAD):
        return kind, sections, exact
    return None


def find_headings(paragraphs: list[Paragraph], vocab: Vocabulary) -> tuple[list[Heading], set[int]]:
    """The headings among the paragraphs, and the paragraphs absorbed into the heading before them (a
    number alone on its line, a heading wrapped over two lines)."""
    headings: list[Heading] = []
    absorbed: set[int] = set()
    k = 0
    n = len(paragraphs)
    while k < n:
        p = paragraphs[k]
        text = p.text.strip(" \t\u3000\xa0")
        found = numbering(text)
        if found is not None:
            style, after = found
            after = after.strip()
            if not after and k + 1 < n:  # "一、" alone: the words follow on the next line
                nxt = paragraphs[k + 1].text.strip()
                if nxt and numbering(nxt) is None and len(nxt) <= MAX_HEAD:
                    after = nxt
                    absorbed.add(k + 1)
            head, rest = split_head(after)
            if not rest and k + 1 < n and (k + 1) not in absorbed:
                wrapped = _wrapped_tail(head, paragraphs[k + 1].text, vocab)
                if wrapped:
                    head = head + wrapped
                    absorbed.add(k + 1)
            kind_etc = _numbered_heading(head, rest, vocab) if style != "project_num" else ("project", [], False)
            if kind_etc is not None:
                kind, sections, exact = kind_etc
                headings.append(Heading(k, style, head, rest, kind, sections, exact=exact))
        elif p.outline is not None and (kind_etc := _numbered_heading(*split_head(text), vocab)) is not None:
            # a heading Word numbers itself (or styles as one): its number is not in the text
            head, rest = split_head(text)
            headings.append(Heading(k, f"word{p.outline}", head, rest, *kind_etc[:2], exact=kind_etc[2]))
        elif _plain_heading(text, vocab):
            head, rest = split_head(text)
            kind, sections, exact = classify(head, vocab)
            headings.append(Heading(k, "plain", head, rest, kind, sections, exact=exact))
        k += 1 + (1 if (k + 1) in absorbed else 0)
    _depths(headings)
    return headings, absorbed


def _wrapped_tail(head: str, next_text: str, vocab: Vocabulary) -> str:
    """The second line of a heading wrapped over two ("三、偏离绩效目标的原因和下一步改进" / "措施")."""
    tail = next_text.strip()
    if not tail or len(tail) > 8 or _SENTENCE_PUNCT_RE.search(tail) or numbering(tail) is not None:
        return ""
    if re.search(r"[。：:]$", head) or tail.endswith("。"):
        return ""
    joined = head + tail
    before, after = classify(head, vocab), classify(joined, vocab)
    if after[2] and not before[2]:
        return tail
    if vocab.heading_ends.search(joined) and not vocab.heading_ends.search(head):
        return tail
    return ""


def _plain_heading(text: str, vocab: Vocabulary) -> bool:
    """An unnumbered line that is a heading: short, no sentence inside, and naming a section or a topic."""
    head, rest = split_head(text)
    if not head or len(head) > MAX_PLAIN_HEAD or _SENTENCE_PUNCT_RE.search(head):
        return False
    kind, _, exact = classify(head, vocab)
    if rest:  # "年度预算金额：54万元", "存在的问题：…": a label run into its text
        return exact
    if kind == "section":
        return exact or vocab.heading_ends.search(unicodedata.normalize("NFKC", head)) is not None
    return kind in ("identity",) or (kind == "topic" and len(head) <= 12)


def _depths(headings: list[Heading]) -> None:
    """Depth by the order in which numbering styles first appear: a style seen before closes what was
    opened under it."""
    stack: list[str] = []
    for h in headings:
        if h.style in stack:
            del stack[stack.index(h.style) + 1:]
        else:
            stack.append(h.style)
        h.depth = stack.index(h.style)
