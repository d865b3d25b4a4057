"""Which rules run: selection by id, id prefix or category, and the most specific severity override."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from checker.findings import CATEGORIES, CATEGORY_ZH
from checker.rulebook.model import Rule, RuleError

# a category by its English or its Chinese name (预算, 计算 …), as the page and the reports show it
_CATEGORY_NAMES = {**{c: c for c in CATEGORIES}, **{zh: c for c, zh in CATEGORY_ZH.items()}}


def category_named(name: str) -> str | None:
    """The category a name stands for: budget or 预算 → budget; None for a rule id or prefix."""
    return _CATEGORY_NAMES.get(name.strip().lower())


def unknown_name(name: str, rule_ids: Iterable[str]) -> str:
    """'unknown rule id or category X', with the nearest names where one is close."""
    ids = list(rule_ids)
    near = difflib.get_close_matches(name.strip().upper(), ids, n=3, cutoff=0.6) + \
        difflib.get_close_matches(name.strip().lower(), list(_CATEGORY_NAMES), n=2, cutoff=0.6)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    return f"unknown rule id or category {name!r}{hint}"


def select_rules(rules: list[Rule], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """Keep rules named by id, id prefix (BUD) or category; unknown names are an error."""
    select, ignore = list(select), list(ignore)
    unknown = [unknown_name(n, (r.id for r in rules)) for n in select + ignore if not any(selects(n, r) for r in rules)]
    if unknown:
        raise RuleError("--select/--ignore", "; ".join(unknown))
    kept = [r for r in rules if not select or any(selects(n, r) for n in select)]
    return [r for r in kept if not any(selects(n, r) for n in ignore)]


def selects(name: str, rule: Rule) -> bool:
    """A rule id (BUD001), an id prefix (BUD) or a category (budget, 预算) names the rule."""
    name = name.strip()
    category = category_named(name)
    if category is not None:
        return rule.category == category
    return rule.id == name.upper() or (len(name) < len(rule.id) and rule.id.startswith(name.upper()))


def severity_for(rule_id: str, category: str, overrides: dict[str, str]) -> str | None:
    """The most specific override: rule id, then the longest id prefix, then the category."""
    if rule_id in overrides:
        return overrides[rule_id]
    prefixes = sorted((k for k in overrides if rule_id.startswith(k.upper()) and category_named(k) is None),
                      key=len, reverse=True)
    if prefixes:
        return overrides[prefixes[0]]
    return next((v for k, v in overrides.items() if category_named(k) == category), None)
