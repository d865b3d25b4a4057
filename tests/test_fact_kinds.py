"""Fact kinds are units: each module documents its fields and produces them. Over every filing the repo
holds (the seed, the real filings, the form variants, the edge cases and every rule case), each produced
field must be documented and each documented field produced somewhere — so docs/facts.md, the rule
validator and the producers cannot drift apart."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from functools import cache

import pytest
import yaml

from checker.config import PROFILES
from checker.errors import JxError
from checker.facts import build_facts
from checker.facts.base import COMMON
from checker.facts.cross.features import extract_features
from checker.facts.cross.index import CrossIndex
from checker.facts.kinds import CROSS_FILING, KINDS, PER_EVALUATION
from checker.model import Filing
from checker.readers import read_path
from checker.readers.canonical import derive
from tests.conftest import FIXTURES


def _groups() -> list[list[Filing]]:
    """Filings checked together: all fixture files as one run, each rule case as its own."""
    files = [p for d in ("", "real", "variants", "edge") for p in sorted((FIXTURES / d).glob("*"))
             if p.suffix in (".txt", ".docx", ".xlsx", ".yaml")]
    corpus: list[Filing] = []
    for p in files:
        with contextlib.suppress(JxError):  # the edge fixtures hold unreadable files on purpose
            corpus.extend(read_path(p))
    groups = [corpus]
    for path in sorted((FIXTURES / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"].values():
            groups.append([derive(Filing.model_validate({"source": path.name, "format": "yaml", **case["filing"]}))])
    return groups


@cache
def produced() -> dict[str, set[str]]:
    fields: dict[str, set[str]] = defaultdict(set)
    for filings in _groups():
        index = CrossIndex()
        key = 0
        for filing in filings:
            for ev in filing.evaluations:
                # with no profile chosen (each form's own scheme) and with one (the profile's fields)
                for profile in ({}, PROFILES["default"]):
                    for rec in build_facts(ev, key, profile):
                        fields[rec.fact["kind"]].update(rec.fact)
                index.add(extract_features(ev, key, filing.source))
                key += 1
        for _, _, records in index.facts():
            for rec in records:
                fields[rec.fact["kind"]].update(rec.fact)
        index.close()
    return fields


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_produced_field_is_documented(kind):
    undocumented = produced()[kind] - set(KINDS[kind].fields) - set(COMMON)
    assert not undocumented, f"{kind} produces fields its KIND does not document: {sorted(undocumented)}"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_documented_field_is_produced(kind):
    assert produced()[kind], f"no fixture produces a {kind} fact: add a rule case that does"
    never = set(KINDS[kind].fields) - produced()[kind]
    assert not never, f"{kind} documents fields no fixture produces: {sorted(never)}"


def test_every_kind_module_is_a_unit():
    for module in PER_EVALUATION:
        assert callable(module.produce) and module.KIND.name == module.__name__.rsplit(".", 1)[1]
    for module in CROSS_FILING:
        assert callable(module.add) and module.KIND.name == module.__name__.rsplit(".", 1)[1]
    assert len(KINDS) == len(PER_EVALUATION) + len(CROSS_FILING)
