"""Readers during a publish that is killed mid-write see only complete states."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from newslake.lake import publish_day, read_table, schema
from newslake.lake.catalog import connect
from newslake.lake.check import check_lake
from newslake.lake.maintenance import MaintenanceConfig, clean_files

pytestmark = [pytest.mark.timeout(400), pytest.mark.slow]  # concurrent readers and writers

DAY = date(2024, 6, 1)
OLD_ROWS = 1000

# Publishes the same day over and over with 2000 or 3000 large rows, so that a write
# takes long enough to be killed in the middle.
WRITER = r"""
import sys
from datetime import date
import numpy as np
import pyarrow as pa
from newslake.lake import publish_day, schema

lake = sys.argv[1]
rng = np.random.default_rng(7)
for round_ in range(1000):
    n = 2000 if round_ % 2 == 0 else 3000
    bodies = [rng.bytes(6000).hex() for _ in range(n)]
    table = pa.table({
        "article_id": [f"w{round_}-{i}" for i in range(n)],
        "url": [f"https://x.com/{i}" for i in range(n)],
        "body": bodies,
    })
    publish_day(lake, date(2024, 6, 1), {"articles": schema.conform("articles", table)})
"""


def _rows(n: int, prefix: str) -> pa.Table:
    return schema.conform("articles", [
        {"article_id": f"{prefix}{i}", "url": f"https://x.com/{i}", "body": "text"}
        for i in range(n)
    ])


def test_readers_see_old_or_new_never_partial(tmp_path: Path) -> None:
    lake = str(tmp_path)
    publish_day(lake, DAY, {"articles": _rows(OLD_ROWS, "old")})

    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_loop() -> None:
        while not stop.is_set():
            try:
                con = connect(lake)
                try:
                    seen.append(con.sql(
                        "SELECT count(*) FROM articles WHERE crawl_date = DATE '2024-06-01'"
                    ).fetchone()[0])
                finally:
                    con.close()
            except BaseException as exc:  # any reader error fails the test
                errors.append(exc)

    reader = threading.Thread(target=read_loop)
    reader.start()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, lake],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed = False
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and writer.poll() is None:
            if any(n >= 2000 for n in seen[-5:]):  # one new state published: kill the next
                time.sleep(0.7)
                os.kill(writer.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.01)
        writer.wait(timeout=30)
        time.sleep(0.5)  # keep reading the state the kill left behind
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        stop.set()
        reader.join(timeout=60)

    assert killed and writer.returncode == -signal.SIGKILL
    assert not errors, errors[:3]
    assert set(seen) <= {OLD_ROWS, 2000, 3000}, sorted(set(seen))
    assert {2000, 3000} & set(seen), "the reader never saw a new state"

    # the next run publishes exactly; files the killed write left are cleaned
    publish_day(lake, DAY, {"articles": _rows(5, "new")})
    assert sorted(read_table(lake, "articles")["article_id"].to_pylist()) == [
        f"new{i}" for i in range(5)]
    clean_files(lake, MaintenanceConfig(temp_max_age_s=0, snapshot_retention_days=0))
    assert check_lake(lake)[1] == []
