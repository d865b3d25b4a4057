"""What every renderer shares: the words of a report, how a finding's evidence reads, the run's summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from checker.findings import EVIDENCE_FIELDS, SEVERITY_ZH, Evidence, Finding
from checker.inputs import INPUTS
from checker.packed import items, tally
from checker.results import Coverage, RunResult

# words more than one format uses; each renderer adds its own to these
WORDS: dict[str, dict[str, str]] = {
    "zh": {**SEVERITY_ZH, "clean": "未发现问题", "clean_partly": "已运行的检查未发现问题（部分检查无法运行，见上）",
           "unnamed": "（未读到项目名称）", "unreadable": "无法读取的文件", "unreadable_one": "无法读取", "skipped": "未检查的文件",
           "unsupported": "格式不支持", "not_a_filing": "不是填报", "own": "本次运行的文件", "other": "另见", "reported": "填报",
           "computed": "计算", "tolerance": "容差", "rule": "规则", "where": "位置", "message": "说明",
           "new": "新增", "known": "已在基线", "fixed": "已消除", "severity": "严重程度"},
    "en": {"error": "error", "warning": "warning", "info": "info", "clean": "no findings",
           "clean_partly": "no findings from the checks that ran (some could not run, above)",
           "unnamed": "(no project name)",
           "unreadable": "Unreadable files", "unreadable_one": "unreadable", "skipped": "Files not checked",
           "unsupported": "format not supported", "not_a_filing": "not a filing", "own": "this run's own file",
           "other": "see also", "reported": "reported", "computed": "computed",
           "tolerance": "tolerance", "rule": "rule", "where": "where", "message": "message", "new": "new",
           "known": "in baseline", "fixed": "fixed", "severity": "severity"},
}

def fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def evidence_parts(e: Evidence, lang: str, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(label, value) of each evidence figure that is set, in a fixed order (`skip`: fields left out), each
    named as its rule names it."""
    out = []
    for k in EVIDENCE_FIELDS:
        v = getattr(e, k)
        if v is None or k in skip:
            continue
        label = e.label(k)
        value = f"{v:.0%}" if label.percent and isinstance(v, float | int) and 0 <= v <= 1 else fmt(v)
        out.append((label.get(lang), value))
    return out


def evidence_line(e: Evidence, lang: str) -> str:
    """The evidence as one line: its figures, the other places of the finding, the items behind it."""
    parts = [f"{label} {value}" for label, value in evidence_parts(e, lang)]
    parts += [f"{WORDS[lang]['other']} {o.project or ''} {o.section or ''}".strip() for o in e.others]
    parts += [("follows: " if lang == "en" else "连带：") + c.get(lang) for c in e.consequences]
    return " · ".join(parts + e.items)


def suggested_text(e: Evidence, lang: str) -> str | None:
    """"应填 10" — what should stand in the cell, where the rule knows it."""
    if e.suggested is None:
        return None
    return f"{'should be' if lang == 'en' else '应填'} {fmt(e.suggested)}"


def summary(result: RunResult) -> dict[str, Any]:
    """Counts over all findings, in one streaming pass (an archive's findings never sit in one list)."""
    severity: Counter = Counter()
    category: Counter = Counter()
    cells: Counter = Counter()  # (category, severity)
    partly = 0  # reports on which some checks could not run
    not_run = 0
    rule: Counter = Counter()
    department: Counter = Counter()
    total = 0
    groups: set[tuple[str, str]] = set()
    for item in items(result.reports):
        if item.coverage is not None:
            missed = item.coverage.counts(rule_id for _, _, rule_id, _, _ in tally(item))["not_run"]
            partly += bool(missed)
            not_run += missed
        for sev, cat, rule_id, dept, group in tally(item):  # packed reports are counted without being opened
            if group:  # one pasted paragraph seen from each project it stands in counts once
                if (rule_id, group) in groups:
                    continue
                groups.add((rule_id, group))
            total += 1
            severity[sev] += 1
            category[cat] += 1
            cells[cat, sev] += 1
            rule[rule_id] += 1
            department[dept or "?"] += 1
    return {
        "files": result.files,
        "reports": len(result.reports),
        "findings": total,
        "errors": len(result.errors),
        "partly_checked": partly,
        "checks_not_run": not_run,
        "skipped": len(result.skipped),
        "skipped_by_reason": dict(Counter(x.reason for x in result.skipped)),
        "other_files": result.other_files,
        "by_severity": {s: severity[s] for s in ("error", "warning", "info") if severity[s]},
        "by_category": dict(sorted(category.items())),
        "by_category_severity": {c: {sv: cells[c, sv] for sv in ("error", "warning", "info") if cells[c, sv]}
                                 for c in sorted(category)},
        "by_rule": dict(sorted(rule.items())),
        "by_department": dict(sorted(department.items())),
        "settings_file": result.stats.get("settings_file"),
    }


def artifact_uri(source: str) -> str:
    """A filing's file as CI annotations name it: relative paths as they are, absolute ones as file: URIs."""
    p = Path(source)
    return p.resolve().as_uri() if p.is_absolute() else p.as_posix()


class Groups:
    """Findings of one group (a paragraph pasted into several projects, seen from each): the first is shown
    whole, the others point back to it — the noise of one paste is one finding's worth."""

    def __init__(self) -> None:
        self.first: dict[tuple[str, str], str] = {}

    def shown_in(self, f: Finding) -> str | None:
        """The project that already lists this finding's group, or None (and remembers this one as the first)."""
        if not f.evidence.group:
            return None
        key = (f.rule, f.evidence.group)
        first = self.first.setdefault(key, f.project)
        return None if first == f.project else first  # another paragraph of the same project is shown whole


def repeat_line(project: str, lang: str) -> str:
    return f"same pasted text as listed under {project or '?'}" if lang == "en" else \
        f"同一段雷同文字，已在“{project or '（未读到项目名称）'}”列出"


def coverage_line(cov: Coverage | None, found_rules: Iterable[str], lang: str) -> str | None:
    """"检查61项：已运行40项（通过33项），无法运行15项（缺少：自评表12项、偏差原因分析列1项），不适用6项"."""
    if cov is None:
        return None
    c = cov.counts(found_rules)
    missing = "、".join(f"{INPUTS[name].zh}{len(rules)}项" for name, rules in cov.reasons().items()) if lang != "en" \
        else ", ".join(f"{INPUTS[name].en} ({len(rules)})" for name, rules in cov.reasons().items())
    if lang == "en":
        line = f"{c['checks']} checks: {c['ran']} ran ({c['passed']} passed)"
        if c["not_run"]:
            line += f", {c['not_run']} could not run (missing: {missing})"
        return line + (f", {c['not_applicable']} do not apply" if c["not_applicable"] else "")
    line = f"检查{c['checks']}项：已运行{c['ran']}项（通过{c['passed']}项）"
    if c["not_run"]:
        line += f"，无法运行{c['not_run']}项（缺少：{missing}）"
    return line + (f"，不适用{c['not_applicable']}项" if c["not_applicable"] else "")


def one_line(result: RunResult, written: str | None = None) -> str:
    """The run in one line, for standard error when the report itself went to a file."""
    s = summary(result)
    sev = s["by_severity"]
    if result.lang == "en":
        parts = [f"{s['files']} files", f"{s['reports']} projects",
                 f"{s['findings']} findings ({sev.get('error', 0)} errors, {sev.get('warning', 0)} warnings)",
                 f"{s['errors']} unreadable"] + ([f"{s['skipped']} not checked"] if s["skipped"] else []) + \
            ([f"{s['partly_checked']} projects with checks that could not run"] if s["partly_checked"] else [])
        return (f"wrote {written}: " if written else "") + " · ".join(parts)
    parts = [f"文件 {s['files']}", f"项目 {s['reports']}",
             f"问题 {s['findings']}（错误 {sev.get('error', 0)}，警告 {sev.get('warning', 0)}）",
             f"无法读取 {s['errors']}"] + ([f"未检查 {s['skipped']}"] if s["skipped"] else []) + \
        ([f"有检查无法运行的项目 {s['partly_checked']}"] if s["partly_checked"] else [])
    return (f"已写入 {written}：" if written else "") + " · ".join(parts)
