"""`jxcheck parse` and `jxcheck schema` end to end; the canonical form round-trips."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from checker.cli import main
from checker.model import Filing
from checker.readers import read_path
from checker.readers.canonical import filings_to_yaml
from tests.conftest import FIXTURES, SEED


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("ext", ["txt", "docx", "xlsx"])
def test_round_trip_yaml(tmp_path, capsys, ext):
    code, out, err = _run(capsys, "parse", str(FIXTURES / f"seed_yongzhou_2021.{ext}"))
    assert code == 0 and err == ""
    path = tmp_path / "seed.yaml"
    path.write_text(out, encoding="utf-8")
    original = read_path(FIXTURES / f"seed_yongzhou_2021.{ext}")
    assert read_path(path) == original


def test_round_trip_json(tmp_path, capsys):
    code, out, _ = _run(capsys, "parse", "--format", "json", str(SEED))
    assert code == 0
    data = json.loads(out)
    assert [e["project"] for e in data["evaluations"]] == ["安全生产专项", "执法办案经费", "非税收入"]
    path = tmp_path / "seed.json"
    path.write_text(out, encoding="utf-8")
    assert read_path(path) == read_path(SEED)


def test_several_files_make_a_yaml_stream(capsys):
    code, out, _ = _run(capsys, "parse", str(SEED), str(FIXTURES / "seed_yongzhou_2021.xlsx"))
    assert code == 0
    docs = list(yaml.safe_load_all(out))
    assert [d["format"] for d in docs] == ["text", "xlsx"]


def test_schema_validates_the_canonical_form(capsys):
    code, out, _ = _run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    filings = read_path(SEED)
    instance = yaml.safe_load(filings_to_yaml(filings))
    jsonschema.validate(instance, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"evaluations": [{"project": "x", "colour": "red"}]}, schema)


def test_hand_written_yaml_with_shorthand(tmp_path):
    path = tmp_path / "draft.yaml"
    path.write_text(
        "evaluations:\n"
        "  - year: 2024\n"
        "    project: 培训项目\n"
        "    funding:\n"
        "      - {kind: total, label: 年度资金总额, budget: 100, executed: '80', rate: 100%}\n"
        "    indicators:\n"
        "      - {level1: 产出指标, level2: 数量指标, name: 培训人次, target: ≥500人次, actual: 520人次,\n"
        "         weight: 10, score: 10}\n",
        encoding="utf-8",
    )
    [filing] = read_path(path)
    ev = filing.evaluations[0]
    assert filing.format == "yaml" and ev.year == 2024
    assert ev.funding[0].budget.number == 100 and ev.funding[0].rate.parsed.unit == "%"
    ind = ev.indicators[0]
    assert (ind.target.parsed.op, ind.target.number, ind.target.parsed.unit) == (">=", 500, "人次")
    assert ind.name.text == "培训人次"


def test_stored_parse_is_recomputed(tmp_path):
    path = tmp_path / "stale.yaml"
    path.write_text(
        "evaluations:\n  - project: x\n    total:\n      score: {raw: '95.5', parsed: {text: '95.5', kind: text}}\n",
        encoding="utf-8",
    )
    ev = read_path(path)[0].evaluations[0]
    assert ev.total.score.parsed.kind == "number" and ev.total.score.number == 95.5


def test_model_equality_is_structural():
    a, b = read_path(SEED), read_path(SEED)
    assert a == b
    b[0].evaluations[0].total.score.raw = "96"
    assert a != b
    assert isinstance(a[0], Filing)


def test_lean_yaml_round_trips(tmp_path, capsys):
    code, out, _ = _run(capsys, "parse", "--no-parsed", str(SEED))
    assert code == 0 and "parsed:" not in out
    path = tmp_path / "lean.yaml"
    path.write_text(out, encoding="utf-8")
    assert read_path(path)[0].evaluations == read_path(SEED)[0].evaluations


def test_parse_streams_the_same_document_for_any_jobs(capsys, tmp_path):
    """`parse` writes each filing as it comes (YAML documents, or a JSON list for many filings), in input
    order, the same with workers as without."""
    import shutil

    for name in ("a", "b"):
        shutil.copy(FIXTURES / "seed_yongzhou_2021.txt", tmp_path / f"{name}.txt")
    outs = {}
    for fmt in ("yaml", "json"):
        for jobs in ("0", "2"):
            assert main(["parse", str(tmp_path), "--format", fmt, "--jobs", jobs, "--no-config"]) == 0
            outs[fmt, jobs] = capsys.readouterr().out
        assert outs[fmt, "0"] == outs[fmt, "2"]
    docs = [d for d in yaml.safe_load_all(outs["yaml", "0"])]
    assert [d["source"] for d in docs] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    listed = json.loads(outs["json", "0"])
    assert isinstance(listed, list) and [d["source"] for d in listed] == [d["source"] for d in docs]
    assert listed[0]["evaluations"][0]["project"] == "安全生产专项"


def test_an_engine_that_cannot_be_loaded_is_one_sentence_on_what_to_do(capsys, monkeypatch):
    """durable-rules built for Python 3.13 without the README's define (or not built): one line, exit 2."""
    from checker.engine import host

    monkeypatch.setattr(host, "UNAVAILABLE", "undefined symbol: PyEval_CallObject")
    from tests.conftest import SEED

    assert main(["--no-cache", "check", str(SEED)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "规则引擎 durable-rules 无法加载" in err and "自查服务" in err
