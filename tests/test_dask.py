"""The Dask executor on a LocalCluster with two workers gives the same findings as a local run."""

from __future__ import annotations

import json
import shutil

import pytest

from bench.generate import generate
from checker.cli import main
from tests.conftest import FIXTURES

pytest.importorskip("distributed")


def test_dask_matches_local(tmp_path, capsys):
    shutil.copy(FIXTURES / "seed_yongzhou_2021.txt", tmp_path / "seed.txt")
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    generate(tmp_path / "generated", 20, "text", seed=5)
    args = ["check", str(tmp_path), "--format", "json", "--no-config", "--no-cache", "-q"]
    local_code = main([*args, "--jobs", "2"])
    local = json.loads(capsys.readouterr().out)
    dask_code = main([*args, "--executor", "dask", "--scheduler", "local"])
    dask = json.loads(capsys.readouterr().out)
    assert local_code == dask_code == 2
    assert dask == local
    assert dask["summary"]["reports"] == 23 and len(dask["errors"]) == 1


def test_unreachable_scheduler(capsys, monkeypatch):
    monkeypatch.setenv("JXCHECK_DASK_CONNECT_TIMEOUT", "2")
    code = main(["check", str(FIXTURES / "seed_yongzhou_2021.txt"), "--no-config", "-q", "--executor", "dask",
                 "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2 and "cannot reach the Dask scheduler" in capsys.readouterr().err
