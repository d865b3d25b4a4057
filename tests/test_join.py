"""A project's 自评报告 and 自评表 kept in two files are one filing: joined by project, never by file order."""

from __future__ import annotations

import json
import shutil

import pytest

from checker.cli import main
from checker.joining import HalfKey, find_pairs, matches, name_key
from fixtures.make_renderings import write_split
from tests.conftest import FIXTURES

SEED = FIXTURES / "seed_yongzhou_2021.txt"


def _check(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", *args, "--format", "json", "--no-config", "--no-cache", "-q", "--jobs", "0"])
    return code, json.loads(capsys.readouterr().out)


def _key(doc: dict) -> list[tuple]:
    return sorted((r["project"], f["rule"], " › ".join(f["location"]["path"]), f["messages"]["zh"])
                  for r in doc["reports"] for f in r["findings"])


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    from checker.readers import read_path

    folder = tmp_path_factory.mktemp("split")
    write_split([ev for f in read_path(SEED) for ev in f.evaluations], folder)
    return folder


def test_seed_split_into_report_docx_and_table_xlsx_gives_the_seeds_findings(capsys, split):
    code, seed = _check(capsys, str(SEED))
    code_split, doc = _check(capsys, str(split))
    assert code == code_split == 1
    assert len(doc["reports"]) == 3 and doc["summary"]["findings"] == seed["summary"]["findings"]
    assert _key(doc) == _key(seed)
    # the report-versus-table checks ran on each pair (the seed's 98 vs 80 accidents)
    assert any(f["rule"] == "CON004" for r in doc["reports"] for f in r["findings"])
    for r in doc["reports"]:
        report, table = r["sources"]
        assert report.endswith("_自评报告.docx") and table.endswith("_自评表.xlsx")
        for f in r["findings"]:  # each finding in the file its place is in
            expected = report if f["location"]["path"][0] == "自评报告" else table
            assert f["location"]["path"] and f["file"] == expected
        assert not any("自评表" in w or "自评报告" in w for w in r["warnings"])


def test_no_join_checks_the_halves_apart(capsys, split):
    _, doc = _check(capsys, str(split), "--no-join")
    assert len(doc["reports"]) == 6
    assert not any(f["rule"] == "CON004" for r in doc["reports"] for f in r["findings"])
    assert all(len(r["sources"]) == 1 for r in doc["reports"])


def test_an_ambiguous_match_is_reported_not_guessed(capsys, split, tmp_path):
    folder = tmp_path / "two_tables"
    shutil.copytree(split, folder)
    table = next(p for p in folder.glob("*_自评表.xlsx"))
    shutil.copy(table, folder / "z_副本_自评表.xlsx")  # the same project's table twice
    code, doc = _check(capsys, str(folder))
    out = capsys.readouterr()
    joined = [r for r in doc["reports"] if len(r["sources"]) == 2]
    assert len(joined) == 2  # the two other projects still pair
    alone = [r for r in doc["reports"] if len(r["sources"]) == 1 and r["sources"][0].endswith("_自评报告.docx")]
    assert len(alone) == 1 and any("more than one table" in w for w in alone[0]["warnings"])
    del out


def test_names_are_compared_without_year_blanks_or_generic_tails():
    assert name_key("2021年度 安全生产专项 经费") == name_key("安全生产专项") == "安全生产"
    r = HalfKey(0, "a.docx", 0, 0, "report", "2021年安全生产专项", "永州市应急管理局", 2021)
    t = HalfKey(1, "b.xlsx", 0, 0, "table", "安全生产专项经费", "永州市应急管理局", 2021)
    assert matches(r, t)
    assert not matches(r, HalfKey(1, "b.xlsx", 0, 0, "table", "安全生产专项经费", "永州市应急管理局", 2022))
    assert not matches(r, HalfKey(1, "b.xlsx", 0, 0, "table", "安全生产专项经费", "某县教育局", 2021))
    assert not matches(r, HalfKey(1, "b.xlsx", 0, 0, "table", "非税收入", "永州市应急管理局", 2021))
    assert not matches(r, HalfKey(1, "a.docx", 0, 0, "table", "安全生产专项经费", "", None))  # same file
    pairing = find_pairs([r, t, HalfKey(2, "c.xlsx", 0, 0, "table", "安全生产专项", "", None)])
    assert pairing.pairs == [] and [h.key for h, _ in pairing.ambiguous] == [0]


def test_annotated_copies_of_a_joined_filing_carry_each_finding_in_its_own_file(capsys, split, tmp_path):
    _, doc = _check(capsys, str(split))
    code = main(["annotate", str(split), "--output", str(tmp_path / "out"), "--no-config"])
    out = capsys.readouterr().out
    assert code == 0 and len(list((tmp_path / "out").iterdir())) == 6
    per_file = {r["sources"][0]: 0 for r in doc["reports"]} | {r["sources"][1]: 0 for r in doc["reports"]}
    for r in doc["reports"]:
        for f in r["findings"]:
            per_file[f["file"]] += 1
    for path, n in per_file.items():  # "x.docx → x_检查批注.docx（n条问题，其中n条在其单元格或段落上）"
        assert f"{path} → " in out and f"（{n}条问题，其中{n}条在其单元格或段落上）" in out.split(f"{path} → ")[1].split("\n")[0]
