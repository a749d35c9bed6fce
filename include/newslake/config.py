"""Settings resolved from arguments and environment, never at import time."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INCLUDE_DIR = PROJECT_ROOT / "include"
DEFAULT_SOURCES = INCLUDE_DIR / "sources.yaml"
EXPECTATIONS_DIR = INCLUDE_DIR / "expectations"
SQL_DIR = INCLUDE_DIR / "sql"
SHARED_DIR = PROJECT_ROOT.parent / "shared"


def resolve_lake(lake: str | os.PathLike[str] | None = None) -> str:
    """Return the lake root: the argument, else ``$NEWSLAKE_LAKE``, else ``./lake``.

    Local paths are made absolute; ``s3://`` URLs are returned as given.
    """
    value = str(lake) if lake else os.environ.get("NEWSLAKE_LAKE") or "lake"
    if "://" in value:
        return value.rstrip("/")
    return str(Path(value).expanduser().resolve())
