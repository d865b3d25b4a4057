"""Map a document's tables onto the model by the form's labels, not by fixed positions.

Shared by every table reader (text export, .docx, .xlsx). Label variants seen across provinces are
listed here once; a new variant is one more string in one of these tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from checker.errors import InputError
from checker.model import (
    FUNDING_LABELS,
    Evaluation,
    Filing,
    FundingRow,
    Goal,
    Indicator,
    Level1,
    Location,
    Narrative,
    Text,
    Total,
    Value,
    is_blank,
)
from checker.readers.document import Cell, Document, Paragraph, Table

# --- label vocabulary --------------------------------------------------------------------------------

PROJECT_LABELS = {"项目名称", "专项名称", "项目支出名称", "专项资金名称", "项目(专项)名称", "项目支出"}
DEPARTMENT_LABELS = {"主管部门", "项目主管部门", "主管单位", "预算部门", "主管部门(单位)"}
IMPLEMENTER_LABELS = {"实施单位", "项目实施单位", "执行单位", "实施单位(部门)"}

FUNDING_COLUMNS: dict[str, set[str]] = {
    "initial_budget": {"年初预算数", "年初预算", "年初预算金额"},
    "budget": {"全年预算数", "全年预算", "调整后预算数", "全年预算数(A)", "预算数"},
    "executed": {"全年执行数", "全年执行", "执行数", "实际支出数", "全年执行数(B)", "实际执行数"},
    "weight": {"分值", "权重"},
    "rate": {"执行率", "预算执行率", "执行率(B/A)"},
    "score": {"得分"},
}
FUNDING_ROWS: dict[str, set[str]] = {
    "total": {"年度资金总额", "资金总额", "年度资金总额:", "合计"},
    "current": {"当年财政拨款", "本年财政拨款", "财政拨款", "当年财政资金", "财政资金", "本级财政拨款"},
    "carryover": {"上年结转资金", "上年结转", "结转资金", "上年结余结转"},
    "other": {"其他资金", "其他"},
}
INDICATOR_COLUMNS: dict[str, set[str]] = {
    "level1": {"一级指标"},
    "level2": {"二级指标"},
    "name": {"三级指标", "指标名称"},
    "target": {"年度指标值", "指标值", "年度目标值", "目标值", "预期指标值", "年度预期指标值", "计划指标值"},
    "actual": {"实际完成值", "实际值", "完成值", "全年实际值", "实际完成指标值", "全年实际完成值"},
    "weight": {"分值", "权重", "标准分值"},
    "score": {"得分", "评分", "自评得分"},
    "deviation": {"偏差原因分析及改进措施", "偏差原因分析", "偏差原因", "未完成原因分析", "偏差原因及改进措施",
                  "未完成原因和改进措施"},
    "nature": {"指标性质", "指标方向", "运算符号", "符号"},
    "measure_unit": {"度量单位", "计量单位", "单位"},
}
REQUIRED_INDICATOR_COLUMNS = ("name", "target", "actual", "weight", "score")
COLUMN_NAMES = {"name": "三级指标", "target": "年度指标值", "actual": "实际完成值", "weight": "分值", "score": "得分",
                "budget": "全年预算数", "executed": "全年执行数"}
TOTAL_LABELS = {"总分", "合计", "总计", "总得分"}
GOAL_LABELS = {"年度总体目标", "总体目标", "年度目标"}
GOAL_EXPECTED = {"预期目标", "年度预期目标", "目标"}
GOAL_ACTUAL = {"实际完成情况", "实际完成", "完成情况", "全年实际完成情况"}

NARRATIVE_LABELS: dict[str, set[str]] = {
    "project": PROJECT_LABELS,
    "budget": {"年度预算金额", "预算金额", "年度预算", "项目预算金额", "年度预算数"},
    "department": DEPARTMENT_LABELS,
    "purpose": {"项目立项目的", "立项目的", "项目立项目的及主要内容"},
    "management": {"项目支出管理和使用基本情况", "项目资金管理和使用情况", "资金管理和使用情况",
                   "项目支出管理和使用情况", "项目资金使用和管理情况"},
    "achievement": {"项目绩效目标完成情况", "绩效目标完成情况", "项目绩效目标完成情况分析"},
    "problems": {"存在的问题", "存在问题", "主要问题"},
    "measures": {"改进措施", "改进措施和建议", "整改措施"},
    "other": {"其他需要说明问题", "其他需要说明的问题", "其他需说明问题", "其他说明"},
}
REPORT_MARKERS = NARRATIVE_LABELS["purpose"] | NARRATIVE_LABELS["management"] | NARRATIVE_LABELS["achievement"] | {
    "部门概况", "绩效情况"} | NARRATIVE_LABELS["problems"]
SCORE_MARKERS = {"三级指标", "一级指标", "年度资金总额"} | FUNDING_COLUMNS["executed"] | FUNDING_COLUMNS["initial_budget"]

TITLE_RE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年度?.{0,20}?自评(?P<kind>报告|表)")
LEVEL1_RE = re.compile(r"^(?P<name>.*?)[(（]?(?P<w>\d+(?:\.\d+)?)分?[)）]?$")


_SPACES_RE = re.compile(r"\s+")
_OF_WHICH_RE = re.compile(r"^其中[:：]?")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """A label as compared: NFKC, no blanks or line breaks, no leading 其中: or trailing colon."""
    s = _SPACES_RE.sub("", unicodedata.normalize("NFKC", text))
    return _OF_WHICH_RE.sub("", s).rstrip(":：")


_ANNOTATION_RE = re.compile(r"\([^()]{1,12}\)$")


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """A cell as a label: normalised, without a trailing annotation — 年度指标值(A), 分值（权重）, 其他资金（自筹）."""
    key = norm(text)
    stripped = _ANNOTATION_RE.sub("", key)
    return stripped or key


# --- locations ----------------------------------------------------------------------------------------

@dataclass
class _Row:
    table: Table
    cells: list[Cell]

    @property
    def index(self) -> int:
        return self.cells[0].row if self.cells else 0

    def texts(self) -> list[str]:
        """The row's cells as label keys, for recognising headers and labels."""
        return [label_key(c.text) for c in self.cells]

    def nonempty(self) -> list[Cell]:
        return [c for c in self.cells if not is_blank(c.text)]

    def where(self) -> str:
        prefix = f"sheet {self.table.sheet}, " if self.table.sheet else f"table {self.table.index + 1}, "
        line = f", line {self.cells[0].line}" if self.cells and self.cells[0].line else ""
        return f"{prefix}row {self.index + 1}{line}"


def loc_of(table: Table, cell: Cell) -> Location:
    return Location.model_construct(table=table.index, row=cell.row, col=cell.col, paragraph=None, line=cell.line,
                                    sheet=table.sheet, cell=cell.ref)


def _paragraph_loc(table: Table, cell: Cell, k: int) -> Location:
    """The k-th paragraph inside a cell, with its own line where the text export gives one."""
    loc = loc_of(table, cell)
    loc.paragraph = k
    if k < len(cell.lines) and cell.lines[k] is not None:
        loc.line = cell.lines[k]
    return loc


def _value(row: _Row, cell: Cell | None) -> Value:
    if cell is None:
        return Value()
    return Value.of(cell.text, loc_of(row.table, cell))


def _text(row: _Row, cell: Cell | None) -> Text:
    if cell is None:
        return Text()
    return Text.model_construct(raw=cell.text, loc=loc_of(row.table, cell))


def _after(row: _Row, label_cell: Cell) -> Cell | None:
    """The first non-empty cell right of a label (merged copies of the label skipped)."""
    for c in row.cells:
        if c.col > label_cell.col and not is_blank(c.text) and norm(c.text) != norm(label_cell.text):
            return c
    return None


# --- column maps ---------------------------------------------------------------------------------------

@dataclass
class _Columns:
    """Which grid columns a header row gives to each field."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> [start, end)

    def field_of(self, cell: Cell) -> str | None:
        for name, (start, end) in self.spans.items():
            if start <= cell.col < end:
                return name
        return None

    def cells(self, row: _Row) -> dict[str, list[Cell]]:
        out: dict[str, list[Cell]] = {}
        for c in row.cells:
            name = self.field_of(c)
            if name:
                out.setdefault(name, []).append(c)
        return out


def _header(row: _Row, vocabulary: dict[str, set[str]]) -> _Columns:
    cols = _Columns()
    for c in row.cells:
        t = label_key(c.text)
        for name, labels in vocabulary.items():
            if name not in cols.spans and (t in labels or (name == "deviation" and t.startswith("偏差"))):
                cols.spans[name] = (c.col, c.col + c.span)
                break
    return cols


# --- score table (自评表) ---------------------------------------------------------------------------

class _ScoreMapper:
    def __init__(self, ev: Evaluation, source: str) -> None:
        self.ev = ev
        self.source = source
        self.funding_cols: _Columns | None = None
        self.indicator_cols: _Columns | None = None
        self.goal_cols: dict[str, int] = {}
        self.level1 = ""
        self.level2 = ""
        self.after_total = False

    def feed(self, row: _Row) -> None:
        texts = row.texts()
        nonempty = row.nonempty()
        if not nonempty:
            return
        if self._names(row):
            return
        if self.goal_cols:
            self._goal_values(row)
            return
        if any(t in GOAL_EXPECTED for t in texts) and any(t in GOAL_ACTUAL for t in texts):
            self._goal_header(row)
            return
        if sum(any(t in labels for t in texts) for labels in FUNDING_COLUMNS.values()) >= 3 and \
                "三级指标" not in texts:
            self.funding_cols = _header(row, FUNDING_COLUMNS)
            self._require(row, self.funding_cols, ("budget", "executed"), "funding (项目资金)")
            return
        if any(t in INDICATOR_COLUMNS["name"] for t in texts) or \
                (self.indicator_cols and any(t in INDICATOR_COLUMNS["nature"] | INDICATOR_COLUMNS["measure_unit"]
                                             for t in texts)):
            self._indicator_header(row)
            return
        first = label_key(nonempty[0].text)
        # "合计" also closes the funding rows: only after the indicators, or spelled 总分, is it the total score
        if first in TOTAL_LABELS and (self.indicator_cols is not None or first in ("总分", "总得分")):
            self._total(row, nonempty)
            return
        if self.funding_cols is not None and self.indicator_cols is None and self._funding(row):
            return
        if self.indicator_cols is not None and not self.after_total:
            self._indicator(row)
            return
        if len(nonempty) >= 1 and norm(nonempty[0].text) in GOAL_LABELS and len(nonempty) == 2:
            self.ev.goal = Goal(expected=_text(row, nonempty[1]))

    # project / department / implementer, wherever they stand
    def _names(self, row: _Row) -> bool:
        found = False
        for c in row.cells:
            t = label_key(c.text)
            for attr, labels in (("project", PROJECT_LABELS), ("department", DEPARTMENT_LABELS),
                                 ("implementer", IMPLEMENTER_LABELS)):
                if t in labels:
                    value = _after(row, c)
                    if value is not None and norm(value.text) not in DEPARTMENT_LABELS | IMPLEMENTER_LABELS:
                        setattr(self.ev, attr, Text(raw=value.text).text)
                    found = True
        return found

    def _goal_header(self, row: _Row) -> None:
        for c in row.cells:
            t = label_key(c.text)
            if t in GOAL_EXPECTED:
                self.goal_cols["expected"] = c.col
            elif t in GOAL_ACTUAL:
                self.goal_cols["actual"] = c.col
        self.ev.goal = Goal()

    def _goal_values(self, row: _Row) -> None:
        by_col = {c.col: c for c in row.cells}
        goal = self.ev.goal or Goal()
        for name, col in self.goal_cols.items():
            cell = by_col.get(col)
            setattr(goal, name, _text(row, cell))
        self.ev.goal = goal
        self.goal_cols = {}

    def _funding(self, row: _Row) -> bool:
        assert self.funding_cols is not None
        label_cell = next((c for c in row.cells if any(label_key(c.text) in v for v in FUNDING_ROWS.values())), None)
        if label_cell is None:
            return False
        kind = next(k for k, v in FUNDING_ROWS.items() if label_key(label_cell.text) in v)
        if self.ev.funding_row(kind) is not None:  # type: ignore[arg-type]
            return True
        fr = FundingRow(kind=kind, label=FUNDING_LABELS[kind], loc=loc_of(row.table, label_cell))  # type: ignore[arg-type]
        for name, cells in self.funding_cols.cells(row).items():
            cells = [c for c in cells if c is not label_cell]
            if cells:
                setattr(fr, name, _value(row, cells[0]))
        self.ev.funding.append(fr)
        return True

    def _indicator_header(self, row: _Row) -> None:
        cols = _header(row, INDICATOR_COLUMNS)
        if self.indicator_cols is not None and "name" not in cols.spans:
            # a second header row splitting 年度指标值 into 指标性质 | 指标值 | 度量单位
            target = self.indicator_cols.spans.pop("target", None)
            self.indicator_cols.spans.update(cols.spans)
            if "target" not in cols.spans and target is not None:
                self.indicator_cols.spans["target"] = target
            return
        self.indicator_cols = cols
        self._require(row, cols, REQUIRED_INDICATOR_COLUMNS, "indicators (绩效指标)")

    def _require(self, row: _Row, cols: _Columns, names: Iterable[str], what: str) -> None:
        missing = [n for n in names if n not in cols.spans]
        if missing:
            wanted = ", ".join(COLUMN_NAMES[n] for n in missing)
            raise InputError(self.source, f"the {what} header lacks columns: {wanted}", row.where())

    def _indicator(self, row: _Row) -> None:
        assert self.indicator_cols is not None
        cells = self.indicator_cols.cells(row)

        def first(name: str) -> Cell | None:
            return next(iter(cells.get(name, [])), None)

        l1_cell, l2_cell = first("level1"), first("level2")
        if l1_cell is not None and not is_blank(l1_cell.text):
            self._level1(row, l1_cell)
        if l2_cell is not None and not is_blank(l2_cell.text):
            self.level2 = norm(l2_cell.text)
        name_cell = first("name")
        target_cell = first("target")
        ind = Indicator(
            level1=self.level1, level2=self.level2, name=_text(row, name_cell),
            target=_value(row, target_cell), actual=_value(row, first("actual")),
            weight=_value(row, first("weight")), score=_value(row, first("score")),
            deviation=_text(row, first("deviation")),
            loc=loc_of(row.table, name_cell or row.cells[0]),
        )
        nature, unit = first("nature"), first("measure_unit")
        if nature is not None or unit is not None:
            ind.nature = Text(raw=nature.text).text if nature else None
            ind.measure_unit = Text(raw=unit.text).text if unit else None
            raw = (ind.nature if ind.nature and _is_operator(ind.nature) else "") + ind.target.raw.strip() + (
                ind.measure_unit or "")
            ind.target = Value.of(raw, ind.target.loc)
        ind.empty = all(is_blank(x) for x in (ind.name.raw, ind.target.raw, ind.actual.raw, ind.weight.raw,
                                                ind.score.raw))
        self.ev.indicators.append(ind)

    def _level1(self, row: _Row, cell: Cell) -> None:
        t = norm(cell.text)
        m = LEVEL1_RE.match(t)
        name, weight = (m.group("name"), float(m.group("w"))) if m and m.group("name") else (t, None)
        self.level1 = name
        self.level2 = ""
        if not any(lv.name == name for lv in self.ev.level1):
            self.ev.level1.append(Level1(name=name, declared_weight=weight, raw=cell.text,
                                         loc=loc_of(row.table, cell)))

    def _total(self, row: _Row, nonempty: list[Cell]) -> None:
        label = nonempty[0]
        cols = self.indicator_cols.cells(row) if self.indicator_cols else {}
        weight = next((c for c in cols.get("weight", []) if c is not label), None)
        score = next((c for c in cols.get("score", []) if c is not label), None)
        if weight is None or score is None or is_blank(score.text):
            numbers = [c for c in nonempty[1:]]
            weight, score = (numbers[0], numbers[1]) if len(numbers) >= 2 else (None, numbers[0] if numbers else None)
        self.ev.total = Total(weight=_value(row, weight), score=_value(row, score), loc=loc_of(row.table, label))
        self.after_total = True


def _is_operator(text: str) -> bool:
    return bool(re.fullmatch(r"[≥≤＞＜<>=≧≦]+|不低于|不少于|不超过|不高于|大于|小于|等于|以上|以下", text))


# --- narrative table (自评报告) ----------------------------------------------------------------------

def _narrative(table: Table, ev: Evaluation) -> None:
    narrative = ev.narrative or Narrative()
    all_labels = {lab: name for name, labels in NARRATIVE_LABELS.items() for lab in labels}
    for cells in table.rows:
        row = _Row(table, cells)
        label_idx = max((i for i, c in enumerate(cells) if label_key(c.text) in all_labels), default=None)
        if label_idx is None:
            continue
        name = all_labels[label_key(cells[label_idx].text)]
        values = [c for c in cells[label_idx + 1:] if not is_blank(c.text)]
        if not values:
            continue
        cell = values[0]
        if name == "project":
            ev.project = ev.project or Text(raw=cell.text).text
        elif name == "achievement":
            narrative.achievement = [
                Text(raw=p, loc=_paragraph_loc(table, cell, k))
                for k, p in enumerate(cell.text.split("\n")) if not is_blank(p)
            ]
        else:
            setattr(narrative, name, _text(row, cell))
            if name == "department" and not ev.department:
                ev.department = Text(raw=cell.text).text
    ev.narrative = narrative


# --- document → filing -------------------------------------------------------------------------------

def _kinds(table: Table) -> set[str]:
    texts = {label_key(c.text) for row in table.rows for c in row}
    kinds = set()
    if texts & REPORT_MARKERS:
        kinds.add("report")
    if texts & SCORE_MARKERS:
        kinds.add("score")
    return kinds


def _has_name_row(table: Table) -> bool:
    return any(label_key(c.text) in PROJECT_LABELS for row in table.rows[:4] for c in row)


def _title_year(text: str) -> int | None:
    m = TITLE_RE.search(norm(text))
    return int(m.group("year")) if m else None


def _table_title_year(table: Table) -> int | None:
    """xlsx sheets carry their title in a merged first row."""
    for row in table.rows[:3]:
        texts = {c.text for c in row if not is_blank(c.text)}
        if len(texts) == 1:
            year = _title_year(next(iter(texts)))
            if year:
                return year
    return None


def build_filing(doc: Document, file_year: int | None = None) -> Filing:
    """Group a document's tables into evaluations and map each onto the model."""
    filing = Filing(source=doc.source, format=doc.format)
    current: Evaluation | None = None
    mapper: _ScoreMapper | None = None
    year: int | None = None
    prose: list[Paragraph] = []  # paragraphs since the last table: a report written as prose
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            year = _title_year(block.text) or year
            prose.append(block)
            continue
        prose_ev = _prose_report(prose)
        prose = []
        kinds = _kinds(block)
        table_year = _table_title_year(block) or year or file_year
        if "report" in kinds:
            current = Evaluation(year=table_year)
            filing.evaluations.append(current)
            mapper = None
            _narrative(block, current)
        if "score" in kinds:
            finished = mapper is not None and mapper.after_total
            if current is None or (current.has_table and (_has_name_row(block) or finished)):
                current = Evaluation(year=table_year)
                filing.evaluations.append(current)
                mapper = None
            if prose_ev is not None and current.narrative is None and not current.has_table:
                current.narrative, current.project = prose_ev.narrative, current.project or prose_ev.project
                current.department = current.department or prose_ev.department
            if mapper is None:
                mapper = _ScoreMapper(current, doc.source)
            current.has_table = True
            if current.year is None:
                current.year = table_year
            named_before = current.project
            for cells in block.rows:
                mapper.feed(_Row(block, cells))
            if named_before and current.project and norm(named_before) != norm(current.project):
                current.warnings.append(f"report names project {named_before!r}, table names {current.project!r}")
                current.project = named_before
    if not filing.evaluations:
        prose_ev = _prose_report(prose)
        if prose_ev is None:
            raise InputError(doc.source, "no filing found: no 自评报告 or 自评表 table in the document")
        prose_ev.year = year or file_year
        filing.evaluations.append(prose_ev)
    for ev in filing.evaluations:
        ev.warnings.extend(missing_parts(ev, doc.format))
    return filing


# The numbering of a heading in a report written as prose: "一、", "（二）", "3." …
_NUMBERING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])?\s*")
_PROSE_LABELS = sorted({lab: name for name, labels in NARRATIVE_LABELS.items() for lab in labels}.items(),
                       key=lambda x: -len(x[0]))


def _heading(text: str) -> tuple[str, str] | None:
    """(section name, text after the label) when a paragraph opens with a report section's label."""
    t = unicodedata.normalize("NFKC", _NUMBERING_RE.sub("", text, count=1)).strip()
    for label, name in _PROSE_LABELS:
        if t.startswith(label) and (len(t) == len(label) or t[len(label)] in ":： "):
            return name, t[len(label):].lstrip(":： ")
    return None


def _prose_report(paragraphs: list[Paragraph]) -> Evaluation | None:
    """A 自评报告 written as paragraphs under headings, not as a two-column form; None if it is not one."""
    sections: list[tuple[str, Paragraph, list[Paragraph]]] = []
    inline: dict[str, tuple[str, Paragraph]] = {}
    for p in paragraphs:
        head = _heading(p.text)
        if head is not None:
            name, rest = head
            if rest and name in ("project", "budget", "department"):
                inline[name] = (rest, p)
                continue
            sections.append((name, p, [Paragraph(p.index, rest, p.line)] if rest else []))
        elif sections:
            sections[-1][2].append(p)
    body = {name for name, _, _ in sections} - {"project", "budget", "department"}
    if len(body) < 2:  # one stray heading word is not a report
        return None
    narrative = Narrative()
    for name, _, paras in sections:
        texts = [Text(raw=q.text, loc=Location(paragraph=q.index, line=q.line)) for q in paras if not is_blank(q.text)]
        if not texts:
            continue
        if name == "achievement":
            narrative.achievement = texts
        elif name in ("project", "budget", "department"):
            inline.setdefault(name, (texts[0].raw, paras[0]))
        else:
            joined = "\n".join(t.raw for t in texts)
            setattr(narrative, name, Text(raw=joined, loc=texts[0].loc))
    ev = Evaluation(narrative=narrative)
    for name, (text, p) in inline.items():
        loc = Location(paragraph=p.index, line=p.line)
        if name == "project":
            ev.project = Text(raw=text).text
        elif name == "department":
            ev.department = Text(raw=text).text
            narrative.department = Text(raw=text, loc=loc)
        else:
            narrative.budget = Text(raw=text, loc=loc)
    return ev


NARRATIVE_SECTION_NAMES = {"management": "项目支出管理和使用基本情况", "problems": "存在的问题", "measures": "改进措施"}


def missing_parts(ev: Evaluation, fmt: str) -> list[str]:
    """What a partly readable evaluation lacks, in words an auditor recognises."""
    missing: list[str] = []
    if not ev.project:
        missing.append("missing 项目名称")
    if ev.year is None:
        missing.append("missing year (no …年度…自评 title)")
    if not ev.has_table:
        missing.append("missing 自评表 (the scored table)")
    if ev.narrative is None and fmt not in ("xlsx", "yaml", "json"):
        missing.append("missing 自评报告 (the narrative report)")
    if ev.has_table:
        if not ev.funding:
            missing.append("missing 项目资金 rows")
        if ev.goal is None:
            missing.append("missing 年度总体目标")
        if not ev.indicators:
            missing.append("missing 绩效指标 rows")
        if ev.total is None:
            missing.append("missing 总分 row")
    if ev.narrative is not None:
        for name, label in NARRATIVE_SECTION_NAMES.items():
            if getattr(ev.narrative, name) is None:
                missing.append(f"missing 自评报告 section {label}")
    return missing
