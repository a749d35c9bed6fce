"""The lake's physical layout: every file and directory name under a lake root.

This module is the only place that spells them; every other module asks it::

    <lake>/catalog.sqlite                                   DuckLake catalog (default)
    <lake>/data/main/<table>/crawl_date=D/*.parquet         data files written by DuckLake
    <lake>/raw/crawl_date=D/*.warc.gz                       every request and response
    <lake>/_staging/<date>/<producer>/<run_id>/             files between the stages of a run
    <lake>/_state/feeds/<source>.json, _state/locks/        crawler state, write locks
    <lake>/_search/fts.duckdb                               fts index (days without postings)
    <lake>/_docs/index.html                                 Great Expectations Data Docs
    <lake>/newslake.sql                                     init script of the DuckDB CLI
    <lake>/<table>/crawl_date=D/part-<producer>.parquet     the former layout (migrate-lake)

Paths are strings joined with ``/`` so that they hold for ``s3://`` lakes too.
"""

from __future__ import annotations

import re
from datetime import date

PARTITION_COLUMN = "crawl_date"
"""The partition key of every table, and of the raw archive's directories."""
CATALOG_FILE = "catalog.sqlite"
DATA_DIR = "data"
SCHEMA_DIR = "main"
"""DuckLake writes a table's files under ``data/<schema>/<table>/``."""
RAW_DIR = "raw"
STAGING_DIR = "_staging"
STATE_DIR = "_state"
FEED_STATE_DIR = f"{STATE_DIR}/feeds"
LOCK_DIR = f"{STATE_DIR}/locks"
SEARCH_DIR = "_search"
SEARCH_FILE = "fts.duckdb"
DOCS_DIR = "_docs"
DOCS_INDEX = "index.html"
INIT_SCRIPT = "newslake.sql"
WARC_SUFFIX = ".warc.gz"
PARQUET_SUFFIX = ".parquet"
PART_PREFIX = "part-"
"""Data files of the former layout are ``part-<producer>.parquet``."""
PARTITION_RE = re.compile(rf"^{PARTITION_COLUMN}=(\d{{4}}-\d{{2}}-\d{{2}})$")
PART_RE = re.compile(rf"^{re.escape(PART_PREFIX)}(.+){re.escape(PARQUET_SUFFIX)}$")


def join(lake: str, *parts: str) -> str:
    """``lake`` and ``parts`` joined with ``/`` (a local path or an ``s3://`` URL)."""
    return "/".join([str(lake).rstrip("/"), *parts])


def partition(day: date | str) -> str:
    """The directory name of one day: ``crawl_date=YYYY-MM-DD``."""
    return f"{PARTITION_COLUMN}={day.isoformat() if isinstance(day, date) else day}"


def catalog_file(lake: str) -> str:
    """The default DuckLake catalog of a local lake."""
    return join(lake, CATALOG_FILE)


def data_path(lake: str) -> str:
    """Where DuckLake writes data files (ends with ``/``)."""
    return join(lake, DATA_DIR) + "/"


def table_dir(lake: str, table: str) -> str:
    """The data files of one table (all days)."""
    return join(lake, DATA_DIR, SCHEMA_DIR, table)


def raw_day(lake: str, day: date | str) -> str:
    """The raw archive's directory of one crawl day."""
    return join(lake, RAW_DIR, partition(day))


def raw_warc(lake: str, day: date | str, name: str) -> str:
    """A WARC file of the raw archive: ``raw/crawl_date=D/<name>.warc.gz``."""
    return join(raw_day(lake, day), f"{name}{WARC_SUFFIX}")


def staging_root(lake: str) -> str:
    """The staging directory of a local lake."""
    return join(lake, STAGING_DIR)


def feed_state_file(lake: str, key: str) -> str:
    """The conditional-GET state of one source (``key``: a file-safe source id)."""
    return join(lake, FEED_STATE_DIR, f"{key}.json")


def search_index(lake: str) -> str:
    """The fts index file of a local lake."""
    return join(lake, SEARCH_DIR, SEARCH_FILE)


def docs_dir(lake: str) -> str:
    """The Data Docs site of a lake."""
    return join(lake, DOCS_DIR)


def docs_index(lake: str) -> str:
    """The Data Docs' start page."""
    return join(docs_dir(lake), DOCS_INDEX)


def init_script(lake: str) -> str:
    """The DuckDB CLI init script of a lake."""
    return join(lake, INIT_SCRIPT)


def part_file(producer: str) -> str:
    """A data file name of the former layout."""
    return f"{PART_PREFIX}{producer}{PARQUET_SUFFIX}"
