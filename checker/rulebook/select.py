"""Which rules run: selection by id, id prefix or category, and the most specific severity override."""

from __future__ import annotations

from collections.abc import Iterable

from checker.findings import CATEGORIES
from checker.rulebook.model import Rule, RuleError


def select_rules(rules: list[Rule], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """Keep rules named by id, id prefix (BUD) or category; unknown names are an error."""
    select, ignore = list(select), list(ignore)
    for name in select + ignore:
        if not any(selects(name, r) for r in rules):
            raise RuleError("--select/--ignore", f"unknown rule id or category {name!r}")
    kept = [r for r in rules if not select or any(selects(n, r) for n in select)]
    return [r for r in kept if not any(selects(n, r) for n in ignore)]


def selects(name: str, rule: Rule) -> bool:
    """A rule id (BUD001), an id prefix (BUD) or a category (budget) names the rule."""
    name = name.strip()
    if name.lower() in CATEGORIES:
        return rule.category == name.lower()
    return rule.id == name.upper() or (len(name) < len(rule.id) and rule.id.startswith(name.upper()))


def severity_for(rule_id: str, category: str, overrides: dict[str, str]) -> str | None:
    """The most specific override: rule id, then the longest id prefix, then the category."""
    if rule_id in overrides:
        return overrides[rule_id]
    prefixes = sorted((k for k in overrides if rule_id.startswith(k.upper()) and k.lower() not in CATEGORIES),
                      key=len, reverse=True)
    if prefixes:
        return overrides[prefixes[0]]
    return overrides.get(category)
