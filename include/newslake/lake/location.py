"""Whether a path holds a lake: the one check read commands make before they read.

A lake is a directory (or ``s3://`` prefix) that holds the catalog file or at least one
table directory. Read commands call :func:`require_lake` first, so a mistyped ``--lake``
gives ``no lake at PATH`` instead of zero rows, and nothing is created where no lake is.
"""

from __future__ import annotations

from newslake.exceptions import ConfigError
from newslake.lake import schema
from newslake.lake.storage import open_lake

CATALOG_FILE = "newslake.duckdb"
MARKERS = (CATALOG_FILE, "raw", *schema.TABLES)
"""Entries of a lake root; any one of them makes a directory a lake."""


class NoLakeError(ConfigError):
    """The path given as the lake holds no lake."""

    def __init__(self, lake: str) -> None:
        super().__init__(f"no lake at {lake}")
        self.lake = lake


def lake_exists(lake: str) -> bool:
    """True when ``lake`` holds the catalog file or a table directory."""
    store = open_lake(lake)
    names = {info.base_name for info in store.listdir(store.root)}
    return any(marker in names for marker in MARKERS)


def require_lake(lake: str) -> str:
    """Return ``lake`` when it holds a lake; raise :class:`NoLakeError` otherwise."""
    if not lake_exists(lake):
        raise NoLakeError(lake)
    return lake
