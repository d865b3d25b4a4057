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
    """{"score"} for a scored table (the first label that shows it ends the scan: nothing else is asked of
    such a table), else {"report"} for a narrative table, else nothing."""
    kinds: set[str] = set()
    for row in table.rows:
        for c in row:
            if is_blank(c.text):
                continue
            t = c.text
            if vocab.indicator_column(t) in ("name", "level1") or vocab.funding_row(t) == "total" or \
                    vocab.funding_column(t) in ("budget", "executed") or t in vocab.income:
                return {"score"}
            if "report" not in kinds and (vocab.narrative_section(t) or t in vocab.report_markers):
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
    title_text = ""  # the title (or opening sentence) that names what a tableless report is about
    titled = False  # the document names itself a self-evaluation
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

    previous = ""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if _is_title(block.text, vocab):
                # a title may put its year on the line above: 黄冈市档案馆2020年度 / 项目绩效自评报告
                year = vocab.title_year(block.text) or vocab.title_year(previous + block.text) or year
                department_form = vocab.department_titles.search(block.text) is not None
                title_text = block.text if _subject(block.text) else title_text
                titled = True
            elif not title_text and _INTRO_RE.search(norm(block.text)):
                title_text, titled = block.text, True
                year = year or vocab.title_year(_INTRO_RE.search(norm(block.text)).group(0))
            pending_identity.update(_paragraph_identity(block.text, vocab))
            prose.append(block)
            previous = block.text
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
        current.warnings.extend(w for w in block.warnings if w not in current.warnings)
        if named_before and current.project and norm(named_before) != norm(current.project):
            current.warnings.append(f"report names project {named_before!r}, table names {current.project!r}")
            current.project = named_before
    # a document titled as a self-evaluation is a filing even where few of its sections are recognised
    prose_ev = read_prose(prose, vocab, min_sections=0 if titled and not filing.evaluations else 2)
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
            ev.project = _subject(title_text)
        finish_evaluation(ev, vocab, doc.format)
    return filing


def finish_evaluation(ev: Evaluation, vocab: Vocabulary, fmt: str) -> None:
    """Gaps and reader warnings of an assembled evaluation (also for canonical YAML/JSON input)."""
    ev.gaps = find_gaps(ev, vocab, fmt)
    for w in missing_parts(ev):
        if w not in ev.warnings:
            ev.warnings.append(w)


_MAX_TITLE = 60
_INTRO_RE = re.compile(r"现将(?P<subject>.{2,80}?)(?:绩效)?(?:自评价?|评价)(?:总结)?(?:报告|情况)(?:报告)?如下")
_TITLE_DECOR_RE = re.compile(r"^附件\d*[:：]?|(?:项目支出|部门整体支出|整体支出)?(?:绩效)?(?:单位)?(?:自评价?|评价)(?:总结)?"
                             r"(?:报告|表)$|[(（]?(?:19|20)\d{2}年度?[)）]?")


def _is_title(text: str, vocab: Vocabulary) -> bool:
    """A short paragraph naming a self-evaluation form or report."""
    t = norm(text)
    if len(t) > _MAX_TITLE or re.match(r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.])", t):
        return False
    return vocab.title_year(t) is not None or vocab.department_titles.search(t) is not None or \
        bool(re.search(r"自评(?:价)?(?:报告|表)|绩效评价报告", t))


def _subject(title: str) -> str:
    """What a report is about, from its title ("2022年西平县交通运输局…资金项目绩效自评总结报告") or from its
    opening sentence ("现将…绩效自评总结报告如下")."""
    s = norm(title)
    m = _INTRO_RE.search(s)
    if m:
        s = m.group("subject")
    for _ in range(3):
        s = _TITLE_DECOR_RE.sub("", s)
    return s.strip(" :：") if len(s) >= 2 and not s.endswith(("自评表", "报告")) else ""
