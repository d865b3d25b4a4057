"""The result cache never runs foreign code and never serves a forged result (issue: trust at the edges)."""

from __future__ import annotations

import json
import os
import pickle
import stat

import pytest

from checker.cache import key_file, load_entry
from checker.cli import main
from tests.conftest import SEED

SEED_TEXT = SEED.read_bytes()


def _run(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["check", "--format", "json", "--no-config", "-q", "--jobs", "0", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


@pytest.fixture
def filings(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "seed.txt").write_bytes(SEED_TEXT)
    return d


def _entries(cache):
    return sorted(p for p in cache.rglob("*") if p.is_file() and p.name != ".probe")


class Boom:
    """Unpickling this runs code: it must never happen."""

    def __reduce__(self):
        return (os.system, ("touch /tmp/jxcheck-pwned",))


def test_entries_are_signed_json_and_the_key_lives_outside_the_cache(capsys, filings, tmp_path):
    cache = tmp_path / "cache"
    code, doc, _ = _run(capsys, str(filings), "--cache-dir", str(cache))
    [entry] = _entries(cache)
    assert entry.suffix == ".json"
    sig, _, body = entry.read_bytes().partition(b"\n")
    assert len(sig) == 64 and json.loads(body)["format"] == 3
    key = key_file()
    assert cache not in key.parents and stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_pickle_planted_in_the_cache_is_never_loaded(capsys, filings, tmp_path):
    cache = tmp_path / "cache"
    _, first, _ = _run(capsys, str(filings), "--cache-dir", str(cache))
    [entry] = _entries(cache)
    entry.write_bytes(pickle.dumps(Boom()))
    marker = "/tmp/jxcheck-pwned"
    if os.path.exists(marker):
        os.unlink(marker)
    _, again, err = _run(capsys, str(filings), "--cache-dir", str(cache), "--statistics")
    assert not os.path.exists(marker)
    assert "1 cache entry failed the integrity check" in err and "取自缓存的文件 0" in err
    assert again["reports"] == first["reports"]


def test_a_forged_entry_never_replaces_a_files_findings(capsys, filings, tmp_path):
    cache = tmp_path / "cache"
    _, first, _ = _run(capsys, str(filings), "--cache-dir", str(cache))
    [entry] = _entries(cache)
    sig, _, body = entry.read_bytes().partition(b"\n")
    doc = json.loads(body)
    for report in doc["reports"]:
        report["findings"] = []  # "this filing is clean"
    entry.write_bytes(sig + b"\n" + json.dumps(doc, ensure_ascii=False).encode())
    code, again, err = _run(capsys, str(filings), "--cache-dir", str(cache))
    assert code == 1 and again["reports"] == first["reports"]
    assert "failed the integrity check" in err


def test_signed_entry_with_bad_data_is_ignored(tmp_path):
    import hashlib
    import hmac

    key = b"k" * 32
    body = json.dumps({"format": 2, "path": "x", "reports": [{"findings": "nope"}], "features": [], "errors": [],
                       "findings": 0}).encode()
    raw = hmac.new(key, body, hashlib.sha256).hexdigest().encode() + b"\n" + body
    assert load_entry(raw, key) is None
    assert load_entry(b"garbage", key) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_cache_turns_caching_off_with_one_warning(capsys, filings, tmp_path):
    cache = tmp_path / "ro"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        code, doc, err = _run(capsys, str(filings), "--cache-dir", str(cache))
    finally:
        cache.chmod(0o700)
    assert code == 1 and len(doc["reports"]) == 3
    assert err.count("result cache off") == 1


def test_cache_dir_that_is_a_file_turns_caching_off(capsys, filings, tmp_path):
    cache = tmp_path / "a-file"
    cache.write_text("x")
    code, doc, err = _run(capsys, str(filings), "--cache-dir", str(cache))
    assert code == 1 and len(doc["reports"]) == 3 and "result cache off" in err


def test_key_that_cannot_be_made_turns_caching_off(capsys, filings, tmp_path, monkeypatch):
    # an unwritable HOME (or config dir): no key, so no cache — and every file is still checked
    monkeypatch.setenv("JXCHECK_CACHE_KEY_FILE", "/proc/jxcheck-no-such-dir/cache.key")
    code, doc, err = _run(capsys, str(filings), "--cache-dir", str(tmp_path / "cache"))
    assert code == 1 and len(doc["reports"]) == 3
    assert err.count("result cache off") == 1 and "cache.key" in err
    assert not (tmp_path / "cache").exists() or not _entries(tmp_path / "cache")


def _key_in(path: str, start, out) -> None:
    import os

    from checker.cache import load_key

    os.environ["JXCHECK_CACHE_KEY_FILE"] = path
    start.wait()
    out.put(load_key())


def test_sixteen_processes_creating_the_key_at_once_all_read_it_whole(tmp_path):
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    for n in range(10):
        path = str(tmp_path / f"k{n}" / "cache.key")
        start, out = ctx.Barrier(16), ctx.Queue()
        procs = [ctx.Process(target=_key_in, args=(path, start, out)) for _ in range(16)]
        for p in procs:
            p.start()
        keys = [out.get(timeout=60) for _ in procs]
        for p in procs:
            p.join()
        assert len(set(keys)) == 1 and len(keys[0]) == 32
        assert [p.name for p in (tmp_path / f"k{n}").iterdir()] == ["cache.key"]  # no temporary file left


def test_a_truncated_key_is_never_used_to_sign(tmp_path, monkeypatch):
    import pytest

    from checker.cache import CacheUnavailable, load_key

    key = tmp_path / "cache.key"
    key.write_bytes(b"")
    monkeypatch.setenv("JXCHECK_CACHE_KEY_FILE", str(key))
    with pytest.raises(CacheUnavailable, match=r"is damaged \(0 bytes\); delete it"):
        load_key()
