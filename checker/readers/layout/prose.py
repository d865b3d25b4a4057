"""A 自评报告 written as prose under headings, not as a two-column form.

The outline (`outline.py`) says which paragraphs are headings and what each names; here every paragraph
goes to the section of the nearest heading that names one: a sub-heading within its section ("1、产出指标
完成情况分析", "（一）资金保障方面") is kept as text of that section, a sub-heading naming another section
opens that one, and a heading the vocabulary does not know keeps its text in `other` with a reader warning
quoting it — no paragraph is dropped. The paragraphs before the first heading are the preamble.

A report on several projects ((一)XX项目 … (二)YY项目 …) gives one evaluation per project: each holds
its own part and the parts the projects share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.model import Evaluation, FundingRow, Location, Narrative, Text, Total, Value, is_blank
from checker.readers.document import Paragraph
from checker.readers.layout.outline import IDENTITY, Heading, find_headings
from checker.readers.layout.prose_indicators import text_indicators, text_total
from checker.readers.layout.score_table import split_code
from checker.readers.layout.vocabulary import Vocabulary
from checker.stated import amounts, stated_funding

BODY = ("purpose", "management", "achievement", "problems", "measures")


@dataclass
class _Sections:
    """Paragraphs by section, in order, as the outline assigns them."""

    texts: dict[str, list[Text]] = field(default_factory=dict)
    joined: list[str] = field(default_factory=list)
    inline: dict[str, tuple[str, Paragraph]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # sections opened by a heading of their own
    first_loc: dict[str, Location] = field(default_factory=dict)  # the heading that opened each section

    def add(self, section: str, text: str, p: Paragraph) -> None:
        if not is_blank(text):
            self.texts.setdefault(section, []).append(Text(raw=text.strip(), loc=Location(paragraph=p.index,
                                                                                           line=p.line)))

    def open(self, section: str, p: Paragraph) -> None:
        self.named.add(section)
        self.texts.setdefault(section, [])
        if section in self.joined:
            self.joined.remove(section)
        self.first_loc.setdefault(section, Location(paragraph=p.index, line=p.line))


def _assign(paragraphs: list[Paragraph], headings: dict[int, Heading], absorbed: set[int],
            vocab: Vocabulary) -> _Sections:
    out = _Sections()
    stack: list[tuple[int, str | None]] = []  # (depth, section) of the open headings
    current = "preamble"
    for k, p in enumerate(paragraphs):
        if k in absorbed:
            continue
        h = headings.get(k)
        if h is None:
            out.add(current, p.text, p)
            continue
        while stack and stack[-1][0] >= h.depth:
            stack.pop()
        inherited = next((s for _, s in reversed(stack) if s), None)
        if h.kind == "identity":
            if h.rest:
                out.inline.setdefault(h.sections[0], (h.rest, p))
            stack.append((h.depth, inherited))
            continue
        if h.kind == "section":
            section = h.sections[0]
            if section == inherited and not h.exact:
                stack.append((h.depth, section))  # a sub-heading within its own section: its text
                current = section
                out.add(section, p.text, p)
                continue
            stack.append((h.depth, section))
            current = section
            out.open(section, p)
            for extra in h.sections[1:]:
                if extra not in out.named and extra not in out.joined:
                    out.joined.append(extra)
            # a sub-heading run into its text keeps its words ("1、项目资金到位情况分析。…已全部拨付": 拨付 there is
            # the money arriving); a top heading gives only the text after it
            out.add(section, p.text if h.depth > 0 and h.rest else h.rest, p)
            continue
        if inherited is not None:  # a topic, a project or a heading of its own within a known section
            stack.append((h.depth, inherited))
            current = inherited
            out.add(inherited, p.text, p)
            continue
        section = "purpose" if h.kind == "project" else (h.sections[0] if h.kind == "topic" and h.sections
                                                          else "other")
        if h.kind not in ("project", "topic"):
            out.warnings.append(f"unrecognised heading {h.head!r}; its text is kept under 其他需要说明问题")
        stack.append((h.depth, section))
        current = section
        out.open(section, p)
        out.add(section, p.text, p)
    return out


def _narrative(sec: _Sections) -> Narrative:
    n = Narrative()
    for name, texts in sec.texts.items():
        if name == "achievement":
            n.achievement = list(texts)
            continue
        raw = "\n".join(t.raw for t in texts)
        loc = texts[0].loc if texts else sec.first_loc.get(name)
        parts = [t.loc for t in texts if t.loc is not None] if len(texts) > 1 else []
        setattr(n, name, Text(raw=raw, loc=loc, parts=parts if len(parts) == len(texts) else []))
    n.joined = [j for j in sec.joined if j not in sec.named]
    n.headings = [name for name in ("purpose", "management", "achievement", "problems", "measures", "other")
                  if name in sec.named]
    return n


def text_funding(sec: _Sections) -> FundingRow | None:
    """The budget, the money received and spent and the execution rate a report without a table states,
    read from its paragraphs in document order (`checker.stated`). Where the text says the budget arrived or
    was spent in full without a figure, the budget's figure stands for it, placed at those words."""
    paragraphs = sorted((t for texts in sec.texts.values() for t in texts),
                        key=lambda t: (t.loc.paragraph if t.loc and t.loc.paragraph is not None else 0))
    return _funding_row(paragraphs)


def narrative_funding(n: Narrative) -> FundingRow | None:
    """The same, from a report already in the model (canonical YAML/JSON input): each line a paragraph."""
    paragraphs: list[Text] = []
    for name in ("preamble", "budget", "purpose", "management"):
        paragraphs += _lines(getattr(n, name))
    for t in n.achievement:
        paragraphs += _lines(t)
    for name in ("problems", "measures", "other"):
        paragraphs += _lines(getattr(n, name))
    return _funding_row(paragraphs)


def _lines(t: Text | None) -> list[Text]:
    if t is None or t.empty:
        return []
    out, offset = [], 0
    for line in t.raw.split("\n"):
        if line.strip():
            out.append(Text(raw=line, loc=t.loc_at(offset)))
        offset += len(line) + 1
    return out


def _funding_row(paragraphs: list[Text]) -> FundingRow | None:
    found = stated_funding([t.raw for t in paragraphs])
    if found.budget is None and found.spent is None and found.rate is None:
        return None

    def value(x: tuple | None) -> Value:
        return Value.of(x[1].raw, paragraphs[x[0]].loc) if x else Value()

    budget, spent, received = value(found.budget), value(found.spent), value(found.received)
    if found.budget is not None:
        if found.spent is None and found.spent_in_full is not None:
            spent = Value.of(found.budget[1].raw, paragraphs[found.spent_in_full].loc)
        if found.received is None and found.received_in_full is not None:
            received = Value.of(found.budget[1].raw, paragraphs[found.received_in_full].loc)
    first = next(x for x in (found.budget, found.spent, found.rate) if x is not None)
    return FundingRow(kind="total", label="文字所述资金", budget=budget, executed=spent, rate=value(found.rate),
                      received=received, from_text=True, loc=paragraphs[first[0]].loc)


def _text_rows(ev: Evaluation, sec: _Sections) -> None:
    """Indicators and a total the report states in sentences (it has no table to give them)."""
    paragraphs = sorted((t for texts in sec.texts.values() for t in texts),
                        key=lambda t: (t.loc.paragraph if t.loc and t.loc.paragraph is not None else 0))
    ev.indicators = text_indicators(paragraphs)
    if ev.total is None:
        ev.total = text_total(paragraphs)


def _funding(ev: Evaluation, sec: _Sections, own: tuple[int, int] | None = None) -> None:
    """A report's funding from its text (kept apart from a table's: the reader of a table replaces it)."""
    if own is not None:  # one project of several: its own part first
        mine = _Sections(texts={k: [t for t in v if t.loc is not None and t.loc.paragraph is not None
                                    and own[0] <= t.loc.paragraph < own[1]] for k, v in sec.texts.items()})
        row = text_funding(mine) or text_funding(sec)
    else:
        row = text_funding(sec)
    if row is not None:
        ev.funding = [row]
        n = ev.narrative
        if n is not None and n.management is None and row.loc is not None:
            # no heading of its own: the paragraph stating the budget and spending is the report's account
            # of how the money was managed and used
            stated = next((t for texts in sec.texts.values() for t in texts if t.loc == row.loc), None)
            if stated is not None:
                n.management = Text(raw=stated.raw, loc=stated.loc)


def _identity(ev: Evaluation, sec: _Sections) -> None:
    n = ev.narrative
    assert n is not None
    for name, (text, p) in sec.inline.items():
        loc = Location(paragraph=p.index, line=p.line)
        value = Text(raw=text).text.rstrip("。.，,；;")
        if name == "project":
            ev.project_code, ev.project = split_code(value)
        elif name == "department":
            ev.department = value
            n.department = Text(raw=text, loc=loc)
        elif name == "implementer":
            ev.implementer = value
        elif name == "score":
            ev.total = Total(placement="header", score=Value.of(text, loc), loc=loc)
        elif name == "budget":
            n.budget = Text(raw=text, loc=loc)


@dataclass
class ProseReport:
    """What the paragraphs hold as a report: one evaluation per project, and the body sections found."""

    evaluations: list[Evaluation]
    body_sections: int
    warnings: list[str]


def read_prose(paragraphs: list[Paragraph], vocab: Vocabulary, min_sections: int = 2) -> ProseReport | None:
    """The report written as paragraphs under headings; None if the paragraphs are not one (fewer than
    `min_sections` body sections: one stray heading word is not a report)."""
    found, absorbed = find_headings(paragraphs, vocab)
    headings = {h.index: h for h in found}
    whole = _assign(paragraphs, headings, absorbed, vocab)
    body = {n for n in whole.named | set(whole.joined) if n in BODY}
    if len(body) < min_sections or not paragraphs:
        return None
    groups = _project_groups(found)
    if groups is not None and sum(_states_money(paragraphs, span) for _, span in groups) < 2:
        groups = None  # projects named only as background (项目立项背景 (1)…(2)…): one report, not several
    evaluations: list[Evaluation] = []
    if groups is None:
        ev = Evaluation(narrative=_narrative(whole))
        _identity(ev, whole)
        named = [h for h in found if h.style == "project_num"]
        if len(named) == 1 and not ev.project:  # "项目一:XX资金" above the report of its one project
            ev.project = named[0].head
        _funding(ev, whole)
        _text_rows(ev, whole)
        evaluations.append(ev)
    else:
        for name, (start, end) in groups:
            kept = [k for k in range(len(paragraphs)) if start <= k < end or _outside(k, groups)]
            sec = _assign_subset(paragraphs, kept, headings, absorbed, vocab)
            ev = Evaluation(narrative=_narrative(sec))
            _identity(ev, sec)
            last = paragraphs[end].index if end < len(paragraphs) else 10**9
            _funding(ev, sec, (paragraphs[start].index, last))
            ev.project = name
            evaluations.append(ev)
    return ProseReport(evaluations, len(body), whole.warnings)


def _assign_subset(paragraphs: list[Paragraph], kept: list[int], headings: dict[int, Heading],
                   absorbed: set[int], vocab: Vocabulary) -> _Sections:
    remap = {k: i for i, k in enumerate(kept)}
    return _assign([paragraphs[k] for k in kept], {remap[k]: h for k, h in headings.items() if k in remap},
                   {remap[k] for k in absorbed if k in remap}, vocab)


def _states_money(paragraphs: list[Paragraph], span: tuple[int, int]) -> bool:
    """A project's part states its own budget or spending."""
    text = "\n".join(p.text for p in paragraphs[span[0]:span[1]])
    return any(a.role in ("budget", "spent", "received") and a.strength >= 1 for a in amounts(text))


def _outside(k: int, groups: list[tuple[str, tuple[int, int]]]) -> bool:
    """Whether paragraph k lies outside every project's part (text the projects share)."""
    return all(not start <= k < end for _, (start, end) in groups)


def _project_groups(headings: list[Heading]) -> list[tuple[str, tuple[int, int]]] | None:
    """The parts of a report on several projects: sibling headings naming two or more different projects,
    each part running to the next heading at its depth or above. None for a report on one project."""
    best: list[Heading] = []
    for depth in sorted({h.depth for h in headings}):
        runs: list[list[Heading]] = [[]]
        for h in headings:
            if h.depth < depth:
                runs.append([])
            elif h.depth == depth and h.kind == "project":
                runs[-1].append(h)
        for run in runs:
            names = {h.head for h in run}
            if len(run) >= 2 and len(names) == len(run) and len(run) > len(best):
                best = run
        if best:
            break
    if not best:
        return None
    groups = []
    for h in best:
        end = next((g.index for g in headings if g.index > h.index and g.depth <= h.depth), 10**9)
        groups.append((_project_name(h.head), (h.index, end)))
    return groups


def _project_name(head: str) -> str:
    return head.strip(" :：")


__all__ = ["IDENTITY", "ProseReport", "read_prose"]
