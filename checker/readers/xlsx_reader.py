"""Reader for Excel .xlsx filings via openpyxl: one scored table (自评表) per sheet, no narrative."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from checker.errors import InputError
from checker.readers.document import Cell, Document, Table


def read_xlsx(data: bytes, source: str) -> Document:
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise InputError(source, f"not a readable .xlsx (truncated or corrupt): {exc}") from None
    except Exception as exc:  # damaged XML inside the package
        raise InputError(source, f"not a readable .xlsx: {type(exc).__name__}: {exc}") from None
    doc = Document(source=source, format="xlsx")
    for ws in wb.worksheets:
        doc.blocks.append(_sheet(ws, len(doc.tables)))
    return doc


def _sheet(ws, index: int) -> Table:  # type: ignore[no-untyped-def]
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
    for row in ws.iter_rows():
        cells: list[Cell] = []
        for cell in row:
            key = (cell.row, cell.column)
            state = covered.get(key)
            if state == "right":
                continue
            text = "" if state == "below" else _text(cell.value, cell.number_format)
            cells.append(Cell(text=text, row=cell.row - 1, col=cell.column - 1, span=spans.get(key, 1),
                              ref=cell.coordinate))
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
    return str(int(x)) if x == int(x) else repr(x)
