"""Check one evaluation: model → facts → engine → findings (checker.batch runs it over files and adds the
cross-filing stage).

Findings are deterministic: the same filings and rules give the same findings in the same order.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from checker.engine import Engine
from checker.facts import FactRecord, build_facts
from checker.facts.cross.features import CrossFeatures, extract_features
from checker.facts.schema import fields_of
from checker.facts.scoring import recomputed_scores
from checker.findings import Bilingual, Evidence, Finding, FindingLocation, OtherPlace
from checker.inputs import INPUTS, missing_inputs
from checker.model import Evaluation, assemble
from checker.results import Coverage, Report
from checker.rulebook import Rule


class Checker:
    def __init__(self, rules: list[Rule], profile: dict[str, float] | None = None) -> None:
        self.rules = {r.id: r for r in rules}
        self.profile = profile
        self.engine = Engine.for_rules([r.compiled for r in rules])

    def evaluate(self, ev: Evaluation, source: str, key: int, keep_model: bool = True) -> tuple[Report, CrossFeatures]:
        """One evaluation's findings, and the features the cross-filing stage needs of it."""
        report = Report(source, ev.project, ev.year, ev.department, warnings=list(ev.warnings),
                        evaluation=ev if keep_model else None)
        records = build_facts(ev, key, self.profile)
        report.scores = recomputed_scores(records)
        report.findings.extend(fold(sorted(self.findings(records, source), key=Finding.position_key), self.rules))
        report.findings.sort(key=Finding.sort_key)  # here, in the worker: the main process only merges
        report.coverage = self.coverage(ev)
        for f in report.findings:
            f.fingerprint  # noqa: B018 - computed once, here, and carried with the finding
        return report, extract_features(ev, key, source)

    def coverage(self, ev: Evaluation) -> Coverage:
        """Which rules have what they need of this evaluation (their `requires:`), and which do not."""
        out = Coverage()
        profile = self.profile or {}
        for rule in self.rules.values():
            missing = missing_inputs(ev, rule.requires, profile)
            needed = [m for m in missing if not INPUTS[m].optional]
            if needed:
                out.not_run[rule.id] = needed
            elif missing:
                out.not_applicable[rule.id] = missing
            else:
                out.ran.append(rule.id)
        return out

    def findings(self, records: list[FactRecord], source: str) -> list[Finding]:
        """The findings of the rules these facts match, in firing order."""
        by_fid = {r.fid: r for r in records}
        return [make_finding(self.rules[rule_id], [by_fid[f] for f in fids], source)
                for rule_id, fids in self.engine.run([r.fact for r in records])]


# --- findings ----------------------------------------------------------------------------------------

def fold(findings: list[Finding], rules: Mapping[str, Rule]) -> list[Finding]:
    """One row, one finding of a kind: the findings that follow from another on the same row (a 年度资金总额 row
    of zeros makes its 执行率 and 得分 wrong too) are listed inside it, and several findings of a rule that
    counts one per row become one. Roots come first whatever order the engine fired them in."""
    by_block: dict[tuple[str, ...], list[Finding]] = {}  # 自评表 › 项目资金: the block a finding is in
    for f in findings:
        by_block.setdefault(tuple(f.location.path[:2]), []).append(f)
    kept: list[Finding] = []
    for f in findings:
        rule = rules.get(f.rule)
        row = by_block[tuple(f.location.path[:2])]
        root = None
        if rule is not None and rule.consequence_of and f._may_fold:
            root = next((g for g in row if g.rule in rule.consequence_of and g is not f), None)
        if root is None and rule is not None and rule.one_per_row:
            root = next((g for g in row if g.rule == f.rule), None)
            root = None if root is f else root
        if root is None:
            kept.append(f)
            continue
        root.evidence.consequences.append(assemble(Bilingual, zh=f"{f.rule} {f.message.zh}", en=f"{f.rule} {f.message.en}"))
    return kept


@lru_cache(maxsize=1024)
def _template(template: str) -> tuple[tuple[str, str | None, str], ...]:
    """A message template parsed once: (literal, field, format spec) pieces."""
    return tuple((lit, name, spec or "") for lit, name, spec, _ in string.Formatter().parse(template))


_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Fill a message template; a missing value shows as "?", a float without a spec as %g. A part written
    [[…]] is shown only where every value in it is known (；改后总分应为{total_after:g}分)."""
    if "[[" in template:
        template = _OPTIONAL.sub(lambda m: m.group(1) if all(_lookup(values, name) is not None for _, name, _ in
                                                             _template(m.group(1)) if name) else "", template)
    out: list[str] = []
    for lit, name, spec in _template(template):
        out.append(lit)
        if name is not None:
            out.append(_format(_lookup(values, name), spec))
    return "".join(out)


def _format(value: Any, spec: str) -> str:
    if value is None:
        return "?"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not spec:
        return f"{value:g}"
    try:
        return format(value, spec)
    except (ValueError, TypeError):
        return str(value)


def _values(rule: Rule, records: list[FactRecord]) -> Mapping[str, Any]:
    values: dict[str, Any] = dict(rule.parameters)
    if rule.facts:
        for alias, rec in zip(rule.aliases, records, strict=True):
            values[alias] = SimpleNamespace(**{k: rec.fact.get(k) for k in _all_fields(rec)})
    else:
        values.update(records[0].fact)
    return values


def _all_fields(rec: FactRecord) -> dict[str, Any]:
    return {k: None for k in fields_of(rec.fact["kind"])} | rec.fact


def _lookup(values: Mapping[str, Any], name: str | None) -> Any:
    if name is None:
        return None
    if name.startswith("$"):
        return values.get(name[1:])
    if "." in name:
        alias, attr = name.split(".", 1)
        return getattr(values.get(alias), attr, None)
    return values.get(name)


_OTHER_FIELDS = frozenset(OtherPlace.model_fields)


def make_finding(rule: Rule, records: list[FactRecord], source: str) -> Finding:
    primary = records[0]
    values = _values(rule, records)
    # findings are assembled from checked parts without a validation pass: a run makes tens of thousands
    message = assemble(Bilingual, zh=fill(rule.message.zh, values), en=fill(rule.message.en, values))
    spec = rule.evidence
    items = primary.evidence.get(spec.items, []) if spec.items else []
    evidence = assemble(
        Evidence, kind=spec.kind, reported=_lookup(values, spec.reported), computed=_lookup(values, spec.computed),
        suggested=_lookup(values, spec.suggested), tolerance=_lookup(values, spec.tolerance),
        labels=spec.resolved_labels(), group=_lookup(values, spec.group),
        items=[_item(x) for x in items],
        others=[_other(r) for r in records[1:]] + [assemble(OtherPlace, **{k: v for k, v in x.items()
                                                                          if k in _OTHER_FIELDS})
                                                    for x in primary.others],
    )
    fact = primary.fact
    severity = rule.severity
    uncertain = next((r.uncertain for r in records if r.uncertain), None)
    if uncertain and severity == "error":
        # the arithmetic holds, the reading may not: a column was read from its place, not its header
        severity = "warning"
        message = assemble(Bilingual, zh=f"{message.zh}（读取存疑：{uncertain}列由位置推断）",
                           en=f"{message.en} (reading uncertain: column {uncertain} inferred from its position)")
    finding = assemble(Finding, rule=rule.id, category=rule.category, severity=severity, title=rule.title,
                       message=message, source=source, project=fact.get("project", ""), year=fact.get("year"),
                       department=fact.get("department", ""), location=_location(rule, primary), evidence=evidence)
    finding._order = primary.order
    if rule.consequence_if:
        finding._may_fold = bool(fact.get(rule.consequence_if))
    return finding


def _location(rule: Rule, rec: FactRecord) -> FindingLocation:
    """The fact's place, or the cell the rule names (the 执行率 cell of an execution-rate finding)."""
    if rule.at and rule.at in rec.places:
        loc, text = rec.places[rule.at]
        return assemble(FindingLocation, path=list(rec.path), source=loc, text=text)
    return assemble(FindingLocation, path=list(rec.path), source=rec.loc, text=rec.cell_text)


def _item(x: Any) -> str:
    if isinstance(x, dict):
        return "：".join(str(v) for k, v in x.items() if k != "location")
    return str(x)


def _other(rec: FactRecord) -> OtherPlace:
    f = rec.fact
    return assemble(OtherPlace, source=f.get("source"), project=f.get("project"), section=" › ".join(rec.path),
                    text=rec.cell_text, location=rec.loc)
