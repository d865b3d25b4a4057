"""A snapshot of every output format for the seed (as ruff snapshots each emitter): any change to what a
user sees shows up as a diff here. `JXCHECK_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py` rewrites
them; review the diff before committing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from checker.cli import main
from checker.render import FORMATS
from tests.conftest import ROOT

SNAPSHOTS = ROOT / "tests" / "snapshots"
SEED = "fixtures/seed_yongzhou_2021.txt"  # relative, as a user in the repo would type it


def _text(path: Path, fmt: str) -> str:
    if fmt == "xlsx":  # the workbook's cells, sheet by sheet (the zip itself carries timestamps)
        wb = load_workbook(path)
        return "".join(f"# {ws.title}\n" + "".join(repr(row) + "\n" for row in ws.iter_rows(values_only=True))
                       for ws in wb)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_snapshot(fmt, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = tmp_path / f"seed.{fmt}"
    code = main(["check", SEED, "--format", fmt, "--output", str(out), "--no-config", "--no-cache", "-j", "0",
                 "-q"])
    assert code == 1  # the seed has error findings
    got = _text(out, fmt)
    snapshot = SNAPSHOTS / f"seed.{fmt}{'.txt' if fmt == 'xlsx' else ''}"
    if os.environ.get("JXCHECK_UPDATE_SNAPSHOTS"):
        snapshot.write_text(got, encoding="utf-8")
    assert snapshot.is_file(), f"no snapshot {snapshot.name}: run with JXCHECK_UPDATE_SNAPSHOTS=1"
    assert got == snapshot.read_text(encoding="utf-8")
