"""Every output format for the seed: SARIF validates, JUnit parses, HTML renders, xlsx opens."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from checker.cli import main
from checker.output import write_atomic
from tests.conftest import ROOT, SEED

SARIF_SCHEMA = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"


def _render(capsys, fmt: str, *extra: str, tmp_path: Path | None = None) -> str | Path:
    if tmp_path is not None:
        out = tmp_path / f"report.{fmt}"
        code = main(["check", str(SEED), "--format", fmt, "--output", str(out), *extra])
        assert code == 1
        return out
    code = main(["check", str(SEED), "--format", fmt, *extra])
    assert code == 1
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def seed_json():
    out = subprocess.run([sys.executable, "-m", "checker.cli", "check", str(SEED), "--format", "json"],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    return json.loads(out.stdout)


def _findings(doc: dict) -> list[dict]:
    return [f for r in doc["reports"] for f in r["findings"]]


def test_sarif_is_valid_and_complete(capsys, seed_json):
    doc = json.loads(_render(capsys, "sarif"))
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == seed_json["tool"]["rules"]
    assert all(r["help"]["text"] and r["help"]["markdown"] and r["shortDescription"]["text"] for r in rules)
    results = run["results"]
    assert len(results) == len(_findings(seed_json))
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"]
    assert first["level"] in ("error", "warning", "note")
    loc = first["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("seed_yongzhou_2021.txt")
    assert loc["physicalLocation"]["region"]["startLine"] > 0
    assert loc["logicalLocations"][0]["fullyQualifiedName"].startswith("安全生产专项 › 自评报告")
    fingerprints = [r["partialFingerprints"]["jxcheck/v1"] for r in results]
    assert fingerprints == [f["fingerprint"] for f in _findings(seed_json)]


def test_sarif_for_docx_has_logical_locations_without_lines(capsys):
    code = main(["check", str(ROOT / "fixtures" / "seed_yongzhou_2021.xlsx"), "--format", "sarif"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    loc = doc["runs"][0]["results"][0]["locations"][0]
    assert "region" not in loc["physicalLocation"] and loc["logicalLocations"][0]["fullyQualifiedName"]
    assert "单元格" in loc["message"]["text"]


def test_junit_counts(capsys, seed_json):
    root = ET.fromstring(_render(capsys, "junit").encode("utf-8"))
    suites = root.findall("testsuite")
    n_rules = seed_json["tool"]["rules"]
    assert [s.get("name") for s in suites] == [f"{r['source']} › {r['project']}" for r in seed_json["reports"]]
    failures = 0
    for suite, report in zip(suites, seed_json["reports"], strict=True):
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests")) == n_rules
        failing_rules = {f["rule"] for f in report["findings"] if f["severity"] != "info"}
        assert int(suite.get("failures")) == len(failing_rules) == len(suite.findall("testcase/failure"))
        failures += len(failing_rules)
    assert int(root.get("tests")) == n_rules * len(suites) and int(root.get("failures")) == failures


def test_github_annotations(capsys, seed_json):
    lines = _render(capsys, "github").splitlines()
    assert len(lines) == len(_findings(seed_json))
    assert lines[0].startswith("::error file=")  # errors first
    assert ",line=25,title=CON004 " in lines[0]
    assert any("有83%25与" in line for line in lines)  # % escaped as the workflow command syntax requires
    assert all(line.split(" ", 1)[0] in ("::error", "::warning", "::notice") for line in lines)


def test_markdown_summary(capsys):
    md = _render(capsys, "markdown")
    assert md.startswith("## jxcheck 检查结果")
    assert "| 安全生产专项 | `" in md and "<details><summary>执法办案经费" in md
    assert "| 错误 | BUD001 |" in md


def test_html_is_self_contained(tmp_path, capsys, seed_json):
    html = _render(capsys, "html", tmp_path=tmp_path).read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<link" not in html and "src=" not in html
    assert html.count('<li class="finding') == len(_findings(seed_json))
    assert 'class="flag sev-error"' in html and "填报总分 <b>95.5</b>" in html
    assert 'data-category="budget"' in html and 'data-sev="warning"' in html
    # a flagged cell links to its findings and each finding back to its cell
    assert re.search(r'<a class="ref" href="#f1-(\d+)" data-ref="f1-\1">\[\1\]</a>', html)
    assert '<a class="cellref" href="#c1-3-3-6"' in html
    # print: one filing a page, flagged cells keep their colour on paper
    assert "print-color-adjust:exact" in html and "break-before:page" in html
    assert '<nav class="toc">' in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(_chromium() is None and os.environ.get("JXCHECK_REQUIRE_BROWSER") != "1",
                    reason="no Chromium on this machine")
def test_html_renders_in_headless_chromium(tmp_path, capsys, seed_json):
    browser = _chromium()
    assert browser, "JXCHECK_REQUIRE_BROWSER=1 but no Chromium installed"
    page = _render(capsys, "html", tmp_path=tmp_path)
    dom = subprocess.run([browser, *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120, check=False).stdout
    assert dom.count('<li class="finding') == len(_findings(seed_json))
    # the flagged cells the browser shows: 95.5 of 安全生产专项's 总分, its unparsed unit, 执法办案经费's 执行率
    assert re.search(r'<td id="c0-1-54-2" class="flag sev-error" data-f="f0-\d+ f0-\d+" title="ARI002', dom)
    assert re.search(r'class="flag sev-warning" data-f="f0-\d+" title="IND001', dom)
    assert re.search(r'<td id="c1-3-3-6" class="flag sev-error" data-f="f1-\d+" title="BUD001', dom)
    shot = tmp_path / "shot.png"
    subprocess.run([browser, *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=1200,900",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000


def test_xlsx_report(tmp_path, capsys, seed_json):
    path = _render(capsys, "xlsx", tmp_path=tmp_path)
    wb = load_workbook(path)
    ws = wb["问题清单"]
    assert ws.max_row == len(_findings(seed_json)) + 1
    assert [c.value for c in ws[1]][:6] == ["文件", "项目", "规则", "类别", "严重程度", "说明"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    summary = wb["汇总"]
    assert [r[1] for r in summary.iter_rows(min_row=2, values_only=True)] == ["安全生产专项", "执法办案经费", "非税收入"]
    assert summary["H2"].value == 95.5 and summary["J2"].value == 92


def test_xlsx_needs_output(capsys):
    assert main(["check", str(SEED), "--format", "xlsx"]) == 2
    assert "needs --output" in capsys.readouterr().err


def test_output_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomic(target, "new content")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no half-written temp file left


def test_output_file_written(tmp_path, capsys):
    out = _render(capsys, "json", tmp_path=tmp_path)
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["reports"] == 3
    assert oct(out.stat().st_mode & 0o777) != "0o600"
    assert capsys.readouterr().out == ""


def test_console_to_file(tmp_path, capsys):
    out = _render(capsys, "console", tmp_path=tmp_path).read_text(encoding="utf-8")
    assert "安全生产专项" in out and "BUD001" in out and "汇总" in out


def test_html_for_every_form_in_the_repo(tmp_path):
    """The HTML report renders every filing the repo holds (other provinces' layouts, edge cases): filings
    without a total, without a table, with only a report."""
    dirs = [str(ROOT / "fixtures" / d) for d in ("real", "variants", "edge")]
    main(["check", *dirs, "--format", "json", "-o", str(tmp_path / "r.json"), "--no-cache", "-j", "0", "-q"])
    main(["check", *dirs, "--format", "html", "-o", str(tmp_path / "r.html"), "--no-cache", "-j", "0", "-q"])
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.count('<li class="finding') == sum(len(r["findings"]) for r in doc["reports"]) > 50
    assert html.count('<section class="filing" id="f') == len(doc["reports"])
