"""Baselines, waivers and --fail-on, end to end through the CLI."""

from __future__ import annotations

import json

import yaml

from checker.cli import main
from checker.readers import read_path
from checker.readers.canonical import filings_to_yaml
from tests.conftest import SEED


def _json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", "--format", "json", "--no-config", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else {"err": err})


def _findings(doc: dict) -> list[dict]:
    return [f for r in doc["reports"] for f in r["findings"]]


def test_baseline_reports_only_new_findings(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    code, doc = _json(capsys, str(SEED), "--write-baseline", str(baseline))
    total = len(_findings(doc))
    stored = json.loads(baseline.read_text(encoding="utf-8"))
    assert stored["version"] == 1 and len(stored["findings"]) == total
    assert "line" not in json.dumps(stored)  # fingerprints, never line numbers

    code, doc = _json(capsys, str(SEED), "--baseline", str(baseline))
    assert code == 0 and _findings(doc) == []
    assert doc["baseline"] == {"new": 0, "known": total, "fixed": []}

    # change one figure in a copy: 双随机执法检查 done for 15 of 20 firms, still scored full
    text = SEED.read_text(encoding="utf-8")
    old = "\t双随机执法检查\n\t20家\n\t20家\n"
    assert text.count(old) == 1
    changed = tmp_path / "seed.txt"
    changed.write_text(text.replace(old, "\t双随机执法检查\n\t20家\n\t15家\n"), encoding="utf-8")
    code, doc = _json(capsys, str(changed), "--baseline", str(baseline))
    new = _findings(doc)
    assert [(f["rule"], f["location"]["path"][-1]) for f in new] == [("SCO001", "双随机执法检查")]
    assert code == 1 and doc["baseline"]["new"] == 1 and doc["baseline"]["fixed"] == []


def test_equivalent_filing_matches_the_baseline(tmp_path, capsys):
    """Rows reordered and whitespace changed (here in the canonical YAML form): nothing new, nothing fixed."""
    baseline = tmp_path / "baseline.json"
    _json(capsys, str(SEED), "--write-baseline", str(baseline))
    filings = read_path(SEED)
    for ev in filings[0].evaluations:
        # swap the first two rows of every 二级 group and pad every value with blanks
        rows = ev.indicators
        for i in range(len(rows) - 1):
            if rows[i].level2 == rows[i + 1].level2 and (i == 0 or rows[i - 1].level2 != rows[i].level2):
                rows[i], rows[i + 1] = rows[i + 1], rows[i]
    data = yaml.safe_load(filings_to_yaml(filings))
    for ev in data["evaluations"]:
        for ind in ev["indicators"]:
            for key in ("target", "actual"):
                if isinstance(ind.get(key), dict) and ind[key].get("raw"):
                    ind[key] = {"raw": "  " + ind[key]["raw"] + "　"}
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, doc = _json(capsys, str(edited), "--baseline", str(baseline))
    assert _findings(doc) == [] and doc["baseline"]["fixed"] == [] and doc["baseline"]["new"] == 0


def test_fixed_findings_are_listed(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    _json(capsys, str(SEED), "--write-baseline", str(baseline), "--select", "ARI003")
    text = SEED.read_text(encoding="utf-8").replace("\t　95.5\n", "\t　92.5\n")
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(text, encoding="utf-8")
    code, doc = _json(capsys, str(fixed), "--baseline", str(baseline), "--select", "ARI003")
    assert code == 0 and doc["baseline"]["new"] == 0
    assert [(e["rule"], e["project"]) for e in doc["baseline"]["fixed"]] == [("ARI003", "安全生产专项")]


def test_bad_baseline_file(tmp_path, capsys):
    bad = tmp_path / "b.json"
    bad.write_text("{}", encoding="utf-8")
    code, doc = _json(capsys, str(SEED), "--baseline", str(bad))
    assert code == 2 and "not a jxcheck baseline" in doc["err"] and str(bad) in doc["err"]


def _waivers(tmp_path, entries: list[dict]):
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_waivers(tmp_path, capsys):
    _, doc = _json(capsys, str(SEED), "--select", "BUD001,BUD002")
    bud001, bud002 = sorted(_findings(doc), key=lambda f: f["rule"])
    path = _waivers(tmp_path, [
        {"fingerprint": bud001["fingerprint"], "rule": "BUD001", "reason": "预算调整文件已补", "approver": "李审计",
         "expires": "2099-12-31"},
        {"fingerprint": bud002["fingerprint"], "reason": "过期的豁免", "approver": "王处长", "expires": "2020-01-01"},
        {"fingerprint": "0123456789abcdef0123", "reason": "早已整改", "approver": "王处长", "expires": "2099-01-01"},
    ])
    code, doc = _json(capsys, str(SEED), "--select", "BUD001,BUD002", "--waivers", str(path))
    assert [f["rule"] for f in _findings(doc)] == ["BUD002"]  # its waiver has expired
    assert doc["waivers"]["waived"] == 1
    assert [w["approver"] for w in doc["waivers"]["expired"]] == ["王处长"]
    assert [w["fingerprint"] for w in doc["waivers"]["unused"]] == ["0123456789abcdef0123"]
    assert code == 1
    main(["check", str(SEED), "--no-config", "--select", "BUD001,BUD002", "--waivers", str(path)])
    out = capsys.readouterr().out
    assert "豁免已过期" in out and "豁免未使用" in out


def test_bad_waivers_file(tmp_path, capsys):
    path = _waivers(tmp_path, [{"fingerprint": "x", "reason": "r", "expires": "2099-01-01"}])
    code, doc = _json(capsys, str(SEED), "--waivers", str(path))
    assert code == 2 and "approver: Field required" in doc["err"] and "waiver 1" in doc["err"]


def test_a_waiver_needs_a_real_reason_and_approver_and_one_expiry(tmp_path, capsys):
    blank = _waivers(tmp_path, [{"fingerprint": "x", "reason": "   ", "approver": "王处长", "expires": "2099-01-01"}])
    code, doc = _json(capsys, str(SEED), "--waivers", str(blank))
    assert code == 2 and "reason: String should have at least 1 character" in doc["err"]
    assert "line 2, waiver 1" in doc["err"]
    twice = tmp_path / "twice.yaml"
    twice.write_text("waivers:\n  - fingerprint: x\n    reason: 已整改\n    approver: 王处长\n"
                     "    expires: 2020-01-01\n    expires: 2099-01-01\n", encoding="utf-8")
    code, doc = _json(capsys, str(SEED), "--waivers", str(twice))
    assert code == 2 and "（第6行第5列）: YAML 格式错误：键“expires”重复（第一次在第5行）" in doc["err"]


def test_a_baseline_with_a_5000_digit_integer_is_an_error_naming_it(tmp_path, capsys):
    bad = tmp_path / "b.json"
    bad.write_text('{"version": 1, "findings": [{"fingerprint": ' + "9" * 5000 + "}]}", encoding="utf-8")
    code, doc = _json(capsys, str(SEED), "--baseline", str(bad))
    assert code == 2 and str(bad) in doc["err"] and "internal error" not in doc["err"]


def test_fail_on(tmp_path, capsys):
    warnings_only = ["--select", "duplication"]
    assert _json(capsys, str(SEED), *warnings_only)[0] == 0
    assert _json(capsys, str(SEED), *warnings_only, "--fail-on", "warning")[0] == 1
    assert _json(capsys, str(SEED), "--select", "IND004", "--fail-on", "warning")[0] == 0
    assert _json(capsys, str(SEED), "--select", "IND004", "--fail-on", "info")[0] == 1
    assert _json(capsys, str(SEED), "--fail-on", "never")[0] == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert _json(capsys, str(SEED), str(empty), "--fail-on", "never")[0] == 2  # unreadable input always counts


def test_console_shows_baseline(tmp_path, capsys):
    baseline = tmp_path / "b.json"
    _json(capsys, str(SEED), "--write-baseline", str(baseline))
    code = main(["check", str(SEED), "--no-config", "--baseline", str(baseline)])
    out = capsys.readouterr().out
    assert code == 0 and "基线：新增 0" in out
