"""A rule's `when` → the engine's condition tree, every field, operator, parameter and literal checked
against the fact schema. Conditions are data:

    when:
      full_marks: true            # field equals value
      met: false
      score_excess: {gt: $tolerance}     # ops: eq ne gt gte lt lte exists matches
      any:                        # all / any: lists of conditions
        - unit_issue: {exists: true}
        - expression_issue: {exists: true}

`$name` is a parameter of the rule, `@field` another field of the same fact, `@a.field` a field of the
fact joined as `a` (matched before this one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from checker.engine.conditions import OPS, FieldRef, Group, JoinRef, Number, Operand, Pattern, Term, Test
from checker.engine.limits import LimitError, check_depth, check_width
from checker.facts.schema import fields_of
from checker.rulebook.model import Rule, RuleError


def patterns_of(rule: Rule) -> tuple[Pattern, ...]:
    """One pattern per alias, in the order the rule names them."""
    out = []
    aliases = list(rule.aliases.items())
    for i, (alias, kind) in enumerate(aliases):
        block = rule.when[alias] if rule.facts else rule.when
        out.append(Pattern(alias, kind, _block(rule, block, kind, dict(aliases[:i]), 0)))
    return tuple(out)


def _fail(rule: Rule, message: str) -> RuleError:
    return RuleError(rule.file, message, rule.where())


def _block(rule: Rule, block: Any, kind: str, earlier: dict[str, str], depth: int) -> tuple[Term, ...]:
    if not isinstance(block, dict):
        raise _fail(rule, f"a condition must be a mapping, not {block!r}")
    _within_limits(rule, check_depth, depth)  # checked while walking: the walk itself must stay shallow
    terms: list[Term] = []
    for key, test in block.items():
        if key == "__line__":
            continue
        if key in ("all", "any"):
            if not isinstance(test, list) or not test:
                raise _fail(rule, f"`{key}` takes a non-empty list of conditions")
            _within_limits(rule, check_width, key, len(test))
            terms.append(Group(key, tuple(_block(rule, t, kind, earlier, depth + 1) for t in test)))
            continue
        terms.extend(_field(rule, key, test, kind, earlier))
    return tuple(terms)


def _field(rule: Rule, name: str, test: Any, kind: str, earlier: dict[str, str]) -> list[Test]:
    fields = fields_of(kind)
    if name not in fields:
        raise _fail(rule, f"condition names unknown field {name!r} of fact kind {kind!r}")
    ftype = fields[name].type
    ops = test if isinstance(test, dict) else {"eq": test}
    out: list[Test] = []
    for op, raw in ops.items():
        if op == "__line__":
            continue
        if op not in OPS:
            raise _fail(rule, f"unknown operator {op!r} on {name}; use one of {', '.join(sorted(OPS))}")
        if op == "exists":
            if not isinstance(raw, bool):
                raise _fail(rule, f"`exists` on {name} takes true or false")
            out.append(Test(name, "exists", raw))
            continue
        operand = _operand(rule, raw, kind, earlier, name, op)
        if op == "matches":
            if ftype != "string" or not isinstance(operand, str):
                raise _fail(rule, f"`matches` needs a string field and a pattern ({name})")
            try:
                re.compile(operand)
            except re.error as exc:
                raise _fail(rule, f"bad pattern for {name}: {exc}") from None
        elif op in ("gt", "gte", "lt", "lte") and ftype == "string":
            raise _fail(rule, f"`{op}` compares numbers; {name} is a string field")
        elif not isinstance(operand, FieldRef | JoinRef):
            _check_literal(rule, name, ftype, operand)
        out.append(Test(name, op, operand))
    return out


def _check_literal(rule: Rule, name: str, ftype: str, operand: Operand) -> None:
    value = operand.value if isinstance(operand, Number) else int(operand) if isinstance(operand, bool) else operand
    ok = (ftype == "number" and isinstance(value, int | float)) or (ftype == "bool" and value in (0, 1)) or \
        (ftype == "string" and isinstance(value, str))
    if not ok:
        raise _fail(rule, f"{name} is a {ftype} field; {value!r} can never match")


def _operand(rule: Rule, raw: Any, kind: str, earlier: dict[str, str], name: str, op: str) -> Operand:
    param = None
    if isinstance(raw, str) and raw.startswith("$"):
        param = raw[1:]
        if param not in rule.parameters:
            raise _fail(rule, f"unknown parameter {raw} in the condition on {name}")
        raw = rule.parameters[param]
    elif isinstance(raw, str) and raw.startswith("@"):
        ref = raw[1:]
        if "." in ref:
            alias, fname = ref.split(".", 1)
            if alias not in earlier:
                raise _fail(rule, f"{raw}: a join may only refer to an alias matched before")
            if fname not in fields_of(earlier[alias]):
                raise _fail(rule, f"{raw} names unknown field {fname!r} of {earlier[alias]!r}")
            return JoinRef(alias, fname)
        if ref not in fields_of(kind):
            raise _fail(rule, f"{raw} names unknown field {ref!r} of {kind!r}")
        return FieldRef(ref)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Number(raw, param)
    return raw  # a bool or a string; anything else fails the literal check


def limit_error(rule: Rule, exc: LimitError) -> RuleError:
    return _fail(rule, str(exc))


def _within_limits(rule: Rule, check: Callable[..., None], *args: Any) -> None:
    try:
        check(*args)
    except LimitError as exc:
        raise limit_error(rule, exc) from None
