"""Typed model of a filing: one or more project evaluations (自评报告 + 自评表).

Every value keeps its raw text, its parsed quantity and where it came from, so a
finding can point at the cell or paragraph it is about.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from checker.quantity import Quantity, parse_quantity

SCHEMA_VERSION = "1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__
_SHAPES: dict[type, tuple[dict[str, Any], tuple[tuple[str, Any], ...], dict[str, Any] | None]] = {}


def _shape(cls: type[BaseModel]) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...], dict[str, Any] | None]:
    """Every field in order with its plain default (None where a factory makes it), the factories, and the
    private attributes' defaults."""
    base = {k: (f.default if f.default_factory is None else None) for k, f in cls.model_fields.items()}
    factories = tuple((k, f.default_factory) for k, f in cls.model_fields.items() if f.default_factory is not None)
    private = {k: a.get_default() for k, a in cls.__private_attributes__.items()} or None
    shape = _SHAPES[cls] = (base, factories, private)
    return shape


def assemble(cls: type[M], **values: Any) -> M:
    """A model from parts the reader already knows to be valid, without a validation pass: what
    `model_construct` does (fields not given take their defaults), at a third of its cost — the readers
    build hundreds of values per filing. tests/test_model_assemble.py checks it equals validation."""
    base, factories, private = _SHAPES.get(cls) or _shape(cls)
    data = base.copy()
    data.update(values)  # keeps the field order, as validation does
    for k, factory in factories:
        if k not in values:
            data[k] = factory()
    obj = cls.__new__(cls)
    _set(obj, "__dict__", data)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", dict(private) if private else None)
    return obj


class Location(_Strict):
    """Where a value stands in its source document (all parts optional)."""

    table: int | None = Field(None, description="0-based index of the table in the document")
    row: int | None = Field(None, description="0-based row in the table")
    col: int | None = Field(None, description="0-based column (grid column where the format has one)")
    paragraph: int | None = Field(None, description="0-based paragraph index outside tables")
    line: int | None = Field(None, description="1-based line in a text export")
    sheet: str | None = Field(None, description="worksheet name (xlsx)")
    cell: str | None = Field(None, description="cell reference such as B7 (xlsx)")

    def describe(self, lang: str = "en") -> str:
        zh = lang == "zh"
        parts: list[str] = []
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”" if zh else f"sheet {self.sheet}")
        if self.cell is not None:
            parts.append(f"单元格{self.cell}" if zh else f"cell {self.cell}")
        elif self.table is not None:
            if zh:
                parts.append(f"表{self.table + 1}" + (f"第{self.row + 1}行" if self.row is not None else "")
                             + (f"第{self.col + 1}列" if self.col is not None else ""))
            else:
                parts.append(f"table {self.table + 1}")
                parts += [f"{w} {v + 1}" for w, v in (("row", self.row), ("column", self.col)) if v is not None]
        if self.paragraph is not None:
            parts.append(f"第{self.paragraph + 1}段" if zh else f"paragraph {self.paragraph + 1}")
        if self.line is not None:
            parts.append(f"原文第{self.line}行" if zh else f"line {self.line}")
        return "，".join(parts) if zh else ", ".join(parts)


class _Shorthand(_Strict):
    """Hand-written YAML may give a bare string (or number) where an object with `raw` is expected."""

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            return {"raw": str(data)}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        return {"anyOf": [{"type": "string"}, {"type": "number"}, schema]}


class Text(_Shorthand):
    """A piece of free text (a narrative section, a name, a reason)."""

    raw: str = ""
    loc: Location | None = None
    parts: list[Location] = Field(default_factory=list, description="where each line of `raw` stands, when the "
                                                                     "text joins several paragraphs")

    @property
    def text(self) -> str:
        return clean_text(self.raw)

    def loc_at(self, offset: int) -> Location | None:
        """The place of the paragraph holding the character at `offset` of `raw`."""
        if not self.parts:
            return self.loc
        line = self.raw.count("\n", 0, max(0, offset))
        return self.parts[min(line, len(self.parts) - 1)]

    @property
    def empty(self) -> bool:
        return is_blank(self.raw)


class Value(_Shorthand):
    """A table cell holding a figure: raw text plus its parsed quantity.

    `parsed` is derived: it is recomputed from `raw` whenever a value is loaded, so stored YAML never
    carries a stale parse.
    """

    raw: str = ""
    parsed: Quantity = Field(default_factory=lambda: parse_quantity(""))
    loc: Location | None = None

    @model_validator(mode="after")
    def _reparse(self) -> Value:
        self.parsed = parse_quantity(self.raw)
        return self

    @classmethod
    def of(cls, raw: str, loc: Location | None = None) -> Value:
        # built by the readers from known-good parts: no validation pass needed (it is the hot path)
        return assemble(cls, raw=raw, parsed=parse_quantity(raw), loc=loc)

    @property
    def empty(self) -> bool:
        return is_blank(self.raw)

    @property
    def number(self) -> float | None:
        return self.parsed.value


class Narrative(_Strict):
    """The 自评报告: the narrative form."""

    budget: Text | None = Field(None, description="年度预算金额")
    department: Text | None = Field(None, description="项目主管部门")
    purpose: Text | None = Field(None, description="项目立项目的")
    management: Text | None = Field(None, description="项目支出管理和使用基本情况")
    achievement: list[Text] = Field(default_factory=list, description="项目绩效目标完成情况, one item per paragraph")
    problems: Text | None = Field(None, description="存在的问题")
    measures: Text | None = Field(None, description="改进措施")
    other: Text | None = Field(None, description="其他需要说明问题, and the text under headings the reader did not "
                                                  "recognise (each named in a reader warning)")
    preamble: Text | None = Field(None, description="a prose report's paragraphs before its first heading")
    joined: list[str] = Field(default_factory=list, description="sections written under another's heading "
                                                                  "(存在的问题及改进措施: measures)")
    headings: list[str] = Field(default_factory=list, description="a prose report's sections whose heading was "
                                                                    "found, with or without text under it")


FundingKind = Literal["total", "current", "carryover", "special_account", "unit_funds", "other", "unlisted"]
FUNDING_LABELS: dict[str, str] = {
    "total": "年度资金总额",
    "current": "其中：当年财政拨款",
    "carryover": "上年结转资金",
    "special_account": "财政专户管理资金",
    "unit_funds": "单位资金",
    "other": "其他资金",
    "unlisted": "其他来源",
}
# the sources that add up to 年度资金总额 (an unlisted row may be a breakdown of one of them)
FUNDING_PARTS = ("current", "carryover", "special_account", "unit_funds", "other")


class FundingRow(_Strict):
    """One row of 项目资金（万元）."""

    kind: FundingKind
    label: str
    initial_budget: Value = Field(default_factory=Value, description="年初预算数")
    budget: Value = Field(default_factory=Value, description="全年预算数")
    executed: Value = Field(default_factory=Value, description="全年执行数")
    weight: Value = Field(default_factory=Value, description="分值")
    rate: Value = Field(default_factory=Value, description="执行率")
    score: Value = Field(default_factory=Value, description="得分")
    reason: Text = Field(default_factory=Text, description="原因 (why the execution fell short), where the form has it")
    received: Value = Field(default_factory=Value, description="到位资金, where the form or the text states it")
    from_text: bool = Field(False, description="read from the report's text (a report with no table), not a table")
    loc: Location | None = None

    @property
    def empty(self) -> bool:
        return all(getattr(self, f).empty for f in FUNDING_VALUE_FIELDS)


FUNDING_VALUE_FIELDS = ("initial_budget", "budget", "executed", "weight", "rate", "score")


class Goal(_Strict):
    """年度总体目标."""

    expected: Text = Field(default_factory=Text, description="预期目标")
    actual: Text = Field(default_factory=Text, description="实际完成情况")


class Indicator(_Strict):
    """One row of 绩效指标."""

    level1: str = Field("", description="一级指标 (产出指标, 效益指标, 满意度指标…), weight text removed")
    level2: str = Field("", description="二级指标 (数量指标, 质量指标…)")
    name: Text = Field(default_factory=Text, description="三级指标")
    target: Value = Field(default_factory=Value, description="年度指标值")
    actual: Value = Field(default_factory=Value, description="实际完成值")
    weight: Value = Field(default_factory=Value, description="分值")
    score: Value = Field(default_factory=Value, description="得分")
    deviation: Text = Field(default_factory=Text, description="偏差原因分析及改进措施")
    nature: str | None = Field(None, description="指标性质 where the form has that column (正向/反向/≥…)")
    measure_unit: str | None = Field(None, description="度量单位 where the form has that column")
    empty: bool = Field(False, description="the row has no name, values or scores")
    placeholder: bool = Field(False, description="a template row never filled in (……, 指标2:)")
    breakdown: bool = Field(False, description="a 其中 row breaking down the row above: no weight of its own")
    execution: bool = Field(False, description="the row scores the budget execution rate (决策/过程/产出/效益 framework)")
    from_text: bool = Field(False, description="stated in a sentence of a report with no table, not a table row")
    loc: Location | None = None

    @property
    def counted(self) -> bool:
        """A row that is an indicator of its own (not blank, a template leftover or a breakdown)."""
        return not (self.empty or self.placeholder or self.breakdown)


class Level1(_Strict):
    """A 一级指标 block and the weight it declares ("产出指标(50分)")."""

    name: str
    declared_weight: float | None = None
    raw: str = ""
    loc: Location | None = None


class Level2(_Strict):
    """A 二级指标 that declares its own weight ("数量指标（15分）", or a 分值 column beside the 二级 column)."""

    level1: str = ""
    name: str
    declared_weight: float | None = None
    loc: Location | None = None


class Total(_Strict):
    """The declared total: a 总分/合计 row, or a 自评得分 or 评价等级 in the header block above the table."""

    weight: Value = Field(default_factory=Value)
    score: Value = Field(default_factory=Value)
    grade: Text = Field(default_factory=Text, description="评价等级 (优/良/中/差) where the form states one")
    placement: Literal["row", "header"] = Field("row", description="a row of the table, or the header block")
    loc: Location | None = None


class SourceRow(_Strict):
    """A line of a whole-department filing's 按收入性质/按支出性质 breakdown."""

    side: Literal["income", "expenditure"]
    label: str
    amount: Value = Field(default_factory=Value)
    loc: Location | None = None


GapReason = Literal["missing", "empty", "instruction"]


class Gap(_Strict):
    """A part of the form that is missing, left empty or still holds the template's instruction text."""

    part: str = Field(description="machine name: table, funding, goal, indicators, total, scores, project, "
                                  "narrative, narrative.problems, goal.actual …")
    label: str = Field(description="the part as the form names it (自评表, 存在的问题 …)")
    reason: GapReason
    text: str = ""
    loc: Location | None = None


class Evaluation(_Strict):
    """One project's self-evaluation (or a whole department's): narrative report and/or scored table."""

    kind: Literal["project", "department"] = Field("project", description="项目支出 or 部门整体支出")
    year: int | None = None
    project: str = Field("", description="项目名称/专项名称 (the department's name for a whole-department filing)")
    project_code: str = Field("", description="the code before the name (51000021R000000019951-工资性支出)")
    department: str = Field("", description="主管部门")
    implementer: str = Field("", description="实施单位")
    money_unit: str = Field("万元", description="the unit of the funding figures as the form states it")
    narrative: Narrative | None = None
    funding: list[FundingRow] = Field(default_factory=list)
    goal: Goal | None = None
    level1: list[Level1] = Field(default_factory=list)
    level2: list[Level2] = Field(default_factory=list, description="二级 blocks that declare their own weight")
    indicators: list[Indicator] = Field(default_factory=list)
    total: Total | None = None
    header_total: Total | None = Field(None, description="a 自评得分/评价等级 stated in the header block above a table "
                                                         "that also has a total row")
    execution_weight: float | None = Field(None, description="execution 分值 declared by the block label "
                                                              "(预算执行情况（20分）) where no row gives one")
    sources: list[SourceRow] = Field(default_factory=list, description="income and expenditure breakdown "
                                                                       "(whole-department filings)")
    has_table: bool = Field(False, description="the scored table (自评表) was found")
    gaps: list[Gap] = Field(default_factory=list, description="parts missing, empty or holding instruction text")
    indicator_columns: list[str] = Field(default_factory=list, description="the columns the indicator table has "
                                                                          "(name, target, deviation …); empty where "
                                                                          "not known (canonical input)")
    inferred: list[str] = Field(default_factory=list, description="columns read from their position and contents, "
                                                                  "not their header (实际完成值 ← 完成情况数值)")
    warnings: list[str] = Field(default_factory=list, description="what the reader could not read, and why")

    def funding_row(self, kind: FundingKind) -> FundingRow | None:
        """A row of the table's 项目资金 (never the funding read from the report's text)."""
        return next((r for r in self.funding if r.kind == kind and not r.from_text), None)

    @property
    def text_funding(self) -> FundingRow | None:
        """The budget, spending and rate the report's text states, where there is no table."""
        return next((r for r in self.funding if r.from_text), None)


class Filing(_Strict):
    """One source document holding one or more evaluations."""

    schema_version: str = SCHEMA_VERSION
    source: str = ""
    format: str = ""
    evaluations: list[Evaluation] = Field(default_factory=list)


# --- small text helpers shared by readers and layout -------------------------------------------

_BLANKS = " \t\u3000\xa0\r\n"


def clean_text(s: str) -> str:
    """Strip ordinary and full-width spaces at both ends of every line."""
    return "\n".join(line.strip(_BLANKS) for line in s.strip(_BLANKS).split("\n"))


def is_blank(s: str) -> bool:
    return not s.strip(_BLANKS)
