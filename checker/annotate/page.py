"""An HTML page of a text export, YAML or JSON filing with its findings marked: the HTML report of that
one file (the same templates, the tables and report as the file holds them)."""

from __future__ import annotations

from pathlib import Path

from checker.annotate.notes import Annotated
from checker.output import write_atomic
from checker.render.html_out import render_html
from checker.render.html_view import anchor_key
from checker.results import Report, RunResult


def annotate_page(source: str, reports: list[Report], target: Path, lang: str) -> Annotated:
    result = RunResult(reports=reports, errors=[], files=1, rules=[], lang=lang)
    write_atomic(target, render_html(result).encode("utf-8"))
    findings = [f for r in reports for f in r.findings]
    placed = sum(anchor_key(f.location.source) is not None for f in findings)
    return Annotated(source, target, len(findings), placed)
