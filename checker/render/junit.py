"""JUnit XML: one testsuite per filing (project), one testcase per rule checked.

A testcase fails when its rule has error or warning findings on that filing; info findings are listed in
the testcase's system-out. An unreadable file is a testsuite with one erroring testcase.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from checker.findings import Finding
from checker.results import RunResult


def render_junit(result: RunResult) -> str:
    lang = result.lang
    rules = sorted(result.rules, key=lambda r: r.id)
    root = ET.Element("testsuites", name="jxcheck")
    total = failures = errors = 0
    for report in result.reports:
        suite = ET.SubElement(root, "testsuite", name=f"{report.source} › {report.project}")
        n_fail = 0
        for rule in rules:
            case = ET.SubElement(suite, "testcase", classname=f"jxcheck.{rule.category}",
                                 name=f"{rule.id} {rule.title.get(lang)}")
            found = [f for f in report.findings if f.rule == rule.id]
            failing = [f for f in found if f.severity in ("error", "warning")]
            if failing:
                n_fail += 1
                failure = ET.SubElement(case, "failure", type=failing[0].severity,
                                        message=f"{len(failing)} × {rule.title.get(lang)}")
                failure.text = "\n".join(_line(f, lang) for f in failing)
            infos = [f for f in found if f.severity == "info"]
            if infos:
                ET.SubElement(case, "system-out").text = "\n".join(_line(f, lang) for f in infos)
        suite.set("tests", str(len(rules)))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += len(rules)
        failures += n_fail
    for e in result.errors:
        suite = ET.SubElement(root, "testsuite", name=e.source, tests="1", failures="0", errors="1", skipped="0")
        case = ET.SubElement(suite, "testcase", classname="jxcheck.read", name="read filing")
        err = ET.SubElement(case, "error", type="unreadable", message=e.message)
        err.text = f"{e.source}{f' ({e.where})' if e.where else ''}: {e.message}"
        total += 1
        errors += 1
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _line(f: Finding, lang: str) -> str:
    where = " › ".join(f.location.path)
    return f"[{f.severity}] {where}: {f.message.get(lang)}"
