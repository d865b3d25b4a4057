"""A .docx copy with the findings in it: Word comments anchored on the flagged cell's or paragraph's
text, the cell shaded and the paragraph highlighted by severity.

Places are found the way the reader numbered them (checker/readers/docx_reader.py): the n-th table and
paragraph of the body, the n-th row of a table, a cell by its grid column. python-docx keeps every other
part of the package as it was.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

import docx
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from checker.annotate.notes import AUTHOR, FILLS, Annotated, note_text
from checker.errors import InputError
from checker.findings import Finding, worst_severity
from checker.model import Location
from checker.output import write_atomic
from checker.readers.docx_reader import children, grid_cells
from checker.results import Report

HIGHLIGHT = {"error": WD_COLOR_INDEX.PINK, "warning": WD_COLOR_INDEX.YELLOW, "info": WD_COLOR_INDEX.TURQUOISE}
# what may follow w:shd in a w:tcPr (the schema's order; Word refuses a cell whose properties are out of it)
_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
              "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def annotate_docx(source: str, data: bytes, reports: list[Report], target: Path, lang: str) -> Annotated:
    """`data`: the document's bytes as they were checked (its elements within the reader's limits)."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # the file was read moments ago; a failure here is this file's error
        raise InputError(source, f"could not open the document to annotate it: {type(exc).__name__}: {exc}") from None
    notes = _fresh_comments_if_broken(document)
    body = document.element.body
    tables = [list(children(t, (qn("w:tr"),))) for t in children(body, (qn("w:tbl"),))]  # each table's rows
    paragraphs = list(children(body, (qn("w:p"),)))
    places: dict[tuple, list[Finding]] = defaultdict(list)
    loose: list[Finding] = []
    for r in reports:
        for f in r.findings:
            key = _place(f.location.source, tables, paragraphs)
            (places[key] if key is not None else loose).append(f)
    for key, hits in places.items():
        severity = worst_severity(f.severity for f in hits)
        if key[0] == "cell":
            cell = _Cell(key[1], document)
            _shade(key[1], FILLS[severity])
            paras = [Paragraph(p, cell) for p in children(key[1], (qn("w:p"),))] or [cell.add_paragraph()]
            runs = _runs_of(paras)
        else:
            paragraph = Paragraph(key[1], document)
            runs = _runs_of([paragraph])
            for run in runs:
                run.font.highlight_color = HIGHLIGHT[severity]
        for f in hits:  # one comment a finding: two findings on one cell are two notes, each to resolve
            document.add_comment(runs, text=note_text(f, lang), author=AUTHOR, initials="JX")
    if loose:  # a whole filing's findings: on the document's first paragraph with text
        texts = [p for p in document.paragraphs if p.text.strip()]
        first = texts[0] if texts else document.paragraphs[0] if document.paragraphs else document.add_paragraph()
        for f in loose:
            document.add_comment(_runs_of([first]), text=note_text(f, lang), author=AUTHOR, initials="JX")
    buf = io.BytesIO()
    document.save(buf)
    write_atomic(target, buf.getvalue())
    placed = sum(len(v) for v in places.values())
    return Annotated(source, target, placed + len(loose), placed, notes)


def _fresh_comments_if_broken(document: docx.document.Document) -> list[str]:
    """A comments part python-docx cannot extend (its root is not w:comments, or a w:id is not a number) is
    replaced in the copy by a new one, and the copy says so; the original file keeps its comments."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.parts.comments import CommentsPart

    part = document.part
    rel = next((r for r in part.rels.values() if r.reltype == RT.COMMENTS and not r.is_external), None)
    if rel is None:
        return []
    element = getattr(rel.target_part, "element", None)
    ids = element.xpath("./w:comment/@w:id") if element is not None and element.tag == qn("w:comments") else None
    if ids is not None and all(i.isdigit() for i in ids):
        return []
    part.drop_rel(rel.rId)
    part.relate_to(CommentsPart.default(part.package), RT.COMMENTS)
    return ["the document's own comments could not be extended and are not in this copy (the original keeps them)"]


def _place(loc: Location | None, tables: list[list], paragraphs: list) -> tuple | None:
    """("cell", w:tc) or ("paragraph", w:p) where the reader found the value, or None."""
    if loc is None:
        return None
    if loc.table is not None and loc.row is not None and loc.col is not None and loc.table < len(tables):
        rows = tables[loc.table]
        if loc.row < len(rows):
            tc = _tc_at(rows[loc.row], loc.col)
            if tc is not None:
                return ("cell", tc)
    if loc.paragraph is not None and loc.paragraph < len(paragraphs):
        return ("paragraph", paragraphs[loc.paragraph])
    return None


def _tc_at(tr: BaseOxmlElement, col: int) -> BaseOxmlElement | None:
    """The w:tc covering grid column `col`, counted as the reader counts."""
    return next((tc for at, span, tc in grid_cells(tr) if at <= col < at + span), None)


def _runs_of(paragraphs: list[Paragraph]) -> list[Run]:
    """The runs a comment can span (a paragraph's own; runs inside a content control or a tracked
    insertion are left as they are); a paragraph with none gets an empty run to hold the comment."""
    runs = [r for p in paragraphs for r in p.runs]
    if not runs:
        runs = [paragraphs[0].add_run("")]
    return runs


def _shade(tc: CT_Tc, colour: str) -> None:
    tcpr = tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:shd")):
        tcpr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    tcpr.insert_element_before(shd, *_AFTER_SHD)
