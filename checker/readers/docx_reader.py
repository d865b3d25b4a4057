"""Reader for Word .docx filings: `word/document.xml` read with lxml.

Only what the layout step needs is taken, in body order: the body's paragraphs and tables (python-docx's
rules, without its object tree — five times faster on a seed-sized filing). A paragraph's text is its
runs' text (w:t, a tab as TAB, a line break as a newline), hyperlinks included. A horizontally merged cell
(gridSpan) is one cell at its first grid column; a vertically merged cell keeps its text in the first
row and is empty below, the way the text export shows it. The package is read with the same care as any
input: no external entities, no network, and a bounded size once unzipped.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator

from lxml import etree

from checker.errors import InputError
from checker.readers.document import (
    MAX_COLUMNS,
    UNZIP_FACTOR,
    Cell,
    Document,
    Paragraph,
    Table,
    Tally,
    join_paragraphs,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"

_P, _TBL, _TR, _TC, _R = (W + x for x in ("p", "tbl", "tr", "tc", "r"))
_T, _TAB, _BR, _CR, _PTAB, _NBH = (W + x for x in ("t", "tab", "br", "cr", "ptab", "noBreakHyphen"))
_TCPR, _TRPR, _GRIDSPAN, _VMERGE, _GRIDBEFORE, _VAL, _TYPE = (
    W + x for x in ("tcPr", "trPr", "gridSpan", "vMerge", "gridBefore", "val", "type"))
_SDT, _SDT_CONTENT, _BODY = W + "sdt", W + "sdtContent", W + "body"
# elements that wrap content Word shows as if they were not there: content controls (a form's fields),
# custom XML, and — inside a paragraph — tracked insertions, moves, smart tags and simple fields. Deleted
# text (w:del, w:moveFrom) is not shown and is left out.
_BLOCK_WRAPPERS = frozenset(W + x for x in ("customXml", "ins", "moveTo"))
_RUN_WRAPPERS = frozenset(W + x for x in ("hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "customXml",
                                          "dir", "bdo"))


def read_docx(data: bytes, source: str) -> Document:
    tally = Tally(source)
    doc = Document(source=source, format="docx")
    n_par = n_tbl = 0
    for top in _body_children(data, source, tally):
        for el in children([top], (_P, _TBL)):
            if el.tag == _P:
                text = paragraph_text(el)
                if text.strip():
                    tally.block()
                    doc.blocks.append(Paragraph(index=n_par, text=text, outline=_outline_level(el)))
                n_par += 1
            elif el.tag == _TBL:
                doc.blocks.append(_table(el, n_tbl, tally))
                n_tbl += 1
    return doc


_PPR, _NUMPR, _ILVL, _NUMID, _PSTYLE, _OUTLINE = (W + x for x in ("pPr", "numPr", "ilvl", "numId", "pStyle",
                                                                   "outlineLvl"))
_HEADING_STYLE_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def _outline_level(p: etree._Element) -> int | None:
    """The outline level Word gives a paragraph (1 at the top): a heading style, an outline level or automatic
    numbering — a heading's number Word draws but the text does not hold."""
    ppr = p.find(_PPR)
    if ppr is None:
        return None
    style = ppr.find(_PSTYLE)
    if style is not None:
        m = _HEADING_STYLE_RE.match(style.get(_VAL, "").replace("-", " ").strip())
        if m:
            return int(m.group(1))
    level = ppr.find(_OUTLINE)
    if level is not None and (level.get(_VAL) or "").isdigit() and int(level.get(_VAL)) < 9:
        return int(level.get(_VAL)) + 1
    num = ppr.find(_NUMPR)
    if num is not None:
        num_id, ilvl = num.find(_NUMID), num.find(_ILVL)
        if num_id is not None and num_id.get(_VAL) not in (None, "0"):
            depth = ilvl.get(_VAL) if ilvl is not None else "0"
            return int(depth) + 1 if (depth or "").isdigit() else 1
    return None


def _body_children(data: bytes, source: str, tally: Tally) -> Iterator[etree._Element]:
    """The body's children one at a time, each dropped once read: the document part is streamed, never built
    whole (100 MB of empty paragraphs is 16 million elements), and every element parsed is counted."""
    def corrupt(why: str) -> InputError:
        return InputError(source, f"not a readable .docx (truncated or corrupt): {why}")

    body_seen = False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            name = _main_part(zf)
            size = zf.getinfo(name).file_size
            limit = tally.limits.file_bytes * UNZIP_FACTOR
            if size > limit:
                raise InputError(source, f"the document part unzips to {size / 2**20:.0f} MB; the limit is "
                                         f"{limit / 2**20:g} MB (JXCHECK_MAX_FILE_MB × {UNZIP_FACTOR})")
            with zf.open(name) as fh:
                depth = 0
                for event, el in etree.iterparse(fh, events=("start", "end"), resolve_entities=False,
                                                 no_network=True, huge_tree=False, remove_comments=True):
                    if event == "start":
                        depth += 1
                        tally.element()
                        body_seen = body_seen or (depth == 2 and el.tag == _BODY)
                        continue
                    depth -= 1
                    if depth == 2 and body_seen and el.getparent() is not None and el.getparent().tag == _BODY:
                        yield el
                        el.clear()
                        el.getparent().remove(el)
    except InputError:
        raise
    except KeyError as exc:
        raise corrupt(f"{exc.args[0] if exc.args else exc}") from None
    except etree.XMLSyntaxError as exc:
        raise corrupt(f"XML: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise corrupt(f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # zlib and other errors of a damaged package
        raise corrupt(f"{type(exc).__name__}: {exc}") from None
    if not body_seen:
        raise corrupt("no document body")


def _main_part(zf: zipfile.ZipFile) -> str:
    """The main document part named by the package's relationships (usually word/document.xml)."""
    try:
        rels = etree.fromstring(zf.read("_rels/.rels"), etree.XMLParser(resolve_entities=False, no_network=True))
    except KeyError:
        rels = None
    if rels is not None:
        for rel in rels.iter(_REL):
            if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT):
                return posixpath.normpath(rel.get("Target", "").lstrip("/"))
    return "word/document.xml"


def children(parent: Iterable[etree._Element], tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """The children of `parent` with these tags, in order, looking through content controls and the other
    wrappers Word does not show (a form's table in a content control is still the form's table). The
    .docx annotator walks documents with this too, so both number places alike."""
    for el in parent:
        tag = el.tag
        if tag in tags:
            yield el
        elif tag == _SDT:
            content = el.find(_SDT_CONTENT)
            if content is not None:
                yield from children(content, tags)
        elif tag in _BLOCK_WRAPPERS:
            yield from children(el, tags)


def paragraph_text(p: etree._Element) -> str:
    """The text of a w:p as Word shows it in plain text: its runs, with those in hyperlinks, content
    controls, tracked insertions, smart tags and fields."""
    parts: list[str] = []
    _runs_text(p, parts)
    return "".join(parts)


def _runs_text(parent: etree._Element, parts: list[str]) -> None:
    for child in parent:
        tag = child.tag
        if tag == _R:
            _run_text(child, parts)
        elif tag in _RUN_WRAPPERS:
            _runs_text(child, parts)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _runs_text(content, parts)


def _run_text(r: etree._Element, parts: list[str]) -> None:
    for e in r:
        tag = e.tag
        if tag == _T:
            parts.append(e.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag == _BR:
            if e.get(_TYPE, "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag == _CR:
            parts.append("\n")
        elif tag == _NBH:
            parts.append("-")


def _int(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(_VAL, default))
    except ValueError:
        return default


def _table(tbl: etree._Element, index: int, tally: Tally) -> Table:
    out = Table(index=index, grid=True)
    for r, tr in enumerate(children(tbl, (_TR,))):
        row: list[Cell] = []
        for col, span, tc in grid_cells(tr):
            tally.columns(col + span)
            tcpr = tc.find(_TCPR)
            v = tcpr.find(_VMERGE) if tcpr is not None else None
            vmerge = v.get(_VAL, "continue") if v is not None else None
            text = "" if vmerge == "continue" else join_paragraphs(
                "\n".join(paragraph_text(p) for p in children(tc, (_P,))).split("\n"))
            row.append(Cell(text=text, row=r, col=col, span=span))
        tally.row(len(row))
        out.rows.append(row)
    return out


def grid_cells(tr: etree._Element) -> Iterator[tuple[int, int, etree._Element]]:
    """(grid column, span, w:tc) of each cell of a row, after any w:gridBefore: the numbering the reader
    gives cells and the .docx annotator finds them by."""
    trpr = tr.find(_TRPR)
    col = min(max(_int(trpr.find(_GRIDBEFORE), 0), 0), MAX_COLUMNS) if trpr is not None else 0
    for tc in children(tr, (_TC,)):
        tcpr = tc.find(_TCPR)
        span = min(max(_int(tcpr.find(_GRIDSPAN), 1), 1), MAX_COLUMNS) if tcpr is not None else 1
        yield col, span, tc
        col += span
