"""Fuzzing the files a user hands jxcheck besides filings: whatever their content, the loaders either load
them or raise the JxError that becomes exit 2 — never another exception, a hang or a crash."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.config import load_settings
from checker.errors import JxError
from checker.gate import read_baseline, read_waivers
from checker.readers.layout.vocabulary import load_form_file
from checker.rulebook import load_rule_file

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                    st.text(max_size=20), st.sampled_from(["nan", "inf", "2027-13-45", "$tolerance", "@score",
                                                           "(a*)*", "{score:>9999}", "BUD001", "error"]))
keys = st.one_of(st.text(max_size=12), st.sampled_from(
    ["rules", "id", "category", "severity", "fact", "when", "message", "zh", "en", "title", "rationale",
     "parameters", "evidence", "any", "all", "matches", "gt", "waivers", "fingerprint", "expires", "reason",
     "approver", "version", "findings", "select", "ignore", "weights", "profile", "indicators", "columns",
     "actual", "funding", "rows", "titles"]))
trees = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=5),
                                                     st.dictionaries(keys, kids, max_size=6)), max_leaves=25)


def _load(write, loader, data) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f"
        write(path, data)
        with contextlib.suppress(JxError):  # the one exception allowed: it becomes exit 2
            loader(path)


def _yaml(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@FUZZ
@given(trees)
def test_rule_packs(data):
    _load(_yaml, lambda p: load_rule_file(p), {"rules": data if isinstance(data, list) else [data]})


@FUZZ
@given(trees)
def test_waivers(data):
    _load(_yaml, read_waivers, {"waivers": data} if not isinstance(data, dict) else data)


@FUZZ
@given(trees)
def test_form_vocabularies(data):
    _load(_yaml, load_form_file, data)


@FUZZ
@given(trees)
def test_baselines(data):
    def write(path: Path, d) -> None:
        path.write_text(json.dumps({"version": 1, "findings": d} if isinstance(d, list) else d, default=str))

    _load(write, read_baseline, data)


@FUZZ
@given(st.dictionaries(keys, trees, max_size=6))
def test_settings(data):
    def write(path: Path, d) -> None:
        lines = []
        for k, v in d.items():
            lines.append(f"{json.dumps(str(k), ensure_ascii=False)} = {json.dumps(v, default=str, ensure_ascii=False)}")
        path.write_text("\n".join(lines), encoding="utf-8")

    def load(path: Path) -> None:
        target = path.with_name("jxcheck.toml")
        path.rename(target)
        load_settings(target)

    _load(write, load, data)


@FUZZ
@given(st.binary(max_size=300))
def test_raw_bytes_as_every_kind_of_file(raw):
    for loader in (load_rule_file, read_waivers, read_baseline, load_form_file):
        _load(lambda p, d: p.write_bytes(d), loader, raw)
