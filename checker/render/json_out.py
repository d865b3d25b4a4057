"""The JSON document of a run: reports with their findings, errors, gate results and a summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from checker import __version__
from checker.display import decoded
from checker.findings import Finding
from checker.inputs import INPUTS
from checker.packed import PackedReport, items, unpacked
from checker.render.common import summary
from checker.results import Coverage, Report, RunResult

FORMAT_VERSION = "1"


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "category": f.category,
        "severity": f.severity,
        "title": f.title.get(lang),
        "message": f.message.get(lang),
        "messages": f.message.model_dump(),
        "file": f.source,
        "location": f.location.model_dump(mode="json", exclude_none=True),
        "evidence": f.evidence.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
        "fingerprint": f.fingerprint,
    }


def render_json(result: RunResult) -> Iterator[str]:
    """The document in pieces: a run over an archive is written report by report, never held whole."""
    lang = result.lang
    doc: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "tool": {"name": "jxcheck", "version": __version__, "rules": len(result.rules)},
        "lang": lang,
        "reports": [_PLACEHOLDER],
        "errors": [e.model_dump() for e in result.errors],
        "skipped": [{"source": x.source, "reason": x.reason, "message": x.message} for x in result.skipped],
        "summary": summary(result),
    }
    if result.baseline is not None:
        doc["baseline"] = result.baseline.model_dump(mode="json")
    if result.waivers is not None:
        doc["waivers"] = result.waivers.model_dump(mode="json")
    head, tail = _dumps(doc).split(f'    "{_PLACEHOLDER}"', 1)
    if not len(result.reports):
        yield join_parts((head, [], tail)) + "\n"
        return
    yield head
    first = True
    for item in items(result.reports):
        if isinstance(item, PackedReport) and item.json is not None and item.json_lang == lang:
            text = join_parts(item.json)  # rendered by the worker that checked the file
        else:
            text = report_json(unpacked(item), lang)
        yield ("" if first else ",\n") + "    " + text
        first = False
    yield tail + "\n"


def report_json(r: Report, lang: str) -> str:
    """One report's item of the document, indented as it stands there."""
    return join_parts(report_json_parts(r, lang))


def report_json_parts(r: Report, lang: str) -> tuple[str, list[str], str]:
    """The item in three parts — before the findings, each finding, after them — so that the main process
    can splice in the cross-filing findings without rendering the rest again."""
    item = {"source": r.source, "sources": r.files, "project": r.project, "year": r.year,
            "department": r.department, "warnings": r.warnings, "findings": [_PLACEHOLDER]}
    if r.coverage is not None:
        item["coverage"] = coverage_json(r.coverage, lang)
    head, tail = _dumps(item).replace("\n", "\n    ").split(f'"{_PLACEHOLDER}"', 1)
    return head, [finding_json(f, lang) for f in r.findings], tail


def coverage_json(c: Coverage, lang: str) -> dict[str, Any]:
    """Which checks ran, raw: a count of those that passed is the findings' to make, spliced in or not."""
    return {"ran": c.ran, "not_run": c.not_run, "not_applicable": c.not_applicable,
            "missing": [{"input": name, "label": INPUTS[name].label(lang), "rules": rules}
                        for name, rules in c.reasons().items()]}


def finding_json(f: Finding, lang: str) -> str:
    """A finding's text as it stands in the document's findings list."""
    return _dumps(finding_dict(f, lang)).replace("\n", "\n" + _FINDING_INDENT)


def join_parts(parts: tuple[str, list[str], str]) -> str:
    head, texts, tail = parts
    if not texts:  # an empty list is written [] on its line
        return head.rstrip()[:-1] + "[]" + tail.lstrip()[1:]
    return head + (",\n" + _FINDING_INDENT).join(texts) + tail


_PLACEHOLDER = "__jxcheck_reports__"
_FINDING_INDENT = " " * 8  # a finding's lines inside a report inside the document


def _dumps(obj: Any) -> str:
    try:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return orjson.dumps(json_safe(obj), option=orjson.OPT_INDENT_2).decode("utf-8")


def json_safe(obj: Any) -> Any:
    """Any value JSON can carry: an integer beyond 64 bits as a string, NaN and infinities as null."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    if isinstance(obj, str):
        return decoded(obj)  # a file name in GBK bytes
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, int):
        return obj if -(2 ** 63) <= obj < 2 ** 63 else str(obj)
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else None
    return str(obj)
