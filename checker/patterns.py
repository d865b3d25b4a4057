"""The shape of a regular expression that can take forever: shared by rule packs (run by durable-rules'
regex machine) and form vocabularies (run by Python's `re` on every cell a filer wrote)."""

from __future__ import annotations

import re

# a repeated group that itself repeats, like (a*)* or (\d+,?)+: exponential backtracking on a long cell
_NESTED_QUANTIFIER_RE = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]")


def pattern_problem(value: str, max_length: int, max_depth: int, max_alternatives: int) -> str | None:
    """What makes `value` unsafe to run on filer text, naming the limit, or None."""
    if len(value) > max_length:
        return f"{len(value)} characters; at most {max_length} (limit: pattern length)"
    depth = deepest = 0
    escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    if deepest > max_depth:
        return f"groups nested {deepest} deep; at most {max_depth} (limit: pattern group depth)"
    if value.count("|") + 1 > max_alternatives:
        return (f"{value.count('|') + 1} alternatives; at most {max_alternatives} (limit: pattern alternatives) — "
                "compute a flag in Python instead")
    if _NESTED_QUANTIFIER_RE.search(value):
        return "a repeated group that itself repeats, like (a*)*, can take forever to match (limit: nested quantifiers)"
    return None
