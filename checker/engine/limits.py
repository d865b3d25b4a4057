"""What durable-rules can take. Past these limits it hangs, crashes or refuses the ruleset (codes
108/113/303/501/503), so every rule is checked before the engine sees it; each limit is named in the
message that enforces it, and README's "Limits and safety" lists them."""

from __future__ import annotations

import re

from checker.engine.conditions import Group, JoinRef, Number, Pattern, Term, Test
from checker.patterns import pattern_problem

LIMITS = {
    "condition depth": 5,  # nested all/any
    "any/all width": 10,  # conditions in one all/any
    "rules in all packs": 400,
    "rules on one fact kind": 60,
    "pattern length": 200,  # characters of a `matches` pattern
    "pattern group depth": 6,
    "pattern alternatives": 60,
}
# regex syntax the engine's own regex machine lacks
_UNSUPPORTED_SYNTAX_RE = re.compile(r"\(\?|\\[dDsSwWbB]")


class LimitError(ValueError):
    """A rule the engine cannot run; the message names the limit. The rule book adds the file and line."""


def check_patterns(patterns: tuple[Pattern, ...]) -> None:
    for pattern in patterns:
        _check_terms(pattern.terms, 0)


def check_depth(depth: int) -> None:
    if depth > LIMITS["condition depth"]:
        raise LimitError(f"conditions nested deeper than {LIMITS['condition depth']} (limit: condition depth)")


def check_width(quantifier: str, n: int) -> None:
    if n > LIMITS["any/all width"]:
        raise LimitError(f"`{quantifier}` lists {n} conditions; at most {LIMITS['any/all width']} (limit: any/all "
                         "width) — split the rule")


def _check_terms(terms: tuple[Term, ...], depth: int) -> None:
    check_depth(depth)
    for term in terms:
        if isinstance(term, Group):
            check_width(term.quantifier, len(term.blocks))
            for block in term.blocks:
                _check_terms(block, depth + 1)
        else:
            _check_test(term)


def _check_test(test: Test) -> None:
    operand = test.operand
    if isinstance(operand, Number):
        check_number(operand.value, f"parameter {operand.param}" if operand.param else test.field)
    elif isinstance(operand, JoinRef) and test.op != "eq":
        # durable-rules' beta nodes read invalid memory on `$neq` & co. between joined facts
        raise LimitError(f"{test.field}: a join compares joined facts only by equality; compute the difference "
                         "as a fact field instead")
    elif test.op == "matches" and isinstance(operand, str):
        check_pattern(test.field, operand)


def check_number(value: float, what: str) -> None:
    if isinstance(value, float) and "e" in repr(value):
        raise LimitError(f"{what}: {value!r} needs exponent notation, which durable-rules cannot parse; use 0 or a "
                         "value of at least 0.0001")


def check_pattern(name: str, value: str) -> None:
    """Patterns the engine's regex machine can run in bounded time and memory."""
    def fail(msg: str) -> None:
        raise LimitError(f"pattern for {name}: {msg}")

    if _UNSUPPORTED_SYNTAX_RE.search(value):
        raise LimitError(f"pattern for {name} uses syntax durable-rules lacks ((?…), \\d, \\w…)")
    problem = pattern_problem(value, LIMITS["pattern length"], LIMITS["pattern group depth"],
                              LIMITS["pattern alternatives"])
    if problem:
        fail(problem)


def check_counts(total: int, per_kind: dict[str, int]) -> None:
    """The rule set as a whole: raise once a count passes its limit."""
    if total > LIMITS["rules in all packs"]:
        raise LimitError(f"more than {LIMITS['rules in all packs']} rules in all packs (limit: rules in all packs)")
    for kind, n in per_kind.items():
        if n > LIMITS["rules on one fact kind"]:
            raise LimitError(f"more than {LIMITS['rules on one fact kind']} rules on fact kind {kind!r} (limit: "
                             "rules on one fact kind)")
