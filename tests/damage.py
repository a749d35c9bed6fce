"""Damage a lake the way a failing disk or an interrupted copy does, for the tests."""

from __future__ import annotations

import os
from datetime import date

from newslake.lake import ducklake


def truncate_data_file(lake: str, table: str, day: date) -> tuple[ducklake.DataFile, int]:
    """Cut the first live data file of ``table`` and ``day`` in half; returns it and how
    many live data files the lake has."""
    con = ducklake.connect(lake)
    try:
        files = ducklake.live_files(con, ducklake.location(lake).data_path)
    finally:
        con.close()
    victim = next(f for f in files if f.table == table and f.crawl_date == day)
    with open(victim.path, "r+b") as handle:
        handle.truncate(os.path.getsize(victim.path) // 2)
    return victim, len(files)
