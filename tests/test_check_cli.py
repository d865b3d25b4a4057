"""`jxcheck check`, `rules`, `explain` end to end: exit codes, selection, extra rule packs, bad rules."""

from __future__ import annotations

import json
import textwrap

import pytest

from checker.cli import main
from checker.rulebook import RuleError, bundled_rules_dir, load_rules
from tests.conftest import FIXTURES, SEED, check_reports

RULE_IDS = [r.id for r in load_rules([bundled_rules_dir()])]


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys, *args: str) -> tuple[int, dict]:
    code, out, _ = _run(capsys, "check", "--format", "json", *args)
    return code, json.loads(out)


def _rules_of(doc: dict) -> set[str]:
    return {f["rule"] for r in doc["reports"] for f in r["findings"]}


def test_select_and_ignore(capsys):
    code, doc = _json(capsys, str(SEED), "--select", "BUD001,BUD002")
    assert code == 1 and _rules_of(doc) == {"BUD001", "BUD002"}
    code, doc = _json(capsys, str(SEED), "--select", "duplication")
    assert code == 0  # warnings only
    assert _rules_of(doc) == {"DUP001", "DUP002", "DUP003", "DUP004", "DUP007"}
    code, doc = _json(capsys, str(SEED), "--ignore", "DUP", "--ignore", "indicator,consistency")
    assert not {r[:3] for r in _rules_of(doc)} & {"DUP", "IND", "CON"}


def test_unknown_rule_id_is_an_error(capsys):
    code, out, err = _run(capsys, "check", str(SEED), "--select", "XYZ999")
    assert code == 2 and out == ""
    assert "unknown rule id or category 'XYZ999'" in err


def test_exit_codes(capsys, tmp_path):
    clean = tmp_path / "clean.yaml"
    clean.write_text(textwrap.dedent("""\
        evaluations:
          - project: 示例项目
            year: 2022
            has_table: true
            funding:
              - {kind: total, label: 年度资金总额, budget: 100, executed: 100, weight: 10, rate: 100%, score: 10}
            goal: {expected: 培训学员500人次, actual: 培训学员520人次}
            level1: [{name: 产出指标, declared_weight: 50}, {name: 效益指标, declared_weight: 30},
                     {name: 满意度指标, declared_weight: 10}]
            indicators:
              - {level1: 产出指标, level2: 数量指标, name: 培训人次, target: ≥500人次, actual: 520人次, weight: 50, score: 50}
              - {level1: 效益指标, level2: 社会效益指标, name: 持证上岗率, target: ≥95%, actual: 97%, weight: 30, score: 30}
              - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学员满意度, target: ≥90%, actual: 96%, weight: 10, score: 10}
            total: {weight: 100, score: 100}
        """), encoding="utf-8")
    code, doc = _json(capsys, str(clean))
    assert code == 0 and doc["summary"]["findings"] == 0 and doc["errors"] == []
    code, doc = _json(capsys, str(SEED))
    assert code == 1
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04garbage")
    code, doc = _json(capsys, str(SEED), str(broken))
    assert code == 2  # unreadable input wins over findings
    assert doc["errors"] == [{"source": str(broken), "where": None,
                              "message": "not a readable .docx (truncated or corrupt ZIP package)", "kind": "unreadable"}]
    assert doc["summary"]["reports"] == 3  # the rest of the batch still ran


def test_directory_input(capsys, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "notes.md").write_text("not a filing", encoding="utf-8")
    code, doc = _json(capsys, str(tmp_path))
    assert code == 1 and doc["summary"]["files"] == 1 and doc["summary"]["reports"] == 3


def test_english_messages(capsys):
    code, doc = _json(capsys, str(SEED), "--lang", "en", "--select", "BUD001")
    [finding] = [f for r in doc["reports"] for f in r["findings"]]
    assert finding["message"].startswith("执行率 is reported as 100%, but executed 40.5 / budget 96")
    assert finding["title"] == "Execution rate does not equal executed / budget"


def test_console_output(capsys):
    code, out, _ = _run(capsys, "check", str(SEED), "--select", "BUD001,ARI001")
    assert code == 1
    assert "执法办案经费" in out and "BUD001" in out and "执行率填报100%" in out
    assert "汇总" in out and "预算 budget" in out
    code, out, _ = _run(capsys, "check", str(SEED), "--select", "BUD001", "--lang", "en")
    assert "Summary" in out and "error" in out


def test_rules_lists_every_rule(capsys):
    code, out, _ = _run(capsys, "rules")
    assert code == 0
    for rid in RULE_IDS:
        assert rid in out


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_explain_every_rule(capsys, rule_id):
    code, out, _ = _run(capsys, "explain", rule_id.lower())
    assert code == 0
    assert out.startswith(rule_id)
    for word in ("类别", "说明", "条件", "提示信息", "示例", "可用字段"):
        assert word in out
    code, out, _ = _run(capsys, "explain", rule_id, "--lang", "en")
    assert "rationale" in out and "condition" in out


def test_explain_unknown_rule(capsys):
    code, _, err = _run(capsys, "explain", "ABC123")
    assert code == 2 and "unknown rule id 'ABC123'" in err


PROVINCE_RULE = """\
family: province
rules:
  - id: HUN001
    category: indicator
    severity: warning
    fact: indicator
    title: {zh: 满意度指标分值低于10分, en: Satisfaction weighted below 10}
    when:
      level1: 满意度指标
      weight: {lt: $minimum}
    parameters: {minimum: 10}
    message: {zh: "“{name}”分值{weight:g}分，低于{minimum}分", en: "“{name}” weighs {weight:g}, below {minimum}"}
    rationale: {zh: 本省规定满意度指标不低于10分。, en: This province weights satisfaction at least 10.}
    evidence: {reported: weight, computed: minimum}
"""


def test_extra_rule_pack(capsys, tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "hunan.yaml").write_text(PROVINCE_RULE, encoding="utf-8")
    filing = tmp_path / "f.yaml"
    filing.write_text(textwrap.dedent("""\
        evaluations:
          - project: 示例项目
            has_table: true
            indicators:
              - {level1: 满意度指标, level2: 服务对象满意度指标, name: 群众满意度, target: ≥90%, actual: 95%, weight: 5, score: 5}
        """), encoding="utf-8")
    code, doc = _json(capsys, str(filing), "--rules", str(tmp_path / "rules"), "--select", "HUN001")
    [finding] = [f for r in doc["reports"] for f in r["findings"]]
    assert finding["message"] == "“群众满意度”分值5分，低于10分"
    assert finding["evidence"] == {"reported": 5, "computed": 10, "labels": {  # a pack's rule may name none
        "reported": {"zh": "填报", "en": "reported"}, "computed": {"zh": "计算", "en": "computed"}}}
    code, out, _ = _run(capsys, "explain", "HUN001", "--rules", str(tmp_path / "rules"))
    assert code == 0 and "本省规定满意度指标不低于10分" in out




def _pack(tmp_path, text: str):
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    severity: warning\n", "    severity: fatal\n"), "severity: Input should be 'error', 'warning' or 'info'"),
        (("      level1: 满意度指标\n", "      level_one: 满意度指标\n"), "unknown field 'level_one' of fact kind 'indicator'"),
        (("    category: indicator\n", "    category: indicator\n    colour: red\n"), "colour: Extra inputs are not permitted"),
        (("{lt: $minimum}", "{lt: $maximum}"), "unknown parameter $maximum"),
        (("{lt: $minimum}", "{below: 10}"), "unknown operator 'below' on weight"),
        (("低于{minimum}分", "低于{minimun}分"), "message.zh uses unknown placeholder {minimun}"),
        (("fact: indicator", "fact: indicators"), "unknown fact kind 'indicators'"),
        (("level1: 满意度指标", "level1: {gt: 3}"), "`gt` compares numbers; level1 is a string field"),
        (("{minimum: 10}", "{minimum: 0.00001}"), "needs exponent notation"),
        (("id: HUN001", "id: hun1"), "rule id must be"),
    ],
)
def test_broken_rule_file(capsys, tmp_path, change, message):
    old, new = change
    assert old in PROVINCE_RULE
    _pack(tmp_path, PROVINCE_RULE.replace(old, new))
    code, out, err = _run(capsys, "check", str(SEED), "--rules", str(tmp_path))
    assert code == 2 and out == ""
    assert str(tmp_path / "p.yaml") in err and message in err
    assert "第3行" in err


def test_duplicate_rule_id(capsys, tmp_path):
    _pack(tmp_path, PROVINCE_RULE.replace("HUN001", "BUD001"))
    code, _, err = _run(capsys, "check", str(SEED), "--rules", str(tmp_path))
    assert code == 2 and "duplicate rule id BUD001 (first defined in" in err and "budget.yaml" in err


def test_invalid_yaml_rule_file(capsys, tmp_path):
    _pack(tmp_path, "rules:\n  - id: [\n")
    code, _, err = _run(capsys, "rules", "--rules", str(tmp_path))
    assert code == 2 and "invalid YAML" in err and "第3行" in err


def test_missing_rule_dir(capsys, tmp_path):
    code, _, err = _run(capsys, "check", str(SEED), "--rules", str(tmp_path / "nope"))
    assert code == 2 and "rule directory not found" in err


def _join_rule(when_a: str, when_b: str, message: str, evidence: str) -> str:
    """The province rule rewritten as a join of a 一级 block and its indicator rows."""
    return PROVINCE_RULE.replace("    fact: indicator\n", "    facts: {a: level1, b: indicator}\n").replace(
        "    when:\n      level1: 满意度指标\n      weight: {lt: $minimum}\n",
        f"    when:\n      a: {when_a}\n      b: {when_b}\n",
    ).replace("“{name}”分值{weight:g}分，低于{minimum}分", message).replace(
        "“{name}” weighs {weight:g}, below {minimum}", "“{b.name}” weighs {b.weight:g}").replace(
        "evidence: {reported: weight, computed: minimum}", evidence)


def test_join_rules_compare_by_equality_only(tmp_path):
    _pack(tmp_path, _join_rule("{name: 满意度指标}", "{level1: '@a.name', weight: {lt: '@a.declared_weight'}}",
                               "“{b.name}”分值{b.weight:g}分", "evidence: {reported: b.weight}"))
    with pytest.raises(RuleError) as exc:
        load_rules([tmp_path])
    assert "compares joined facts only by equality" in str(exc.value)


def test_join_rule_fires(tmp_path):
    from checker.model import Value
    from checker.readers import read_path

    _pack(tmp_path, _join_rule("{name: 满意度指标, declared_weight: 10}", "{level1: '@a.name', weight: {lt: $minimum}}",
                               "“{b.name}”分值{b.weight:g}分，声明{a.declared_weight:g}分",
                               "evidence: {reported: b.weight, computed: a.declared_weight}"))
    rules = load_rules([tmp_path])
    reports = check_reports(read_path(FIXTURES / "seed_yongzhou_2021.txt"), rules)
    assert [f.message.zh for r in reports for f in r.findings] == []  # every 满意度 row weighs 10
    doc = read_path(FIXTURES / "seed_yongzhou_2021.txt")
    doc[0].evaluations[0].indicators[-1].weight = Value.of("8")
    reports = check_reports(doc, rules)
    assert [f.message.zh for r in reports for f in r.findings] == ["“社会公众和企业对应急管理工作的满意度”分值8分，声明10分"]


def test_fact_reference_is_current(capsys):
    from tests.conftest import ROOT

    code, out, _ = _run(capsys, "facts")
    assert code == 0
    assert out == (ROOT / "docs" / "facts.md").read_text(encoding="utf-8"), "regenerate: jxcheck facts > docs/facts.md"


def test_rule_reference_and_readme_list_are_current(capsys):
    from tests.conftest import ROOT

    code, out, _ = _run(capsys, "rules", "--format", "markdown")
    assert code == 0
    assert out == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), \
        "regenerate: jxcheck rules --format markdown > docs/rules.md"
    table = [line for line in out.splitlines() if line.startswith("| ")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [line for line in table if line not in readme]
    assert not missing, f"README's rule list is not current: {missing[:3]}"
