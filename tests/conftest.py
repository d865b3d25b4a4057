from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "seed_yongzhou_2021.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never read or fill the user's result cache, nor touch the user's cache key."""
    import os

    os.environ["JXCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("jxcheck-cache"))
    os.environ["JXCHECK_CACHE_KEY_FILE"] = str(tmp_path_factory.mktemp("jxcheck-config") / "cache.key")
    yield


def check_reports(filings, rules, profile: dict | None = None) -> list:
    """Filings already read, checked as a batch with no workers; no filing may fail."""
    from checker.batch import BatchSpec, check_filings

    reports, errors = check_filings(list(filings), BatchSpec(list(rules), dict(profile or {})))
    assert not errors, errors
    return reports
