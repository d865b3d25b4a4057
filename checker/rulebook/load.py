"""Rule packs: YAML files of rules, validated on load. Every mistake — an unknown key, a bad severity, a
duplicate id, an unknown field or parameter, a rule the engine cannot run — is an error naming the file,
the line and the rule."""

from __future__ import annotations

import re
import string
from pathlib import Path

from pydantic import ValidationError

from checker.engine import LimitError, check_counts, compile_rule
from checker.facts.schema import FACT_KINDS, PLACES, fields_of
from checker.rulebook.conditions import limit_error, patterns_of
from checker.rulebook.model import Rule, RuleError
from checker.yamlio import load_marked, strip_lines

FORMAT_WIDTH = 3  # digits of a width or precision in a message placeholder ({score:>999}); limit: format width
_SPEC_RE = re.compile(r"^(?:.?[<>=^])?[+\- ]?#?0?(?P<width>\d*)[,_]?(?:\.(?P<prec>\d+))?[a-zA-Z%]?$")


def load_rule_file(path: Path) -> list[Rule]:
    source = str(path)
    data = load_marked(path, RuleError, "rule file")
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(source, "a rule file holds a mapping with a `rules:` list")
    unknown = set(data) - {"rules", "family", "description", "__line__"}
    if unknown:
        raise RuleError(source, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    rules = []
    for raw in data["rules"]:
        line = raw.get("__line__", 0) if isinstance(raw, dict) else 0
        rid = raw.get("id", "?") if isinstance(raw, dict) else "?"
        if not isinstance(raw, dict):
            raise RuleError(source, "each rule must be a mapping", f"line {line}")
        try:
            rule = Rule.model_validate({**strip_lines(raw), "file": source, "line": line})
        except ValidationError as exc:
            err = exc.errors()[0]
            path = ".".join(str(p) for p in err["loc"])
            raise RuleError(source, f"{path}: {err['msg']}", f"line {line}, rule {rid}") from None
        check_rule(rule)
        rules.append(rule)
    return rules


def load_rules(dirs: list[Path]) -> list[Rule]:
    """Every *.yaml of every directory, in order; a rule id may be defined once."""
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    per_kind: dict[str, int] = {}
    for d in dirs:
        if not d.is_dir():
            raise RuleError(str(d), "rule directory not found")
        for path in sorted(d.glob("*.yaml")) + sorted(d.glob("*.yml")):
            for rule in load_rule_file(path):
                if rule.id in seen:
                    first = seen[rule.id]
                    raise RuleError(rule.file, f"duplicate rule id {rule.id} (first defined in {first.file}, "
                                               f"line {first.line})", rule.where())
                seen[rule.id] = rule
                rules.append(rule)
                for kind in rule.kinds:
                    per_kind[kind] = per_kind.get(kind, 0) + 1
                try:
                    check_counts(len(rules), per_kind)
                except LimitError as exc:
                    raise limit_error(rule, exc) from None
    return rules


def check_rule(rule: Rule) -> Rule:
    """Check a rule in full and compile it for the engine (kept with the rule)."""
    def fail(msg: str) -> None:
        raise RuleError(rule.file, msg, rule.where())

    if (rule.fact is None) == (rule.facts is None):
        fail("give either `fact: KIND` or `facts: {alias: KIND, alias: KIND}`")
    for alias, kind in rule.aliases.items():
        if kind not in FACT_KINDS:
            fail(f"unknown fact kind {kind!r}; known: {', '.join(sorted(FACT_KINDS))}")
        if rule.facts is not None and not re.fullmatch(r"[a-z]", alias):
            fail(f"join alias {alias!r} must be one lower-case letter")
    if rule.facts is not None:
        if len(rule.facts) != 2:
            fail("a join names exactly two facts")
        if set(rule.when) - {"__line__"} != set(rule.facts):
            fail(f"a join's `when` has one condition block per alias: {', '.join(rule.facts)}")
    patterns = patterns_of(rule)  # raises on unknown fields, ops and parameters
    try:
        rule._compiled = compile_rule(rule.id, patterns)
    except LimitError as exc:
        raise limit_error(rule, exc) from None
    _check_templates(rule)
    return rule


def _placeholders(template: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValueError(f"bad template {template!r}: {exc}") from None


def template_names(rule: Rule) -> set[str]:
    """Names a message template may use: fields (alias.field in a join) and parameters."""
    names = set(rule.parameters)
    for alias, kind in rule.aliases.items():
        for f in fields_of(kind):
            names.add(f"{alias}.{f}" if rule.facts else f)
    return names


def _check_specs(rule: Rule, lang: str, template: str) -> None:
    """Format specs of a safe subset: no nested fields, widths and precisions of at most three digits."""
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is None or not spec:
            continue
        m = _SPEC_RE.match(spec)
        if "{" in spec or m is None or len(m.group("width") or "") > FORMAT_WIDTH \
                or len(m.group("prec") or "") > FORMAT_WIDTH:
            raise RuleError(rule.file, f"message.{lang}: format spec {{{name}:{spec}}} is outside the safe subset "
                                       f"(widths and precisions of at most {FORMAT_WIDTH} digits; limit: format "
                                       "width)", rule.where())


def _check_templates(rule: Rule) -> None:
    allowed = template_names(rule)
    for lang in ("zh", "en"):
        template = getattr(rule.message, lang)
        try:
            names = _placeholders(template)
        except ValueError as exc:
            raise RuleError(rule.file, f"message.{lang}: {exc}", rule.where()) from None
        _check_specs(rule, lang, template)
        for name in names:
            if name not in allowed:
                raise RuleError(rule.file, f"message.{lang} uses unknown placeholder {{{name}}}", rule.where())
    ev = rule.evidence
    if rule.at is not None:
        places = set().union(*(PLACES.get(k, set()) for k in rule.kinds))
        if rule.at not in places:
            raise RuleError(rule.file, f"at: {rule.at!r} is no cell of the fact; known: {', '.join(sorted(places)) or 'none'}",
                            rule.where())
    for label, name in (("reported", ev.reported), ("computed", ev.computed), ("suggested", ev.suggested)):
        if name is not None and name not in allowed:
            raise RuleError(rule.file, f"evidence.{label} names unknown field {name!r}", rule.where())
    if ev.tolerance is not None and ev.tolerance.lstrip("$") not in allowed:
        raise RuleError(rule.file, f"evidence.tolerance names unknown parameter {ev.tolerance!r}", rule.where())


def bundled_rules_dir() -> Path:
    """rules/ of the source tree; installed copies carry it as checker/bundled_rules."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "rules", here / "bundled_rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError(str(here.parent / "rules"), "bundled rule directory not found")
