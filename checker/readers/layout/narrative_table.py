"""The 自评报告 written as a two-column form: a section's label, then its text."""

from __future__ import annotations

from checker.model import Evaluation, Narrative, Text, Total, is_blank
from checker.readers.document import Table
from checker.readers.layout.grid import Row, loc_of, paragraph_loc, text_of, value_of
from checker.readers.layout.score_table import split_code, strip_numbering
from checker.readers.layout.vocabulary import Vocabulary


def read_narrative_table(table: Table, ev: Evaluation, vocab: Vocabulary) -> None:
    narrative = ev.narrative or Narrative()
    for cells in table.rows:
        row = Row(table, cells)
        labelled = [(i, c) for i, c in enumerate(cells) if not is_blank(c.text)]
        hit = None
        for i, c in labelled:
            text = strip_numbering(c.text)
            name = vocab.narrative_section(text) or ("project" if vocab.identity_field(text) == "project" else None) \
                or ("department" if vocab.identity_field(text) == "department" else None) \
                or ("score" if text in vocab.total_score else None)
            if name is not None:
                hit = (i, name)  # the right-most label of the row owns the value after it
        if hit is None:
            continue
        index, name = hit
        values = [c for c in cells[index + 1:] if not is_blank(c.text)]
        label_cell = cells[index]
        if not values:
            if name not in ("project", "department", "score", "budget"):
                # the section is there but empty: the completeness check will say so
                setattr(narrative, name, [] if name == "achievement" else Text(loc=loc_of(table, label_cell)))
            continue
        cell = values[0]
        if len(values) >= 2 and not vocab.narrative_section(strip_numbering(cell.text)):
            cell = values[-1]  # 存在的问题和原因 | 本年度绩效存在的问题和原因 | （无）: a sub-label, then the answer
        if name == "project":
            code, project = split_code(Text(raw=cell.text).text)
            ev.project = ev.project or project
            ev.project_code = ev.project_code or code
        elif name == "score":
            ev.total = ev.total or Total(placement="header", score=value_of(row, cell), loc=loc_of(table, label_cell))
        elif name == "achievement":  # several rows may report results (完成的/未完成的绩效目标)
            narrative.achievement += [Text(raw=p, loc=paragraph_loc(table, cell, k))
                                      for k, p in enumerate(cell.text.split("\n")) if not is_blank(p)]
        elif name == "department":
            narrative.department = text_of(row, cell)
            ev.department = ev.department or split_code(Text(raw=cell.text).text)[1]
        else:
            setattr(narrative, name, text_of(row, cell))
    ev.narrative = narrative
