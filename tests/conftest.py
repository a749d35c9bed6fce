"""Shared fixtures: repository paths and the shared evaluation data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLUGINS = REPO / "plugins"
if str(PLUGINS) not in sys.path:
    sys.path.insert(0, str(PLUGINS))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """``../shared/eval``; tests that need it skip when it is absent."""
    path = Path(os.environ.get("NEWSLAKE_SHARED", REPO.parent / "shared")) / "eval"
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path} (it lives in ../shared/eval)")
    return path
