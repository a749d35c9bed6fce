"""DuckDB extensions loaded from the files shipped by PyPI packages (no download).

Every session the project opens comes from :func:`new_session`: extension auto-install and
auto-load are off, so a statement naming an unknown extension fails instead of reaching the
internet.

DuckDB checks an extension's signature by hashing the whole file (about 50 MB, 0.05-0.5 s)
on every load into every session, which made opening the lake cost more than most queries.
A process now has each file checked once, by a plain signed load into a scratch session;
later loads of the same unchanged file (same size and modification time) go into sessions
that skip the check. Only :func:`load_extension` loads anything: the analysts' SQL surface
refuses ``LOAD`` and turns external access off (``newslake.lake.catalog``).
"""

from __future__ import annotations

import importlib.util
import os
import threading
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
_CHECKED: dict[str, tuple[int, int]] = {}
"""Extension files whose signature this process has checked: path -> (size, mtime_ns)."""
_CHECKING = threading.Lock()


def new_session(database: str = ":memory:", read_only: bool = False
                ) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with extension auto-install and auto-load off (extensions load
    through :func:`load_extension`, which has each file's signature checked once)."""
    return duckdb.connect(database, read_only=read_only,
                          config={**SESSION_CONFIG, "allow_unsigned_extensions": True})


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
    path = extension_path(con, name)
    _check_signature(path)
    con.execute(f"LOAD '{_quoted(path)}'")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _check_signature(path: Path) -> None:
    """Have DuckDB check the signature of ``path`` once per process (again when the file
    changes): a load into a scratch session that accepts signed extensions only."""
    stat = os.stat(path)
    stamp = (stat.st_size, stat.st_mtime_ns)
    with _CHECKING:
        if _CHECKED.get(str(path)) == stamp:
            return
        scratch = duckdb.connect(":memory:", config=dict(SESSION_CONFIG))
        try:
            scratch.execute(f"LOAD '{_quoted(path)}'")
        finally:
            scratch.close()
        _CHECKED[str(path)] = stamp
