"""A project's 自评报告 and 自评表 kept in two files (how most units keep them: the report in Word, the table
in Excel) are one filing: found by the project's normalised name (and unit and year where both state
them), never by file order, and checked together so that every report-versus-table rule runs on the pair.

Workers name the halves they read (`half_of`); the main process pairs them once every file is read
(`find_pairs`) and checks each pair as one evaluation (`merge`). A report that could belong to more than one
table, or a table to more than one report, is reported as ambiguous and left unjoined.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from checker.findings import Finding
from checker.model import Evaluation
from checker.sections import REPORT

Half = tuple[int, int, str, str, str, int | None]  # (report position, evaluation position, kind, project, unit, year)


@dataclass(frozen=True)
class HalfKey:
    key: int  # the report's key in the run
    path: str
    report_pos: int  # position among the file's reports
    eval_pos: int  # position among the file's evaluations (to read it again)
    kind: str  # "report" or "table"
    project: str
    unit: str
    year: int | None


def half_of(ev: Evaluation) -> tuple[str, str, str, int | None] | None:
    """(kind, project, unit, year) of an evaluation that is one half of a filing: a report with no table,
    or a table with no report; None for a whole filing or one that names no project."""
    if ev.has_table and ev.narrative is None:
        kind = "table"
    elif ev.narrative is not None and not ev.has_table:
        kind = "report"
    else:
        return None
    unit = ev.department or ev.implementer
    if not ev.project and not (kind == "report" and unit and ev.year):
        return None  # a report naming no project is matched by its unit and year alone (see `matches`)
    return kind, ev.project, unit, ev.year


_YEAR_RE = re.compile(r"(?:19|20)\d{2}年度?")
_DECOR_RE = re.compile(r"[\s\"“”‘’'《》〈〉()（）:：,，。、;；·\-—_]")
_TAIL_RE = re.compile(r"(?:项目支出|项目资金|专项资金|专项经费|项目|资金|经费|专项)$")


def name_key(text: str) -> str:
    """A project's name as compared: no year, blanks, punctuation or generic tail (项目, 资金, 经费)."""
    s = _DECOR_RE.sub("", unicodedata.normalize("NFKC", text))
    s = _YEAR_RE.sub("", s)
    for _ in range(2):
        s = _TAIL_RE.sub("", s)
    return s


def _same(a: str, b: str, ratio: float) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= ratio * len(long_) and len(short) >= 3


def matches(report: HalfKey, table: HalfKey) -> bool:
    """The two halves name the same project (and the same unit and year where both state them)."""
    if report.path == table.path:
        return False
    if not report.project:  # "黄冈市档案馆2020年度项目绩效自评报告": the unit's only table of that year
        return bool(report.unit and table.unit and report.year and report.year == table.year
                    and _same(name_key(report.unit), name_key(table.unit), 0.3))
    if not _same(name_key(report.project), name_key(table.project), 0.6):
        return False
    if report.year is not None and table.year is not None and report.year != table.year:
        return False
    ru, tu = name_key(report.unit), name_key(table.unit)
    return not (ru and tu and not _same(ru, tu, 0.3))


@dataclass
class Pairing:
    pairs: list[tuple[HalfKey, HalfKey]]  # (report, table)
    ambiguous: list[tuple[HalfKey, list[HalfKey]]]  # a half and the halves it could belong to


def find_pairs(halves: list[HalfKey]) -> Pairing:
    reports = [h for h in halves if h.kind == "report"]
    tables = [h for h in halves if h.kind == "table"]
    out = Pairing([], [])
    for r in reports:
        cands = [t for t in tables if matches(r, t)]
        if len(cands) == 1 and [x for x in reports if matches(x, cands[0])] == [r]:
            out.pairs.append((r, cands[0]))
        elif len(cands) > 1:
            out.ambiguous.append((r, cands))
    paired = {t.key for _, t in out.pairs}
    for t in tables:
        rs = [r for r in reports if matches(r, t)]
        if len(rs) > 1 and t.key not in paired:
            out.ambiguous.append((t, rs))
    return out


def merge(report: Evaluation, table: Evaluation) -> Evaluation:
    """The table with the report's text: one evaluation, identity from the table, gaps filled from the
    report."""
    ev = table.model_copy(deep=True)
    ev.narrative = report.narrative
    ev.department = ev.department or report.department
    ev.implementer = ev.implementer or report.implementer
    ev.year = ev.year or report.year
    ev.total = ev.total or report.total  # a 自评得分 the report form states where the table has no 总分
    # what each half lacked is said again of the whole (`finish_evaluation` on the result)
    ev.warnings = [w for w in dict.fromkeys(table.warnings + report.warnings)
                   if not w.startswith(("missing ", "could not tell which project"))]
    return ev


def place_findings(findings: list[Finding], report_path: str, table_path: str) -> None:
    """Each finding of a joined filing in the file its place is in: the report's text in the report file,
    the table's cells in the table file (and the other places of a report-versus-table finding likewise)."""
    for f in findings:
        f.source = report_path if f.location.path[:1] == [REPORT] else table_path
        for o in f.evidence.others:
            section = o.section or ""
            if o.source in (None, "", report_path, table_path):
                o.source = report_path if section.startswith(REPORT) else table_path
