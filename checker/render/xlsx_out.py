"""An Excel workbook of findings for auditors to sort, filter and annotate, plus a per-filing summary."""

from __future__ import annotations

import io
from collections import Counter

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from checker.display import printable
from checker.findings import CATEGORY_ZH, SEVERITY_ORDER
from checker.i18n import localise
from checker.inputs import INPUTS
from checker.render.common import WORDS, evidence_line
from checker.results import RunResult

HEAD = {
    "zh": (["文件", "项目", "规则", "类别", "严重程度", "说明", "位置", "单元格", "证据", "填报值", "计算值", "应填", "指纹",
            "审核意见"],
           ["文件", "项目", "年度", "主管部门", "错误", "警告", "提示", "总分（填报）", "得分合计", "总分（按完成比例重算）"],
           ["文件", "情况", "原因"],
           ["文件", "项目", "检查项", "已运行", "通过", "无法运行", "不适用", "无法运行的原因", "无法运行的规则"]),
    "en": (["file", "project", "rule", "category", "severity", "message", "location", "cell", "evidence", "reported",
            "computed", "should be", "fingerprint", "reviewer note"],
           ["file", "project", "year", "department", "errors", "warnings", "info", "total (reported)", "rows sum",
            "total (recomputed)"],
           ["file", "status", "reason"],
           ["file", "project", "checks", "ran", "passed", "could not run", "do not apply", "missing",
            "rules that could not run"]),
}
SHEETS = {"zh": ("问题清单", "汇总", "未检查的文件", "检查覆盖"),
          "en": ("Findings", "Summary", "Files not checked", "Coverage")}
FILL = {"error": "F8D7DA", "warning": "FFF3CD", "info": "D1ECF1"}
WIDTHS = [28, 16, 9, 10, 9, 70, 40, 22, 50, 14, 14, 14, 22, 30]


def _value(v: object) -> object:
    if isinstance(v, str):
        return printable(v)  # a control character in a name is not allowed in a worksheet
    return v if isinstance(v, int | float) or v is None else printable(str(v))


def _append(ws: Worksheet, row: list) -> None:
    ws.append([_value(v) for v in row])


def render_xlsx(result: RunResult) -> bytes:
    """Findings errors first (each filing in its own order within a severity), a summary per filing, and the
    files that were not checked with the reason."""
    lang = result.lang
    w = WORDS[lang]
    heads, sum_heads, file_heads, cover_heads = HEAD[lang]
    names = SHEETS[lang]
    wb = Workbook()
    ws = wb.active
    ws.title = names[0]
    ws.append(heads)
    rows = []
    for r in result.reports:
        for f in r.findings:
            loc = f.location.source
            rows.append((SEVERITY_ORDER[f.severity], f.severity, [
                r.source, f.project, f.rule, CATEGORY_ZH[f.category] if lang == "zh" else f.category, w[f.severity],
                f.message.get(lang), " › ".join(f.location.path), loc.describe(lang) if loc else "",
                evidence_line(f.evidence, lang), _value(f.evidence.reported), _value(f.evidence.computed),
                _value(f.evidence.suggested), f.fingerprint, ""]))
    rows.sort(key=lambda x: x[0])  # stable: within a severity, the files' and findings' own order
    for _, severity, row in rows:
        _append(ws, row)
        ws.cell(ws.max_row, 5).fill = PatternFill("solid", fgColor=FILL[severity])
    _style(ws, WIDTHS)
    summary = wb.create_sheet(names[1])
    summary.append(sum_heads)
    for r in result.reports:
        c = Counter(f.severity for f in r.findings)
        _append(summary, [r.source, r.project, r.year, r.department, c["error"], c["warning"], c["info"],
                        r.scores.get("reported"), r.scores.get("rows"), r.scores.get("recomputed")])
    _style(summary, [28, 16, 8, 20, 8, 8, 8, 14, 12, 14])
    files = wb.create_sheet(names[2])
    files.append(file_heads)
    for e in result.errors:
        _append(files, [e.source, w["unreadable_one"], localise(e.message, lang) + _where(e.where, lang)])
    for x in result.skipped:
        _append(files, [x.source, w[x.reason], localise(x.message, lang)])
    _style(files, [40, 14, 80])
    cover = wb.create_sheet(names[3])
    cover.append(cover_heads)
    for r in result.reports:
        if r.coverage is None:
            continue
        c = r.coverage.counts(f.rule for f in r.findings)
        reasons = r.coverage.reasons()
        missing = "、".join(f"{INPUTS[n].label(lang)}（{len(rules)}）" for n, rules in reasons.items())
        _append(cover, [r.source, r.project, c["checks"], c["ran"], c["passed"], c["not_run"], c["not_applicable"],
                      missing, ", ".join(sorted(r.coverage.not_run))])
    _style(cover, [28, 16, 8, 8, 8, 10, 8, 60, 40])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _where(where: str | None, lang: str) -> str:
    return "" if not where else f" ({where})" if lang == "en" else f"（{where}）"


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
