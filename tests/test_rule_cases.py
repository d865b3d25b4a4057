"""Every rule's pass/fail cases, kept as YAML under fixtures/rules/ (the way SQLFluff keeps rule cases).

Each file names one rule and holds named cases `test_pass_…` / `test_fail_…`: a filing fragment in the
canonical YAML form and the exact findings of that rule (or none). The case runs with only that rule
selected, so other rules cannot hide or add findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.config import PROFILES
from checker.model import Filing
from checker.readers.canonical import derive
from checker.rulebook import bundled_rules_dir, load_rules, select_rules
from tests.conftest import FIXTURES, check_reports

CASE_DIR = FIXTURES / "rules"
RULES = load_rules([bundled_rules_dir()])
RULE_IDS = {r.id for r in RULES}


def _cases() -> list:
    out = []
    for path in sorted(CASE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, case in data["cases"].items():
            out.append(pytest.param(data["rule"], name, case, id=f"{data['rule']}-{name}"))
    return out


def _summary(finding) -> dict:
    out = {"rule": finding.rule, "project": finding.project, "path": " › ".join(finding.location.path)}
    if finding.evidence.reported is not None:
        out["reported"] = finding.evidence.reported
    if finding.evidence.computed is not None:
        out["computed"] = finding.evidence.computed
    return out


@pytest.mark.parametrize(("rule_id", "name", "case"), _cases())
def test_rule_case(rule_id, name, case):
    assert name.startswith(("test_pass_", "test_fail_")), name
    # as the canonical reader does: what is derived from the model (the gaps) is computed on load
    filing = derive(Filing.model_validate({"source": f"{rule_id}.yaml", "format": "yaml", **case["filing"]}))
    # a case may hold the filing to a scoring profile the user chose (`profile: default`); without one, each
    # filing is held to the scheme its own form declares
    profile = PROFILES[case["profile"]] if "profile" in case else {}
    reports = check_reports([filing], select_rules(RULES, [rule_id]), profile)
    got = [f for r in reports for f in r.findings]
    expected = case.get("findings") or []
    assert [_summary(f) for f in got] == [{k: v for k, v in e.items() if k != "message"} for e in expected]
    for f, e in zip(got, expected, strict=True):
        if "message" in e:
            assert f.message.zh == e["message"]
    if name.startswith("test_pass_"):
        assert expected == []
    else:
        assert expected, "a failing case lists the findings it expects"
    for r in reports:  # a rule that finds something had what it `requires:` — or its requires are wrong
        if any(f.rule == rule_id for f in r.findings):
            assert rule_id in r.coverage.ran, (rule_id, r.coverage.not_run, r.coverage.not_applicable)


def test_every_rule_has_pass_and_fail_cases():
    kinds: dict[str, set[str]] = {}
    for path in sorted(CASE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["rule"] in RULE_IDS, f"{path.name} names an unknown rule"
        assert Path(path).stem == data["rule"]
        kinds.setdefault(data["rule"], set()).update(n.split("_")[1] for n in data["cases"])
    missing = {r: {"pass", "fail"} - kinds.get(r, set()) for r in RULE_IDS}
    assert {r: m for r, m in missing.items() if m} == {}
