"""Rule packs: YAML files of rules, validated on load and compiled to durable-rules' dict form.

A rule names the fact kind it matches (`fact`) or two aliased kinds it joins (`facts`), and a condition
(`when`) over their documented fields (`checker.facts.schema`). Conditions are data:

    when:
      full_marks: true            # field equals value
      met: false
      score_excess: {gt: $tolerance}     # ops: eq ne gt gte lt lte exists matches
      any:                        # all / any: lists of conditions
        - unit_issue: {exists: true}
        - expression_issue: {exists: true}

`$name` is a parameter of the rule, `@field` another field of the same fact, `@a.field` a field of the
fact joined as `a`. Every mistake — an unknown key, a bad severity, a duplicate id, an unknown field or
parameter — is an error naming the file, the line and the rule.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checker.errors import JxError
from checker.facts.schema import FACT_KINDS, PLACES, fields_of
from checker.findings import Bilingual, Category, Severity
from checker.yamlio import load_marked, strip_lines

RULE_ID_RE = re.compile(r"^[A-Z]{2,6}\d{3}$")

# What durable-rules can take, checked before it sees a rule (past these it hangs, crashes or refuses the
# ruleset with codes 108/113/303/501/503): each limit is named in the error that enforces it.
LIMITS = {
    "condition depth": 5,  # nested all/any
    "any/all width": 10,  # conditions in one all/any
    "rules in all packs": 400,
    "rules on one fact kind": 60,
    "pattern length": 200,  # characters of a `matches` pattern
    "pattern group depth": 6,
    "pattern alternatives": 60,
    "format width": 3,  # digits of a width or precision in a message placeholder ({score:>999})
}
_NESTED_QUANTIFIER_RE = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]")
_SPEC_RE = re.compile(r"^(?:.?[<>=^])?[+\- ]?#?0?(?P<width>\d*)[,_]?(?:\.(?P<prec>\d+))?[a-zA-Z%]?$")
OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "exists", "matches"}
_DURABLE_OPS = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


class RuleError(JxError):
    """A rule pack that cannot be used."""


class EvidenceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["figures", "similarity", "table"] = Field(
        "figures", description="how the evidence reads: reported vs computed figures (填报/计算), a similarity and "
                               "its threshold (相似度/阈值), or the table's own values (填报/表内值)")
    reported: str | None = Field(None, description="field holding the reported figure")
    computed: str | None = Field(None, description="field holding the computed figure")
    suggested: str | None = Field(None, description="field holding the value that should stand in the cell (应填)")
    tolerance: str | None = Field(None, description="$parameter or field giving the tolerance applied")
    items: str | None = Field(None, description="evidence list of the fact to show (costs, parts, table…)")


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bad: str | None = None
    good: str | None = None
    note: Bilingual | None = None


def example_lines(examples: list[Example], prefix: str, bad: str = "", good: str = "", lang: str = "zh") -> list[str]:
    """The rule's examples, one line each, for `explain` and for SARIF help."""
    out: list[str] = []
    for ex in examples:
        if ex.bad:
            out.append(f"{prefix}✗ {bad}{ex.bad}")
        if ex.good:
            out.append(f"{prefix}✓ {good}{ex.good}")
        if ex.note:
            out.append(f"{prefix}  {ex.note.get(lang)}")
    return out


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    category: Category
    severity: Severity
    title: Bilingual
    message: Bilingual
    rationale: Bilingual
    reference: str | None = None
    parameters: dict[str, float | int | str | bool] = Field(default_factory=dict)
    fact: str | None = None
    facts: dict[str, str] | None = None
    when: dict[str, Any]
    evidence: EvidenceSpec = Field(default_factory=EvidenceSpec)
    at: str | None = Field(None, description="the cell of the fact the finding points at (rate, score, target …)")
    examples: list[Example] = Field(default_factory=list)
    # where it was loaded from (set by the loader, not written in YAML)
    file: str = ""
    line: int = 0

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not RULE_ID_RE.match(v):
            raise ValueError("rule id must be 2–6 capital letters and 3 digits, e.g. BUD001")
        return v

    @property
    def aliases(self) -> dict[str, str]:
        return self.facts if self.facts else {"m": self.fact or ""}

    @property
    def kinds(self) -> set[str]:
        return set(self.aliases.values())

    def where(self) -> str:
        return f"line {self.line}, rule {self.id}"


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
                if len(rules) > LIMITS["rules in all packs"]:
                    raise RuleError(rule.file, f"more than {LIMITS['rules in all packs']} rules in all packs (limit: "
                                               "rules in all packs)", rule.where())
                for kind in rule.kinds:
                    per_kind[kind] = per_kind.get(kind, 0) + 1
                    if per_kind[kind] > LIMITS["rules on one fact kind"]:
                        raise RuleError(rule.file, f"more than {LIMITS['rules on one fact kind']} rules on fact kind "
                                                   f"{kind!r} (limit: rules on one fact kind)", rule.where())
    return rules


# --- validation ------------------------------------------------------------------------------------------

def check_rule(rule: Rule) -> None:
    def fail(msg: str) -> None:
        raise RuleError(rule.file, msg, rule.where())

    if (rule.fact is None) == (rule.facts is None):
        fail("give either `fact: KIND` or `facts: {alias: KIND, alias: KIND}`")
    for name, value in rule.parameters.items():
        if isinstance(value, float) and "e" in repr(value):
            fail(f"parameter {name}: {value!r} needs exponent notation, which durable-rules cannot parse; "
                 "use 0 or a value of at least 0.0001")
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
    compile_rule(rule)  # raises on unknown fields, ops and parameters
    _check_templates(rule)


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
        limit = LIMITS["format width"]
        if "{" in spec or m is None or len(m.group("width") or "") > limit or len(m.group("prec") or "") > limit:
            raise RuleError(rule.file, f"message.{lang}: format spec {{{name}:{spec}}} is outside the safe subset "
                                       f"(widths and precisions of at most {limit} digits; limit: format width)",
                            rule.where())


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


# --- compilation to durable-rules --------------------------------------------------------------------

def compile_rule(rule: Rule) -> dict[str, Any]:
    """The rule in durable-rules' dict form, without its action."""
    patterns = []
    aliases = list(rule.aliases.items())
    for i, (alias, kind) in enumerate(aliases):
        block = rule.when[alias] if rule.facts else rule.when
        earlier = {a: k for a, k in aliases[:i]}
        terms = [{"kind": kind}, *_compile_block(rule, block, kind, earlier)]
        patterns.append({alias: {"$and": terms}})
    return {"all": patterns}


def _compile_block(rule: Rule, block: Any, kind: str, earlier: dict[str, str], depth: int = 0) -> list[dict[str, Any]]:
    if not isinstance(block, dict):
        raise RuleError(rule.file, f"a condition must be a mapping, not {block!r}", rule.where())
    if depth > LIMITS["condition depth"]:
        raise RuleError(rule.file, f"conditions nested deeper than {LIMITS['condition depth']} (limit: condition "
                                   "depth)", rule.where())
    terms: list[dict[str, Any]] = []
    for key, test in block.items():
        if key == "__line__":
            continue
        if key in ("all", "any"):
            if not isinstance(test, list) or not test:
                raise RuleError(rule.file, f"`{key}` takes a non-empty list of conditions", rule.where())
            if len(test) > LIMITS["any/all width"]:
                raise RuleError(rule.file, f"`{key}` lists {len(test)} conditions; at most {LIMITS['any/all width']} "
                                           "(limit: any/all width) — split the rule", rule.where())
            subs = [{"$and": _compile_block(rule, t, kind, earlier, depth + 1)} for t in test]
            terms.append({"$and": subs} if key == "all" else {"$or": subs})
            continue
        terms.extend(_compile_field(rule, key, test, kind, earlier))
    return terms


def _compile_field(rule: Rule, name: str, test: Any, kind: str, earlier: dict[str, str]) -> list[dict[str, Any]]:
    fields = fields_of(kind)
    where = rule.where()
    if name not in fields:
        raise RuleError(rule.file, f"condition names unknown field {name!r} of fact kind {kind!r}", where)
    ftype = fields[name].type
    ops = test if isinstance(test, dict) else {"eq": test}
    ops = {k: v for k, v in ops.items() if k != "__line__"}
    terms: list[dict[str, Any]] = []
    for op, raw in ops.items():
        if op not in OPS:
            raise RuleError(rule.file, f"unknown operator {op!r} on {name}; use one of {', '.join(sorted(OPS))}",
                            where)
        if op == "exists":
            if not isinstance(raw, bool):
                raise RuleError(rule.file, f"`exists` on {name} takes true or false", where)
            terms.append({"$ex" if raw else "$nex": {name: 1}})
            continue
        value = _resolve(rule, raw, kind, earlier, name, op)
        if op == "matches":
            if ftype != "string" or not isinstance(value, str):
                raise RuleError(rule.file, f"`matches` needs a string field and a pattern ({name})", where)
            try:
                re.compile(value)
            except re.error as exc:
                raise RuleError(rule.file, f"bad pattern for {name}: {exc}", where) from None
            if re.search(r"\(\?|\\[dDsSwWbB]", value):
                raise RuleError(rule.file, f"pattern for {name} uses syntax durable-rules lacks ((?…), \\d, \\w…)",
                                where)
            _check_pattern(rule, name, value)
            terms += [{"$ex": {name: 1}}, {"$mt": {name: f".*({value}).*"}}]
            continue
        if op in ("gt", "gte", "lt", "lte") and ftype == "string":
            raise RuleError(rule.file, f"`{op}` compares numbers; {name} is a string field", where)
        if not isinstance(value, dict):
            _check_literal(rule, name, ftype, value)
        terms.append({"$ex": {name: 1}})
        terms.append({name: value} if op == "eq" else {_DURABLE_OPS[op]: {name: value}})
    return terms


def _check_pattern(rule: Rule, name: str, value: str) -> None:
    """Patterns the engine's own regex machine can run in bounded time and memory."""
    where = rule.where()

    def fail(msg: str) -> None:
        raise RuleError(rule.file, f"pattern for {name}: {msg}", where)

    if len(value) > LIMITS["pattern length"]:
        fail(f"{len(value)} characters; at most {LIMITS['pattern length']} (limit: pattern length)")
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
    if deepest > LIMITS["pattern group depth"]:
        fail(f"groups nested {deepest} deep; at most {LIMITS['pattern group depth']} (limit: pattern group depth)")
    if value.count("|") + 1 > LIMITS["pattern alternatives"]:
        fail(f"{value.count('|') + 1} alternatives; at most {LIMITS['pattern alternatives']} (limit: pattern "
             "alternatives) — compute a flag in Python instead")
    if _NESTED_QUANTIFIER_RE.search(value):
        fail("a repeated group that itself repeats, like (a*)*, can take forever to match (limit: nested "
             "quantifiers)")


def _check_literal(rule: Rule, name: str, ftype: str, value: Any) -> None:
    ok = (ftype == "number" and isinstance(value, int | float) and not isinstance(value, bool)) or \
        (ftype == "bool" and value in (0, 1)) or (ftype == "string" and isinstance(value, str))
    if not ok:
        raise RuleError(rule.file, f"{name} is a {ftype} field; {value!r} can never match", rule.where())


def _resolve(rule: Rule, raw: Any, kind: str, earlier: dict[str, str], name: str, op: str) -> Any:
    where = rule.where()
    if isinstance(raw, str) and raw.startswith("$"):
        key = raw[1:]
        if key not in rule.parameters:
            raise RuleError(rule.file, f"unknown parameter {raw} in the condition on {name}", where)
        raw = rule.parameters[key]
    elif isinstance(raw, str) and raw.startswith("@"):
        ref = raw[1:]
        if "." in ref:
            alias, fname = ref.split(".", 1)
            if alias not in earlier:
                raise RuleError(rule.file, f"{raw}: a join may only refer to an alias matched before", where)
            if fname not in fields_of(earlier[alias]):
                raise RuleError(rule.file, f"{raw} names unknown field {fname!r} of {earlier[alias]!r}", where)
            if op != "eq":
                # durable-rules' beta nodes read invalid memory on `$neq` & co. between joined facts
                raise RuleError(rule.file, f"{name}: a join compares joined facts only by equality; compute the "
                                           "difference as a fact field instead", where)
            return {alias: fname}
        if ref not in fields_of(kind):
            raise RuleError(rule.file, f"{raw} names unknown field {ref!r} of {kind!r}", where)
        return {"$m": ref}
    if isinstance(raw, bool):
        return int(raw)
    if isinstance(raw, float) and raw == int(raw):
        return int(raw)
    return raw


def bundled_rules_dir() -> Path:
    """rules/ of the source tree; installed copies carry it as checker/bundled_rules."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "rules", here / "bundled_rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError(str(here.parent / "rules"), "bundled rule directory not found")
