"""`level1`: one per 一级指标 block — its declared weight against its rows and the scoring profile."""

from __future__ import annotations

from typing import Any

from checker.facts.amounts import num, rnd
from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.text import squash
from checker.sections import INDICATORS, table_path

KIND = FactKind(
    "level1",
    "one per 一级指标 block",
    {
        "name": f("string", "一级指标 name (产出指标…)"),
        "declared_weight": f("number", "weight declared in the label, e.g. 50 in 产出指标(50分)"),
        "weight_sum": f("number", "sum of the 分值 of its rows"),
        "score_sum": f("number", "sum of the 得分 of its rows"),
        "weight_gap": f("number", "weight_sum − declared_weight"),
        "weight_gap_abs": f("number", "abs(weight_gap)"),
        "rows": f("number", "non-empty rows under it"),
        "expected_weight": f("number", "the weight the scoring profile gives this 一级 block"),
        "profile_gap_abs": f("number", "abs(declared_weight − expected_weight)"),
        "open_end": f("bool", "the table's last block with no 总分 row after it: a copy may end inside it"),
    },
)


def produce(b: FactBuilder) -> None:
    ev = b.ev
    if not ev.has_table:
        return
    closed = ev.total is not None and ev.total.placement == "row"
    for k, lv in enumerate(ev.level1):
        rows = [i for i in ev.indicators if i.level1 == lv.name and i.counted]
        weights = [w for w in (num(i.weight) for i in rows) if w is not None]
        scores = [s for s in (num(i.score) for i in rows) if s is not None]
        fields: dict[str, Any] = {"name": lv.name, "declared_weight": lv.declared_weight,
                                  "score_sum": rnd(sum(scores)), "rows": len(rows),
                                  "open_end": k == len(ev.level1) - 1 and not closed}
        if weights:
            fields["weight_sum"] = rnd(sum(weights))
        if lv.declared_weight is not None and weights:
            fields["weight_gap"] = rnd(sum(weights) - lv.declared_weight)
            fields["weight_gap_abs"] = abs(fields["weight_gap"])
        expected = _profile_weight(b.profile, lv.name)
        if expected is not None:
            fields["expected_weight"] = expected
            if lv.declared_weight is not None:
                fields["profile_gap_abs"] = rnd(abs(lv.declared_weight - expected))
        b.add("level1", fields, lv.loc, table_path(INDICATORS, lv.name), cell_text=lv.raw)


def _profile_weight(profile: dict[str, float], name: str) -> float | None:
    """The profile's weight for a 一级 block: 满意度指标 also matches 服务对象满意度指标."""
    key = squash(name)
    for label, weight in profile.items():
        if label != "execution" and (squash(label) in key or key in squash(label)):
            return weight
    return None
