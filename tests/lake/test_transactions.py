"""The lake as transactions: each failure of the former file-swap design, reproduced.

Every test here failed on the per-file design (empty day, shared staging, bad dates, crash
in compaction, lost rows, torn days, writable SQL, stale WARC files, a truncated file).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from newslake.dedup.config import DedupConfig
from newslake.dedup.history import load_history
from newslake.exceptions import StageFailed
from newslake.lake import ducklake, publish_day, read_table, schema
from newslake.lake.check import check_lake
from newslake.lake.lease import LeaseHeld, acquire, release
from newslake.pipeline.staging import RunContext
from newslake.pipeline.staging import read_table as read_staged

D1, D2, D3 = date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)


def _articles(ids: list[str], day: date = D1) -> pa.Table:
    return pa.Table.from_pylist(
        [{"article_id": i, "url": f"https://e.com/{i}", "canonical_url": f"https://e.com/{i}",
          "title": f"title {i}", "body": f"body of {i} words", "story_id": i,
          "source_id": "s"} for i in ids], schema=schema.ARTICLES)


def _index(ids: list[str]) -> pa.Table:
    return pa.Table.from_pylist(
        [{"article_id": i, "story_id": i, "canonical_url": f"https://e.com/{i}",
          "scheme": DedupConfig().scheme, "band_keys": [hash(i) % 1000, 7],
          "signature": [1, 2]} for i in ids], schema=schema.DEDUP_INDEX)


def _log(urls: list[str], warc: str | None = None) -> pa.Table:
    return pa.Table.from_pylist([{"url": u, "kind": "page", "warc_file": warc} for u in urls],
                                schema=schema.FETCH_LOG)


def _day(ids: list[str]) -> dict[str, pa.Table]:
    return {"articles": _articles(ids), "dedup_index": _index(ids), "fetch_log": _log(ids)}


def _rows(lake: str, table: str, day: date) -> list[str]:
    key = "url" if table == "fetch_log" else "article_id"
    return sorted(read_table(lake, table, dates=[day], columns=[key])[key].to_pylist())


def test_an_empty_day_does_not_break_later_days(tmp_path):
    lake = str(tmp_path)
    publish_day(lake, D1, {t: schema.empty(t) for t in
                           ("articles", "dedup_index", "fetch_log", "stories")})
    history = load_history(lake, D2, DedupConfig())
    pairs, docs = history.matching(np.array([7, 11], dtype=np.int64))
    assert pairs.num_rows == 0 and docs.num_rows == 0
    assert history.known_urls(["https://e.com/a"]) == [None]
    assert history.members(["a"]) == {}
    assert read_table(lake, "articles").num_rows == 0
    from newslake.lake import published_dates
    assert published_dates(lake, "articles") == [D1]  # the empty day is a published day


def test_a_second_run_of_the_same_day_is_refused_naming_the_holder(tmp_path):
    lake = str(tmp_path)
    first = RunContext(lake, D1, "", producer="ingest", run_id="scheduled__2024-05-01")
    second = RunContext(lake, D1, "", producer="ingest", run_id="manual__reextract")
    first.hold()
    with pytest.raises(LeaseHeld, match="held by run scheduled__2024-05-01") as caught:
        second.hold()
    assert "\n" not in str(caught.value)
    first.hold()  # the holder renews
    RunContext(lake, D2, "", producer="ingest", run_id="other-day").hold()  # other days free
    RunContext(lake, D1, "", producer="warc-1", run_id="import").hold()  # other producers too
    assert first.staging != second.staging  # staging belongs to one run
    first.release()
    second.hold()


def test_an_expired_lease_frees_the_day(tmp_path):
    lake = str(tmp_path)
    acquire(lake, D1, "ingest", "dead-run", seconds=-1)
    acquire(lake, D1, "ingest", "next-run")
    assert release(lake, D1, "ingest", "next-run")


def test_a_missing_staged_input_is_an_error_naming_the_file(tmp_path):
    ctx = RunContext(str(tmp_path), D1, "", run_id="r1")
    path = ctx.path("extract", "0003.articles.parquet")
    with pytest.raises(StageFailed, match="0003.articles.parquet"):
        read_staged(path, "articles")


def test_kept_pages_with_bad_dates_are_not_rejections():
    from newslake.validate.derive import source_quality

    urls = [f"https://site.example/{i}" for i in range(12)]
    articles = pa.table({"source_id": ["site"] * 12, "url": urls})
    rejections = pa.Table.from_pylist(
        [{"url": u, "source_id": "site", "reason": "bad_date", "stage": "extract"}
         for u in urls]
        + [{"url": "https://site.example/empty", "source_id": "site",
            "reason": "empty_after_boilerplate", "stage": "extract"}],
        schema=schema.REJECTIONS)
    row = source_quality(articles, rejections, min_pages=10, reasons=None).to_pylist()[0]
    assert (row["articles"], row["rejected"], row["pages"]) == (12, 1, 13)
    assert row["rejected_share"] == pytest.approx(1 / 13)


STEPS_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from datetime import date
    import pyarrow as pa
    from newslake.lake import publish_day, schema
    lake, kill_at = sys.argv[1], sys.argv[2]
    ids = ["n1", "n2", "n3"]
    tables = {
        "articles": pa.Table.from_pylist([{"article_id": i, "url": "https://e.com/" + i}
                                          for i in ids], schema=schema.ARTICLES),
        "dedup_index": pa.Table.from_pylist([{"article_id": i} for i in ids],
                                            schema=schema.DEDUP_INDEX),
        "fetch_log": pa.Table.from_pylist([{"url": i, "kind": "page"} for i in ids],
                                          schema=schema.FETCH_LOG),
    }
    steps = []
    def hook(step):
        steps.append(step)
        if step == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    publish_day(lake, date(2024, 5, 1), tables, producer="ingest", run_id="new", hook=hook)
    print("\\n".join(steps))
""")


NEW = {
    "articles": pa.Table.from_pylist([{"article_id": i, "url": "https://e.com/" + i}
                                      for i in ("n1", "n2", "n3")], schema=schema.ARTICLES),
    "dedup_index": pa.Table.from_pylist([{"article_id": i} for i in ("n1", "n2", "n3")],
                                        schema=schema.DEDUP_INDEX),
    "fetch_log": pa.Table.from_pylist([{"url": i, "kind": "page"} for i in ("n1", "n2", "n3")],
                                      schema=schema.FETCH_LOG),
}


def _run_publish(lake: str, kill_at: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", STEPS_SCRIPT, lake, kill_at],
                          capture_output=True, text=True, timeout=300)


def test_a_kill_at_any_step_of_a_publish_leaves_the_old_day_or_the_new(tmp_path):
    lake = str(tmp_path / "lake")
    old = {"articles": _articles(["o1", "o2"]), "dedup_index": _index(["o1", "o2"]),
           "fetch_log": _log(["o1", "o2"])}
    publish_day(lake, D1, old, run_id="old")
    listed = _run_publish(lake, "none")
    assert listed.returncode == 0, listed.stderr
    steps = listed.stdout.split()
    assert {"begin", "insert:articles", "delete:fetch_log", "commit"} <= set(steps)
    for step in steps:
        publish_day(lake, D1, old, run_id="old")  # back to the old day
        killed = _run_publish(lake, step)
        assert killed.returncode == -9, (step, killed.stderr)
        seen = {t: _rows(lake, t, D1) for t in ("articles", "dedup_index", "fetch_log")}
        olds = {"articles": ["o1", "o2"], "dedup_index": ["o1", "o2"], "fetch_log": ["o1", "o2"]}
        news = {"articles": ["n1", "n2", "n3"], "dedup_index": ["n1", "n2", "n3"],
                "fetch_log": ["n1", "n2", "n3"]}
        assert seen in (olds, news), f"torn day after a kill at {step}: {seen}"
        if step == "committed":
            assert seen == news
        publish_day(lake, D1, NEW, run_id="rerun")  # the next run leaves exactly its rows
        assert {t: _rows(lake, t, D1) for t in news} == news, step


MAINT_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from datetime import date
    from newslake.lake.maintenance import MaintenanceConfig, run_maintenance
    lake, kill_at = sys.argv[1], sys.argv[2]
    steps = []
    def hook(step):
        steps.append(step if not step.startswith("delete:") else "delete")
        if steps[-1] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    run_maintenance(lake, MaintenanceConfig(temp_max_age_s=0, raw_retention_days=1),
                    today=date(2024, 6, 1), hook=hook)
    print("\\n".join(steps))
""")


def _maintain(lake: str, kill_at: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", MAINT_SCRIPT, lake, kill_at],
                          capture_output=True, text=True, timeout=600)


def test_a_kill_at_any_step_of_maintenance_loses_and_doubles_nothing(tmp_path):
    from newslake.lake.maintenance import MaintenanceConfig, run_maintenance

    lake = str(tmp_path / "lake")
    raw = Path(lake, "raw", "crawl_date=2020-01-01")

    def small_files_and_old_raw() -> dict[date, list[str]]:
        expected: dict[date, list[str]] = {}
        for day in (D1, D2):
            for part in range(3):  # several small files per day for compaction to merge
                ids = [f"{day.day}-{part}-{i}" for i in range(2)]
                publish_day(lake, day, {"articles": _articles(ids)}, producer=f"p{part}")
                expected.setdefault(day, []).extend(ids)
        raw.mkdir(parents=True, exist_ok=True)
        (raw / "ingest-old-0000.warc.gz").write_bytes(b"x" * 10)
        return expected

    expected = small_files_and_old_raw()
    listed = _maintain(lake, "none")
    assert listed.returncode == 0, listed.stderr
    steps = listed.stdout.split()
    assert {"compact", "expire_snapshots", "clean_files", "retention", "delete", "stats",
            "done"} <= set(steps)
    for step in steps:
        expected = small_files_and_old_raw()
        killed = _maintain(lake, step)
        assert killed.returncode == -9, (step, killed.stderr[-2000:])
        for day, ids in expected.items():
            assert _rows(lake, "articles", day) == sorted(ids), (step, day)
        run_maintenance(lake, MaintenanceConfig(temp_max_age_s=0, raw_retention_days=1),
                        today=date(2024, 6, 1))
        for day, ids in expected.items():
            assert _rows(lake, "articles", day) == sorted(ids), (step, day)
        assert check_lake(lake)[1] == []
        assert not raw.exists(), step
        retained = read_table(lake, "raw_retention", columns=["path"])["path"].to_pylist()
        assert any(p.endswith("ingest-old-0000.warc.gz") for p in retained), step


def test_a_truncated_file_is_named_and_other_days_keep_working(tmp_path):
    lake = str(tmp_path)
    publish_day(lake, D1, _day(["a", "b"]))
    publish_day(lake, D2, _day(["c"]))
    con = ducklake.connect(lake)
    try:
        files = ducklake.live_files(con, ducklake.location(lake).data_path)
    finally:
        con.close()
    victim = next(f for f in files if f.table == "articles" and f.crawl_date == D1)
    with open(victim.path, "r+b") as handle:
        handle.truncate(os.path.getsize(victim.path) // 2)
    checked, damaged = check_lake(lake)
    assert checked == len(files)
    assert [(d.table, d.crawl_date, d.path) for d in damaged] == [("articles", D1, victim.path)]
    assert _rows(lake, "articles", D2) == ["c"]  # other days read fine
    publish_day(lake, D3, _day(["d"]))  # and later days publish
    assert _rows(lake, "articles", D3) == ["d"]
    assert _rows(lake, "fetch_log", D1) == ["a", "b"]  # the day's other tables still read
