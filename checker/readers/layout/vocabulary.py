"""The form vocabulary: which labels mark which part of a filing, loaded from YAML (forms/*.yaml).

The bundled vocabulary (forms/default.yaml, installed as checker/bundled_forms) is always loaded; user
vocabularies (`--forms DIR`, `forms = [...]` in the settings) add labels to its lists. A vocabulary file
is validated when it loads: an unknown key, a field the reader does not know or a regular expression that
does not compile is an error naming the file, the line and the entry.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.errors import JxError
from checker.memo import by_length
from checker.patterns import pattern_problem
from checker.yamlio import load_marked, strip_lines

FundingColumn = Literal["initial_budget", "budget", "executed", "weight", "rate", "score", "reason"]
FundingRowKind = Literal["total", "current", "carryover", "special_account", "unit_funds", "other"]
IndicatorColumn = Literal["level1", "level2", "name", "target", "actual", "weight", "score", "deviation", "nature",
                          "measure_unit", "review", "criteria", "period_target"]
NarrativeSection = Literal["budget", "purpose", "management", "achievement", "problems", "measures", "other"]
LabelList = list[str]


class FormsError(JxError):
    """A form vocabulary that cannot be used."""


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IdentityLabels(_Part):
    project: LabelList = Field(default_factory=list)
    department: LabelList = Field(default_factory=list)
    implementer: LabelList = Field(default_factory=list)
    unit: LabelList = Field(default_factory=list)


class FundingLabels(_Part):
    sections: LabelList = Field(default_factory=list)
    columns: dict[FundingColumn, LabelList] = Field(default_factory=dict)
    rows: dict[FundingRowKind, LabelList] = Field(default_factory=dict)
    # a label and its figure side by side, several on a row (a project's 基本情况 block)
    pairs: dict[Literal["budget", "received", "executed"], LabelList] = Field(default_factory=dict)
    # sources of money by level of government, as the columns of a row (中央 | 省 | 本级 | 其他 | 合计)
    levels: LabelList = Field(default_factory=list)


class IndicatorLabels(_Part):
    sections: LabelList = Field(default_factory=list)
    columns: dict[IndicatorColumn, LabelList] = Field(default_factory=dict)
    groups: dict[Literal["target", "section"], list[IndicatorColumn]] = Field(default_factory=dict)
    execution: LabelList = Field(default_factory=list)
    breakdown: LabelList = Field(default_factory=list)
    placeholders: LabelList = Field(default_factory=list)


class TotalLabels(_Part):
    score: LabelList = Field(default_factory=list)
    ambiguous: LabelList = Field(default_factory=list)
    grade: LabelList = Field(default_factory=list)


class GoalLabels(_Part):
    sections: LabelList = Field(default_factory=list)
    expected: LabelList = Field(default_factory=list)
    actual: LabelList = Field(default_factory=list)


class NarrativeLabels(_Part):
    sections: dict[NarrativeSection, LabelList] = Field(default_factory=dict)
    markers: LabelList = Field(default_factory=list)
    # a heading that names none of the labels above is told by these words (tried in this order)
    keywords: dict[NarrativeSection, LabelList] = Field(default_factory=dict)
    topics: LabelList = Field(default_factory=list)  # 资金保障方面: a topic within its section
    heading_ends: LabelList = Field(default_factory=list)  # how a heading (not a sentence) ends
    list_items: LabelList = Field(default_factory=list)  # how a numbered list item (not a heading) begins
    projects: LabelList = Field(default_factory=list)  # a heading that names a project of a report on several
    not_projects: LabelList = Field(default_factory=list)  # … but not these (中央资金 is a source of money)
    units: LabelList = Field(default_factory=list)  # how the name of a budget unit ends (局, 中心, 学校 …)


class DepartmentLabels(_Part):
    titles: LabelList = Field(default_factory=list)
    income: LabelList = Field(default_factory=list)
    expenditure: LabelList = Field(default_factory=list)
    income_rows: LabelList = Field(default_factory=list)
    expenditure_rows: LabelList = Field(default_factory=list)


class FormFile(_Part):
    """One vocabulary file. Every part is optional: a user file names only the labels it adds."""

    version: Literal[1] = 1
    description: str | None = None
    titles: LabelList = Field(default_factory=list)
    identity: IdentityLabels = Field(default_factory=IdentityLabels)
    funding: FundingLabels = Field(default_factory=FundingLabels)
    indicators: IndicatorLabels = Field(default_factory=IndicatorLabels)
    totals: TotalLabels = Field(default_factory=TotalLabels)
    goal: GoalLabels = Field(default_factory=GoalLabels)
    narrative: NarrativeLabels = Field(default_factory=NarrativeLabels)
    instructions: LabelList = Field(default_factory=list)
    department: DepartmentLabels = Field(default_factory=DepartmentLabels)


# --- normalisation ------------------------------------------------------------------------------------

_SPACES_RE = re.compile(r"\s+")
_OF_WHICH_RE = re.compile(r"^其中[:：]?")
_ANNOTATION_RE = re.compile(r"[(][^()]{1,12}[)]$")


MEMO_TEXT = 64  # a label is at most this long; a longer cell is a paragraph or a value (checker/memo.py)


@by_length(MEMO_TEXT)
def norm(text: str) -> str:
    """A label as compared: NFKC, no blanks or line breaks, no leading 其中: or trailing colon."""
    s = _SPACES_RE.sub("", unicodedata.normalize("NFKC", text))
    return _OF_WHICH_RE.sub("", s).rstrip(":：")


@by_length(MEMO_TEXT)
def _compact(text: str) -> str:
    return _SPACES_RE.sub("", unicodedata.normalize("NFKC", text)).rstrip(":：")


@by_length(MEMO_TEXT)
def label_key(text: str) -> str:
    """A cell as a label: normalised, without trailing annotations — 年度指标值(A), 分值（权重）, 得分(20分*执行率)."""
    key = norm(text)
    for _ in range(2):  # 预算执行情况(万元)(20分)
        stripped = _ANNOTATION_RE.sub("", key).rstrip(":：")
        if not stripped or stripped == key:
            break
        key = stripped
    return key


# a form pattern's length, group depth and alternatives (with no nested quantifier, checker/patterns.py), and
# the longest cell text a label pattern is tried on: a label is a few words, a 5,000-character cell is none
PATTERN_LIMITS = (300, 6, 100)
LABEL_TEXT_MAX = 200
SEARCH_TEXT_MAX = 2_000
MEMO_SIZE = 20_000  # cell texts remembered per label list: a form repeats its labels in every filing


class Labels:
    """A compiled label list: exact labels (normalised) and /regular expressions/."""

    __slots__ = ("exact", "patterns", "_memo")

    def __init__(self, labels: list[str]) -> None:
        self.exact = frozenset(label_key(x) for x in labels if not _is_pattern(x))
        self.patterns = tuple(re.compile(x[1:-1]) for x in labels if _is_pattern(x))
        self._memo: dict[str, bool] = {}

    def __getstate__(self) -> tuple:
        return self.exact, self.patterns  # workers start with an empty memo

    def __setstate__(self, state: tuple) -> None:
        self.exact, self.patterns = state
        self._memo = {}

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str) or not text:
            return False
        hit = self._memo.get(text)
        if hit is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            hit = self._memo[text] = self._matches(text)
        return hit

    def _matches(self, text: str) -> bool:
        key = label_key(text)
        if key in self.exact:
            return True
        if not self.patterns or len(text) > LABEL_TEXT_MAX:
            return False
        whole = _compact(text)  # 其中：… is kept here, for the patterns that look for it
        return any(p.search(key) or p.search(whole) for p in self.patterns)

    def search(self, text: str) -> re.Match[str] | None:
        """The first pattern found anywhere in the text (for titles and instructions)."""
        s = norm(text[:SEARCH_TEXT_MAX])
        for p in self.patterns:
            m = p.search(s)
            if m:
                return m
        return None


class Named:
    """Label lists by name: which name a cell's text is a label of (the first that holds it)."""

    __slots__ = ("lists", "_memo")

    def __init__(self, lists: dict[str, Labels]) -> None:
        self.lists = lists
        self._memo: dict[str, str | None] = {}

    def __getstate__(self) -> dict[str, Labels]:
        return self.lists  # workers start with an empty memo

    def __setstate__(self, lists: dict[str, Labels]) -> None:
        self.lists = lists
        self._memo = {}

    def find(self, text: str) -> str | None:
        try:
            return self._memo[text]
        except KeyError:
            pass
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        found = self._memo[text] = next((name for name, labels in self.lists.items() if text in labels), None)
        return found


def _is_pattern(label: str) -> bool:
    return len(label) > 2 and label.startswith("/") and label.endswith("/")


class Vocabulary:
    """The merged vocabulary, compiled for matching. Build it with `load_vocabulary`."""

    def __init__(self, data: FormFile, digest: str) -> None:
        self.data = data
        self.digest = digest
        self.titles = Labels(data.titles)
        self.identity = Named({k: Labels(getattr(data.identity, k)) for k in IdentityLabels.model_fields})
        self.funding_sections = Labels(data.funding.sections)
        self.funding_columns = Named({k: Labels(v) for k, v in data.funding.columns.items()})
        self.funding_rows = Named({k: Labels(v) for k, v in data.funding.rows.items()})
        self.funding_pairs = Named({k: Labels(v) for k, v in data.funding.pairs.items()})
        self.funding_levels = Labels(data.funding.levels)
        self.indicator_sections = Labels(data.indicators.sections)
        self.indicator_columns = Named({k: Labels(v) for k, v in data.indicators.columns.items()})
        self.groups = {k: tuple(v) for k, v in data.indicators.groups.items()}
        self.execution_rows = Labels(data.indicators.execution)
        self.breakdown = Labels(data.indicators.breakdown)
        self.placeholders = Labels(data.indicators.placeholders)
        self.total_score = Labels(data.totals.score)
        self.total_ambiguous = Labels(data.totals.ambiguous)
        self.grade = Labels(data.totals.grade)
        self.goal_sections = Labels(data.goal.sections)
        self.goal_expected = Labels(data.goal.expected)
        self.goal_actual = Labels(data.goal.actual)
        self.narrative = Named({k: Labels(v) for k, v in data.narrative.sections.items()})
        self.report_markers = Labels(data.narrative.markers)
        self.section_keywords = {k: Labels(v) for k, v in data.narrative.keywords.items()}
        self.topics = Labels(data.narrative.topics)
        self.heading_ends = Labels(data.narrative.heading_ends)
        self.list_items = Labels(data.narrative.list_items)
        self.project_heads = Labels(data.narrative.projects)
        self.not_project_heads = Labels(data.narrative.not_projects)
        self.unit_ends = Labels(data.narrative.units)
        self.instructions = Labels(data.instructions)
        self.department_titles = Labels(data.department.titles)
        self.income = Labels(data.department.income)
        self.expenditure = Labels(data.department.expenditure)
        self.income_rows = Labels(data.department.income_rows)
        self.expenditure_rows = Labels(data.department.expenditure_rows)

    # --- lookups used by the layout step ---

    def identity_field(self, text: str) -> str | None:
        return self.identity.find(text)

    def funding_column(self, text: str) -> str | None:
        return self.funding_columns.find(text)

    def funding_row(self, text: str) -> str | None:
        return self.funding_rows.find(text)

    def indicator_column(self, text: str) -> str | None:
        return self.indicator_columns.find(text)

    def narrative_section(self, text: str) -> str | None:
        return self.narrative.find(text)

    def is_total(self, text: str) -> bool:
        return text in self.total_score or text in self.total_ambiguous

    def is_instruction(self, text: str) -> bool:
        return self.instructions.search(text) is not None

    def title_year(self, text: str) -> int | None:
        m = self.titles.search(text)
        if m and m.groupdict().get("year"):
            return int(m.group("year"))
        return None


# --- loading -----------------------------------------------------------------------------------------

def bundled_forms_dir() -> Path:
    """forms/ of the source tree; installed copies carry it as checker/bundled_forms."""
    here = Path(__file__).resolve().parents[2]
    for candidate in (here.parent / "forms", here / "bundled_forms"):
        if candidate.is_dir():
            return candidate
    raise FormsError(str(here.parent / "forms"), "bundled form vocabulary not found")


def load_form_file(path: Path) -> FormFile:
    source = str(path)
    marked = load_marked(path, FormsError, "form vocabulary")
    if not isinstance(marked, dict):
        raise FormsError(source, "a form vocabulary holds a mapping (titles:, identity:, funding:, …)")
    try:
        data = FormFile.model_validate(strip_lines(marked))
    except ValidationError as exc:
        err = exc.errors()[0]
        entry = ".".join(str(p) for p in err["loc"])
        raise FormsError(source, f"{entry}: {err['msg']}", f"line {_line_of(marked, err['loc'])}, entry {entry}") \
            from None
    _check_patterns(marked, data, source)
    return data


def _line_of(marked: Any, loc: tuple[Any, ...]) -> int:
    """The line of the deepest mapping on the error's path."""
    line = marked.get("__line__", 1) if isinstance(marked, dict) else 1
    node = marked
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
        else:
            break
        if isinstance(node, dict):
            line = node.get("__line__", line)
    return line


def _check_patterns(marked: dict[str, Any], data: FormFile, source: str) -> None:
    def walk(value: Any, path: list[str]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, [*path, str(k)])
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, str) and _is_pattern(v):
                    entry = ".".join([*path, str(i)])
                    try:
                        re.compile(v[1:-1])
                    except re.error as exc:
                        raise FormsError(source, f"{entry}: regular expression {v} does not compile: {exc}",
                                         f"line {_line_of(marked, tuple(path))}, entry {entry}") from None
                    problem = pattern_problem(v[1:-1], *PATTERN_LIMITS)
                    if problem:  # it runs on every cell a filer wrote
                        raise FormsError(source, f"{entry}: regular expression {v}: {problem}",
                                         f"line {_line_of(marked, tuple(path))}, entry {entry}")
    walk(data.model_dump(), [])


def merge(files: list[FormFile]) -> FormFile:
    """Labels of later files appended to those of earlier ones."""
    def combine(a: Any, b: Any) -> Any:
        if isinstance(a, dict) and isinstance(b, dict):
            out = dict(a)
            for k, v in b.items():
                out[k] = combine(out[k], v) if k in out else v
            return out
        if isinstance(a, list) and isinstance(b, list):
            return a + [x for x in b if x not in a]
        return b if b is not None else a

    merged: dict[str, Any] = {}
    for f in files:
        merged = combine(merged, f.model_dump(exclude_defaults=False))
    return FormFile.model_validate(merged)


def load_vocabulary(dirs: list[str | Path] = ()) -> Vocabulary:
    """The bundled vocabulary plus every *.yaml of the given directories, in order."""
    return _load(tuple(str(d) for d in dirs))


@lru_cache(maxsize=16)
def _load(dirs: tuple[str, ...]) -> Vocabulary:
    files = [load_form_file(p) for p in _yaml_files(bundled_forms_dir())]
    for d in dirs:
        path = Path(d)
        if path.is_file():
            files.append(load_form_file(path))
            continue
        if not path.is_dir():
            raise FormsError(d, "form vocabulary directory not found")
        files.extend(load_form_file(p) for p in _yaml_files(path))
    data = merge(files)
    digest = hashlib.sha256(json.dumps(data.model_dump(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return Vocabulary(data, digest[:16])


def _yaml_files(d: Path) -> list[Path]:
    return sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml"))


def default_vocabulary() -> Vocabulary:
    return load_vocabulary(())
