"""The format-neutral shape every table reader produces: paragraphs and tables of cells.

Readers only turn bytes into this shape; `checker.readers.layout` maps it onto the model by the form's labels.
Merged cells appear once, at their top-left position; the positions they cover are left out across a row
and empty down a column, the way the text export shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class Paragraph:
    index: int
    text: str
    line: int | None = None


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
