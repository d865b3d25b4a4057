"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
import re
from typing import Any

from checker import __version__
from checker.findings import Finding
from checker.render.common import artifact_uri, suggested_text
from checker.results import RunResult
from checker.rulebook import Rule, example_lines

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "jxcheck/v1"


def _name(rule: Rule) -> str:
    words = re.findall(r"[A-Za-z0-9]+", rule.title.en)
    return "".join(w[:1].upper() + w[1:] for w in words) or rule.id


def _help(rule: Rule, lang: str) -> dict[str, str]:
    other = "en" if lang == "zh" else "zh"
    text = f"{rule.title.get(lang)}\n\n{rule.rationale.get(lang)}\n\n{rule.rationale.get(other)}"
    md = [f"**{rule.title.get(lang)}** ({rule.category}, {rule.severity})", "", rule.rationale.get(lang), "",
          rule.rationale.get(other)]
    if rule.reference:
        text += f"\n\n{rule.reference}"
        md += ["", f"依据 / reference: {rule.reference}"]
    md += example_lines(rule.examples, "- ", lang=lang)
    return {"text": text, "markdown": "\n".join(md)}


def _rule(rule: Rule, lang: str) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": _name(rule),
        "shortDescription": {"text": rule.title.get(lang)},
        "fullDescription": {"text": rule.rationale.get(lang)},
        "help": _help(rule, lang),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"category": rule.category, "tags": [rule.category, "jxcheck"],
                       **({"reference": rule.reference} if rule.reference else {})},
    }


def _result(f: Finding, source: str, index: dict[str, int], lang: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(source)}}
    loc = f.location.source
    if loc is not None and loc.line:
        physical["region"] = {"startLine": loc.line}
    logical_path = [f.project, *f.location.path]
    evidence = f.evidence.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVEL[f.severity],
        "message": {"text": f.message.get(lang) + (f"（{fix}）" if (fix := suggested_text(f.evidence, lang)) else "")},
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{"fullyQualifiedName": " › ".join(logical_path), "name": logical_path[-1],
                                  "kind": "member"}],
            **({"message": {"text": loc.describe(lang)}} if loc is not None and loc.describe(lang) else {}),
        }],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"category": f.category, "project": f.project, "year": f.year, "department": f.department,
                       "evidence": evidence, "messages": f.message.model_dump()},
    }


def render_sarif(result: RunResult) -> str:
    lang = result.lang
    rules = sorted(result.rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    results = [_result(f, f.source or r.source, index, lang) for r in result.reports for f in r.findings]
    notifications = [{"level": "error", "message": {"text": e.message},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(e.source)}}}]}
                     for e in result.errors]
    notifications += [{"level": "note", "message": {"text": f"not checked ({x.reason}): {x.message}"},
                       "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(x.source)}}}]}
                      for x in result.skipped]
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "jxcheck", "version": __version__, "semanticVersion": __version__,
                                "rules": [_rule(r, lang) for r in rules]}},
            "results": results,
            "invocations": [{"executionSuccessful": not result.errors,
                             "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
