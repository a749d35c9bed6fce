"""Whether a path holds a lake: the one check read commands make before they read.

A lake is a directory (or ``s3://`` prefix) whose DuckLake catalog exists (see
:mod:`newslake.lake.ducklake`), or a lake of the former layout (table directories, for
``newslake migrate-lake``). Read commands call :func:`require_lake` first, so a mistyped ``--lake``
gives ``no lake at PATH`` instead of zero rows, and nothing is created where no lake is.
"""

from __future__ import annotations

from newslake.exceptions import NoLakeError
from newslake.lake import layout, schema
from newslake.lake.storage import open_lake

MARKERS = (layout.RAW_DIR, *schema.TABLES)
"""Entries of a lake root of the former layout; any one of them makes a directory a lake."""


def lake_exists(lake: str) -> bool:
    """True when ``lake`` has its DuckLake catalog or a table directory of the former layout."""
    from newslake.lake import ducklake

    if ducklake.exists(lake):
        return True
    store = open_lake(lake)
    names = {info.base_name for info in store.listdir(store.root)}
    return any(marker in names for marker in MARKERS)


def require_lake(lake: str) -> str:
    """Return ``lake`` when it holds a lake; raise :class:`NoLakeError` otherwise."""
    if not lake_exists(lake):
        raise NoLakeError(lake)
    return lake
