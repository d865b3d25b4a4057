"""Batches: worker processes, crash and timeout isolation, identical results for any --jobs, cache, globs."""

from __future__ import annotations

import json
import shutil

import pytest

from bench.generate import generate
from checker.batch import FAULT_ENV
from checker.cli import main
from tests.conftest import FIXTURES, SEED


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("batch")
    for ext in ("txt", "docx", "xlsx"):
        shutil.copy(FIXTURES / f"seed_yongzhou_2021.{ext}", d / f"seed.{ext}")
    (d / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    generate(d / "generated", 40, "text", seed=3)
    generate(d / "generated_yaml", 10, "yaml", seed=4)
    return d


def _run(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["check", "--format", "json", "--no-config", "-q", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def test_directory_batch_with_two_jobs(capsys, batch_dir):
    code, doc, _ = _run(capsys, str(batch_dir), "--jobs", "2", "--no-cache")
    assert code == 2  # the corrupt file
    assert [e["source"] for e in doc["errors"]] == [str(batch_dir / "corrupt.docx")]
    assert doc["summary"]["files"] == 1 + 3 + 40 + 10
    assert doc["summary"]["reports"] == 3 * 3 + 40 + 10
    sources = [r["source"] for r in doc["reports"]]
    assert sources == sorted(sources, key=lambda s: (sources.index(s)))  # input order
    rules = doc["summary"]["by_rule"]
    assert rules["BUD001"] >= 3 and rules["SCO001"] >= 2 and rules["DUP004"] > 0


def test_results_identical_for_any_number_of_jobs(capsys, batch_dir):
    runs = [_run(capsys, str(batch_dir), "--jobs", str(j), "--no-cache")[1] for j in (0, 1, 2)]
    assert runs[0] == runs[1] == runs[2]


def test_worker_crash_becomes_an_error_entry(capsys, batch_dir, monkeypatch):
    monkeypatch.setenv("JXCHECK_FAULT_INJECT", "crash:filing_000007")
    code, doc, _ = _run(capsys, str(batch_dir / "generated"), "--jobs", "2", "--no-cache")
    assert code == 2
    [error] = doc["errors"]
    assert error["source"].endswith("filing_000007.txt")
    assert "crashed (SIGSEGV)" in error["message"]
    assert doc["summary"]["reports"] == 39  # every other filing was checked


def test_timeout_becomes_an_error_entry(capsys, batch_dir, monkeypatch):
    monkeypatch.setenv("JXCHECK_FAULT_INJECT", "hang:filing_000003")
    code, doc, _ = _run(capsys, str(batch_dir / "generated"), "--jobs", "2", "--timeout", "3", "--no-cache")
    assert code == 2
    [error] = doc["errors"]
    assert error["source"].endswith("filing_000003.txt") and error["message"] == "timed out after 3 s"
    assert doc["summary"]["reports"] == 39


def test_cache_reuses_results(capsys, batch_dir, tmp_path):
    cache = tmp_path / "cache"
    first = _run(capsys, str(batch_dir / "generated"), "--cache-dir", str(cache), "--statistics")
    assert "取自缓存的文件 0" in first[2]
    second = _run(capsys, str(batch_dir / "generated"), "--cache-dir", str(cache), "--statistics")
    assert "取自缓存的文件 40" in second[2]
    assert first[1] == second[1]
    # another rule selection is another cache key
    third = _run(capsys, str(batch_dir / "generated"), "--cache-dir", str(cache), "--statistics", "--ignore", "IND004")
    assert "取自缓存的文件 0" in third[2]


def test_globs_and_excludes(capsys, batch_dir):
    code, doc, _ = _run(capsys, str(batch_dir / "generated" / "**" / "*.txt"), "--exclude", "*filing_00001*",
                        "--no-cache")
    assert doc["summary"]["files"] == 30  # filing_000010 … filing_000019 left out
    code, doc, _ = _run(capsys, str(batch_dir), "--exclude", "*.docx", "--exclude", "generated*", "--no-cache")
    assert doc["errors"] == [] and doc["summary"]["files"] == 2


def test_statistics(capsys):
    code = main(["check", str(SEED), "--no-config", "-q", "--statistics", "--select", "BUD,ARI"])
    out = capsys.readouterr().out
    assert code == 1
    for word in ("规则", "类别", "严重程度", "主管部门", "永州市应急管理局", "BUD001", "arithmetic"):
        assert word in out


def test_large_runs_spill_reports_to_disk(capsys, batch_dir, monkeypatch):
    import checker.run as run_module

    small = _run(capsys, str(batch_dir / "generated"), "--no-cache")[1]
    monkeypatch.setattr(run_module, "SPILL_AFTER", 5)
    spilled = _run(capsys, str(batch_dir / "generated"), "--no-cache")[1]
    assert spilled == small


@pytest.mark.parametrize("jobs", ["0", "1", "2"])
def test_a_filing_the_engine_fails_on_is_an_error_entry_naming_it(capsys, monkeypatch, jobs):
    """Whatever the number of workers: the failing filing is named with its cause, the others are checked,
    and nothing says "worker exited" or shows a traceback."""
    monkeypatch.setenv(FAULT_ENV, "fail:执法办案经费")  # workers take the run's JXCHECK_* settings
    code, doc, err = _run(capsys, str(SEED), "--jobs", jobs, "--no-cache")
    assert code == 2
    assert doc["errors"] == [{"source": str(SEED), "where": "filing 执法办案经费",
                              "message": "could not be checked: rule action failed: boom", "kind": "unreadable"}]
    assert [r["project"] for r in doc["reports"]] == ["安全生产专项", "非税收入"]
    assert "worker exited" not in err and "Traceback" not in err


def test_a_cross_filing_failure_is_an_error_entry_naming_the_filing(capsys, monkeypatch):
    from checker.check import Checker
    from checker.engine import EngineError

    own = Checker.findings

    def failing(self, records, source):
        if any(r.fact["kind"] == "paste" for r in records):
            raise EngineError("rule action failed: boom")
        return own(self, records, source)

    monkeypatch.setattr(Checker, "findings", failing)
    code, doc, _ = _run(capsys, str(SEED), "--jobs", "0", "--no-cache")
    assert code == 2
    assert doc["errors"] == [{"source": str(SEED), "where": f"filing {name}",
                              "message": "could not be checked in the cross-filing stage: rule action failed: boom",
                              "kind": "unreadable"}
                             for name in ("安全生产专项", "执法办案经费", "非税收入")]
    assert len(doc["reports"]) == 3 and not any(f["rule"] == "DUP004" for r in doc["reports"] for f in r["findings"])


def test_the_pool_never_forks_a_process_that_runs_threads():
    """Forked from a threaded process a worker may deadlock (Python ≥ 3.12 warns): the page runs batches in
    threads, so workers started there come from a fork server; the command line, single-threaded, forks."""
    import threading

    from checker import pool

    started: list[str] = []

    def in_thread() -> None:
        started.append(pool.start_context().get_start_method())
        results = dict(pool.run_ordered([1, 2, 3], _double, _state, (), 2, None))
        started.append(str(sorted(results.values())))

    keep = threading.Event()
    alive = threading.Thread(target=keep.wait, daemon=True)  # a second thread, as the page has
    alive.start()
    t = threading.Thread(target=in_thread)
    t.start()
    t.join(timeout=60)
    keep.set()
    assert started == ["forkserver", "[2, 4, 6]"]


def _state() -> int:
    return 2


def _double(x: int, factor: int) -> int:
    return x * factor
