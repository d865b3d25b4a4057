"""Every fact kind, one module each: its documented fields (`KIND`) and the code that produces it.

`PER_EVALUATION` is the order producers run in for each evaluation (it fixes the order of findings);
`CROSS_FILING` kinds are produced by the cross-filing index (checker.facts.cross).
To add a kind: write a module here with `KIND` and `produce(b)`, list it below, and run
`jxcheck facts > docs/facts.md`; tests/test_fact_kinds.py checks that it produces only documented fields.
"""

from __future__ import annotations

from types import ModuleType

from checker.facts.base import FactKind
from checker.facts.kinds import (
    claim,
    department_funding,
    evaluation,
    funding,
    funding_column,
    funding_subject,
    gap,
    goal,
    goal_statement,
    indicator,
    level1,
    metric_pair,
    narrative,
    narrative_funding,
    paste,
    stated_funding,
    stated_sum,
    text,
    text_rate,
)

PER_EVALUATION: tuple[ModuleType, ...] = (
    evaluation, narrative, funding, funding_column, level1, indicator, text, gap, stated_sum, goal, stated_funding,
    department_funding, narrative_funding, claim, text_rate, goal_statement, funding_subject,
)
CROSS_FILING: tuple[ModuleType, ...] = (paste, metric_pair)

KINDS: dict[str, FactKind] = {m.KIND.name: m.KIND for m in (*PER_EVALUATION, *CROSS_FILING)}
