"""Map a document's paragraphs and tables onto the model, by the form vocabulary's labels.

Shared by every table reader (text export, .docx, .xlsx): the readers turn bytes into paragraphs and
tables (`checker.readers.document`), this package finds the filings in them. Form knowledge — labels,
variants, header shapes — is data (forms/*.yaml, `vocabulary.py`); the modules here hold only how the
parts of a form are laid out: the scored table (`score_table`), the report as a form (`narrative_table`)
or as prose (`prose`), and what a filing lacks (`completeness`).
"""

from __future__ import annotations

import re

from checker.errors import InputError
from checker.model import Evaluation, Filing, is_blank
from checker.readers.document import Document, Paragraph, Table
from checker.readers.layout.completeness import find_gaps, missing_parts
from checker.readers.layout.grid import Row
from checker.readers.layout.narrative_table import read_narrative_table
from checker.readers.layout.prose import read_prose
from checker.readers.layout.score_table import ScoreMapper, split_code
from checker.readers.layout.vocabulary import Vocabulary, default_vocabulary, label_key, load_vocabulary, norm

__all__ = ["build_filing", "finish_evaluation", "label_key", "load_vocabulary", "norm"]

_PAIR_RE = re.compile(r"(?P<label>[^\s:：]{2,12})[:：]\s*(?P<value>\S[^:：]*?)(?=\s{2,}|\s+[^\s:：]{2,12}[:：]|$)")


def table_kinds(table: Table, vocab: Vocabulary) -> set[str]:
    kinds: set[str] = set()
    for row in table.rows:
        for c in row:
            if is_blank(c.text):
                continue
            t = c.text
            if vocab.indicator_column(t) in ("name", "level1") or vocab.funding_row(t) == "total" or \
                    vocab.funding_column(t) in ("budget", "executed") or t in vocab.income:
                kinds.add("score")
            elif vocab.narrative_section(t) or t in vocab.report_markers:
                kinds.add("report")
    return kinds


def _has_name_row(table: Table, vocab: Vocabulary) -> bool:
    return any(vocab.identity_field(c.text) == "project" for row in table.rows[:4] for c in row if c.text)


def _title_row(cells: list, vocab: Vocabulary) -> tuple[int | None, bool] | None:
    """(year, department?) of a row holding only a form's title."""
    texts = {c.text for c in cells if not is_blank(c.text)}
    if len(texts) != 1:
        return None
    text = next(iter(texts))
    year = vocab.title_year(text)
    department = vocab.department_titles.search(text) is not None
    if year is None and not department and "自评" not in text:
        return None
    return year, department


def _table_title(table: Table, vocab: Vocabulary) -> tuple[int | None, bool] | None:
    """xlsx sheets and some Word forms carry their title in a merged first row."""
    for row in table.rows[:3]:
        title = _title_row(row, vocab)
        if title is not None:
            return title
    return None


def _paragraph_identity(text: str, vocab: Vocabulary) -> dict[str, str]:
    """"单位名称：某局　填报日期：2023年4月15日" above a table."""
    out: dict[str, str] = {}
    for m in _PAIR_RE.finditer(text.strip()):
        name = vocab.identity_field(m.group("label"))
        if name:
            out[name] = m.group("value").strip()
    return out


def build_filing(doc: Document, file_year: int | None = None, vocab: Vocabulary | None = None) -> Filing:
    """Group a document's tables into evaluations and map each onto the model."""
    vocab = vocab or default_vocabulary()
    filing = Filing(source=doc.source, format=doc.format)
    current: Evaluation | None = None
    mapper: ScoreMapper | None = None
    year: int | None = None
    department_form = False
    title_text = ""
    pending_identity: dict[str, str] = {}
    prose: list[Paragraph] = []  # paragraphs since the last table: a report written as prose

    def new_evaluation(y: int | None, dept: bool) -> Evaluation:
        ev = Evaluation(year=y, kind="department" if dept else "project")
        for name, value in pending_identity.items():
            if name == "project":
                ev.project_code, ev.project = split_code(value)
            elif name in ("department", "implementer"):
                setattr(ev, name, split_code(value)[1])
            elif name == "unit":
                ev.department = ev.department or split_code(value)[1]
        pending_identity.clear()
        filing.evaluations.append(ev)
        return ev

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            y = vocab.title_year(block.text)
            if y is not None or "自评" in block.text or "绩效评价" in block.text:
                year = y or year
                department_form = vocab.department_titles.search(block.text) is not None
                title_text = block.text
            pending_identity.update(_paragraph_identity(block.text, vocab))
            prose.append(block)
            continue
        prose_ev = read_prose(prose, vocab)
        prose = []
        kinds = table_kinds(block, vocab)
        table_title = _table_title(block, vocab)
        table_year = (table_title[0] if table_title else None) or year or file_year
        table_dept = table_title[1] if table_title else department_form
        if "score" not in kinds and "report" in kinds:
            current = new_evaluation(table_year, table_dept)
            mapper = None
            read_narrative_table(block, current, vocab)
            continue
        if "score" not in kinds:
            continue
        finished = mapper is not None and mapper.after_total
        if current is None or (current.has_table and (_has_name_row(block, vocab) or finished)):
            current = new_evaluation(table_year, table_dept)
            mapper = None
        if prose_ev is not None and current.narrative is None and not current.has_table:
            current.narrative = prose_ev.narrative
            current.project = current.project or prose_ev.project
            current.department = current.department or prose_ev.department
            current.total = current.total or prose_ev.total
        if mapper is None:
            mapper = ScoreMapper(current, vocab, doc.source)
        current.has_table = True
        if current.year is None:
            current.year = table_year
        named_before = current.project
        for cells in block.rows:
            row = Row(block, cells)
            if mapper.after_total and (_title_row(cells, vocab) is not None or any(
                    vocab.identity_field(c.text) == "project" for c in cells if c.text)):
                # the next filing in the same table
                mapper.finish()
                title = _title_row(cells, vocab)
                current = new_evaluation((title[0] if title else None) or table_year,
                                         title[1] if title else table_dept)
                current.has_table = True
                mapper = ScoreMapper(current, vocab, doc.source)
                named_before = ""
            mapper.feed(row)
        mapper.finish()
        if named_before and current.project and norm(named_before) != norm(current.project):
            current.warnings.append(f"report names project {named_before!r}, table names {current.project!r}")
            current.project = named_before
    prose_ev = read_prose(prose, vocab)
    if prose_ev is not None:
        if not filing.evaluations:  # a report written as prose, with no table
            prose_ev.year = year or file_year
            prose_ev.kind = "department" if department_form else "project"
            filing.evaluations.append(prose_ev)
        elif filing.evaluations[-1].narrative is None:
            filing.evaluations[-1].narrative = prose_ev.narrative
    if not filing.evaluations:
        raise InputError(doc.source, "no filing found: no 自评报告 or 自评表 (as a table or under headings) in the document")
    for ev in filing.evaluations:
        if not ev.project and not ev.has_table and title_text:
            ev.project = _title_subject(title_text)
        finish_evaluation(ev, vocab, doc.format)
    return filing


def finish_evaluation(ev: Evaluation, vocab: Vocabulary, fmt: str) -> None:
    """Gaps and reader warnings of an assembled evaluation (also for canonical YAML/JSON input)."""
    ev.gaps = find_gaps(ev, vocab, fmt)
    for w in missing_parts(ev):
        if w not in ev.warnings:
            ev.warnings.append(w)


_TITLE_DECOR_RE = re.compile(r"^(?:附件\d*[:：]?)?(?:(?:19|20)\d{2}年度?)?|(?:项目支出|专项资金|部门整体支出|整体支出)?"
                             r"(?:绩效)?(?:自评价?|评价)(?:总结)?(?:报告|表)$")


def _title_subject(title: str) -> str:
    """"2022年西平县交通运输局财政衔接推进乡村振兴资金项目绩效自评总结报告" → what the report is about."""
    s = norm(title)
    for _ in range(2):
        s = _TITLE_DECOR_RE.sub("", s)
    return s.strip(" :：")
