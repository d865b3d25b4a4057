"""Big inputs are bounded: a styled cell at Z1000000 costs nothing, and every limit is a clear error."""

from __future__ import annotations

import time

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from checker.errors import InputError
from checker.readers import read_path
from tests.conftest import FIXTURES


def test_styled_cell_far_away_is_free(tmp_path):
    wb = load_workbook(FIXTURES / "seed_yongzhou_2021.xlsx")
    wb.worksheets[0]["Z1000000"].font = Font(bold=True)
    path = tmp_path / "far.xlsx"
    wb.save(path)
    start = time.monotonic()
    filings = read_path(path)
    assert time.monotonic() - start < 10
    assert [ev.project for ev in filings[0].evaluations] == [ev.project for ev in read_path(
        FIXTURES / "seed_yongzhou_2021.xlsx")[0].evaluations]


def test_limits_are_errors_for_the_file(tmp_path, monkeypatch):
    wb = Workbook()
    ws = wb.active
    for r in range(1, 60):
        for c in range(1, 20):
            ws.cell(r, c, "x")
    path = tmp_path / "many.xlsx"
    wb.save(path)
    monkeypatch.setenv("JXCHECK_MAX_CELLS", "1000")
    with pytest.raises(InputError, match="filled cells; the limit is 1,000"):
        read_path(path)
    monkeypatch.setenv("JXCHECK_MAX_FILE_MB", "0.001")
    with pytest.raises(InputError, match="the limit is .* MB"):
        read_path(FIXTURES / "seed_yongzhou_2021.txt")
    monkeypatch.delenv("JXCHECK_MAX_FILE_MB")
    monkeypatch.setenv("JXCHECK_MAX_FILINGS", "2")
    with pytest.raises(InputError, match="3 filings in one file; the limit is 2"):
        read_path(FIXTURES / "seed_yongzhou_2021.txt")
