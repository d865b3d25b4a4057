"""Reader for the text that Word exports from a filing (the seed's format).

A table cell is a line starting with TAB; a cell's further paragraphs follow, usually after one blank
line, without a TAB; a blank line before a TAB line usually starts a new row; text outside tables has
no TAB. Whitespace alone does not settle the structure (docs/design.md §1), so the grouping below also uses
the row widths seen so far and what the form's own titles and notes look like.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from checker.errors import InputError
from checker.readers.document import Cell, Document, Paragraph, Table, Tally, join_paragraphs

# Free text that ends a table even where a cell's next paragraph could stand.
_OUTSIDE_RE = re.compile(
    r"^\s*(?:备注|注[:：]|说明[:：]|附件|附表|填报单位|填表人|填报人|联系电话|单位负责人|填报日期|审核人)"
    r"|^\s*(?:\d{4}\s*年度?)?[^\t]{0,30}(?:绩效)?自评(?:报告|表)\s*$"
)


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK; anything else is an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", source)
    if b"\x00" in data:
        raise InputError(source, "binary data, not a text export (NUL bytes and no UTF-16 byte-order mark)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(source, "text is neither UTF-8 nor GB18030/GBK", f"byte {exc.start}") from None
    if not _plausible_chinese(text):
        raise InputError(source, "text is neither UTF-8 nor GB18030/GBK (decodes to unlikely characters)")
    return text


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(source, f"invalid {encoding.upper()} text", f"byte {exc.start}") from None


def _plausible_chinese(text: str) -> bool:
    """Big5, Shift-JIS and random bytes often decode as GB18030; real GBK text stays in GB2312's set."""
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return not any(ord(c) > 0x7F for c in text)
    common = 0
    for c in cjk:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(cjk) >= 0.9


@dataclass
class _Line:
    tab: bool
    text: str
    line: int
    blanks: int  # blank lines just before this one
    row_start: bool = False  # a whole row on one line ("a<TAB>b<TAB>c"): this cell opens it


_NONEMPTY_LINE = re.compile(r"[^\n]+")


def _lines(text: str, tally: Tally) -> Iterator[_Line]:
    blanks = 0
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # only the lines with something in them are visited, their numbers counted between them: 50 MB of
    # newlines is 50 million empty lines, neither a list of them nor a loop over them
    no, pos, previous = 1, 0, 0  # `no`: the line text[pos] stands on
    for m in _NONEMPTY_LINE.finditer(text):
        no += text.count("\n", pos, m.start())
        pos = m.end()
        blanks += no - previous - 1  # the empty lines between
        previous = no
        raw = m.group().replace("\f", "")
        if raw.startswith("\t") and "\t" not in raw[1:]:
            yield _Line(True, raw[1:], no, blanks)
            blanks = 0
        elif "\t" in raw:
            tally.columns(raw.count("\t") + 1)  # counted before a row of a million cells is split
            # Word's plain "convert table to text": one row per line, cells split by TAB
            for k, part in enumerate(raw.split("\t")):
                yield _Line(True, part, no, blanks if k == 0 else 0, row_start=k == 0)
            blanks = 0
        elif raw.strip(" \u3000\xa0"):
            yield _Line(False, raw, no, blanks)
            blanks = 0
        else:
            blanks += 1


def parse_text_export(text: str, source: str) -> Document:
    doc = Document(source=source, format="text")
    tally = Tally(source)
    table: Table | None = None
    paragraphs: list[tuple[str, int | None]] = []  # (text, line) of the last cell's paragraphs
    prev_width = 0
    n_tables = n_paragraphs = 0  # counted, not recounted from the blocks at every line

    def close() -> None:
        nonlocal table, n_tables
        if table is not None:
            _finish_cells(table, paragraphs_by_cell)
            doc.blocks.append(table)
            n_tables += 1
        table = None

    paragraphs_by_cell: dict[int, list[tuple[str, int | None]]] = {}
    for ln in _lines(text, tally):
        if ln.tab:
            if table is None:
                table = Table(index=n_tables)
                table.rows.append([])
                tally.block()
                paragraphs_by_cell = {}
                prev_width = 0
            else:
                row = table.rows[-1]
                same_row = not ln.row_start and (ln.blanks == 0 or (ln.blanks >= 2 and 0 < len(row) < prev_width))
                if not same_row:
                    prev_width = len(row)
                    table.rows.append([])
                    tally.block()
            row = table.rows[-1]
            tally.columns(len(row) + 1)
            tally.cell()
            cell = Cell(text="", row=len(table.rows) - 1, col=len(row), line=ln.line)
            row.append(cell)
            paragraphs = [(ln.text, ln.line)]
            paragraphs_by_cell[id(cell)] = paragraphs
            continue
        inside = (
            table is not None
            and table.rows[-1]
            and not _OUTSIDE_RE.search(ln.text)
            and (ln.blanks <= 1 or len(table.rows[-1]) < prev_width)
        )
        if inside:
            paragraphs.extend([("", None)] * max(0, ln.blanks - 1))
            paragraphs.append((ln.text, ln.line))
            continue
        close()
        tally.block()
        doc.blocks.append(Paragraph(index=n_paragraphs, text=ln.text, line=ln.line))
        n_paragraphs += 1
    close()
    return doc


def _finish_cells(table: Table, paragraphs_by_cell: dict[int, list[tuple[str, int | None]]]) -> None:
    for row in table.rows:
        for cell in row:
            paras = paragraphs_by_cell.get(id(cell), [])
            cell.text = join_paragraphs([t for t, _ in paras])
            cell.lines = [line for _, line in paras[: cell.text.count("\n") + 1]]
    table.rows = [r for r in table.rows if r]


def read_text_export(data: bytes, source: str) -> Document:
    return parse_text_export(decode(data, source), source)
