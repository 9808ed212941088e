from __future__ import annotations

from pathlib import Path

import pytest

from tests.territories.helpers import SAMPLE_CSV, load_territories


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "territories.csv"
    path.write_text(SAMPLE_CSV, encoding="utf-8")
    return path


@pytest.fixture
def sample_territories(db, sample_file: Path) -> None:
    load_territories(sample_file)
