"""An Excel workbook of findings for auditors to sort, filter and annotate, plus a per-filing summary."""

from __future__ import annotations

import io
from collections import Counter

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from checker.results import RunResult

HEAD = {
    "zh": (["文件", "项目", "规则", "类别", "严重程度", "说明", "位置", "单元格", "填报值", "计算值", "应填", "指纹", "审核意见"],
           ["文件", "项目", "年度", "主管部门", "错误", "警告", "提示", "总分（填报）", "得分合计", "总分（按完成比例重算）"]),
    "en": (["file", "project", "rule", "category", "severity", "message", "location", "cell", "reported", "computed",
            "should be", "fingerprint", "reviewer note"],
           ["file", "project", "year", "department", "errors", "warnings", "info", "total (reported)", "rows sum",
            "total (recomputed)"]),
}
FILL = {"error": "F8D7DA", "warning": "FFF3CD", "info": "D1ECF1"}
WIDTHS = [28, 16, 9, 12, 10, 70, 40, 22, 14, 14, 14, 22, 30]


def _value(v: object) -> object:
    return v if isinstance(v, int | float | str) or v is None else str(v)


def render_xlsx(result: RunResult) -> bytes:
    lang = result.lang
    heads, sum_heads = HEAD[lang]
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单" if lang == "zh" else "Findings"
    ws.append(heads)
    for r in result.reports:
        for f in r.findings:
            loc = f.location.source
            ws.append([r.source, f.project, f.rule, f.category, f.severity, f.message.get(lang),
                       " › ".join(f.location.path), loc.describe(lang) if loc else "",
                       _value(f.evidence.reported), _value(f.evidence.computed), _value(f.evidence.suggested),
                       f.fingerprint, ""])
            ws.cell(ws.max_row, 5).fill = PatternFill("solid", fgColor=FILL[f.severity])
    _style(ws, WIDTHS)
    summary = wb.create_sheet("汇总" if lang == "zh" else "Summary")
    summary.append(sum_heads)
    for r in result.reports:
        c = Counter(f.severity for f in r.findings)
        summary.append([r.source, r.project, r.year, r.department, c["error"], c["warning"], c["info"],
                        r.scores.get("reported"), r.scores.get("rows"), r.scores.get("recomputed")])
    _style(summary, [28, 16, 8, 20, 8, 8, 8, 14, 12, 14])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _style(ws: Worksheet, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
