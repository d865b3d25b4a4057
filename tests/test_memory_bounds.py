"""Small files inside the limits never take more than the memory budget: each limit is enforced where the
bytes become objects, and is that file's error naming it (bench/hostile.py runs the same cases full size)."""

from __future__ import annotations

import json
import sys

import pytest

from bench import hostile
from checker.cli import main
from checker.errors import InputError
from checker.readers import read_path
from tests.conftest import FIXTURES


def _projects(path):
    return [ev.project for f in read_path(path) for ev in f.evaluations]


def test_a_merged_range_beyond_the_filled_area_is_clipped(tmp_path):
    path = hostile.xlsx_merged_beyond(tmp_path / "m.xlsx")
    assert _projects(path) == _projects(FIXTURES / "seed_yongzhou_2021.xlsx")


def test_a_merged_range_over_a_filled_sheet_is_the_files_error(tmp_path):
    with pytest.raises(InputError, match=r"merged ranges cover 17,179,869,184 cells .* the limit is 800,000"):
        read_path(hostile.xlsx_merged_whole_sheet(tmp_path / "m.xlsx"))


def test_xml_elements_are_counted_before_anything_is_built(tmp_path, monkeypatch):
    monkeypatch.setenv("JXCHECK_MAX_MEMORY_MB", "16")  # 65,536 elements
    with pytest.raises(InputError, match=r"more than 65,536 XML elements"):
        read_path(hostile.xlsx_styled_cells(tmp_path / "s.xlsx", 70_000))
    with pytest.raises(InputError, match=r"more than 65,536 XML elements"):
        read_path(hostile.docx_empty_paragraphs(tmp_path / "p.docx", 0.5))


def test_a_docx_is_streamed_empty_paragraphs_cost_nothing(tmp_path):
    path = hostile.docx_empty_paragraphs(tmp_path / "p.docx", 2)  # 350,000 empty paragraphs
    assert _projects(path) == _projects(FIXTURES / "seed_yongzhou_2021.docx")


def test_paragraphs_and_rows_are_capped(tmp_path, monkeypatch):
    monkeypatch.setenv("JXCHECK_MAX_BLOCKS", "1000")
    for path in (hostile.docx_text_paragraphs(tmp_path / "p.docx", 1001), hostile.text_lines(tmp_path / "l.txt", 0.1)):
        with pytest.raises(InputError, match=r"more than 1,000 paragraphs and table rows \(limit: JXCHECK_MAX_BLOCKS\)"):
            read_path(path)


def test_a_row_of_a_million_cells_is_refused_before_it_is_split(tmp_path):
    with pytest.raises(InputError, match=r"a table row has 524,289 cells; the limit is 1,000"):
        read_path(hostile.text_tab_row(tmp_path / "t.txt", 1))
    with pytest.raises(InputError, match=r"a table row has 1,001 cells"):
        read_path(hostile.docx_wide_span(tmp_path / "w.docx"))


def test_millions_of_empty_lines_keep_their_numbers(tmp_path):
    path = hostile.text_newlines(tmp_path / "n.txt", 5)
    filings = read_path(path)
    assert [ev.project for ev in filings[0].evaluations] == _projects(FIXTURES / "seed_yongzhou_2021.txt")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the address-space limit is Linux's")
def test_a_worker_over_its_budget_is_that_files_error(tmp_path, monkeypatch, capsys):
    """The last resort: with the readers' limits raised out of the way, a worker that passes its budget ends,
    its file is an error naming the budget, and the other file is checked."""
    monkeypatch.setenv("JXCHECK_MAX_MEMORY_MB", "40")
    monkeypatch.setenv("JXCHECK_MAX_BLOCKS", "100000000")
    big = hostile.text_lines(tmp_path / "big.txt", 20)
    out = tmp_path / "r.json"
    code = main(["-j", "1", "check", str(big), str(FIXTURES / "seed_yongzhou_2021.txt"), "--format", "json",
                 "--output", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert code == 2
    assert [e["message"] for e in doc["errors"]] == [
        "checking this file took more than its memory budget of 40 MB (JXCHECK_MAX_MEMORY_MB)"]
    assert len(doc["reports"]) == 3


def test_the_annotated_copy_loads_the_workbook_as_the_reader_does(tmp_path, capsys):
    """annotate opens the workbook again to write into it: the merged range is clipped there too."""
    folder = tmp_path / "in"
    folder.mkdir()
    hostile.xlsx_merged_beyond(folder / "m.xlsx")
    assert main(["annotate", str(folder), "-o", str(tmp_path / "out"), "-j", "0"]) == 0
    assert (tmp_path / "out" / "m_检查批注.xlsx").stat().st_size > 0
