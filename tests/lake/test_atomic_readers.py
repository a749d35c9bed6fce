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

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]  # concurrent readers and writers

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
    partition = tmp_path / "articles" / f"crawl_date={DAY.isoformat()}"

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
    killed_mid_write = False
    try:
        deadline = time.monotonic() + 60
        published_once = False
        while time.monotonic() < deadline and writer.poll() is None:
            temps = [p for p in os.listdir(partition) if p.startswith(".tmp-")]
            published_once = published_once or any(
                n >= 2000 for n in seen[-5:]
            )
            # kill once at least one new state was published and a second write is open
            if temps and published_once:
                os.kill(writer.pid, signal.SIGKILL)
                killed_mid_write = True
                break
            time.sleep(0.002)
        writer.wait(timeout=30)
        time.sleep(0.3)  # keep reading the state the kill left behind
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        stop.set()
        reader.join(timeout=30)

    assert killed_mid_write, "the writer was not caught in the middle of a write"
    assert writer.returncode == -signal.SIGKILL
    assert not errors, errors[:3]
    assert seen, "the reader never completed a query"
    assert set(seen) <= {OLD_ROWS, 2000, 3000}, sorted(set(seen))
    assert {2000, 3000} & set(seen), "the reader never saw a new state"
    leftovers = [p for p in os.listdir(partition) if p.startswith(".tmp-")]
    assert leftovers, "a kill mid-write leaves the temporary file behind"

    # the next run cleans up and publishes exactly
    info = publish_day(lake, DAY, {"articles": _rows(5, "new")})
    assert info.cleaned_temp_files == len(leftovers)
    assert [p for p in os.listdir(partition) if p.startswith(".tmp-")] == []
    assert sorted(read_table(lake, "articles")["article_id"].to_pylist()) == [
        f"new{i}" for i in range(5)]
