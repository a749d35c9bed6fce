"""Fixtures of the lake tests: a small lake with known contents (see lake_samples)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lake_samples import build_small_lake


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh small lake (shared by the tests of one module; do not modify it)."""
    return build_small_lake(tmp_path_factory.mktemp("lake"))
