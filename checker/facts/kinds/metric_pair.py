"""`metric_pair` (cross-filing): one per pair of projects of one unit and year that state the same
unit-wide metric differently."""

from __future__ import annotations

from checker.facts.base import FactBuilder, FactKind, FactRecord, f
from checker.facts.cross.features import EvalMeta, MetricFeature, location

KIND = FactKind(
    "metric_pair",
    "one per metric of a project that another project of the same unit and year states with another figure (cross-filing)",
    {
        "metric": f("string", "normalised indicator name, the key across filings"),
        "name": f("string", "三级指标 as written"),
        "dimension": f("string", "what the figure measures: unit, and 下降/增长 for changes"),
        "value": f("number", "the figure in this project"),
        "text": f("string", "the actual value as written here"),
        "other_project": f("string", "another project of the same unit and year stating the same metric"),
        "other_value": f("number", "the figure there"),
        "other_text": f("string", "the actual value as written there"),
        "other_source": f("string", "the file of the other filing"),
        "others": f("number", "how many other projects of the unit state this metric with another figure"),
        "gap_abs": f("number", "abs(value − other_value)"),
        "unit_wide": f("bool", "a statistic of the whole unit or area: a year-on-year change, or a name with "
                               "全市/全县/辖区…; per-project counts (培训人次) differ legitimately"),
    },
)

OTHERS_SHOWN = 5  # other projects listed in a finding's evidence

# Names of statistics that belong to a whole unit or area, not to one project.
AREA_WORDS = ("全市", "全县", "全区", "全省", "全州", "辖区", "全镇", "全乡", "本地区", "全行业")


def unit_wide(name: str, dimension: str) -> bool:
    """A statistic of the whole unit or area (a year-on-year change, 全市…), not a per-project count.

    Only such figures are paired across projects: per-project counts differ legitimately, and pairing
    them would grow with the square of a unit's projects.
    """
    return dimension.startswith(("下降", "增长")) or any(w in name for w in AREA_WORDS)


def add(b: FactBuilder, here: MetricFeature, others: list[tuple[MetricFeature, EvalMeta]], count: int) -> FactRecord:
    """The metric `here` (of the builder's evaluation) and the other projects' differing figures, first
    one first."""
    other, of = others[0]
    rec = b.add("metric_pair", {"metric": here.metric, "name": here.name, "dimension": here.dimension,
                                "value": here.value, "text": here.text, "other_project": of.project,
                                "other_value": other.value, "other_text": other.text, "other_source": of.source,
                                "others": count, "gap_abs": round(abs(here.value - other.value), 6),
                                "unit_wide": unit_wide(here.name, here.dimension)},
                location(here.loc), here.path, cell_text=here.text)
    rec.others = [{"source": m.source, "project": m.project, "section": " › ".join(o.path), "location": location(o.loc),
                   "text": o.text} for o, m in others]
    return rec
