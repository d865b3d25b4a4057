"""Settings in pyproject.toml / jxcheck.toml, found upward from the working directory."""

from __future__ import annotations

import json
import textwrap

import pytest

from checker.cli import main
from tests.conftest import FIXTURES, SEED


def _project(tmp_path, name: str, text: str):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    sub = tmp_path / "work" / "deep"
    sub.mkdir(parents=True, exist_ok=True)
    return sub


def _json(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["check", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else {}), err


def _rules(doc: dict) -> set[str]:
    return {f["rule"] for r in doc["reports"] for f in r["findings"]}


def test_pyproject_settings_found_upward(tmp_path, monkeypatch, capsys):
    cwd = _project(tmp_path, "pyproject.toml", """\
        [project]
        name = "filings"

        [tool.jxcheck]
        select = ["BUD", "scoring"]
        ignore = ["SCO002"]
        fail-on = "warning"
        lang = "en"

        [tool.jxcheck.severity]
        BUD004 = "info"
        scoring = "warning"

        [tool.jxcheck.parameters]
        SCO003 = { tolerance = 0.2 }
        """)
    monkeypatch.chdir(cwd)
    code, doc, _ = _json(capsys, str(SEED))
    assert doc["lang"] == "en"
    assert _rules(doc) == {"BUD001", "BUD002", "BUD003", "BUD004", "SCO001", "SCO003", "SCO004", "SCO005"}
    sev = {(f["rule"], f["severity"]) for r in doc["reports"] for f in r["findings"]}
    assert ("BUD004", "info") in sev and ("SCO001", "warning") in sev and ("BUD001", "error") in sev
    # tolerance 0.2: 3.5 vs 3.33 no longer counts, 2 vs 1.67 still does
    sco003 = [f for r in doc["reports"] for f in r["findings"] if f["rule"] == "SCO003"]
    assert [f["evidence"]["reported"] for f in sco003] == [2]
    assert code == 1
    # the command line adds to the file
    code, doc, _ = _json(capsys, str(SEED), "--ignore", "BUD")
    assert not {r for r in _rules(doc) if r.startswith("BUD")}


def test_jxcheck_toml_wins_and_profile(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.jxcheck]\nselect = ["DUP"]\n', encoding="utf-8")
    cwd = _project(tmp_path, "jxcheck.toml", """\
        select = ["BUD006", "ARI006"]
        profile = "execution-20"
        """)
    monkeypatch.chdir(cwd)
    code, doc, _ = _json(capsys, str(SEED))
    # the seed weighs execution 10 and 产出 50: both differ from the 20/40/30/10 profile
    found = sorted((f["rule"], f["evidence"]["reported"], f["evidence"]["computed"])
                   for r in doc["reports"] for f in r["findings"])
    assert found == [("ARI006", 50, 40)] * 3 + [("BUD006", 10, 20)] * 3


def test_custom_weights(tmp_path, monkeypatch, capsys):
    cwd = _project(tmp_path, "jxcheck.toml", """\
        select = ["ARI002", "ARI006"]
        [weights]
        execution = 10
        "产出指标" = 60
        "效益指标" = 30
        """)
    monkeypatch.chdir(cwd)
    _, doc, _ = _json(capsys, str(FIXTURES / "edge" / "variant_split_target_2023.txt"))
    assert _rules(doc) == set()  # 产出60 + 效益30 + 执行10 is this profile


def test_per_path_settings(tmp_path, monkeypatch, capsys):
    archive = tmp_path / "archive" / "2021"
    archive.mkdir(parents=True)
    (archive / "seed.txt").write_bytes(SEED.read_bytes())
    current = tmp_path / "current"
    current.mkdir()
    (current / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "jxcheck.toml").write_text(textwrap.dedent("""\
        select = ["BUD001", "DUP002"]
        [[per-path]]
        paths = ["archive/**"]
        ignore = ["DUP002"]
        severity = { BUD001 = "warning" }
        """), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, doc, _ = _json(capsys, "archive", "current")
    by_source = {}
    for r in doc["reports"]:
        for f in r["findings"]:
            by_source.setdefault(r["source"].split("/")[0], set()).add((f["rule"], f["severity"]))
    assert by_source == {"archive": {("BUD001", "warning")}, "current": {("BUD001", "error"), ("DUP002", "warning")}}


def test_rule_dirs_relative_to_the_file(tmp_path, monkeypatch, capsys):
    from tests.test_check_cli import PROVINCE_RULE

    (tmp_path / "rules-hunan").mkdir()
    (tmp_path / "rules-hunan" / "hunan.yaml").write_text(PROVINCE_RULE, encoding="utf-8")
    cwd = _project(tmp_path, "jxcheck.toml", 'rules = ["rules-hunan"]\nselect = ["HUN001"]\n')
    monkeypatch.chdir(cwd)
    code, doc, _ = _json(capsys, str(SEED))
    assert code == 0 and _rules(doc) == set()  # every 满意度 row of the seed weighs 10
    assert main(["explain", "HUN001"]) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 'red'\n", "colour: Extra inputs are not permitted"),
        ("select = ['NOPE001']\n", "unknown rule id or category 'NOPE001'"),
        ("[severity]\nBUD001 = 'fatal'\n", "severity.BUD001: Input should be 'error', 'warning' or 'info'"),
        ("[parameters]\nBUD001 = { tolerence = 1 }\n", "rule BUD001 has no parameter 'tolerence'"),
        ("[parameters]\nXYZ001 = { tolerance = 1 }\n", "parameters: unknown rule id or category 'XYZ001'"),
        ("[parameters]\nBUD001 = { tolerance = 'big' }\n", "rate_gap_abs is a number field; 'big' can never match"),
        ("profile = 'lenient'\n", "unknown profile 'lenient'"),
        ("fail-on = 'sometimes'\n", "fail-on: Input should be"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_settings(tmp_path, monkeypatch, capsys, text, message):
    cwd = _project(tmp_path, "jxcheck.toml", text)
    monkeypatch.chdir(cwd)
    code, doc, err = _json(capsys, str(SEED))
    assert code == 2 and doc == {}
    assert str(tmp_path / "jxcheck.toml") in err and message in err


def test_no_config_and_explicit_config(tmp_path, monkeypatch, capsys):
    cwd = _project(tmp_path, "jxcheck.toml", "colour = 'red'\n")
    monkeypatch.chdir(cwd)
    code, doc, _ = _json(capsys, str(SEED), "--no-config", "--select", "BUD001")
    assert code == 1 and _rules(doc) == {"BUD001"}
    other = tmp_path / "other.toml"
    other.write_text("select = ['ARI003']\n", encoding="utf-8")
    code, doc, _ = _json(capsys, str(SEED), "--config", str(other))
    assert _rules(doc) == {"ARI003"}
