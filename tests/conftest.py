from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "seed_yongzhou_2021.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED
