"""Reader for Word .docx filings via python-docx.

Paragraphs and tables are taken in body order. A horizontally merged cell (gridSpan) is one cell at its
first grid column; a vertically merged cell keeps its text in the first row and is empty below, the way
the text export shows it.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from checker.errors import InputError
from checker.readers.document import Cell, Document, Paragraph, Table, join_paragraphs


def read_docx(data: bytes, source: str) -> Document:
    try:
        word = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(source, f"not a readable .docx (truncated or corrupt): {exc}") from None
    except Exception as exc:  # lxml and zlib errors of a damaged package
        raise InputError(source, f"not a readable .docx (truncated or corrupt): {type(exc).__name__}: {exc}") from None
    doc = Document(source=source, format="docx")
    n_par = 0
    for item in word.iter_inner_content():
        if isinstance(item, DocxParagraph):
            if item.text.strip():
                doc.blocks.append(Paragraph(index=n_par, text=item.text))
            n_par += 1
        elif isinstance(item, DocxTable):
            doc.blocks.append(_table(item, len(doc.tables)))
    return doc


def _table(table: DocxTable, index: int) -> Table:
    out = Table(index=index, grid=True)
    for r, tr in enumerate(table._tbl.tr_lst):
        row: list[Cell] = []
        col = tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            vmerge = tc.vMerge
            text = "" if vmerge == "continue" else join_paragraphs(_Cell(tc, table).text.split("\n"))
            row.append(Cell(text=text, row=r, col=col, span=span))
            col += span
        out.rows.append(row)
    return out

