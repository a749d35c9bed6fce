"""DuckDB extensions loaded from the files shipped by PyPI packages (no download).

Every session the project opens comes from :func:`new_session`: extension auto-install and
auto-load are off, so a statement naming an unknown extension fails instead of reaching the
internet.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

from newslake.exceptions import ConfigError

PACKAGES = {
    "fts": "duckdb-ext-fts",
    "httpfs": "duckdb-ext-httpfs",
    "ducklake": "duckdb-ext-ducklake",
    "sqlite_scanner": "duckdb-ext-sqlite",
    "postgres_scanner": "duckdb-ext-postgres",
}
SESSION_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def new_session(database: str = ":memory:", read_only: bool = False
                ) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with extension auto-install and auto-load off."""
    return duckdb.connect(database, read_only=read_only, config=dict(SESSION_CONFIG))


def extension_path(con: duckdb.DuckDBPyConnection, name: str) -> Path:
    """File of extension ``name`` inside the installed ``duckdb_ext`` package."""
    spec = importlib.util.find_spec("duckdb_ext")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"DuckDB extension {name!r} needs the {PACKAGES.get(name, name)} "
                          "package")
    platform = con.sql("PRAGMA platform").fetchone()[0]
    version = "v" + duckdb.__version__
    for base in spec.submodule_search_locations:
        path = Path(base) / "extensions" / version / platform / f"{name}.duckdb_extension"
        if path.is_file():
            return path
    raise ConfigError(
        f"DuckDB extension {name!r} for {version}/{platform} not found: install "
        f"{PACKAGES.get(name, name)} matching duckdb {duckdb.__version__}"
    )


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Load extension ``name`` into ``con`` from its package file (once per connection)."""
    loaded = con.execute(
        "SELECT loaded FROM duckdb_extensions() WHERE extension_name = ?", [name]
    ).fetchone()
    if loaded and loaded[0]:
        return
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    path = str(extension_path(con, name)).replace("'", "''")
    con.execute(f"LOAD '{path}'")
