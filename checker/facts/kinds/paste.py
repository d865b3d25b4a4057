"""`paste` (cross-filing): one per report paragraph that shares sentences with other projects' reports —
on the first project of a pasted group, listing the others."""

from __future__ import annotations

from dataclasses import dataclass

from checker.facts.base import FactBuilder, FactKind, FactRecord, f
from checker.facts.text import shorten
from checker.model import Location

KIND = FactKind(
    "paste",
    "one per report paragraph that shares sentences with another project's report (cross-filing)",
    {
        "section": f("string", "the section of this paragraph"),
        "text": f("string", "the paragraph (shortened)"),
        "other_project": f("string", "the other project holding the same text"),
        "other_section": f("string", "where it stands there"),
        "other_source": f("string", "the other filing's file"),
        "others": f("number", "how many other paragraphs of other projects share it"),
        "shared_ratio": f("number", "0–1 share of this paragraph found in the other"),
        "other_projects": f("string", "every other project holding it, named (the first five)"),
        "group": f("string", "the pasted group: the same id for each project the text stands in"),
    },
)

OTHERS_SHOWN = 5  # other places listed in a finding's evidence


@dataclass
class Paragraph:
    """A report paragraph of one evaluation, as the cross-filing index keeps it."""

    source: str
    project: str
    path: list[str]
    loc: Location | None
    text: str


def add(b: FactBuilder, here: Paragraph, others: list[tuple[float, Paragraph]], holders: int,
        group: str = "") -> FactRecord:
    """The paste fact of `here`; `others` are the paragraphs sharing it, best share first; `group` names the
    pasted group (the same for each project it stands in)."""
    ratio, first = others[0]
    names = list(dict.fromkeys(p.project for _, p in others))
    rec = b.add("paste", {"section": " › ".join(here.path[1:]), "text": shorten(here.text, 80),
                          "other_project": first.project, "other_section": " › ".join(first.path[1:]),
                          "other_source": first.source, "others": holders, "shared_ratio": round(ratio, 3),
                          "other_projects": "、".join(f"“{n}”" for n in names[:OTHERS_SHOWN])
                          + ("等" if len(names) > OTHERS_SHOWN else ""), "group": group},
                here.loc, here.path, cell_text=here.text)
    for r, p in others[:OTHERS_SHOWN]:
        rec.others.append({"source": p.source, "project": p.project, "section": " › ".join(p.path),
                           "location": p.loc, "shared_ratio": round(r, 3)})
    return rec
