"""Extensions load from the packaged files, each file's signature checked once per process."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from newslake.lake import extensions


def test_a_file_is_checked_once_then_loads_without_hashing(monkeypatch):
    checks: list[str] = []
    real_connect = duckdb.connect

    def counting_connect(database=":memory:", *args, config=None, **kwargs):
        if config is not None and not config.get("allow_unsigned_extensions"):
            checks.append(database)
        return real_connect(database, *args, config=config, **kwargs)

    monkeypatch.setattr(extensions, "_CHECKED", {})
    monkeypatch.setattr(extensions.duckdb, "connect", counting_connect)
    for _ in range(3):
        con = extensions.new_session()
        extensions.load_extension(con, "fts")
        assert con.execute("SELECT loaded FROM duckdb_extensions() "
                           "WHERE extension_name = 'fts'").fetchone() == (True,)
        con.close()
    assert len(checks) == 1


def test_a_damaged_extension_file_is_refused(monkeypatch, tmp_path: Path):
    probe = extensions.new_session()
    good = extensions.extension_path(probe, "fts")
    probe.close()
    damaged = tmp_path / "fts.duckdb_extension"
    shutil.copyfile(good, damaged)
    with damaged.open("r+b") as handle:  # one byte in the code, the signature left as it was
        handle.seek(damaged.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setattr(extensions, "_CHECKED", {})
    monkeypatch.setattr(extensions, "extension_path", lambda con, name: damaged)
    con = extensions.new_session()
    with pytest.raises(duckdb.Error, match="signature|signed"):
        extensions.load_extension(con, "fts")
    loaded = con.execute("SELECT loaded FROM duckdb_extensions() "
                         "WHERE extension_name = 'fts'").fetchone()
    assert loaded in (None, (False,))
    con.close()
