"""Reader for Excel .xlsx filings via openpyxl: one scored table (自评表) per sheet, no narrative."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from checker.errors import InputError
from checker.readers.document import UNZIP_FACTOR, Cell, Document, Limits, Table
from checker.readers.formulas import MAX_DEPTH, evaluate
from checker.readers.xlsx_guard import guarded


def read_xlsx(data: bytes, source: str) -> Document:
    limits = Limits.from_env()
    _check_unzipped(data, source, limits)
    data = guarded(data, source, limits)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise InputError(source, f"not a readable .xlsx (truncated or corrupt): {exc}") from None
    except Exception as exc:  # damaged XML inside the package
        raise InputError(source, f"not a readable .xlsx: {type(exc).__name__}: {exc}") from None
    doc = Document(source=source, format="xlsx")
    notes = _fill_formulas(data, wb) if _unsaved_formulas(data) else {}
    for ws in wb.worksheets:
        table = _sheet(ws, len(doc.tables), source, limits)
        table.warnings += notes.get(ws.title, [])
        doc.blocks.append(table)
    return doc


# a cell holding a formula and no saved result: <c r="H12"><f>SUM(H3:H11)</f></c> (or <v/>), as a workbook
# written by a program rather than saved by Excel or WPS has them
_FORMULA_WITHOUT_VALUE = re.compile(rb"<c [^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>")


def _unsaved_formulas(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(_FORMULA_WITHOUT_VALUE.search(zf.read(n)) for n in zf.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False


def _fill_formulas(data: bytes, values: Workbook) -> dict[str, list[str]]:
    """Formulas whose result was never saved: computed where they are score-table arithmetic
    (checker/readers/formulas.py) and written into `values`; a warning per sheet names them either way."""
    formulas = load_workbook(io.BytesIO(data), data_only=False)
    notes: dict[str, list[str]] = {}
    for ws in formulas.worksheets:
        wv = values[ws.title]
        pending = {c.coordinate: c.value for row in ws.iter_rows() for c in row
                   if isinstance(c.value, str) and c.value.startswith("=") and wv[c.coordinate].value is None}
        if not pending:
            continue
        sheet = _SheetFormulas(pending, wv)
        computed, unread = [], []
        for ref in pending:
            result = sheet.number(ref)
            if result is None:
                unread.append(ref)
            else:
                wv[ref].value = result
                computed.append(ref)
        if computed:
            notes.setdefault(ws.title, []).append(
                f"sheet {ws.title}: {len(computed)} formula cell(s) had no saved result and were computed from "
                f"their formulas ({_refs(computed)})")
        if unread:
            notes.setdefault(ws.title, []).append(
                f"sheet {ws.title}: {len(unread)} formula cell(s) have no saved result ({_refs(unread)}) and read "
                "as empty — open the file in Excel or WPS, save it, and check again")
    return notes


class _SheetFormulas:
    """One sheet's unsaved formulas, each computed once; a formula that refers to one is computed first."""

    def __init__(self, pending: dict[str, str], values: Worksheet) -> None:
        self.pending = pending
        self.values = values
        self.done: dict[str, float | None] = {}

    def number(self, ref: str, depth: int = 0) -> float | None:
        if ref in self.pending:
            if ref not in self.done:
                self.done[ref] = None  # a loop reads as unknown
                if depth < MAX_DEPTH:
                    self.done[ref] = evaluate(self.pending[ref], lambda r: self.number(r, depth + 1))
            return self.done[ref]
        col, row = coordinate_to_tuple(ref)[::-1]
        cell = self.values._cells.get((row, col))  # noqa: SLF001 - reading never creates a cell
        v = cell.value if cell is not None else None
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _refs(refs: list[str]) -> str:
    return ", ".join(refs[:8]) + (" …" if len(refs) > 8 else "")


def _check_unzipped(data: bytes, source: str, limits: Limits) -> None:
    """A workbook whose parts unzip past the limit is refused before openpyxl builds it in memory (a small
    file can unzip to gigabytes). zipfile never reads a member past its declared size, so the sizes hold."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            size = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    limit = limits.file_bytes * UNZIP_FACTOR
    if size > limit:
        raise InputError(source, f"the workbook unzips to {size / 2**20:.0f} MB; the limit is "
                                 f"{limit / 2**20:g} MB (JXCHECK_MAX_FILE_MB × {UNZIP_FACTOR})")


def _sheet(ws: Worksheet, index: int, source: str, limits: Limits) -> Table:
    # Merged ranges: the top-left cell carries the text and the span; cells to its right are dropped,
    # cells below it become empty (vertical merge), matching the other readers.
    covered: dict[tuple[int, int], str] = {}
    spans: dict[tuple[int, int], int] = {}
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = rng.max_col - rng.min_col + 1
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) == (rng.min_row, rng.min_col):
                    continue
                covered[(r, c)] = "below" if c == rng.min_col else "right"
                if c == rng.min_col:
                    spans[(r, c)] = rng.max_col - rng.min_col + 1
    table = Table(index=index, sheet=ws.title, grid=True)
    # only the cells that hold something: a styled empty cell at Z1000000 must not make a million rows
    filled = sorted(key for key, cell in ws._cells.items() if cell.value is not None)  # noqa: SLF001
    if len(filled) > limits.cells_per_sheet:
        raise InputError(source, f"sheet {ws.title} has {len(filled):,} filled cells; the limit is "
                                 f"{limits.cells_per_sheet:,} (JXCHECK_MAX_CELLS)")
    by_row: dict[int, list[int]] = {}
    for r, c in filled:
        by_row.setdefault(r, []).append(c)
    for r in sorted(by_row):
        cells: list[Cell] = []
        for c in range(1, max(by_row[r]) + 1):
            key = (r, c)
            state = covered.get(key)
            if state == "right":
                continue
            cell = ws._cells.get(key)  # noqa: SLF001
            text = "" if state == "below" or cell is None else _text(cell.value, cell.number_format)
            cells.append(Cell(text=text, row=r - 1, col=c - 1, span=spans.get(key, 1),
                              ref=f"{get_column_letter(c)}{r}"))
        while cells and not cells[-1].text:
            cells.pop()
        if cells:
            table.rows.append(cells)
    return table


def _text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if "%" in (number_format or ""):
            return _number(value * 100) + "%"
        return _number(value)
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def _number(x: float) -> str:
    x = round(float(x), 10)
    if not math.isfinite(x):  # a stored value beyond Excel's range: shown as it is, never a figure
        return repr(x)
    return str(int(x)) if x == int(x) else repr(x)
