"""Fixtures of the dedup tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def lake(tmp_path):
    """Path of an empty lake directory."""
    return str(tmp_path / "lake")
