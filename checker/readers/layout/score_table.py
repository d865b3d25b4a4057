"""The scored table (自评表): identity, funding, goal, indicators and total, by the vocabulary's labels.

Rows are fed one at a time; indicator rows are held until their table ends so that a header cell the
vocabulary does not know can be resolved from the contents of its column. Nothing here raises for a
malformed table: what cannot be read becomes a warning naming the place, and the rest is read.
"""

from __future__ import annotations

import re

from checker.model import (
    FUNDING_LABELS,
    Evaluation,
    FundingRow,
    Goal,
    Indicator,
    Level1,
    Level2,
    Narrative,
    SourceRow,
    Text,
    Total,
    Value,
    assemble,
    is_blank,
)
from checker.quantity import parse_quantity
from checker.readers.document import Cell
from checker.readers.layout.grid import (
    Columns,
    HeaderCell,
    Row,
    after,
    column_profile,
    columns_from,
    header_cells,
    loc_of,
    merge_two_rows,
    paragraph_loc,
    text_of,
    value_of,
    where,
)
from checker.readers.layout.vocabulary import Vocabulary, label_key, norm

LEVEL1_RE = re.compile(r"^(?P<name>.*?)[(（]?(?P<w>\d+(?:\.\d+)?)分?[)）]?$")
_WEIGHT_IN_LABEL_RE = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_UNIT_IN_LABEL_RE = re.compile(r"(?:[(（]|单位[:：]\s*)(万元|千元|亿元|元)[)）]?")
_CODE_RE = re.compile(r"^(?P<code>[0-9A-Za-z]{2,}(?:[-－][0-9A-Za-z]+)*?)\s*[-－—_]\s*(?P<name>\S.*)$")
_OPERATOR_RE = re.compile(r"[≥≤＞＜<>=≧≦﹦＝]+|不低于|不少于|不超过|不高于|大于|小于|等于|以上|以下")
_DIRECTION_OPS = {"正向": "≥", "反向": "≤"}
_NUMBERING_RE = re.compile(r"^\s*(?:\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]{1,2}[)）])\s*")

REQUIRED_INDICATOR = ("name", "target", "actual", "score")
_REASON_HEADER_RE = re.compile(r"原因|说明|措施|分析|偏差|备注")
_TEXT_HEADER_RE = re.compile(r"方法|标准|说明|依据|口径|备注|原因|内容|解释|细则")
COLUMN_NAMES = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "target": "年度指标值",
                "actual": "实际完成值", "weight": "分值", "score": "得分", "deviation": "偏差原因分析",
                "nature": "指标性质", "measure_unit": "度量单位", "budget": "全年预算数", "executed": "全年执行数",
                "initial_budget": "年初预算数", "rate": "执行率", "reason": "原因"}


_FORM_TITLE_RE = re.compile(r"^(?:(?:19|20)\d{2}年度?)(?=.{2,})|(?:项目)?(?:支出)?(?:绩效)?(?:自评价?|评价)(?:表|报告)$")


def project_name(text: str) -> str:
    """A 项目名称 cell as the project's name: without the form's title the filer copied into it
    ("2020年省级…补助经费支出绩效自评表" → "省级…补助经费")."""
    if not re.search(r"(?:自评价?|评价)(?:表|报告)$", text):
        return text
    return _FORM_TITLE_RE.sub("", _FORM_TITLE_RE.sub("", text)).strip() or text


def split_code(text: str) -> tuple[str, str]:
    """(code, name) of "51000021R000000019951-工资性支出" or "219-某镇人民政府"; ("", text) otherwise."""
    m = _CODE_RE.match(text)
    if m and any(ch.isdigit() for ch in m.group("code")) and not re.search(r"[\u4e00-\u9fff]", m.group("code")):
        return m.group("code"), m.group("name").strip()
    return "", text


_LEVEL1_OF_LEVEL2 = ((("数量", "质量", "时效", "成本"), "产出指标"), (("经济效益", "社会效益", "生态效益", "可持续"), "效益指标"),
                     (("满意度",), "满意度指标"))
_LABEL_FIGURE_RE = re.compile(r"^(?P<label>[^:：\d]{2,20}?)[:：]\s*(?P<figure>-?\d[\d,]*(?:\.\d+)?\s*(?:万元|元)?)\s*$")


def _label_and_figure(text: str) -> tuple[str, str | None]:
    """"一般公共预算拨款：1800" → (一般公共预算拨款, 1800); a cell without a figure after a colon → (text, None)."""
    m = _LABEL_FIGURE_RE.match(text.strip())
    return (m.group("label"), m.group("figure")) if m else (text, None)


def _name_and_weight(text: str) -> tuple[str, float | None]:
    """"产出指标（50分）", "产出指标 40 分" → (产出指标, 50); a label without a weight → (label, None)."""
    t = norm(text)
    only = re.fullmatch(r"[(（]?(\d+(?:\.\d+)?)分?[)）]?", t)
    if only and ("分" in t or "(" in t or "（" in t):  # "(50分)": a 一级 cell holding only its weight
        return t, float(only.group(1))
    m = LEVEL1_RE.match(t)
    if m and m.group("name") and (m.group(0).endswith(("分", "分)", "分）")) or re.search(r"[(（]\d", t)):
        return m.group("name").rstrip("(（"), float(m.group("w"))
    return t, None


def mark_slot(ind: Indicator, vocab: Vocabulary, level2_text: str = "") -> None:
    """A row of the template never filled in ("指标2:", "……", "指标1: / / /"): a slot, not an indicator."""
    unscored = all(is_blank(x) or x in vocab.placeholders for x in (ind.weight.raw, ind.score.raw))
    key_text = ind.name.text or level2_text
    if unscored and key_text and key_text in vocab.placeholders and \
            all(is_blank(x) or x in vocab.placeholders for x in (ind.target.raw, ind.actual.raw)):
        ind.placeholder, ind.empty = True, False


def strip_numbering(text: str) -> str:
    return _NUMBERING_RE.sub("", text, count=1)


class ScoreMapper:
    def __init__(self, ev: Evaluation, vocab: Vocabulary, source: str) -> None:
        self.ev = ev
        self.v = vocab
        self.source = source
        self.funding_cols: Columns | None = None
        self.goal_cols: dict[str, int] = {}
        self.header: list[HeaderCell] | None = None  # the indicator header as read so far
        self.header_rows: list[Row] = []
        self.pending: list[Row] = []
        self.level1 = ""
        self.level2 = ""
        self.seen_indicators = False
        self.after_total = False
        self.breakdown_mode = False
        self.level_cols: dict[int, tuple[str, object]] = {}  # a 中央 | 省 | 本级 | 合计 | 执行数 header, until its figures

    # --- entry points -------------------------------------------------------------------------------

    def feed(self, row: Row) -> None:
        nonempty = row.nonempty()
        if not nonempty:
            return
        if self.goal_cols and self._goal_values(row):
            return
        if self.level_cols and self._level_values(row):
            return
        if self._department(row):
            return
        if self._indicator_header(row):
            return
        if self._level_header(row) or self._funding_pairs(row):
            return
        if self._funding_header(row):
            return
        if self._total(row, nonempty):
            return
        if self.header is not None and not self.after_total and self._narrative_row(row, nonempty, strict=True):
            return
        if self.header is not None and not self.after_total:
            self.pending.append(row)
            return
        if self._identity(row):
            return
        if self._goal(row, nonempty):
            return
        if self.funding_cols is not None and self._funding(row):
            return
        self._narrative_row(row, nonempty, strict=False)

    def finish(self) -> None:
        self._flush()

    def warn(self, message: str) -> None:
        self.ev.warnings.append(message)

    # --- labels ---------------------------------------------------------------------------------------

    def is_label(self, text: str) -> bool:
        v = self.v
        return bool(v.identity_field(text) or v.funding_column(text) or v.indicator_column(text)
                    or text in v.goal_expected or text in v.goal_actual or v.is_total(text) or text in v.grade
                    or v.narrative_section(strip_numbering(text)))

    # --- identity and the header block --------------------------------------------------------------

    def _identity(self, row: Row) -> bool:
        found = False
        for c in row.cells:
            if is_blank(c.text):
                continue
            name = self.v.identity_field(c.text)
            if name is not None:
                found = True
                value = after(row, c, stop=self.is_label)
                if value is not None:
                    self._set_identity(name, value.text)
                continue
            if c.text in self.v.total_score or c.text in self.v.grade:
                value = after(row, c, stop=self.is_label)
                if value is not None and found | self._header_block():
                    self._header_total(row, c, value)
                    found = True
        return found

    def _header_block(self) -> bool:
        """Rows before the indicator table: a 自评得分 there is the filing's declared total."""
        return self.header is None and not self.seen_indicators

    def _set_identity(self, name: str, raw: str) -> None:
        text = Text(raw=raw).text
        if name == "project":
            code, project = split_code(text)
            self.ev.project, self.ev.project_code = project_name(project), code or self.ev.project_code
        elif name == "department":
            self.ev.department = split_code(text)[1]
        elif name == "implementer":
            self.ev.implementer = split_code(text)[1]
        elif name == "unit":  # 单位名称/预算单位: the filing unit, standing in for what the form lacks
            if not self.ev.department:
                self.ev.department = split_code(text)[1]
            elif not self.ev.implementer and self.ev.kind == "project":
                self.ev.implementer = split_code(text)[1]
            if self.ev.kind == "department" and not self.ev.project:
                self.ev.project = split_code(text)[1]

    def _header_total(self, row: Row, label: Cell, value: Cell) -> None:
        total = self.ev.total or Total(placement="header", loc=loc_of(row.table, label))
        if label.text in self.v.grade:
            total.grade = text_of(row, value)
        else:
            total.score = value_of(row, value)
        self.ev.total = total

    # --- whole-department income/expenditure breakdown ----------------------------------------------

    def _department(self, row: Row) -> bool:
        """A whole department's money by 按收入性质 and 按支出性质, each line a label and its figure — in two cells
        or in one ("一般公共预算拨款：1800")."""
        texts = [_label_and_figure(c.text)[0] for c in row.nonempty()]
        if any(t in self.v.income for t in texts) and any(t in self.v.expenditure for t in texts):
            self.breakdown_mode = True
            self.ev.kind = "department"
            return True
        if not self.breakdown_mode:
            return False
        found = False
        for c in row.cells:
            if is_blank(c.text):
                continue
            label, figure = _label_and_figure(c.text)
            side = "income" if label in self.v.income_rows else "expenditure" if label in self.v.expenditure_rows \
                else None
            if side is None:
                continue
            if figure is not None:
                amount = Value.of(figure, loc_of(row.table, c))
            else:
                value = after(row, c, stop=lambda t: _label_and_figure(t)[0] in self.v.income_rows
                              or _label_and_figure(t)[0] in self.v.expenditure_rows)
                amount = value_of(row, value)
            self.ev.sources.append(SourceRow(side=side, label=norm(label), amount=amount, loc=loc_of(row.table, c)))
            found = True
        if not found:
            self.breakdown_mode = False
        return found

    # --- goal -------------------------------------------------------------------------------------------

    def _goal(self, row: Row, nonempty: list[Cell]) -> bool:
        v = self.v
        texts = [strip_numbering(c.text) for c in row.cells]
        has_expected = any(t in v.goal_expected for t in texts)
        has_actual = any(t in v.goal_actual for t in texts)
        if has_expected and has_actual:
            values_here = [c for c in row.cells if not is_blank(c.text) and not self.is_label(strip_numbering(c.text))
                           and strip_numbering(c.text) not in v.goal_sections]
            if not values_here:  # a header: the values follow on the next row
                for c in row.cells:
                    t = strip_numbering(c.text)
                    if t in v.goal_expected and "expected" not in self.goal_cols:
                        self.goal_cols["expected"] = c.col
                    elif t in v.goal_actual and "actual" not in self.goal_cols:
                        self.goal_cols["actual"] = c.col
                self.ev.goal = self.ev.goal or Goal()
                return True
        goal = self.ev.goal
        handled = False
        for c in row.cells:
            t = strip_numbering(c.text)
            if is_blank(t):
                continue
            which = "expected" if t in v.goal_expected else "actual" if t in v.goal_actual else None
            if which is None:
                continue
            value = after(row, c, stop=lambda x: strip_numbering(x) in v.goal_expected
                          or strip_numbering(x) in v.goal_actual)
            goal = goal or Goal()
            setattr(goal, which, text_of(row, value) if value is not None else Text(loc=loc_of(row.table, c)))
            handled = True
        if handled:
            self.ev.goal = goal
            return True
        first = strip_numbering(nonempty[0].text)
        if first in v.goal_sections and len(nonempty) == 2 and not self.is_label(nonempty[1].text):
            self.ev.goal = goal or Goal()
            self.ev.goal.expected = text_of(row, nonempty[1])
            return True
        return first in v.goal_sections and len(nonempty) == 1

    def _goal_values(self, row: Row) -> bool:
        """The row under a 预期目标 | 实际完成情况 header; a row of labels is not it."""
        cols, self.goal_cols = self.goal_cols, {}
        values = [c for c in row.cells if not is_blank(c.text)]
        if all(self.is_label(strip_numbering(c.text)) for c in values):
            return False
        by_col = {c.col: c for c in row.cells}
        picked = {name: by_col.get(col) for name, col in cols.items()}
        if any(c is None or is_blank(c.text) for c in picked.values()) and len(values) == len(cols):
            # a flattened row without the merged label's empty cell: take the values in header order
            picked = dict(zip(sorted(cols, key=lambda n: cols[n]), values, strict=True))
        goal = self.ev.goal or Goal()
        for name, cell in picked.items():
            setattr(goal, name, text_of(row, cell))
        self.ev.goal = goal
        return True

    # --- funding ----------------------------------------------------------------------------------------

    def _funding_header(self, row: Row) -> bool:
        column = self.v.funding_column
        names = {n for c in row.cells if not is_blank(c.text) and (n := column(c.text))}
        if not ({"budget", "executed"} & names) or len(names) < 2:
            return False
        cells = header_cells(row.cells, column)
        if any(self.v.indicator_column(c.text) in ("name", "level1", "level2") for c in row.cells):
            return False
        self._flush()
        self.funding_cols = columns_from(cells)
        for c in row.cells:
            self._funding_section_label(c.text)
        missing = [n for n in ("budget", "executed") if n not in self.funding_cols.spans]
        if missing:
            self._infer_funding(cells, missing, row)
        return True

    def _funding_pairs(self, row: Row) -> bool:
        """计划投资额(万元) | 570 | 实际到位资金(万元) | 398.88 | 实际使用情况(万元) | 395.86: the project's money
        as labels and figures on one row (a 基本情况 block, not a 项目资金 table)."""
        found: list[tuple[str, Cell, Cell]] = []
        for c in row.cells:
            name = self.v.funding_pairs.find(c.text) if not is_blank(c.text) else None
            if name is None:
                continue
            value = after(row, c, stop=self.is_label)
            if value is not None and parse_quantity(value.text).value is not None:
                found.append((name, c, value))
        if len(found) < 2:
            return False
        total = self.ev.funding_row("total")
        if total is None:
            total = FundingRow(kind="total", label=FUNDING_LABELS["total"], loc=loc_of(row.table, found[0][1]))
            self.ev.funding.append(total)
        for name, label, value in found:
            self._funding_section_label(label.text)
            setattr(total, name, value_of(row, value))
        return True

    def _level_header(self, row: Row) -> bool:
        """中央(万元) | 省、地(万元) | 本级(万元) | 其他(万元) | 合计(万元) | 执行数(万元) | 执行率, the figures on the
        next row: the sources of money by level of government as columns."""
        cells = [c for c in row.cells if not is_blank(c.text)]
        levels = [c for c in cells if c.text in self.v.funding_levels]
        columns = {c.col: self.v.funding_column(c.text) for c in cells if c not in levels}
        if len(levels) < 3 or "executed" not in columns.values():
            return False
        for c in row.cells:
            self._funding_section_label(c.text)
        self.level_cols = {c.col: ("level", c) for c in levels} | {col: ("column", name) for col, name in columns.items()
                                                                   if name}
        return True

    def _level_values(self, row: Row) -> bool:
        cols, self.level_cols = self.level_cols, {}
        figures = {c.col: c for c in row.cells if not is_blank(c.text) and parse_quantity(c.text).value is not None}
        if not figures:
            return False
        total = FundingRow(kind="total", label=FUNDING_LABELS["total"], loc=loc_of(row.table, row.cells[0]))
        for col, (what, info) in sorted(cols.items()):
            cell = figures.get(col)
            if cell is None:
                continue
            if what == "column":
                setattr(total, info, value_of(row, cell))
            elif norm(info.text).startswith(("合计", "小计", "资金合计")):
                total.budget = value_of(row, cell)
            else:
                kind = self.v.funding_row(info.text) or ("other" if norm(info.text).startswith(("其他", "自筹", "社会"))
                                                         else "current")
                self.ev.funding.append(FundingRow(kind=kind, label=norm(info.text), budget=value_of(row, cell),
                                                  loc=loc_of(row.table, info)))
        self.ev.funding.insert(0, total)
        return True

    def _funding_section_label(self, text: str) -> None:
        n = norm(text)
        if not (text in self.v.funding_sections or self.v.funding_column(text)):
            return
        unit = _UNIT_IN_LABEL_RE.search(n)
        if unit:
            self.ev.money_unit = unit.group(1)
        weight = _WEIGHT_IN_LABEL_RE.search(n)
        if weight and text in self.v.funding_sections:
            self.ev.execution_weight = float(weight.group(1))

    def _infer_funding(self, cells: list[HeaderCell], missing: list[str], row: Row) -> None:
        """A header cell the vocabulary does not know, between known funding columns, holding figures."""
        assert self.funding_cols is not None
        unknown = [h for h in cells if h.name is None and not is_blank(h.text)
                   and h.text not in self.v.funding_sections]
        for name in missing:
            if not unknown:
                self.warn(f"{where(row.table, row.cells[0])}: the funding header has no {COLUMN_NAMES[name]} column")
                continue
            h = unknown.pop(0)
            self.funding_cols.set_span(name, (h.col, h.col + h.span))
            self.ev.inferred.append(f"{COLUMN_NAMES[name]} ← {norm(h.text)}")
            self.warn(f"{where(row.table, row.cells[0])}: funding header cell {norm(h.text)!r} is not in the "
                      f"vocabulary; read as {COLUMN_NAMES[name]} from its position")

    def _funding(self, row: Row) -> bool:
        assert self.funding_cols is not None
        label_cell = next((c for c in row.cells if not is_blank(c.text) and self.v.funding_row(c.text)), None)
        kind = self.v.funding_row(label_cell.text) if label_cell is not None else None
        cols = self.funding_cols.cells(row)
        # a row of another kind (a goal, a note) put in the funding block holds no money: never a funding row
        figures = [c for name, cs in cols.items() if name in ("budget", "executed", "initial_budget")
                   for c in cs if c is not label_cell and parse_quantity(c.text).kind in ("number", "expression")]
        if label_cell is None:
            first = row.nonempty()[0]
            if not figures or self.is_label(first.text) or self.header is not None:
                return False
            label_cell, kind = first, "unlisted"
            self.warn(f"{where(row.table, first)}: funding row {norm(first.text)!r} is not a known source; "
                      "kept apart from the sources that add up to the total")
        assert kind is not None
        if kind != "unlisted" and self.ev.funding_row(kind) is not None:  # type: ignore[arg-type]
            return True
        label = norm(label_cell.text) if kind == "unlisted" else FUNDING_LABELS[kind]
        fr = FundingRow(kind=kind, label=label, loc=loc_of(row.table, label_cell))  # type: ignore[arg-type]
        for name, cells in cols.items():
            cells = [c for c in cells if c is not label_cell]
            if not cells:
                continue
            if name == "reason":
                fr.reason = text_of(row, cells[0])
            else:
                setattr(fr, name, value_of(row, cells[0]))
        self.ev.funding.append(fr)
        return True

    # --- indicators -------------------------------------------------------------------------------------

    def _indicator_header(self, row: Row) -> bool:
        column = self.v.indicator_column
        names = {n for c in row.cells if not is_blank(c.text) and (n := column(c.text))}
        if not names:  # most rows: no indicator column label at all
            return False
        cells = header_cells(row.cells, column)
        funding = {self.v.funding_column(c.text) for c in row.cells if c.text}
        if {"budget", "executed"} & funding and not names & {"name", "level1", "level2"}:
            return False
        is_header = "name" in names or len(names & {"level1", "level2", "target", "actual", "score", "weight"}) >= 3
        if self.header is not None and not self.pending and (names & {"nature", "measure_unit", "target", "level1",
                                                                       "name"}):
            # the second row of a two-row header
            merged, notes = merge_two_rows(self.header, cells, row.table.grid, self.v.groups)
            self.header = merged
            self.header_rows.append(row)
            for n in notes:
                self.warn(f"{row.where()}: {n}")
            return True
        if not is_header:
            return False
        self._flush()
        self.header = cells
        self.header_rows = [row]
        self.after_total = False
        self.seen_indicators = True
        return True

    def _flush(self) -> None:
        if self.header is None or not self.pending:
            self.pending = []
            return
        rows, self.pending = self.pending, []
        cols = self._resolve(self.header, rows)
        for row in rows:
            self._indicator(row, cols)

    def _resolve(self, header: list[HeaderCell], rows: list[Row]) -> Columns:
        """Columns of the indicator table; header cells the vocabulary lacks are inferred from what their
        column holds and where it stands."""
        cols = columns_from(header)
        known = set(cols.spans)
        if self.header_rows and not self.header_rows[0].table.grid:
            width = max(len(r.cells) for r in rows)
            header_width = max(h.col for h in header) + 1
            if width > header_width and "name" in known:
                self.warn(f"{self.header_rows[0].where()}: indicator rows have {width} cells, the header {header_width}")
        unknown = [h for h in header if h.name is None and not is_blank(h.text)
                   and h.text not in self.v.indicator_sections and not self.is_label(h.text)]
        blank_cols = [h for h in header if is_blank(h.text)]

        def column_texts(h: HeaderCell) -> list[str]:
            out = []
            for r in rows:
                c = next((c for c in r.cells if h.col <= c.col < h.col + h.span), None)
                out.append(c.text if c is not None else "")
            return out

        profiles = {id(h): column_profile(column_texts(h)) for h in unknown + blank_cols}
        where_header = self.header_rows[0].where() if self.header_rows else "indicator table"

        def take(name: str, wanted: tuple[str, ...], before: str | None = None, after_: str | None = None) -> None:
            if name in cols.spans:
                return
            lo = cols.spans[after_][0] if after_ and after_ in cols.spans else -1
            hi = cols.spans[before][0] if before and before in cols.spans else 10 ** 6
            for h in unknown + blank_cols:
                if name == "deviation" and not is_blank(h.text) and not _REASON_HEADER_RE.search(norm(h.text)):
                    continue  # 财政审核评分, 评分标准: a column of its own, never the filer's reasons
                if name in ("weight", "score", "target", "actual") and _TEXT_HEADER_RE.search(norm(h.text)):
                    continue  # a scoring-method column (得分计算方法, 评分标准, 指标解释) is no figure, target or actual
                if lo < h.col < hi and profiles[id(h)] in wanted and not any(
                        s[0] == h.col for s in cols.spans.values()):
                    cols.set_span(name, (h.col, h.col + h.span))
                    shown = norm(h.text) or "(blank)"
                    self.ev.inferred.append(f"{COLUMN_NAMES[name]} ← {shown}")
                    self.warn(f"{where_header}: indicator header cell {shown!r} is not in the vocabulary; read as "
                              f"{COLUMN_NAMES[name]} from its position and contents")
                    return

        if not ({"weight", "score"} <= known):
            take("weight", ("score",), after_="actual" if "actual" in known else "name")
            take("score", ("score",), after_="weight" if "weight" in cols.spans else "actual")
        take("target", ("value", "text"), before="actual", after_="name")
        take("actual", ("value", "text"), before="weight" if "weight" in cols.spans else "score", after_="target")
        take("name", ("text",), before="target", after_="level2")
        take("deviation", ("text", "blank"), after_="score")
        self.ev.indicator_columns = sorted(set(self.ev.indicator_columns) | set(cols.spans))
        missing = [COLUMN_NAMES[n] for n in REQUIRED_INDICATOR if n not in cols.spans]
        if missing:
            self.warn(f"{where_header}: the indicator header lacks {', '.join(missing)}; read without it")
        return cols

    def _indicator(self, row: Row, cols: Columns) -> None:
        first = lambda name: cols.first(row, name)  # noqa: E731
        l1_cell, l2_cell = first("level1"), first("level2")
        if l1_cell is not None and not is_blank(l1_cell.text):
            self._level1(row, l1_cell, first("level1_weight"))
        if l2_cell is not None and not is_blank(l2_cell.text) and l2_cell.text not in self.v.placeholders:
            self._level2(row, l2_cell, first("level2_weight"))
            self._name_level1_by_level2()
        name_cell = first("name")
        ind = assemble(Indicator, level1=self.level1, level2=self.level2, name=text_of(row, name_cell),
                       target=value_of(row, first("target")), actual=value_of(row, first("actual")),
                       weight=value_of(row, first("weight")), score=value_of(row, first("score")),
                       deviation=text_of(row, first("deviation")), loc=loc_of(row.table, name_cell or row.cells[0]))
        nature, unit = first("nature"), first("measure_unit")
        if nature is not None or unit is not None:
            ind.nature = Text(raw=nature.text).text if nature else None
            ind.measure_unit = Text(raw=unit.text).text if unit else None
            op = ind.nature if ind.nature and _OPERATOR_RE.fullmatch(ind.nature) else \
                _DIRECTION_OPS.get(ind.nature or "", "")
            raw = ind.target.raw.strip()
            if raw and not _OPERATOR_RE.match(raw):
                raw = op.replace("﹦", "=").replace("＝", "=") + raw
            if raw and ind.measure_unit and not raw.endswith(ind.measure_unit):
                raw += ind.measure_unit
            ind.target = Value.of(raw, ind.target.loc)
        ind.empty = all(is_blank(x) for x in (ind.name.raw, ind.target.raw, ind.actual.raw, ind.weight.raw,
                                                ind.score.raw))
        name = ind.name.text
        mark_slot(ind, self.v, l2_cell.text.strip() if l2_cell is not None else "")
        if name in self.v.breakdown and ind.weight.empty:
            ind.breakdown = True
        if name in self.v.execution_rows:
            ind.execution = True
        self.ev.indicators.append(ind)

    def _level1(self, row: Row, cell: Cell, weight_cell: Cell | None = None) -> None:
        name, weight = _name_and_weight(cell.text)
        if weight is None and weight_cell is not None:  # 一级指标 | 分值: the weight in a column of its own
            weight = parse_quantity(weight_cell.text).value
        self.level1 = name
        self.level2 = ""
        if not any(lv.name == name for lv in self.ev.level1):
            self.ev.level1.append(Level1(name=name, declared_weight=weight, raw=cell.text,
                                         loc=loc_of(row.table, cell)))

    def _name_level1_by_level2(self) -> None:
        """A 一级 cell holding only its weight ("(50分)"): named by the 二级 under it (数量指标 → 产出指标)."""
        current = next((lv for lv in self.ev.level1 if lv.name == self.level1), None)
        if current is None or not re.fullmatch(r"[(（]?\d+(?:\.\d+)?分?[)）]?", self.level1):
            return
        name = next((l1 for words, l1 in _LEVEL1_OF_LEVEL2 if any(w in self.level2 for w in words)), None)
        if name is not None and not any(lv.name == name for lv in self.ev.level1):
            current.name = self.level1 = name

    def _level2(self, row: Row, cell: Cell, weight_cell: Cell | None = None) -> None:
        """A 二级指标; its weight, where it declares one, is kept at its level (never a 三级 row's)."""
        name, weight = _name_and_weight(cell.text)
        if weight is None and weight_cell is not None:
            weight = parse_quantity(weight_cell.text).value
        self.level2 = label_key(name) if weight is not None else label_key(cell.text)
        if weight is not None and not any(lv.name == self.level2 and lv.level1 == self.level1
                                          for lv in self.ev.level2):
            self.ev.level2.append(Level2(level1=self.level1, name=self.level2, declared_weight=weight,
                                         loc=loc_of(row.table, cell)))

    # --- total --------------------------------------------------------------------------------------------

    def _total(self, row: Row, nonempty: list[Cell]) -> bool:
        label = nonempty[0]
        in_table = self.header is not None or self.seen_indicators
        if label.text in self.v.grade and len(nonempty) >= 2:
            self._header_total(row, label, nonempty[1])
            return True
        if not (label.text in self.v.total_score or (label.text in self.v.total_ambiguous and in_table)):
            return False
        if not in_table:  # 自评得分 (and 评价等级) in the header block above the table
            return self._identity(row)
        self._flush()
        weight, score = self._total_cells(row, label, nonempty)
        total = Total(weight=value_of(row, weight), score=value_of(row, score), loc=loc_of(row.table, label))
        grade = next((c for c in nonempty[1:] if parse_quantity(c.text).value is None
                      and norm(c.text) in ("优", "良", "中", "差", "优秀", "良好", "合格", "不合格", "较差")), None)
        if grade is not None:
            total.grade = text_of(row, grade)
        if self.ev.total is not None and self.ev.total.placement == "header":
            header = self.ev.total
            if total.score.empty and not header.score.empty:
                total.score = header.score
            if total.grade.empty:
                total.grade = header.grade
            self.ev.header_total = header  # the checks compare the two
        self.ev.total = total
        self.after_total = True
        self.header = None
        return True

    def _total_cells(self, row: Row, label: Cell, nonempty: list[Cell]) -> tuple[Cell | None, Cell | None]:
        numbers = [c for c in nonempty[1:] if parse_quantity(c.text).value is not None]
        cols = columns_from(self.header) if self.header else None
        if cols is not None and row.table.grid:
            weight = next((c for c in cols.cells(row).get("weight", []) if c is not label and not is_blank(c.text)),
                          None)
            score = next((c for c in cols.cells(row).get("score", []) if c is not label and not is_blank(c.text)),
                         None)
            if weight is not None or score is not None:
                return weight, score
        if len(numbers) >= 2:
            return numbers[0], numbers[1]
        if not numbers:
            return None, None
        only = numbers[0]
        if cols is not None and not row.table.grid and self.header:
            # a merged label shifts a text export's cells: the cells after it line up from the right
            width = max(h.col for h in self.header) + 1
            offset = width - len(row.cells)
            pos = only.col + offset
            if cols.spans.get("weight", (-1, -1))[0] == pos:
                return only, None
            if cols.spans.get("score", (-1, -1))[0] == pos:
                return None, only
        rows = [i for i in self.ev.indicators if i.counted]
        if rows and all(i.score.empty for i in rows) and any(not i.weight.empty for i in rows):
            return only, None  # 合计 of the weights of a table nobody scored
        return None, only

    # --- narrative rows inside the scored table --------------------------------------------------------

    def _narrative_row(self, row: Row, nonempty: list[Cell], strict: bool) -> bool:
        first = nonempty[0]
        name = self.v.narrative_section(strip_numbering(first.text))
        if name is None or name == "budget":
            return False
        if strict and len(nonempty) > 2:
            return False
        self._flush()
        self.header = None if strict else self.header
        if name == "other" and self.ev.narrative is None:
            return True  # a 说明/备注 row closes the table; it does not make the table a report
        narrative = self.ev.narrative or Narrative()
        value = nonempty[1] if len(nonempty) > 1 else None
        text = text_of(row, value) if value is not None else Text(loc=loc_of(row.table, first))
        if name == "achievement":
            if value is not None:
                narrative.achievement = [Text(raw=p, loc=paragraph_loc(row.table, value, k))
                                         for k, p in enumerate(value.text.split("\n")) if not is_blank(p)]
            else:
                narrative.achievement = []
        else:
            setattr(narrative, name, text)
        self.ev.narrative = narrative
        return True
