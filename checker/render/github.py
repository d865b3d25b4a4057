"""GitHub Actions workflow commands (annotations) and a Markdown summary for $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from collections import Counter

from checker.i18n import localise
from checker.render.common import WORDS as COMMON_WORDS
from checker.render.common import artifact_uri
from checker.results import RunResult

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(result: RunResult) -> str:
    lang = result.lang
    lines = []
    for r in result.reports:
        for f in r.findings:
            props = [f"file={_prop(artifact_uri(f.source or r.source))}"]
            loc = f.location.source
            if loc is not None and loc.line:
                props.append(f"line={loc.line}")
            props.append(f"title={_prop(f'{f.rule} {f.title.get(lang)}')}")
            where = " › ".join([f.project, *f.location.path])
            lines.append(f"::{COMMAND[f.severity]} {','.join(props)}::{_data(f'{where}: {f.message.get(lang)}')}")
    for e in result.errors:
        lines.append(f"::error file={_prop(artifact_uri(e.source))},title=jxcheck::{_data(e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


WORDS = {
    "zh": {**COMMON_WORDS["zh"], "title": "jxcheck 检查结果", "project": "项目", "file": "文件", "severity": "级别"},
    "en": {**COMMON_WORDS["en"], "title": "jxcheck results", "project": "project", "file": "file", "error": "errors",
           "warning": "warnings"},
}


def _cell(s: str) -> str:
    """A table cell or list item of text from outside: no column break, no line break, no HTML."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")


def render_markdown(result: RunResult) -> str:
    lang = result.lang
    w = WORDS[lang]
    findings = [f for r in result.reports for f in r.findings]
    counts = Counter(f.severity for f in findings)
    out = [f"## {w['title']}", "",
           f"{len(result.reports)} {w['project']} · {w['error']} {counts['error']} · {w['warning']} {counts['warning']}"
           f" · {w['info']} {counts['info']}", ""]
    if result.baseline is not None:
        b = result.baseline
        out += [f"{w['new']} {b.new} · {w['known']} {b.known} · {w['fixed']} {len(b.fixed)}", ""]
    out += [f"| {w['project']} | {w['file']} | {w['error']} | {w['warning']} | {w['info']} |", "|---|---|---:|---:|---:|"]
    for r in result.reports:
        c = Counter(f.severity for f in r.findings)
        out.append(f"| {_cell(r.project)} | `{_cell(r.source)}` | {c['error']} | {c['warning']} | {c['info']} |")
    out.append("")
    for r in result.reports:
        if not r.findings:
            continue
        out += [f"<details><summary>{_cell(r.project)} — {len(r.findings)}</summary>", "",
                f"| {w['severity']} | {w['rule']} | {w['where']} | {w['message']} |", "|---|---|---|---|"]
        out += [f"| {w[f.severity]} | {f.rule} | {_cell(' › '.join(f.location.path[1:]))} | {_cell(f.message.get(lang))} |"
                for f in r.findings]
        out += ["", "</details>", ""]
    for title, listed in ((w["unreadable"], [(e.source, e.message) for e in result.errors]),
                          (w["skipped"], [(x.source, x.message) for x in result.skipped])):
        if listed:
            out += [f"### {title}", ""] + [f"- `{_cell(src)}`: {_cell(localise(msg, lang))}" for src, msg in listed]
            out.append("")
    return "\n".join(out)
