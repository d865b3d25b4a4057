"""The JSON document of a run: reports with their findings, errors, and a summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from checker import __version__
from checker.check import Report
from checker.findings import FileError, Finding

FORMAT_VERSION = "1"


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "category": f.category,
        "severity": f.severity,
        "title": f.title.get(lang),
        "message": f.message.get(lang),
        "messages": f.message.model_dump(),
        "location": f.location.model_dump(mode="json", exclude_none=True),
        "evidence": f.evidence.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
    }


def summary(reports: list[Report], errors: list[FileError], files: int) -> dict[str, Any]:
    findings = [f for r in reports for f in r.findings]
    return {
        "files": files,
        "reports": len(reports),
        "findings": len(findings),
        "errors": len(errors),
        "by_severity": {s: n for s in ("error", "warning", "info") if (n := sum(f.severity == s for f in findings))},
        "by_category": dict(sorted(Counter(f.category for f in findings).items())),
        "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
    }


def render_json(reports: list[Report], errors: list[FileError], files: int, lang: str, rules: int) -> str:
    doc = {
        "version": FORMAT_VERSION,
        "tool": {"name": "jxcheck", "version": __version__, "rules": rules},
        "lang": lang,
        "reports": [
            {"source": r.source, "project": r.project, "year": r.year, "department": r.department,
             "warnings": r.warnings, "findings": [finding_dict(f, lang) for f in r.findings]}
            for r in reports
        ],
        "errors": [e.model_dump() for e in errors],
        "summary": summary(reports, errors, files),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
