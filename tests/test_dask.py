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


def _folder(tmp_path):
    for name in ("a_seed.txt", "boom.txt", "c_seed.txt"):
        shutil.copy(FIXTURES / "seed_yongzhou_2021.txt", tmp_path / name)
    return tmp_path


def test_a_worker_that_dies_costs_its_file_not_the_run(tmp_path, capsys, monkeypatch):
    """Every time boom.txt is checked its worker crashes; the nanny restarts it, the restarted worker gets the
    spec again, the other files are checked and boom.txt is an error naming it."""
    from checker.batch import FAULT_ENV

    monkeypatch.setenv(FAULT_ENV, "crash:boom")
    code = main(["check", str(_folder(tmp_path)), "--format", "json", "--no-config", "--no-cache", "-q",
                 "--executor", "dask", "--scheduler", "local"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and doc["summary"]["reports"] == 6
    assert [(e["source"].rsplit("/", 1)[1], e["message"]) for e in doc["errors"]] == [
        ("boom.txt", "the cluster lost the worker checking this file (KilledWorker)")]


def test_timeout_is_honoured_on_the_cluster(tmp_path, capsys, monkeypatch):
    from checker import dask_executor
    from checker.batch import FAULT_ENV

    monkeypatch.setenv(FAULT_ENV, "hang:boom")
    monkeypatch.setattr(dask_executor, "POLL", 0.5)
    code = main(["check", str(_folder(tmp_path)), "--format", "json", "--no-config", "--no-cache", "-q",
                 "--executor", "dask", "--scheduler", "local", "--timeout", "3"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and doc["summary"]["reports"] == 6
    assert [(e["source"].rsplit("/", 1)[1], e["message"]) for e in doc["errors"]] == [("boom.txt", "timed out after 3 s")]


def test_a_cluster_without_workers_names_every_file_not_checked(tmp_path, capsys, monkeypatch):
    from checker import dask_executor

    monkeypatch.setattr(dask_executor, "LOST_AFTER", 1.0)
    monkeypatch.setattr(dask_executor, "POLL", 0.3)
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=0, processes=True, dashboard_address=None)  # a scheduler nobody works for
    try:
        code = main(["check", str(_folder(tmp_path)), "--format", "json", "--no-config", "--no-cache", "-q",
                     "--executor", "dask", "--scheduler", cluster.scheduler_address])
    finally:
        cluster.close()
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and doc["summary"]["reports"] == 0
    assert [e["message"] for e in doc["errors"]] == ["not checked: the Dask cluster has had no workers for 1 s"] * 3
