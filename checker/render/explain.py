"""`jxcheck explain ID`: one rule, from its YAML, the way ruff documents a rule."""

from __future__ import annotations

import yaml

from checker.facts.schema import fields_of
from checker.rulebook import Rule, example_lines

HEAD = {"zh": ("规则", "类别", "严重程度", "匹配事实", "条件", "参数", "提示信息", "依据", "说明", "示例", "不合规", "合规",
               "可用字段"),
        "en": ("rule", "category", "severity", "fact", "condition", "parameters", "message", "reference",
               "rationale", "examples", "bad", "good", "fields")}


def explain(rule: Rule, lang: str) -> str:
    h = HEAD[lang]
    other = "en" if lang == "zh" else "zh"
    lines = [f"{rule.id}  {rule.title.get(lang)}", f"      {rule.title.get(other)}", "",
             f"{h[1]}: {rule.category}    {h[2]}: {rule.severity}",
             f"{h[3]}: " + ", ".join(f"{a}={k}" if rule.facts else k for a, k in rule.aliases.items()),
             f"{rule.file}, line {rule.line}", "",
             f"{h[8]}:", f"  {rule.rationale.get(lang)}", f"  {rule.rationale.get(other)}", ""]
    if rule.reference:
        lines += [f"{h[7]}: {rule.reference}", ""]
    lines += [f"{h[4]}:"]
    lines += ["  " + x for x in yaml.safe_dump(rule.when, allow_unicode=True, sort_keys=False).splitlines()]
    if rule.parameters:
        lines += ["", f"{h[5]}:"] + [f"  {k}: {v}" for k, v in rule.parameters.items()]
    lines += ["", f"{h[6]}:", f"  zh: {rule.message.zh}", f"  en: {rule.message.en}"]
    if rule.examples:
        lines += ["", f"{h[9]}:", *example_lines(rule.examples, "  ", f"{h[10]}: ", f"{h[11]}: ", lang)]
    for alias, kind in rule.aliases.items():
        names = ", ".join(f for f in fields_of(kind) if f != "kind")
        lines += ["", f"{h[12]} ({kind}{'' if not rule.facts else ' as ' + alias}): {names}"]
    return "\n".join(lines) + "\n"
