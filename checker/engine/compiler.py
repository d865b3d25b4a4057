"""Condition trees → durable-rules' dict form, checked against the engine's limits first."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from checker.engine.conditions import FieldRef, Group, JoinRef, Number, Pattern, Term, Test
from checker.engine.limits import check_patterns

_DURABLE_OPS = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


@dataclass(frozen=True)
class CompiledRule:
    """A rule as the engine runs it: its id, the aliases of the facts it matches, and the ruleset entry."""

    id: str
    aliases: tuple[str, ...]
    kinds: tuple[str, ...]
    definition: dict[str, Any] = field(hash=False, compare=False)
    fingerprint: str = ""  # of the definition: equal rules share one built engine


def compile_rule(rule_id: str, patterns: tuple[Pattern, ...]) -> CompiledRule:
    """Raise LimitError for what the engine cannot run; otherwise the compiled rule."""
    check_patterns(patterns)
    definition = {"all": [{p.alias: {"$and": [{"kind": p.kind}, *_terms(p.terms)]}} for p in patterns]}
    digest = hashlib.sha256(json.dumps([rule_id, definition], sort_keys=True, ensure_ascii=False).encode())
    return CompiledRule(rule_id, tuple(p.alias for p in patterns), tuple(dict.fromkeys(p.kind for p in patterns)),
                        definition, digest.hexdigest()[:16])


def _terms(terms: tuple[Term, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for term in terms:
        if isinstance(term, Group):
            subs = [{"$and": _terms(block)} for block in term.blocks]
            out.append({"$and": subs} if term.quantifier == "all" else {"$or": subs})
        else:
            out.extend(_test(term))
    return out


def _test(test: Test) -> list[dict[str, Any]]:
    name, op, operand = test.field, test.op, test.operand
    if op == "exists":
        return [{"$ex" if operand else "$nex": {name: 1}}]
    if op == "matches":
        return [{"$ex": {name: 1}}, {"$mt": {name: f".*({operand}).*"}}]
    value = _value(operand)
    # every comparison is guarded by an existence test: an unknown field never matches
    return [{"$ex": {name: 1}}, {name: value} if op == "eq" else {_DURABLE_OPS[op]: {name: value}}]


def _value(operand: Any) -> Any:
    if isinstance(operand, FieldRef):
        return {"$m": operand.field}
    if isinstance(operand, JoinRef):
        return {operand.alias: operand.field}
    if isinstance(operand, bool):
        return int(operand)
    if isinstance(operand, Number):
        v = operand.value
        return int(v) if isinstance(v, float) and v == int(v) else v
    return operand
