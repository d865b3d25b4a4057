"""Facts: what the rules see of a filing — plain dicts of documented fields, one module per kind
(checker.facts.kinds), computed in Python so that the rules only decide."""

from __future__ import annotations

from checker.facts.base import FactBuilder, FactRecord
from checker.facts.kinds import PER_EVALUATION
from checker.model import Evaluation

DEFAULT_PROFILE: dict[str, float] = {"execution": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10}


def build_facts(ev: Evaluation, eval_key: int = 0, profile: dict[str, float] | None = None) -> list[FactRecord]:
    """The facts of one evaluation, in a fixed order."""
    b = FactBuilder(ev, eval_key, profile=profile if profile is not None else {})
    for kind in PER_EVALUATION:
        kind.produce(b)
    return b.records


__all__ = ["DEFAULT_PROFILE", "FactBuilder", "FactRecord", "build_facts"]
