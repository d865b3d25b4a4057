"""The format-neutral shape every table reader produces: paragraphs and tables of cells.

Readers only turn bytes into this shape; `checker.readers.layout` maps it onto the model by the form's labels.
Merged cells appear once, at their top-left position; the positions they cover are left out across a row
and empty down a column, the way the text export shows them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from checker.errors import InputError
from checker.pool import DEFAULT_MEMORY_BYTES, memory_budget


@dataclass
class Cell:
    text: str
    row: int
    col: int  # grid column where the format has one, else position in the row
    span: int = 1  # grid columns covered
    line: int | None = None  # text export: 1-based line of the cell's first paragraph
    lines: list[int | None] = field(default_factory=list)  # text export: line of each paragraph
    ref: str | None = None  # xlsx: "B7"


@dataclass
class Table:
    index: int
    rows: list[list[Cell]] = field(default_factory=list)
    sheet: str | None = None
    grid: bool = False  # cells carry grid columns and spans (docx, xlsx), not mere positions (text export)
    warnings: list[str] = field(default_factory=list)  # what the reader could not read as it stands


@dataclass
class Paragraph:
    index: int
    text: str
    line: int | None = None
    # Word's own outline: a heading style (标题 1, Heading 2) or automatic numbering, whose number is not in the
    # text — 1 for the top level, 2 below it …; None where the format has no such mark
    outline: int | None = None


Block = Table | Paragraph


@dataclass
class Document:
    source: str
    format: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def join_paragraphs(paragraphs: list[str]) -> str:
    """A cell's text: its paragraphs joined by newlines, trailing empty paragraphs dropped."""
    while paragraphs and not paragraphs[-1].strip(" \t\u3000\xa0"):
        paragraphs = paragraphs[:-1]
    return "\n".join(paragraphs)


UNZIP_FACTOR = 8  # a .docx/.xlsx may unzip to this many times the file-size limit, no more
MAX_COLUMNS = 1_000  # cells in one table row: a real form has a few dozen
BYTES_PER_ELEMENT = 256  # what an XML element costs once parsed (lxml, openpyxl), generously


@dataclass(frozen=True)
class Limits:
    """How big an input may be before it is an error for that file (defaults suit any real filing; set the
    environment variables to raise them for an unusual archive). Each is enforced where the bytes become
    objects, so no file within them takes more than the memory budget."""

    file_bytes: int = 50 * 1024 * 1024  # JXCHECK_MAX_FILE_MB
    cells_per_sheet: int = 200_000  # JXCHECK_MAX_CELLS: filled cells of one worksheet or table
    filings_per_file: int = 2_000  # JXCHECK_MAX_FILINGS
    blocks_per_file: int = 50_000  # JXCHECK_MAX_BLOCKS: paragraphs and table rows of one file
    memory_bytes: int = DEFAULT_MEMORY_BYTES  # JXCHECK_MAX_MEMORY_MB: one file's budget; a worker's last resort

    @property
    def cells_per_file(self) -> int:
        return 4 * self.cells_per_sheet

    @property
    def xml_elements(self) -> int:
        """XML elements one file may hold: what its parsed tree may cost within the memory budget."""
        return self.memory_bytes // BYTES_PER_ELEMENT

    @classmethod
    def from_env(cls) -> Limits:
        def number(name: str, default: int, scale: int = 1) -> int:
            try:
                value = int(float(os.environ[name]) * scale)
            except (KeyError, ValueError):
                return default
            return value if value > 0 else default

        return cls(number("JXCHECK_MAX_FILE_MB", cls.file_bytes, 1024 * 1024),
                   number("JXCHECK_MAX_CELLS", cls.cells_per_sheet),
                   number("JXCHECK_MAX_FILINGS", cls.filings_per_file),
                   number("JXCHECK_MAX_BLOCKS", cls.blocks_per_file),
                   memory_budget())


class Tally:
    """What one file has produced so far, counted as a reader makes it: the file is an error the moment it
    passes a limit, before the rest of it is turned into objects."""

    def __init__(self, source: str, limits: Limits | None = None) -> None:
        self.source = source
        self.limits = limits or Limits.from_env()
        self.blocks = self.cells = self.elements = 0

    def block(self, n: int = 1) -> None:
        """A paragraph with text or a table row."""
        self.blocks += n
        if self.blocks > self.limits.blocks_per_file:
            raise InputError(self.source, f"more than {self.limits.blocks_per_file:,} paragraphs and table rows "
                                          "(limit: JXCHECK_MAX_BLOCKS)")

    def row(self, cells: int) -> None:
        """A table row of `cells` cells."""
        self.columns(cells)
        self.block()
        self.cell(cells)

    def columns(self, n: int) -> None:
        if n > MAX_COLUMNS:
            raise InputError(self.source, f"a table row has {n:,} cells; the limit is {MAX_COLUMNS:,}")

    def cell(self, n: int = 1) -> None:
        self.cells += n
        if self.cells > self.limits.cells_per_file:
            raise InputError(self.source, f"more than {self.limits.cells_per_file:,} table cells "
                                          "(limit: 4 × JXCHECK_MAX_CELLS)")

    def element(self, n: int = 1) -> None:
        """XML elements parsed."""
        self.elements += n
        if self.elements > self.limits.xml_elements:
            raise InputError(self.source, f"more than {self.limits.xml_elements:,} XML elements "
                                          "(limit: JXCHECK_MAX_MEMORY_MB ÷ 256 bytes)")
