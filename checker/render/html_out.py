"""One self-contained HTML report for a batch: no network, no external assets.

Per filing: counts by severity and category, the total as reported and as recomputed, the findings with
their evidence, and the scored table with flagged cells highlighted. Filters by category and severity.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape

from checker import __version__
from checker.findings import CATEGORIES, CATEGORY_ZH, Finding
from checker.i18n import localise
from checker.model import FUNDING_VALUE_FIELDS, Location, Value
from checker.render.common import WORDS as COMMON_WORDS
from checker.render.common import evidence_parts, fmt
from checker.results import Report, RunResult

W = {
    "zh": {**COMMON_WORDS["zh"], "title": "项目支出绩效自评检查报告", "findings": "问题", "table": "自评表",
           "recomputed": "重算总分", "total": "填报总分", "rows": "各项得分合计", "filter": "筛选",
           "funding": "项目资金（万元）", "indicators": "绩效指标",
           "cols": ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"],
           "fcols": ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]},
    "en": {**COMMON_WORDS["en"], "title": "Performance self-evaluation check", "findings": "findings",
           "table": "scored table", "recomputed": "recomputed total", "total": "reported total", "rows": "rows sum",
           "filter": "Filter", "funding": "Funding (万元)", "indicators": "Indicators",
           "cols": ["一级", "二级", "三级", "target", "actual", "weight", "score", "deviation reason"],
           "fcols": ["", "initial budget", "budget", "executed", "weight", "rate", "score"]},
}

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#1d2733;background:#f5f6f8}
header{background:#1f3a5f;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;opacity:.85;font-size:13px}
.filters{background:#fff;padding:10px 24px;border-bottom:1px solid #dde;position:sticky;top:0;z-index:2;font-size:13px}
.filters label{margin-right:14px;white-space:nowrap}
section.filing{background:#fff;margin:16px 24px;padding:12px 20px;border-radius:6px;box-shadow:0 1px 3px #0002}
section.filing h2{font-size:17px;margin:6px 0}
.meta{color:#556;font-size:13px}
.badges span{display:inline-block;border-radius:10px;padding:1px 9px;margin-right:6px;font-size:12px}
.sev-error{background:#f8d7da;color:#721c24}.sev-warning{background:#fff3cd;color:#856404}.sev-info{background:#d1ecf1;color:#0c5460}
.scores{font-size:13px;margin:8px 0}.scores b{font-size:15px}.scores .diff{color:#b00020}
ol.findings{padding-left:22px}ol.findings li{margin:8px 0;font-size:14px}
.rule{font-family:monospace;font-weight:bold}.where{color:#345;font-size:12px}
.ev{color:#667;font-size:12px}
table.form{border-collapse:collapse;font-size:12px;margin:8px 0 14px;width:100%}
table.form th,table.form td{border:1px solid #cbd;padding:3px 6px;vertical-align:top}
table.form th{background:#eef1f5}
td.flag{background:#ffe08a;outline:2px solid #d39e00}td.flag.sev-error{background:#f5b7b1;outline-color:#c0392b}
tr.flagged td:first-child{border-left:4px solid #c0392b}
a.cellref{font-size:11px;color:#1f3a5f}
.hidden{display:none!important}
"""

JS = """
function applyFilters(){
  const sev=[...document.querySelectorAll('input[data-sev]')].filter(x=>x.checked).map(x=>x.dataset.sev);
  const cat=[...document.querySelectorAll('input[data-cat]')].filter(x=>x.checked).map(x=>x.dataset.cat);
  document.querySelectorAll('li.finding').forEach(li=>{
    li.classList.toggle('hidden',!(sev.includes(li.dataset.severity)&&cat.includes(li.dataset.category)));
  });
}
document.querySelectorAll('.filters input').forEach(x=>x.addEventListener('change',applyFilters));
"""


def _key(loc: Location | None) -> tuple | None:
    if loc is None:
        return None
    if loc.cell is not None:
        return (loc.sheet, loc.cell)
    if loc.table is None or loc.row is None or loc.col is None:
        return None
    return (loc.table, loc.row, loc.col)


def render_html(result: RunResult) -> str:
    lang = result.lang
    w = W[lang]
    findings = [f for r in result.reports for f in r.findings]
    counts = Counter(f.severity for f in findings)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{escape(w['title'])}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{escape(w['title'])}</h1><p>jxcheck {__version__} · {len(result.reports)} "
        f"{'个项目' if lang == 'zh' else 'filings'} · {w['error']} {counts['error']} · {w['warning']} "
        f"{counts['warning']} · {w['info']} {counts['info']}</p></header>",
        '<div class="filters"><b>' + escape(w["filter"]) + "</b> ",
    ]
    for sev in ("error", "warning", "info"):
        parts.append(f'<label><input type="checkbox" data-sev="{sev}" checked> <span class="sev-{sev}">'
                     f"{escape(w[sev])}</span></label>")
    for cat in CATEGORIES:
        label = f"{CATEGORY_ZH[cat]}" if lang == "zh" else cat
        parts.append(f'<label><input type="checkbox" data-cat="{cat}" checked> {escape(label)}</label>')
    parts.append("</div>")
    for i, r in enumerate(result.reports):
        parts.append(_filing(r, i, lang))
    if result.errors:
        parts.append(f'<section class="filing"><h2>{escape(w["unreadable"])}</h2><ul>')
        parts += [f"<li><code>{escape(e.source)}</code> {escape(e.where or '')}: {escape(localise(e.message, lang))}</li>"
                  for e in result.errors]
        parts.append("</ul></section>")
    parts.append(f"<script>{JS}</script></body></html>")
    return "\n".join(parts) + "\n"


def _filing(r: Report, i: int, lang: str) -> str:
    w = W[lang]
    sev = Counter(f.severity for f in r.findings)
    cat = Counter(f.category for f in r.findings)
    flagged: dict[tuple, list[Finding]] = defaultdict(list)
    for f in r.findings:
        k = _key(f.location.source)
        if k is not None:
            flagged[k].append(f)
    out = [f'<section class="filing" id="f{i}"><h2>{escape(r.project or "?")}</h2>',
           f'<div class="meta">{escape(r.source)} · {r.year or ""} · {escape(r.department)}</div>',
           '<div class="badges">' + "".join(f'<span class="sev-{s}">{escape(w[s])} {sev[s]}</span>'
                                            for s in ("error", "warning", "info")) + " "
           + " ".join(f"<span>{escape(CATEGORY_ZH[c] if lang == 'zh' else c)} {n}</span>" for c, n in sorted(cat.items()))
           + "</div>"]
    s = r.scores
    if s:
        diff = "reported" in s and "recomputed" in s and abs(s["reported"] - s["recomputed"]) > 0.005
        out.append(f'<div class="scores">{escape(w["total"])} <b>{fmt(s.get("reported", "—"))}</b> · '
                   f'{escape(w["rows"])} {fmt(s.get("rows", "—"))} · {escape(w["recomputed"])} '
                   f'<b class="{"diff" if diff else ""}">{fmt(s.get("recomputed", "—"))}</b></div>')
    if not r.findings:
        out.append(f"<p>{escape(w['clean'])}</p>")
    else:
        out.append('<ol class="findings">')
        shown = _cells(r)
        for j, f in enumerate(r.findings):
            k = _key(f.location.source)
            link = f' <a class="cellref" href="#c{i}-{"-".join(map(str, k))}">▸</a>' if k in shown else ""
            ev = _evidence(f, w, lang)
            out.append(f'<li class="finding" id="f{i}-{j}" data-severity="{f.severity}" data-category="{f.category}">'
                       f'<span class="sev-{f.severity}">{escape(w[f.severity])}</span> <span class="rule">{f.rule}</span> '
                       f'{escape(f.message.get(lang))}{link}<div class="where">{escape(" › ".join(f.location.path))}'
                       f'</div>{f"<div class=ev>{escape(ev)}</div>" if ev else ""}</li>')
        out.append("</ol>")
    if r.evaluation is not None and r.evaluation.has_table:
        out.append(_table(r, i, flagged, lang))
    out.append("</section>")
    return "\n".join(out)


def _cells(r: Report) -> set[tuple]:
    ev = r.evaluation
    if ev is None:
        return set()
    values: list[Value] = [getattr(fr, f) for fr in ev.funding for f in FUNDING_VALUE_FIELDS]
    for ind in ev.indicators:
        values += [ind.target, ind.actual, ind.weight, ind.score]
    keys = {_key(v.loc) for v in values}
    keys |= {_key(ind.name.loc) for ind in ev.indicators} | {_key(lv.loc) for lv in ev.level1}
    if ev.total is not None:
        keys |= {_key(ev.total.weight.loc), _key(ev.total.score.loc)}
    return {k for k in keys if k is not None}


def _evidence(f: Finding, w: dict, lang: str = "zh") -> str:
    e = f.evidence
    bits = [f"{label} {value}" for label, value in evidence_parts(e, lang)]
    bits += [f"{w['other']} {o.project or ''} {o.section or ''}".strip() for o in e.others]
    return " · ".join(bits + e.items)


def _td(i: int, text: str, loc: Location | None, flagged: dict[tuple, list[Finding]]) -> str:
    k = _key(loc)
    hits = flagged.get(k, []) if k is not None else []
    attrs = f' id="c{i}-{"-".join(map(str, k))}"' if k is not None else ""
    if hits:
        worst = min(hits, key=lambda f: ("error", "warning", "info").index(f.severity)).severity
        title = "; ".join(f"{f.rule} {f.message.zh}" for f in hits)
        attrs += f' class="flag sev-{worst}" title="{escape(title)}"'
    return f"<td{attrs}>{escape(text.strip())}</td>"


def _table(r: Report, i: int, flagged: dict[tuple, list[Finding]], lang: str) -> str:
    ev = r.evaluation
    assert ev is not None
    w = W[lang]
    out = [f"<h3>{escape(w['funding'])}</h3><table class=\"form\"><tr>"
           + "".join(f"<th>{escape(c)}</th>" for c in w["fcols"]) + "</tr>"]
    for fr in ev.funding:
        cells = [_td(i, getattr(fr, f).raw, getattr(fr, f).loc, flagged) for f in FUNDING_VALUE_FIELDS]
        row_flag = any(_key(getattr(fr, f).loc) in flagged for f in FUNDING_VALUE_FIELDS)
        out.append(f'<tr class="{"flagged" if row_flag else ""}"><th>{escape(fr.label)}</th>{"".join(cells)}</tr>')
    out.append("</table>")
    out.append(f"<h3>{escape(w['indicators'])}</h3><table class=\"form\"><tr>"
               + "".join(f"<th>{escape(c)}</th>" for c in w["cols"]) + "</tr>")
    level1_loc = {lv.name: lv.loc for lv in ev.level1}
    prev1 = None
    for ind in ev.indicators:
        first1 = ind.level1 != prev1
        prev1 = ind.level1
        l1 = _td(i, ind.level1, level1_loc.get(ind.level1), flagged) if first1 else "<td></td>"
        values = [ind.name, ind.target, ind.actual, ind.weight, ind.score]
        row_flag = any(_key(v.loc) in flagged for v in values)
        out.append(f'<tr class="{"flagged" if row_flag else ""}">{l1}<td>{escape(ind.level2)}</td>'
                   + "".join(_td(i, v.raw, v.loc, flagged) for v in values)
                   + f"<td>{escape(ind.deviation.text)}</td></tr>")
    if ev.total is not None:
        out.append(f'<tr><th colspan="5">总分</th>{_td(i, ev.total.weight.raw, ev.total.weight.loc, flagged)}'
                   f"{_td(i, ev.total.score.raw, ev.total.score.loc, flagged)}<td></td></tr>")
    out.append("</table>")
    return "\n".join(out)
