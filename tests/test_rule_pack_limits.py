"""Rule packs that pass the schema but would hang, crash or exhaust the engine are refused, naming the limit."""

from __future__ import annotations

import textwrap

import pytest

from checker.cli import main
from tests.conftest import SEED

RULE = """\
rules:
  - id: USR001
    category: scoring
    severity: warning
    fact: indicator
    title: {{zh: 试验, en: test}}
    when:
{when}
    message: {{zh: "{message}", en: "x"}}
    rationale: {{zh: 试验, en: test}}
"""


def _pack(tmp_path, when: str, message: str = "得分{score:g}", extra: str = ""):
    d = tmp_path / "pack"
    d.mkdir(exist_ok=True)
    (d / "p.yaml").write_text(RULE.format(when=textwrap.indent(when, "      "), message=message) + extra,
                              encoding="utf-8")
    return d


def _check(capsys, pack) -> tuple[int, str]:
    code = main(["check", "--no-cache", "--jobs", "0", "--no-config", "-q", "--rules", str(pack), str(SEED)])
    _, err = capsys.readouterr()
    return code, err


@pytest.mark.parametrize(("when", "message", "limit"), [
    ("actual_text: {matches: '(a*)*'}", "得分{score:g}", "nested quantifiers"),
    ("actual_text: {matches: '" + "(" * 150 + "a" + ")" * 150 + "'}", "得分{score:g}", "pattern length"),
    ("actual_text: {matches: '" + "(" * 8 + "a" + ")" * 8 + "'}", "得分{score:g}", "pattern group depth"),
    ("actual_text: {matches: '" + "|".join("甲乙" for _ in range(65)) + "'}", "得分{score:g}", "pattern alternatives"),
    ("full_marks: true", "得分{score:>1000000000}", "format width"),
    ("any:\n" + "".join(f"  - score: {{gt: {i}}}\n" for i in range(14)), "得分{score:g}", "any/all width"),
    ("any:\n  - any:\n    - any:\n      - any:\n        - any:\n          - any:\n            - any:\n"
     "              - score: {gt: 1}\n", "得分{score:g}", "condition depth"),
])
def test_limits_are_named(capsys, tmp_path, when, message, limit):
    code, err = _check(capsys, _pack(tmp_path, when, message))
    assert code == 2 and "p.yaml" in err and f"limit: {limit}" in err and "Traceback" not in err


def test_too_many_rules(capsys, tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    one = RULE.format(when=textwrap.indent("full_marks: true", "      "), message="x").split("rules:\n", 1)[1]
    rules = "".join(one.replace("USR001", f"USR{i:03d}") for i in range(1, 500))
    (d / "p.yaml").write_text("rules:\n" + rules, encoding="utf-8")
    code, err = _check(capsys, d)
    assert code == 2 and "limit: rules" in err


def test_a_pack_that_crashes_the_engine_is_exit_2_naming_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("JXCHECK_FAULT_INJECT", "crash:probe")
    pack = _pack(tmp_path, "full_marks: true")
    code, err = _check(capsys, pack)
    assert code == 2 and str(pack) in err and "crashed (SIGSEGV)" in err


def test_a_good_pack_runs(capsys, tmp_path):
    code, err = _check(capsys, _pack(tmp_path, "full_marks: true"))
    assert code == 1 and "error" not in err.lower()
