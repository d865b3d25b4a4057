"""A workbook's package made safe for openpyxl before it is loaded. openpyxl builds an object for every
cell element and one for every cell a merged range covers: a 1.6 KB workbook with one range over the whole
sheet is 17 billion objects. So, from the package's bytes: every XML element counted against the memory
budget; a sheet whose merged ranges cover more cells than a sheet may fill has them clipped to the area its
cells fill (beyond it they cover nothing anyone filled; any other sheet is left exactly as it is); and the
cells the ranges then cover counted against the cell limit."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl.utils import column_index_from_string, get_column_letter

from checker.errors import InputError
from checker.readers.document import Limits, Tally

_CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_MERGE = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\")([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?(\")")


def guarded(data: bytes, source: str, limits: Limits) -> bytes:
    """The package to load: `data` itself, or a copy whose merged ranges are clipped. InputError when its
    elements or its merged cells are over the limits."""
    changed: dict[str, bytes] = {}
    tally = Tally(source, limits)
    covered = 0
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        for info in zf.infolist():  # one part in memory at a time; any part, whatever its name, may be a sheet
            xml = zf.read(info)
            tally.element(xml.count(b"<") - xml.count(b"</") - xml.count(b"<?") - xml.count(b"<!"))
            if b"mergeCell" in xml:
                area = sum(_area(m) for m in _MERGE.finditer(xml))
                if area > limits.cells_per_sheet:  # a real sheet merges a few thousand cells: left exactly as is
                    clipped, area = _clip_merges(xml)
                    if clipped is not xml:
                        changed[info.filename] = clipped
                covered += area
    except InputError:
        raise
    except Exception:  # a damaged package (zip or zlib errors): openpyxl says what is wrong with it
        return data
    if covered > limits.cells_per_file:
        raise InputError(source, f"merged ranges cover {covered:,} cells inside the filled area; the limit is "
                                 f"{limits.cells_per_file:,} (4 × JXCHECK_MAX_CELLS)")
    if not changed:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zw:
        for info in zf.infolist():
            zw.writestr(info, changed.get(info.filename) or zf.read(info))
    return out.getvalue()


def _clip_merges(xml: bytes) -> tuple[bytes, int]:
    """The sheet with each merged range cut to the rectangle its cells fill (dropped where it lies outside),
    and the number of cells the ranges then cover. A sheet whose cells carry no reference is left as it is."""
    rows = cols = 0
    for m in _CELL_REF.finditer(xml):
        cols = max(cols, column_index_from_string(m.group(1).decode()))
        rows = max(rows, int(m.group(2)))
    if not rows:
        return xml, sum(_area(m) for m in _MERGE.finditer(xml))
    area = 0

    def clip(m: re.Match[bytes]) -> bytes:
        nonlocal area
        c1, r1, c2, r2 = _bounds(m)
        c2, r2 = min(c2, cols), min(r2, rows)
        if c1 > c2 or r1 > r2:  # wholly outside what is filled: one cell at its corner, covering nothing
            c2, r2 = c1, r1
        area += (c2 - c1 + 1) * (r2 - r1 + 1)
        return m.group(1) + f"{m.group(2).decode()}{r1}:{get_column_letter(c2)}{r2}".encode() + m.group(6)

    out = _MERGE.sub(clip, xml)
    return (xml if out == xml else out), area


def _bounds(m: re.Match[bytes]) -> tuple[int, int, int, int]:
    c1, r1 = column_index_from_string(m.group(2).decode()), int(m.group(3))
    c2 = column_index_from_string(m.group(4).decode()) if m.group(4) else c1
    r2 = int(m.group(5)) if m.group(5) else r1
    return c1, r1, c2, r2


def _area(m: re.Match[bytes]) -> int:
    c1, r1, c2, r2 = _bounds(m)
    return max(0, c2 - c1 + 1) * max(0, r2 - r1 + 1)
