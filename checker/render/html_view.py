"""What the HTML report and the self-check page show of a run, as plain data for the Jinja2 templates.

The templates only lay out what is built here: each filing's counts and totals, its findings numbered in
document order, and its own tables and report with every flagged cell or paragraph linked to its findings
(and back). Nothing here reads a filing: the model comes from the run (workers keep it for HTML).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from checker.findings import CATEGORIES, CATEGORY_ZH, SEVERITY_ORDER, Finding, worst_severity
from checker.i18n import localise
from checker.model import FUNDING_VALUE_FIELDS, Evaluation, Location, Text
from checker.render.common import WORDS as COMMON_WORDS
from checker.render.common import Groups, coverage_line, evidence_line, fmt, repeat_line
from checker.results import Report, RunResult

WORDS = {
    "zh": {**COMMON_WORDS["zh"], "title": "项目支出绩效自评检查报告", "findings": "问题", "table": "自评表",
           "recomputed": "按完成比例重算的总分", "total": "填报总分", "rows": "各项得分合计", "filter": "筛选",
           "funding": "项目资金（万元）", "indicators": "绩效指标", "report": "自评报告", "contents": "目录",
           "all_rules": "全部规则", "all_projects": "全部项目", "project": "项目",
           "nothing_to_download": "没有可下载的结果（文件均未能读取，见下）", "search": "搜索问题、指标或文字", "category": "类别",
           "filings": "个项目", "to_cell": "定位到单元格", "to_finding": "查看问题", "no_table": "未读到自评表",
           "cols": ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"],
           "fcols": ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
           "goal": "年度总体目标", "expected": "预期目标", "actual": "实际完成情况", "sum_total": "总分",
           "narrative": {"budget": "年度预算金额", "department": "项目主管部门", "purpose": "项目立项目的",
                         "management": "项目支出管理和使用基本情况", "achievement": "项目绩效目标完成情况",
                         "problems": "存在的问题", "measures": "改进措施", "other": "其他需要说明问题"}},
    "en": {**COMMON_WORDS["en"], "title": "Performance self-evaluation check", "findings": "findings",
           "table": "scored table", "recomputed": "recomputed total", "total": "reported total", "rows": "rows sum",
           "filter": "Filter", "funding": "Funding (万元)", "indicators": "Indicators", "report": "Narrative report",
           "contents": "Contents", "all_rules": "all rules", "all_projects": "all projects", "project": "project",
           "nothing_to_download": "Nothing to download (no file could be read, below)",
           "search": "search findings, indicators or text", "category": "category", "filings": "filings",
           "to_cell": "go to the cell", "to_finding": "see the finding", "no_table": "no scored table read",
           "cols": ["一级", "二级", "三级", "target", "actual", "weight", "score", "deviation reason"],
           "fcols": ["", "initial budget", "budget", "executed", "weight", "rate", "score"],
           "goal": "Overall goal", "expected": "expected", "actual": "achieved", "sum_total": "total",
           "narrative": {"budget": "budget", "department": "department", "purpose": "purpose",
                         "management": "management and use of funds", "achievement": "achievement of the goals",
                         "problems": "problems", "measures": "measures", "other": "other"}},
}


def anchor_key(loc: Location | None) -> tuple | None:
    """The place a finding and a shown cell or paragraph share: an xlsx cell, a table cell, a paragraph."""
    if loc is None:
        return None
    if loc.cell is not None:
        return (loc.sheet or "", loc.cell)
    if loc.table is not None and loc.row is not None and loc.col is not None:
        return (loc.table, loc.row, loc.col)
    if loc.paragraph is not None:
        return ("p", loc.paragraph)
    return None


@dataclass
class FindingView:
    id: str
    number: int
    severity: str
    category: str
    rule: str
    title: str
    message: str
    path: str
    evidence: str
    cell: str | None = None  # the id of the shown cell it points to
    repeat: bool = False  # its pasted group is listed whole under an earlier project


@dataclass
class CellView:
    text: str
    id: str | None = None
    severity: str | None = None  # the worst of its findings
    refs: list[FindingView] = field(default_factory=list)

    @property
    def finding_ids(self) -> str:
        return " ".join(f.id for f in self.refs)

    @property
    def tooltip(self) -> str:
        return "; ".join(f"{f.rule} {f.message}" for f in self.refs)


@dataclass
class RowView:
    cells: list[CellView]
    header: str | None = None  # a row label shown as <th>

    @property
    def flagged(self) -> bool:
        return any(c.refs for c in self.cells)


@dataclass
class FilingView:
    index: int
    project: str
    source: str
    year: int | None
    department: str
    severity: dict[str, int]
    category: list[tuple[str, str, int]]  # (category, label, count)
    scores: dict[str, Any]
    findings: list[FindingView]
    funding: list[RowView] = field(default_factory=list)
    indicators: list[RowView] = field(default_factory=list)
    total: RowView | None = None
    narrative: list[tuple[str, list[CellView]]] = field(default_factory=list)  # (section label, paragraphs)
    has_model: bool = False
    has_table: bool = False
    coverage: str | None = None  # which checks ran, passed, could not run and why
    partly: bool = False  # some checks could not run: a clean result is not a clean filing


def run_view(result: RunResult) -> dict[str, Any]:
    """Everything the report template needs of a run."""
    lang = result.lang
    w = WORDS[lang]
    groups = Groups()
    filings = [filing_view(r, i, lang, groups) for i, r in enumerate(result.reports)]
    counts = Counter({s: 0 for s in SEVERITY_ORDER})
    for f in filings:
        counts.update(f.severity)
    rules = sorted({fv.rule for f in filings for fv in f.findings})
    titles = {r.id: r.title.get(lang) for r in result.rules}
    return {
        "lang": lang, "w": w, "filings": filings, "counts": dict(counts),
        "categories": [(c, CATEGORY_ZH[c] if lang == "zh" else c) for c in CATEGORIES],
        "rules": rules, "rule_titles": [(r, titles.get(r, "")) for r in rules], "projects": sorted({f.project for f in filings if f.project}),
        "errors": [{"source": e.source, "where": e.where or "", "message": localise(e.message, lang)}
                   for e in result.errors],
        "skipped": [{"source": x.source, "where": "", "message": localise(x.message, lang)} for x in result.skipped],
    }


def filing_view(r: Report, i: int, lang: str, groups: Groups | None = None) -> FilingView:
    w = WORDS[lang]
    findings: list[FindingView] = []
    by_key: dict[tuple, list[FindingView]] = defaultdict(list)
    for n, f in enumerate(r.findings, 1):
        k = anchor_key(f.location.source)
        fv = _finding_view(f, i, n, lang, k)
        listed = groups.shown_in(f) if groups is not None else None
        if listed is not None:
            fv.evidence, fv.repeat = repeat_line(listed, lang), True
        findings.append(fv)
        if k is not None:
            by_key[k].append(fv)
    sev = Counter({s: 0 for s in SEVERITY_ORDER})
    sev.update(f.severity for f in r.findings)
    cat = Counter(f.category for f in r.findings)
    s = r.scores
    scores: dict[str, Any] = {k: fmt(s[k]) if k in s else "—" for k in ("reported", "rows", "recomputed")}
    scores["shown"] = bool(s)
    scores["differs"] = "reported" in s and "recomputed" in s and abs(s["reported"] - s["recomputed"]) > 0.005
    view = FilingView(i, r.project or w["unnamed"], " + ".join(r.files), r.year, r.department, dict(sev),
                      [(c, CATEGORY_ZH[c] if lang == "zh" else c, n) for c, n in sorted(cat.items())], scores, findings)
    found = [f.rule for f in r.findings]
    view.coverage = coverage_line(r.coverage, found, lang)
    view.partly = r.coverage is not None and bool(r.coverage.counts(found)["not_run"])
    ev = r.evaluation
    if ev is not None:
        cells = _CellMaker(i, by_key)
        view.has_model = True
        view.has_table = ev.has_table
        if ev.has_table:
            _tables(view, ev, cells, w)
        view.narrative = _narrative(ev, cells, w)
        for fv in findings:  # a finding links to its cell only where the cell is shown
            if fv.cell not in cells.shown:
                fv.cell = None
    else:
        for fv in findings:
            fv.cell = None
    return view


def _finding_view(f: Finding, i: int, n: int, lang: str, key: tuple | None) -> FindingView:
    return FindingView(f"f{i}-{n}", n, f.severity, f.category, f.rule, f.title.get(lang), f.message.get(lang),
                       " › ".join(f.location.path), evidence_line(f.evidence, lang),
                       _cell_id(i, key) if key is not None else None)


def _cell_id(i: int, key: tuple) -> str:
    return f"c{i}-" + "-".join(str(p) for p in key)


class _CellMaker:
    """Cells of one filing, each carrying the findings that point to it."""

    def __init__(self, i: int, by_key: dict[tuple, list[FindingView]]) -> None:
        self.i = i
        self.by_key = by_key
        self.shown: set[str] = set()

    def __call__(self, text: str, loc: Location | None) -> CellView:
        k = anchor_key(loc)
        if k is None:
            return CellView(text.strip())
        cid = _cell_id(self.i, k)
        self.shown.add(cid)
        refs = self.by_key.get(k, [])
        worst = worst_severity(f.severity for f in refs) if refs else None
        return CellView(text.strip(), cid, worst, refs)


def _tables(view: FilingView, ev: Evaluation, cell: _CellMaker, w: dict) -> None:
    for fr in ev.funding:
        view.funding.append(RowView([cell(getattr(fr, f).raw, getattr(fr, f).loc) for f in FUNDING_VALUE_FIELDS],
                                    header=fr.label))
    level1_loc = {lv.name: lv.loc for lv in ev.level1}
    prev1 = None
    for ind in ev.indicators:
        first1 = ind.level1 != prev1
        prev1 = ind.level1
        l1 = cell(ind.level1, level1_loc.get(ind.level1)) if first1 else CellView("")
        values = [cell(v.raw, v.loc) for v in (ind.name, ind.target, ind.actual, ind.weight, ind.score)]
        view.indicators.append(RowView([l1, CellView(ind.level2), *values, CellView(ind.deviation.text)]))
    if ev.total is not None:
        view.total = RowView([cell(ev.total.weight.raw, ev.total.weight.loc),
                              cell(ev.total.score.raw, ev.total.score.loc), CellView("")], header=w["sum_total"])


def _narrative(ev: Evaluation, cell: _CellMaker, w: dict) -> list[tuple[str, list[CellView]]]:
    out: list[tuple[str, list[CellView]]] = []

    def add(label: str, texts: list[Text | None]) -> None:
        shown = [cell(t.raw, t.loc) for t in texts if t is not None and not t.empty]
        if shown:
            out.append((label, shown))

    if ev.goal is not None:
        add(f"{w['goal']} · {w['expected']}", [ev.goal.expected])
        add(f"{w['goal']} · {w['actual']}", [ev.goal.actual])
    n = ev.narrative
    if n is not None:
        for name, label in w["narrative"].items():
            value = getattr(n, name)
            add(label, value if isinstance(value, list) else [value])
    return out
