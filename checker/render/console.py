"""Console output via rich: findings grouped by filing, severity-coloured, and a summary table."""

from __future__ import annotations

import io

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from checker.display import printable
from checker.findings import CATEGORY_ZH
from checker.i18n import localise
from checker.render.common import WORDS as COMMON_WORDS
from checker.render.common import Groups, coverage_line, evidence_line, repeat_line, summary
from checker.results import RunResult

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
WORDS = {
    "zh": {**COMMON_WORDS["zh"], "summary": "汇总", "files": "文件", "reports": "项目", "findings": "问题",
           "errors": "无法读取", "not_checked": "未检查", "partly": "有检查无法运行的项目", "other_files": "另有{n}个其他格式的文件未检查（{kinds}）",
           "category": "类别", "count": "数量", "warnings": "读取提示", "baseline": "基线",
           "waived": "已豁免", "expired": "豁免已过期", "unused": "豁免未使用"},
    "en": {**COMMON_WORDS["en"], "summary": "Summary", "files": "files", "reports": "projects", "findings": "findings",
           "errors": "unreadable", "not_checked": "not checked", "partly": "projects with checks that could not run",
           "other_files": "{n} more files of other formats not checked ({kinds})", "category": "category", "count": "count", "warnings": "reader warnings",
           "baseline": "Baseline", "waived": "waived", "expired": "expired waiver", "unused": "unused waiver"},
}


def _separator(console: Console) -> str:
    """› where the console can show it; > on a console whose encoding cannot (GBK, ASCII)."""
    try:
        "›".encode(console.encoding or "utf-8")
        return " › "
    except (UnicodeEncodeError, LookupError):
        return " > "


def render_console(result: RunResult, console: Console | None = None) -> None:
    console = console or Console()
    # piped, redirected or written to a file: one finding a group of whole lines, never wrapped at 80 columns
    # (a figure split across lines), no padding spaces at the ends of lines
    plain = not console.is_terminal
    if plain:
        console.soft_wrap = True
    sep = _separator(console)
    lang = result.lang
    w = WORDS[lang]

    def indented(text: Text) -> None:
        if plain:
            console.print(Text("        ") + text)
        else:
            console.print(Padding(text, (0, 0, 0, 8)))

    groups = Groups()
    for r in result.reports:
        head = Text.assemble((printable(r.project) or w["unnamed"], "bold"), "  ", (printable(" + ".join(r.files)), "dim"),
                             (printable(f"  {r.year or ''} {r.department}".rstrip()), "dim"))
        if plain:
            console.print(Text("── ") + head)
        else:
            console.rule(head, align="left")
        colon = ": " if lang == "en" else "："
        for warning in r.warnings:
            console.print(Text(printable(f"  {w['warnings']}{colon}{localise(warning, lang)}"), style="dim yellow"))
        found = [f.rule for f in r.findings]
        checked = coverage_line(r.coverage, found, lang)
        if checked:
            console.print(Text(f"  {checked}", style="dim"))
        if not r.findings:
            partly = r.coverage is not None and r.coverage.counts(found)["not_run"]
            console.print(Text(f"  {w['clean_partly'] if partly else w['clean']}", style="yellow" if partly else "green"))
            continue
        for f in r.findings:
            line = Text.assemble("  ", (f"{w[f.severity]:<4}", STYLE[f.severity]), " ", (f.rule, "bold"), "  ",
                                 (printable(sep.join(f.location.path)), "blue"))
            place = f.location.source.describe(lang) if f.location.source else ""
            if place:
                line.append(f"  ({place})", style="dim")
            console.print(line)
            indented(Text(printable(f.message.get(lang))))
            listed = groups.shown_in(f)
            ev = repeat_line(listed, lang) if listed is not None else evidence_line(f.evidence, lang)
            if ev:
                indented(Text(printable(ev), style="dim"))
    _listed(console, plain, w["unreadable"], "bold red",
            [(f"{e.source}{f' ({e.where})' if e.where else ''}", localise(e.message, lang)) for e in result.errors])
    _listed(console, plain, w["skipped"], "bold yellow",
            [(x.source, localise(x.message, lang)) for x in result.skipped])
    _gate(result, console)
    _summary(result, console)


def _listed(console: Console, plain: bool, title: str, style: str, lines: list[tuple[str, str]]) -> None:
    """A section of files with what became of them (unreadable, not checked)."""
    if not lines:
        return
    if plain:
        console.print(Text("── ") + Text(title, style=style))
    else:
        console.rule(Text(title, style=style), align="left")
    colour = style.split()[-1]
    for source, why in lines:
        console.print(Text(printable(f"  {source}: {why}"), style=colour))


def _gate(result: RunResult, console: Console) -> None:
    w = WORDS[result.lang]
    zh = result.lang != "en"
    colon, opened, closed = ("：", "（", "）") if zh else (": ", "(", ")")
    b = result.baseline
    if b is not None:
        console.print(Text(f"{w['baseline']}{colon}{w['new']} {b.new} · {w['known']} {b.known} · {w['fixed']} "
                           f"{len(b.fixed)}", style="bold"))
        for e in b.fixed:
            console.print(Text(printable(f"  {w['fixed']}{colon}{e.rule} {e.project} › {e.path}"), style="green"))
    v = result.waivers
    if v is not None:
        console.print(Text(f"{w['waived']} {v.waived}", style="bold"))
        for x in v.expired:
            console.print(Text(printable(f"  {w['expired']}{colon}{x.fingerprint} {x.rule or ''} {opened}{x.expires}, "
                                         f"{x.approver}{closed}"), style="yellow"))
        for x in v.unused:
            console.print(Text(printable(f"  {w['unused']}{colon}{x.fingerprint} {x.rule or ''} {opened}{x.approver}"
                                         f"{closed}"), style="yellow"))


def _summary(result: RunResult, console: Console) -> None:
    lang = result.lang
    w = WORDS[lang]
    s = summary(result)
    table = Table(title=w["summary"], show_header=True, header_style="bold")
    table.add_column(w["category"])
    for sev in ("error", "warning", "info"):
        table.add_column(w[sev], justify="right", style=STYLE[sev])
    cats = s["by_category_severity"]  # a paragraph pasted into several projects counts once, as in the total
    for cat in sorted(cats):
        label = f"{CATEGORY_ZH[cat]} {cat}" if lang == "zh" else cat
        table.add_row(label, *(str(cats[cat].get(sev, 0)) for sev in ("error", "warning", "info")))
    if cats:
        console.print(table)
    line = (f"{w['files']} {s['files']} · {w['reports']} {s['reports']} · {w['findings']} {s['findings']}"
            f" · {w['errors']} {s['errors']}")
    if s["skipped"]:
        line += f" · {w['not_checked']} {s['skipped']}"
    if s["partly_checked"]:
        line += f" · {w['partly']} {s['partly_checked']}"
    console.print(line)
    if result.other_files:
        console.print(Text(w["other_files"].format(n=result.other_files, kinds=_kinds(result)), style="dim"))
    if s.get("settings_file"):
        console.print(Text(printable(f"{'设置文件：' if lang == 'zh' else 'settings: '}{s['settings_file']}"), style="dim"))


def _kinds(result: RunResult) -> str:
    return "、".join(sorted(result.stats.get("other_kinds", []))[:6]) or "?"


def render_statistics(result: RunResult, to_stderr: bool = False) -> None:
    """`--statistics`: counts by rule, category, severity and 主管部门."""
    console = Console(stderr=to_stderr)
    w = WORDS[result.lang]
    s = summary(result)
    for title, key in (("rule", "by_rule"), ("category", "by_category"), ("severity", "by_severity"),
                       ("主管部门" if result.lang == "zh" else "department", "by_department")):
        table = Table(title=w.get(title, title), show_header=False, box=None)
        table.add_column()
        table.add_column(justify="right")
        for name, n in sorted(s[key].items(), key=lambda x: (-x[1], x[0])):
            label = name
            if result.lang == "zh" and key == "by_category":
                label = f"{CATEGORY_ZH.get(name, name)} {name}"
            elif result.lang == "zh" and key == "by_severity":
                label = w.get(name, name)
            table.add_row(label, str(n))
        console.print(table)
    stats = result.stats
    if stats:
        n, secs, cached = stats.get("evaluations", 0), stats.get("cross_seconds", 0), stats.get("cached_files", 0)
        console.print(f"{n} filings · cross-filing stage {secs:.2f} s · cached files {cached}" if result.lang == "en"
                      else f"项目 {n} · 跨项目比对 {secs:.2f} 秒 · 取自缓存的文件 {cached}")


def console_text(result: RunResult, width: int = 100) -> str:
    """The console report as plain text (no colour), for --output."""
    buf = io.StringIO()
    render_console(result, Console(file=buf, width=width, force_terminal=False, highlight=False))
    return buf.getvalue()
