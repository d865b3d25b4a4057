"""An .xlsx copy with the findings in it: comments and fills on the flagged cells, a 检查结果 sheet.

openpyxl round-trips formulas, merges, styles, number formats, comments and the other sheets; it does not
keep pictures and charts, so a workbook that has them gets a note saying so.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from checker.annotate.notes import AUTHOR, FILLS, Annotated, note_text
from checker.display import printable
from checker.errors import InputError
from checker.findings import CATEGORY_ZH, SEVERITY_ZH, Finding, worst_severity
from checker.output import write_atomic
from checker.readers.document import Limits
from checker.readers.xlsx_guard import guarded
from checker.render.common import evidence_parts, fmt
from checker.results import Report

RESULT_SHEET = "检查结果"
HEAD = {"zh": ["序号", "严重程度", "规则", "类别", "项目", "位置", "问题", "应填", "依据"],
        "en": ["#", "severity", "rule", "category", "project", "cell", "message", "should be", "evidence"]}


def annotate_xlsx(source: str, data: bytes, reports: list[Report], target: Path, lang: str) -> Annotated:
    """`data`: the workbook's bytes as they were checked. Loaded as the reader loads them — merged ranges
    clipped to the filled area, elements counted — so the copy costs no more memory than the check did."""
    try:
        wb = load_workbook(io.BytesIO(guarded(data, source, Limits.from_env())), rich_text=False)
    except InputError:
        raise
    except Exception as exc:  # the file was read moments ago; a failure here is this file's error
        raise InputError(source, f"could not open the workbook to annotate it: {type(exc).__name__}: {exc}") from None
    findings = [f for r in reports for f in r.findings]
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    placed: dict[int, tuple[str, str]] = {}  # finding (by id) → the (sheet, cell) that holds its comment
    for f in findings:
        loc = f.location.source
        if loc is not None and loc.sheet in wb.sheetnames and loc.cell:
            place = placed[id(f)] = (loc.sheet, _anchor(wb[loc.sheet], loc.cell))
            by_cell[place].append(f)
    for (sheet, ref), hits in by_cell.items():
        cell = wb[sheet][ref]
        # Excel keeps one comment a cell: several findings are numbered notes in it, each whole
        text = note_text(hits[0], lang) if len(hits) == 1 else "\n\n".join(
            f"（{n}/{len(hits)}）{note_text(f, lang)}" for n, f in enumerate(hits, 1))
        if cell.comment is not None:  # the filer's own comment stays, ours follows it
            text = f"{cell.comment.text}\n\n{text}"
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 360, min(60 + 70 * len(hits), 600)
        cell.comment = comment
        cell.fill = _fill(worst_severity(f.severity for f in hits))
    _result_sheet(wb, findings, placed, lang)
    notes = []
    if _has_drawings(data):  # in English, as every run note: shown in Chinese where it is read
        notes.append("pictures and charts of the original are not kept in the annotated copy (openpyxl)")
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(target, buf.getvalue())
    return Annotated(source, target, len(findings), len(placed), notes)


def _fill(severity: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=FILLS[severity], end_color=FILLS[severity])


def _anchor(ws: Worksheet, ref: str) -> str:
    """A cell inside a merged range takes its comment on the range's first cell (the only one Excel shows)."""
    col, row = coordinate_from_string(ref)
    for rng in ws.merged_cells.ranges:
        if ref in rng:
            min_col, min_row, _, _ = range_boundaries(rng.coord)
            return ws.cell(row=min_row, column=min_col).coordinate
    return f"{col}{row}"


def _result_sheet(wb: Workbook, findings: list[Finding], placed: dict[int, tuple[str, str]], lang: str) -> None:
    name = RESULT_SHEET
    n = 2
    while name in wb.sheetnames:  # the filer's own sheet of that name stays
        name = f"{RESULT_SHEET}{n}"
        n += 1
    ws = wb.create_sheet(name)  # last, so sheet indices (print areas, defined names) stay as they were
    ws.append(HEAD[lang])
    for c in ws[1]:
        c.font = Font(bold=True)
    for i, f in enumerate(findings, 1):
        loc = f.location.source
        where = f"{loc.sheet}!{loc.cell}" if loc is not None and loc.cell else " › ".join(f.location.path)
        sev = SEVERITY_ZH[f.severity] if lang == "zh" else f.severity
        cat = CATEGORY_ZH[f.category] if lang == "zh" else f.category
        evidence = " · ".join(f"{label} {value}" for label, value in evidence_parts(f.evidence, lang,
                                                                                      skip=("suggested",)))
        suggested = fmt(f.evidence.suggested) if f.evidence.suggested is not None else ""
        ws.append([i, sev, f.rule, cat, printable(f.project), printable(where), printable(f.message.get(lang)),
                   suggested, printable(evidence)])
        row = ws.max_row
        ws.cell(row=row, column=2).fill = _fill(f.severity)
        if id(f) in placed:
            sheet, ref = placed[id(f)]
            link = ws.cell(row=row, column=6)
            quoted = sheet.replace("'", "''")  # Excel doubles a quote inside a quoted sheet name
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{ref}")
            link.font = Font(color="1F3A5F", underline="single")
    for col, width in zip("ABCDEFGHI", (6, 10, 9, 9, 18, 22, 70, 12, 30), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def _has_drawings(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(n.startswith(("xl/drawings/drawing", "xl/charts/", "xl/media/")) for n in zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
