"""Rows, cells and column maps: how a header row gives columns to fields, whatever the reader.

Docx and xlsx cells carry grid columns and spans; the text export only gives each cell's position in its
row, so a header cell spanning three columns is one cell above three. Two-row headers are aligned by the
vocabulary's header shapes (`groups`), and a header cell the vocabulary does not know is resolved from
its neighbours and the contents of its column, with a warning naming the cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from checker.model import Location, Text, Value, assemble, is_blank
from checker.readers.document import Cell, Table
from checker.readers.layout.vocabulary import norm


@dataclass
class Row:
    table: Table
    cells: list[Cell]

    @property
    def index(self) -> int:
        return self.cells[0].row if self.cells else 0

    def nonempty(self) -> list[Cell]:
        return [c for c in self.cells if not is_blank(c.text)]

    def where(self) -> str:
        return where(self.table, self.cells[0] if self.cells else None)


def where(table: Table, cell: Cell | None) -> str:
    """A place a user finds: sheet and cell, or table, row, column and line."""
    if table.sheet:
        ref = f", cell {cell.ref}" if cell is not None and cell.ref else ""
        return f"sheet {table.sheet}{ref}"
    if cell is None:
        return f"table {table.index + 1}"
    line = f", line {cell.line}" if cell.line else ""
    return f"table {table.index + 1}, row {cell.row + 1}, column {cell.col + 1}{line}"


def loc_of(table: Table, cell: Cell) -> Location:
    return assemble(Location, table=table.index, row=cell.row, col=cell.col, paragraph=None, line=cell.line,
                    sheet=table.sheet, cell=cell.ref)


def paragraph_loc(table: Table, cell: Cell, k: int) -> Location:
    """The k-th paragraph inside a cell, with its own line where the text export gives one."""
    loc = loc_of(table, cell)
    loc.paragraph = k
    if k < len(cell.lines) and cell.lines[k] is not None:
        loc.line = cell.lines[k]
    return loc


def value_of(row: Row, cell: Cell | None) -> Value:
    if cell is None:
        return Value()
    return Value.of(cell.text, loc_of(row.table, cell))


def text_of(row: Row, cell: Cell | None) -> Text:
    if cell is None:
        return Text()
    return assemble(Text, raw=cell.text, loc=loc_of(row.table, cell))


def after(row: Row, label_cell: Cell, stop: Callable[[str], bool] | None = None) -> Cell | None:
    """The first non-empty cell right of a label (merged copies of the label skipped); None when the next
    non-empty cell is itself a label (`stop`)."""
    for c in row.cells:
        if c.col > label_cell.col and not is_blank(c.text) and norm(c.text) != norm(label_cell.text):
            if stop is not None and stop(c.text):
                return None
            return c
    return None


# --- column maps --------------------------------------------------------------------------------------

@dataclass
class Columns:
    """Which columns a header gives to each field: grid columns [start, end), or positions in a row."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # field -> header text, for messages
    # the last row's map: a row's fields are asked for one after another
    _last: tuple[Row | None, dict[str, list[Cell]]] = field(default=(None, {}), repr=False, compare=False)

    def set_span(self, name: str, span: tuple[int, int]) -> None:
        self.spans[name] = span
        self._last = (None, {})

    def field_of(self, cell: Cell) -> str | None:
        for name, (start, end) in self.spans.items():
            if start <= cell.col < end:
                return name
        return None

    def cells(self, row: Row) -> dict[str, list[Cell]]:
        last, out = self._last
        if last is row:
            return out
        out = {}
        for c in row.cells:
            name = self.field_of(c)
            if name:
                out.setdefault(name, []).append(c)
        self._last = (row, out)
        return out

    def first(self, row: Row, name: str) -> Cell | None:
        return next(iter(self.cells(row).get(name, [])), None)


@dataclass
class HeaderCell:
    col: int
    span: int
    text: str
    name: str | None  # the field the vocabulary gives the cell, None when it knows none


def header_cells(cells: Iterable[Cell], classify: Callable[[str], str | None]) -> list[HeaderCell]:
    """The header's cells with their fields. A 分值 right after the 一级 or 二级 column is that level's weight
    (一级指标|分值|二级指标|分值|三级指标|分值|得分): the 三级 row's weight is the one after its name."""
    out: list[HeaderCell] = []
    taken: set[str] = set()
    previous: str | None = None
    for c in cells:
        name = classify(c.text) if not is_blank(c.text) else None
        if name == "weight" and previous in ("level1", "level2"):
            name = f"{previous}_weight"
        if not is_blank(c.text):
            previous = name
        if name in taken:
            name = None  # a second 分值 in a header is not a second weight column
        if name:
            taken.add(name)
        out.append(HeaderCell(c.col, c.span, c.text, name))
    return out


def columns_from(cells: list[HeaderCell]) -> Columns:
    cols = Columns()
    for h in cells:
        if h.name and h.name not in cols.spans:
            cols.set_span(h.name, (h.col, h.col + h.span))
            cols.labels[h.name] = h.text
    return cols


def merge_two_rows(upper: list[HeaderCell], lower: list[HeaderCell], grid: bool,
                   groups: dict[str, tuple[str, ...]]) -> tuple[list[HeaderCell], list[str]]:
    """One header from two rows: the lower row's labels under their group, the upper row's elsewhere.

    With grid columns the rows already line up. Without them (text export), the lower row holds one cell
    per grid column — its blanks are the upper row's cells merged down — and an upper cell that heads a
    group (年度指标值 over 指标性质|指标值|度量单位, 绩效指标 over 一级|二级|三级指标) spans its run of labels.
    """
    lower_fields = {h.name for h in lower if h.name}
    notes: list[str] = []

    def heads_group(h: HeaderCell) -> bool:
        for parent, children in groups.items():
            if (h.name == parent or (parent == "section" and h.name is None and not is_blank(h.text))) and \
                    lower_fields & set(children):
                return True
        return False

    if grid:
        merged: list[HeaderCell] = [h for h in lower if h.name]
        merged += [h for h in upper if not heads_group(h) and (h.name is None or h.name not in lower_fields)]
        return sorted(merged, key=lambda h: h.col), notes
    fill = [h for h in upper if not heads_group(h)]
    blanks = [h for h in lower if is_blank(h.text)]
    if len(fill) != len(blanks):
        notes.append(f"two-row header: {len(fill)} upper cells for {len(blanks)} open columns; aligned from the left")
    merged = [h for h in lower if not is_blank(h.text)]
    for up, slot in zip(fill, blanks, strict=False):
        merged.append(HeaderCell(slot.col, 1, up.text, up.name if up.name not in lower_fields else None))
    return sorted(merged, key=lambda h: h.col), notes


# --- what a column holds --------------------------------------------------------------------------------

_PLAIN_NUMBER_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_VALUE_RE = re.compile(r"[\d%％≥≤＞＜<>=]")


def column_profile(texts: list[str]) -> str:
    """What a column's cells look like: "score" (small plain numbers), "value" (figures, operators,
    percentages), "text" (words) or "blank"."""
    filled = [norm(t) for t in texts if not is_blank(t)]
    if not filled:
        return "blank"
    small = sum(1 for t in filled if _PLAIN_NUMBER_RE.match(t) and 0 <= float(t) <= 100)
    if small >= 0.6 * len(filled):
        return "score"
    values = sum(1 for t in filled if _VALUE_RE.search(t) and len(t) <= 20)
    if values >= 0.5 * len(filled):
        return "value"
    return "text"


