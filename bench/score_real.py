"""Score jxcheck against the hand audit of real filings (fixtures/real/AUDIT.md).

For every audit in `fixtures/real/audit/` (or another corpus given with --corpus), the checker runs on the
audited file(s) as a user would run it, and the result is scored three ways:
- reading: each evaluation the audit lists is read with the right project, unit, year, kind, table,
  funding figures, indicator count, total and report sections;
- recall: each core defect is found by a finding of a rule that reports its class, at its place;
- false alarms: every error or warning finding that matches no defect of the audit (core or judgement).

    .venv/bin/python bench/score_real.py                 # the corpus in fixtures/real
    .venv/bin/python bench/score_real.py --corpus fixtures/holdout --details
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker.config import Settings  # noqa: E402
from checker.model import Evaluation  # noqa: E402
from checker.results import Report  # noqa: E402
from checker.run import Options, run  # noqa: E402

# the rules that report each class of defect (AUDIT.md); "other" is matched by place alone
CLASS_RULES: dict[str, set[str]] = {
    "rate": {"BUD001", "BUD008"},
    "execution_score": {"BUD002"},
    "funding_sum": {"BUD003"},
    "weight_sum": {"ARI001", "ARI002", "ARI005", "ARI006", "ARI009"},
    "total": {"ARI002", "ARI003", "ARI009"},
    "score_bound": {"ARI004"},
    "header_total": {"ARI007"},
    "grade": {"ARI008"},
    "cost_exceeds": {"BUD004"},
    "received_rate": {"BUD009"},
    "zero_budget": {"BUD010", "BUD001"},
    "missed_full": {"SCO001", "SCO005", "SCO003"},
    "met_marked_down": {"SCO002"},
    "overproportional": {"SCO003", "SCO007"},
    "no_reason": {"SCO006"},
    "pending_done": {"SCO004"},
    "late_full": {"SCO005"},
    "unmeasurable": {"IND006"},
    "verdict_only": {"IND007"},
    "restated": {"DUP003", "DUP005", "DUP006"},
    "template": {"CMP005", "IND003"},
    "unit": {"IND001"},
    "low_target": {"IND004"},
    "goal_not_goal": {"IND008"},
    "empty_target": {"IND009", "CMP004"},
    "text_table": {"CON001", "CON002", "CON003", "CON004", "CON008"},
    "prose_rate": {"BUD008", "CON007"},
    "stated_twice": {"CON009"},
    "sum_parts": {"ARI010"},
    "all_paid_claim": {"CON007", "CON002", "BUD008"},
    "no_problems_underspent": {"CON006"},
    "late_on_time": {"CON010"},
    "other_project": {"CON011"},
    "money_only_achievement": {"IND010"},
    "measures_copy_problems": {"DUP001"},
    "pasted": {"DUP004"},
    "stutter": {"DUP002"},
    "actual_copies_expected": {"DUP007"},
}
COUNTED = ("error", "warning")  # info findings are notes, never false alarms
# a completeness finding is right where the audit lists the part it names as absent
ABSENT_LABELS: dict[str, tuple[str, ...]] = {
    "table": ("自评表",), "report": ("自评报告",), "total": ("总分",), "funding": ("项目资金",),
    "indicators": ("绩效指标",), "goal": ("年度总体目标",), "problems": ("存在的问题",), "measures": ("改进措施",),
    "management": ("项目支出管理和使用基本情况",), "achievement": ("项目绩效目标完成情况",), "project": ("项目名称",),
    "scores": ("得分",), "actuals": ("实际完成值",), "purpose": ("项目立项目的",),
}


def squash(text: Any) -> str:
    s = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s\"“”‘’'《》〈〉()（）:：,，。、;；]", "", s)


@dataclass
class FilingScore:
    audit: str
    province: str
    form: str
    read_problems: list[str] = field(default_factory=list)
    core: int = 0
    core_found: int = 0
    judgement: int = 0
    judgement_found: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    false_by_rule: Counter = field(default_factory=Counter)
    found_by_rule: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def read_right(self) -> bool:
        return not self.read_problems and not self.errors


def load_audits(corpus: Path) -> list[tuple[Path, dict]]:
    return [(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted((corpus / "audit").glob("*.yaml"))]


def check(paths: list[Path]) -> tuple[list[Report], list[str]]:
    """The checker on these files as one run, with the models kept; its reports and read errors."""
    result = run(Options(paths=[str(p) for p in paths], settings=Settings(), jobs=0, keep_models=True))
    try:
        reports = list(result.reports)
    finally:
        if result.cleanup:
            result.cleanup()
    return reports, [f"{Path(e.source).name}: {e.message}" for e in result.errors]


def _same_name(read: str, expected: list[str]) -> bool:
    r = squash(read)
    if not r:
        return False
    for e in (squash(x) for x in expected if x):
        if r == e:
            return True
        short, long_ = sorted((r, e), key=len)
        if short in long_ and len(short) >= 0.6 * len(long_):
            return True
    return False


def _number(x: Any) -> float | None:
    if x is None:
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= max(0.006, 0.0005 * abs(b))


def read_problems(ev: Evaluation | None, exp: dict, label: str, text: str = "") -> list[str]:
    """What the reader got wrong of one evaluation, against the audit's reading (`text`: the files' text; a
    unit the filing never names is not asked of the reader)."""
    if ev is None:
        return [f"{label}: not read"]
    out: list[str] = []
    names = [exp.get("project", "")] + list(exp.get("project_aliases") or [])
    if ev.kind == "department":  # a whole department's filing is named by its unit
        names.append(exp.get("unit") or "")
    if exp.get("project") and not _same_name(ev.project, names):
        out.append(f"{label}: project {ev.project!r}, audit {exp['project']!r}")
    unit = exp.get("unit")
    if unit and text and squash(unit) not in text:
        unit = None
    if unit and not (_same_name(ev.department, [unit]) or _same_name(ev.implementer, [unit])
                     or (ev.kind == "department" and _same_name(ev.project, [unit]))):
        out.append(f"{label}: unit {ev.department or ev.implementer!r}, audit {unit!r}")
    if exp.get("year") and ev.year != exp["year"]:
        out.append(f"{label}: year {ev.year}, audit {exp['year']}")
    if exp.get("kind") and ev.kind != exp["kind"]:
        out.append(f"{label}: kind {ev.kind}, audit {exp['kind']}")
    if "has_table" in exp and ev.has_table != bool(exp["has_table"]):
        out.append(f"{label}: has_table {ev.has_table}, audit {exp['has_table']}")
    funding = exp.get("funding") or {}
    if funding:
        out += _funding_problems(ev, funding, label)
    if exp.get("indicators") is not None and ev.has_table:
        got = sum(1 for i in ev.indicators if i.counted)
        if got != int(exp["indicators"]):
            out.append(f"{label}: {got} indicator rows, audit {exp['indicators']}")
    if exp.get("total") is not None:
        got = ev.total.score.number if ev.total is not None else None
        if not _close(got, _number(exp["total"])):
            out.append(f"{label}: total {got}, audit {exp['total']}")
    for section in exp.get("sections") or []:
        n = ev.narrative
        if n is None:
            out.append(f"{label}: no report read, audit has {section}")
            continue
        value = getattr(n, section, None)
        present = bool(value) if section == "achievement" else value is not None and not value.empty
        present = present or section in n.headings
        if not present and section not in n.joined:
            out.append(f"{label}: section {section} not read")
    return out


def _funding_problems(ev: Evaluation, funding: dict, label: str) -> list[str]:
    from checker.facts.amounts import money_num, money_scale

    scale = money_scale(ev)
    total = ev.funding_row("total") or ev.text_funding
    out = []
    if total is None:
        return [f"{label}: no funding read, audit has {funding}"]
    got = {"budget": money_num(total.budget, scale) if not total.budget.empty else money_num(total.initial_budget, scale),
           "spent": money_num(total.executed, scale),
           "received": money_num(total.received, scale)}
    rate = total.rate.parsed.value
    if rate is not None and total.rate.parsed.unit is None and rate <= 1 and funding.get("rate", 0) > 1:
        rate *= 100
    got["rate"] = rate
    parts = [r for r in ev.funding if r.kind not in ("total", "unlisted")]
    for key in ("budget", "spent", "received", "rate"):
        want = _number(funding.get(key))
        if want is None or (key == "received" and got[key] is None):
            continue  # money received is often inferred by the auditor, not stated: checked where read
        alternatives = [got[key]]
        if key in ("budget", "spent"):
            field_ = "budget" if key == "budget" else "executed"
            sums = [money_num(getattr(r, field_), scale) for r in parts]
            alternatives.append(sum(x for x in sums if x) if any(sums) else None)
        if not any(_close(a, want) for a in alternatives):
            out.append(f"{label}: funding {key} {got[key]}, audit {want:g}")
    return out


def _finding_text(f: Any) -> str:
    return squash(" ".join([" ".join(f.location.path), f.location.text or "", f.message.zh,
                            " ".join(str(x) for x in f.evidence.items)]))


# classes of which a filing has one place only (its total, its goal, its execution row): a finding of the
# class is about that place whatever words the auditor used for it
SINGULAR = {"rate", "execution_score", "funding_sum", "total", "header_total", "grade", "goal_not_goal",
            "empty_target", "actual_copies_expected", "no_problems_underspent", "measures_copy_problems",
            "prose_rate", "all_paid_claim", "received_rate", "zero_budget", "other_project"}


def _common(a: str, b: str) -> int:
    """Length of the longest common substring."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _matches(f: Any, defect: dict) -> bool:
    cls = defect.get("class", "")
    rules = CLASS_RULES.get(cls, set())
    reported = {f.rule} | {c.zh.split(" ", 1)[0] for c in f.evidence.consequences}  # what it lists inside
    if cls != "other" and not rules & reported:
        return False
    where = squash(defect.get("where", ""))
    if not where or cls in SINGULAR:
        return True
    text = _finding_text(f)
    if where in text:
        return True
    shared = _common(where, text)
    if shared >= min(len(where), 6) or (shared >= 3 and shared >= 0.5 * len(where)):
        return True
    note = squash(defect.get("note", ""))
    cell = squash(f.location.text or "")[:20]  # the auditor quoting the flagged cell in the note
    if len(cell) >= 6 and cell in note:
        return True
    # a free-form defect ("完成值 and 得分 blank") is about the part a finding names last
    last = squash(f.location.path[-1]) if f.location.path else ""
    return cls == "other" and len(last) >= 2 and last in note


def _present(exp: dict) -> set[str]:
    """The parts the audit says an evaluation has."""
    out = set(exp.get("sections") or [])
    if exp.get("has_table"):
        out.add("table")
    if exp.get("funding"):
        out.add("funding")
    if exp.get("indicators"):
        out.add("indicators")
    if exp.get("total") is not None:
        out.add("total")
    return out


def _names_parts(f: Any, parts: set[str]) -> bool:
    """A completeness finding about one of these parts (as AUDIT.md names them)."""
    if f.rule == "CMP001":
        return "table" in parts
    if f.rule == "CMP006":
        return "report" in parts
    text = " ".join(f.location.path[1:]) if len(f.location.path) > 1 else f.message.zh
    return any(label in text for part in parts - {"table", "report"} for label in ABSENT_LABELS.get(part, ()))


def score_audit(path: Path, audit: dict, corpus: Path) -> FilingScore:
    s = FilingScore(path.stem, audit.get("province", "?"), audit.get("form", "?"))
    files = [corpus / name for name in audit["files"]]
    reports, errors = check(files)
    s.errors = errors
    expected = (audit.get("reading") or {}).get("evaluations") or []
    if len(reports) != len(expected):
        s.read_problems.append(f"{len(reports)} evaluations read, audit lists {len(expected)}")
    text = squash("".join(p.read_text(encoding="utf-8", errors="replace") for p in files if p.suffix == ".txt"))
    for k, exp in enumerate(expected):
        ev = reports[k].evaluation if k < len(reports) else None
        s.read_problems += read_problems(ev, exp, f"#{k + 1}", text)
    findings = [f for r in reports for f in r.findings]
    owner = {id(f): k for k, r in enumerate(reports) for f in r.findings}
    defects = audit.get("defects") or []
    for d in defects:
        hit = any(_matches(f, d) for f in findings)
        if d.get("level") == "core":
            s.core += 1
            s.core_found += hit
            if not hit:
                s.missed.append(f"{d.get('id')} {d.get('class')} @ {d.get('where')}")
        else:
            s.judgement += 1
            s.judgement_found += hit
    truncated = bool((audit.get("source") or {}).get("truncated"))
    for f in findings:
        if f.severity not in COUNTED:
            continue
        k = owner[id(f)]
        exp = expected[k] if k < len(expected) else {}
        absent, present = set(exp.get("absent") or []), _present(exp)
        if f.rule.startswith("CMP") and f.rule != "CMP005" and (
                _names_parts(f, absent) or (truncated and not _names_parts(f, present))):
            continue  # the audit says the part is missing, or a cut copy may have lost it
        if any(_matches(f, d) for d in defects):
            s.found_by_rule[f.rule] += 1
            continue
        s.false_alarms.append(f"{f.rule} {' › '.join(f.location.path)}: {f.message.zh[:80]}")
        s.false_by_rule[f.rule] += 1
    return s


def score_corpus(corpus: Path) -> list[FilingScore]:
    return [score_audit(p, a, corpus) for p, a in load_audits(corpus)]


def summary(scores: list[FilingScore]) -> dict[str, Any]:
    core = sum(s.core for s in scores)
    found = sum(s.core_found for s in scores)
    false = Counter()
    for s in scores:
        false.update(s.false_by_rule)
    return {"filings": len(scores), "read_right": sum(s.read_right for s in scores),
            "provinces": len({s.province for s in scores}), "core": core, "core_found": found,
            "recall": round(found / core, 3) if core else None,
            "judgement_found": sum(s.judgement_found for s in scores),
            "judgement": sum(s.judgement for s in scores),
            "false_alarms": sum(len(s.false_alarms) for s in scores), "false_by_rule": dict(false.most_common())}


def print_table(scores: list[FilingScore], details: bool) -> None:
    print(f"{'filing':44} {'province':6} {'form':16} read  core   judg  false")
    for s in scores:
        print(f"{s.audit:44} {s.province:6} {s.form:16} {'ok ' if s.read_right else 'BAD'}  "
              f"{s.core_found:>2}/{s.core:<2}  {s.judgement_found:>2}/{s.judgement:<2}  {len(s.false_alarms):>3}")
        if details:
            for line in s.errors + s.read_problems:
                print(f"    read: {line}")
            for line in s.missed:
                print(f"    missed: {line}")
            for line in s.false_alarms:
                print(f"    false: {line}")
    total = summary(scores)
    print()
    print(f"read right {total['read_right']}/{total['filings']} · provinces {total['provinces']} · "
          f"core defects found {total['core_found']}/{total['core']} (recall {total['recall']}) · "
          f"judgement {total['judgement_found']}/{total['judgement']} · false alarms {total['false_alarms']}")
    if total["false_by_rule"]:
        print("false alarms by rule: " + ", ".join(f"{k} {v}" for k, v in total["false_by_rule"].items()))


FORM_NAMES = {"prose": "项目自评报告（文字）", "table": "项目自评表", "report_table": "报告+表（同一文件）",
              "pair": "报告+表（两个文件）", "department_table": "部门整体自评表", "department_prose": "部门整体自评报告",
              "transfer_prose": "转移支付自评报告"}


def markdown(scores: list[FilingScore]) -> str:
    """The table the README shows: by province and by form, what was read right, found and raised falsely."""
    def rows(key: str) -> list[str]:
        groups: dict[str, list[FilingScore]] = {}
        for s in scores:
            groups.setdefault(getattr(s, key), []).append(s)
        out = []
        for name in sorted(groups):
            g = groups[name]
            core, found = sum(s.core for s in g), sum(s.core_found for s in g)
            label = FORM_NAMES.get(name, name) if key == "form" else name
            out.append(f"| {label} | {len(g)} | {sum(s.read_right for s in g)} | {found}/{core} | "
                       f"{sum(len(s.false_alarms) for s in g)} |")
        return out

    t = summary(scores)
    head = "| {} | filings | read right | core defects found | false alarms |\n| --- | --- | --- | --- | --- |"
    return "\n".join([head.format("province"), *rows("province"), "", head.format("form"), *rows("form"), "",
                      f"In all: {t['filings']} filings from {t['provinces']} provinces, {t['read_right']} read right, "
                      f"{t['core_found']} of {t['core']} core defects found, {t['false_alarms']} false alarms."])


def sources(corpus: Path) -> str:
    """The corpus's provenance table (SOURCES.md), from the audits."""
    lines = ["| files | province | unit, year | form | source | transcription |", "| --- | --- | --- | --- | --- | --- |"]
    for _, a in load_audits(corpus):
        src = a.get("source") or {}
        files = ", ".join(f"`{f}`" for f in a["files"])
        note = " ".join(str(src.get("transcription") or "").split()).replace("|", "/")
        cut = " (cut)" if src.get("truncated") else ""
        lines.append(f"| {files} | {a.get('province', '')} | {a.get('unit') or '—'}, {a.get('year') or '—'} | "
                     f"{FORM_NAMES.get(a.get('form', ''), a.get('form', ''))} | {src.get('url') or '—'} | {note}{cut} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT / "fixtures" / "real"))
    ap.add_argument("--details", action="store_true", help="list what was read wrong, missed and raised falsely")
    ap.add_argument("--only", help="audits whose name contains this")
    ap.add_argument("--markdown", action="store_true", help="print the README's table by province and form")
    ap.add_argument("--sources", action="store_true", help="print the provenance table of SOURCES.md")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    if args.sources:
        print(sources(corpus))
        return 0
    audits = [(p, a) for p, a in load_audits(corpus) if not args.only or args.only in p.stem]
    scores = [score_audit(p, a, corpus) for p, a in audits]
    if args.markdown:
        print(markdown(scores))
        return 0
    print_table(scores, args.details)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
