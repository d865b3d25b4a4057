"""Map a document's paragraphs and tables onto the model, by the form vocabulary's labels.

Shared by every table reader (text export, .docx, .xlsx): the readers turn bytes into paragraphs and
tables (`checker.readers.document`), this package finds the filings in them. Form knowledge — labels,
variants, header shapes — is data (forms/*.yaml, `vocabulary.py`); the modules here hold only how the
parts of a form are laid out: the scored table (`score_table`), the report as a form (`narrative_table`)
or as prose (`prose`), and what a filing lacks (`completeness`).
"""

from __future__ import annotations

import re

from checker.errors import InputError, NotAFiling
from checker.model import Evaluation, Filing, Total, Value, is_blank
from checker.readers.document import Document, Paragraph, Table
from checker.readers.layout.completeness import find_gaps, implausible_figures, missing_parts
from checker.readers.layout.grid import Row
from checker.readers.layout.identity import (
    SELF_WORDS,
    Identity,
    intro_subject,
    named_project,
    opening_unit,
    parenthesized_subject,
    signature_unit,
    stated_project,
    title_identity,
)
from checker.readers.layout.narrative_table import read_narrative_table
from checker.readers.layout.outline import numbering
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
        label = m.group("label")
        name = vocab.identity_field(label) or ("score" if label in vocab.total_score else None)
        if name:
            out[name] = m.group("value").strip().rstrip("。.，,；;")
    return out


def build_filing(doc: Document, file_year: int | None = None, vocab: Vocabulary | None = None) -> Filing:
    """Group a document's tables into evaluations and map each onto the model."""
    vocab = vocab or default_vocabulary()
    filing = Filing(source=doc.source, format=doc.format)
    current: Evaluation | None = None
    mapper: ScoreMapper | None = None
    year: int | None = None
    department_form = False
    titles: list[str] = []  # the document's title lines (a title may put its first half on the line above)
    titled = False  # the document names itself a self-evaluation
    pending_identity: dict[str, str] = {}
    prose: list[Paragraph] = []  # paragraphs since the last table: a report written as prose
    paragraphs: list[Paragraph] = []  # every paragraph, for the report's identity
    warnings: list[str] = []
    filing_unit = ""  # 单位名称 above the tables

    def new_evaluation(y: int | None, dept: bool) -> Evaluation:
        nonlocal filing_unit
        filing_unit = pending_identity.get("unit", filing_unit)
        ev = Evaluation(year=y, kind="department" if dept else "project")
        for name, value in pending_identity.items():
            if name == "project":
                ev.project_code, ev.project = split_code(value)
            elif name in ("department", "implementer"):
                setattr(ev, name, split_code(value)[1])
            elif name == "unit":
                ev.department = ev.department or split_code(value)[1]
            elif name == "score":  # "自评总分: 95" above the table
                ev.total = Total(placement="header", score=Value.of(value))
        pending_identity.clear()
        filing.evaluations.append(ev)
        return ev

    previous = ""
    paragraphs_after_title = False

    def titles_seen(text: str) -> bool:
        return any(norm(text) in norm(t) for t in titles)

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if _is_title(block.text, vocab):
                # a title may put its year on the line above: 黄冈市档案馆2020年度 / 项目绩效自评报告
                year = vocab.title_year(block.text) or vocab.title_year(previous + block.text) or year
                department_form = department_form or vocab.department_titles.search(block.text) is not None
                joined = previous + block.text if previous and _title_head(previous) and not titles_seen(
                    previous) else block.text
                titles.append(joined)
                titled = True
            elif titles and not paragraphs_after_title and parenthesized_subject(block.text):
                titles[-1] = titles[-1] + "(" + parenthesized_subject(block.text) + ")"
            elif not titled and intro_subject(block.text):
                titled = True
                year = year or vocab.title_year(norm(block.text)[:60])
            pending_identity.update(_paragraph_identity(block.text, vocab))
            paragraphs_after_title = bool(titles) and not _is_title(block.text, vocab)
            prose.append(block)
            paragraphs.append(block)
            previous = block.text
            continue
        prose_report = read_prose(prose, vocab)
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
        if prose_report is not None and current.narrative is None and not current.has_table:
            prose_ev = prose_report.evaluations[0]
            current.narrative = prose_ev.narrative
            current.project = current.project or prose_ev.project
            current.department = current.department or prose_ev.department
            current.total = current.total or prose_ev.total
            warnings.extend(prose_report.warnings)
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
        if not current.project and table_title is not None:
            current.project = _table_project(block, vocab)
        if not current.project and titles:  # "服务贸易项目绩效自评表" above a table with no 项目名称 row
            current.project = title_identity(titles[-1], vocab).project
        if named_before and current.project and norm(named_before) != norm(current.project):
            current.warnings.append(f"report names project {named_before!r}, table names {current.project!r}")
            current.project = named_before
    # a document titled as a self-evaluation is a filing even where few of its sections are recognised; so
    # is one that states what was budgeted and spent under one recognised heading
    minimum = 0 if titled and not filing.evaluations else 2
    prose_report = read_prose(prose, vocab, min_sections=minimum)
    if prose_report is None and not filing.evaluations and _states_funding(prose):
        prose_report = read_prose(prose, vocab, min_sections=1)
    if prose_report is not None:
        if not filing.evaluations:  # a report written as prose, with no table
            identity = _report_identity(titles, paragraphs, vocab)
            for ev in prose_report.evaluations:
                ev.year = year or identity.year or file_year
                ev.kind = "department" if department_form else "project"
                if ev.kind == "department":
                    ev.project = ev.project or identity.unit or identity.project or "部门整体支出"
                elif not ev.project:
                    ev.project = identity.project
                ev.department = ev.department or pending_identity.get("unit", "") or identity.unit
                filing.evaluations.append(ev)
            warnings.extend(prose_report.warnings)
        elif filing.evaluations[-1].narrative is None:
            filing.evaluations[-1].narrative = prose_report.evaluations[0].narrative
            warnings.extend(prose_report.warnings)
    if not filing.evaluations:
        if not _mentions_filing(doc):
            raise NotAFiling(doc.source, "no filing found: nothing of a self-evaluation in it "
                                         "(no 绩效, 自评, 预算, 资金 or 指标)")
        raise InputError(doc.source, "no filing found: no 自评报告 or 自评表 (as a table or under headings) in the document")
    identity: Identity | None = None
    for ev in filing.evaluations:
        if ev.implementer in SELF_WORDS and filing_unit:  # 实施单位 "本单位": the unit the filing names
            ev.implementer = filing_unit
        if ev.kind == "department" and not ev.project:  # a whole department's filing is named by its unit
            ev.project = ev.department or ev.implementer or "部门整体支出"
        if not ev.has_table and len(filing.evaluations) == 1 and (not ev.project or not ev.department):
            # a report written as a form, with its title above it: who and what it is about
            identity = identity or _report_identity(titles, paragraphs, vocab)
            ev.project = ev.project or identity.project
            ev.department = ev.department or identity.unit
        for w in warnings:
            if ev.narrative is not None and w not in ev.warnings:
                ev.warnings.append(w)
        finish_evaluation(ev, vocab, doc.format)
    return filing


_FILING_WORDS = ("绩效", "自评", "预算", "资金", "指标", "执行率")


def _mentions_filing(doc: Document) -> bool:
    """Whether a document that reads as no filing speaks of one at all: a 说明.txt does not, and is skipped in a
    folder; a self-evaluation the reader could not follow does, and is an error."""
    for block in doc.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else (c.text for row in block.rows for c in row)
        if any(w in t for t in texts for w in _FILING_WORDS):
            return True
    return False


def _title_head(text: str) -> bool:
    """The first half of a title on its own line: short, no sentence, no heading number."""
    t = norm(text)
    return 2 <= len(t) <= 40 and not re.search(r"[，,。；;：:]", t) and numbering(t) is None


def _report_identity(titles: list[str], paragraphs: list[Paragraph], vocab: Vocabulary) -> Identity:
    """Unit, project and year of a prose report: its title first, then its opening sentence and its own
    words for the project, its signature for the unit."""
    out = Identity()
    for title in titles:
        found = title_identity(title, vocab)
        out.unit = out.unit or found.unit
        out.project = out.project or found.project
        out.year = out.year or found.year
    texts = [p.text for p in paragraphs]
    if not out.project:
        intro = next((s for s in (intro_subject(t) for t in texts[:6]) if s), "")
        if intro:  # "现将2022年西平县交通运输局…项目绩效自评总结报告如下": the unit may open it
            unit, rest = _split_unit_prefix(intro, vocab)
            out.unit, intro = out.unit or unit, rest or intro
        out.project = intro or stated_project(texts) or named_project(texts)
    if not out.unit:
        out.unit = opening_unit(texts, vocab) or signature_unit(paragraphs, vocab)
    if not out.project:
        out.project = next((title_identity(t, vocab).generic for t in titles if title_identity(t, vocab).generic), "")
    if out.project and out.unit and out.project.startswith(out.unit) and len(out.project) > len(out.unit) + 1:
        out.project = out.project[len(out.unit):]
    return out


_FUNDING_WORDS_RE = re.compile(r"(?:预算|安排|下达|批复|到位|支出|执行|拨付|使用|投资|申请|资金)[^。；;]{0,20}?"
                               r"\d+(?:\.\d+)?\s*(?:万元|元|亿元)")


def _split_unit_prefix(text: str, vocab: Vocabulary) -> tuple[str, str]:
    """("西平县交通运输局", "财政衔接…项目") of a subject that names its unit first."""
    found = title_identity(text + "绩效自评报告", vocab)
    if found.unit and found.project:
        return found.unit, found.project
    return "", text


def _states_funding(paragraphs: list[Paragraph]) -> bool:
    """The text states money budgeted or spent, and speaks of performance (绩效, 自评)."""
    text = "\n".join(p.text for p in paragraphs)
    return _FUNDING_WORDS_RE.search(text) is not None and ("绩效" in text or "自评" in text)


def _table_project(table: Table, vocab: Vocabulary) -> str:
    """The project a table's title names ("XX项目绩效自评表") where no 项目名称 row does."""
    for row in table.rows[:3]:
        texts = [c.text for c in row if not is_blank(c.text)]
        if len(texts) == 1:
            return title_identity(texts[0], vocab).project
    return ""


def finish_evaluation(ev: Evaluation, vocab: Vocabulary, fmt: str) -> None:
    """Gaps and reader warnings of an assembled evaluation (also for canonical YAML/JSON input)."""
    ev.gaps = find_gaps(ev, vocab, fmt)
    for w in [*missing_parts(ev), *implausible_figures(ev)]:
        if w not in ev.warnings:
            ev.warnings.append(w)


_MAX_TITLE = 60


def _is_title(text: str, vocab: Vocabulary) -> bool:
    """A short paragraph naming a self-evaluation form or report (not a line pointing to an attachment:
    "附件:2020年度养护类项目自评表(附后)")."""
    t = norm(text)
    if re.search(r"[(（]?(?:附后|后附|见附件|详见附件|附表)[)）]?$", t) or re.search(r"现将|如下|为做好|根据《", t):
        return False  # a line pointing to an attachment, or the opening sentence, is no title
    if len(t) > _MAX_TITLE or re.match(r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.])", t):
        return False
    return vocab.title_year(t) is not None or vocab.department_titles.search(t) is not None or \
        bool(re.search(r"自评(?:价)?(?:报告|表)|绩效评价报告|^自评结果$", t))


