"""The lake as transactions: each failure of the former file-swap design, reproduced.

Every test here failed on the per-file design (empty day, shared staging, bad dates, crash
in compaction, lost rows, torn days, writable SQL, stale WARC files, a truncated file).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from damage import truncate_data_file
from newslake.config import Settings
from newslake.dedup.config import DedupConfig
from newslake.dedup.history import load_history
from newslake.exceptions import StageFailed
from newslake.lake import ducklake, publish_day, read_table, schema
from newslake.lake.check import check_lake
from newslake.lake.lease import LeaseHeld, acquire, release
from newslake.pipeline.staging import RunContext
from newslake.pipeline.staging import read_table as read_staged

pytestmark = pytest.mark.integration

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
    settings = Settings(lake, None)
    first = RunContext(settings, D1, producer="ingest", run_id="scheduled__2024-05-01")
    second = RunContext(settings, D1, producer="ingest", run_id="manual__reextract")
    first.hold()
    with pytest.raises(LeaseHeld, match="held by run scheduled__2024-05-01") as caught:
        second.hold()
    assert "\n" not in str(caught.value)
    first.hold()  # the holder renews
    RunContext(settings, D2, producer="ingest", run_id="other-day").hold()  # other days free
    RunContext(settings, D1, producer="warc-1", run_id="import").hold()  # other producers too
    assert first.staging != second.staging  # staging belongs to one run
    first.release()
    second.hold()


def test_an_expired_lease_frees_the_day(tmp_path):
    lake = str(tmp_path)
    acquire(lake, D1, "ingest", "dead-run", seconds=-1)
    acquire(lake, D1, "ingest", "next-run")
    assert release(lake, D1, "ingest", "next-run")


def test_a_missing_staged_input_is_an_error_naming_the_file(tmp_path):
    ctx = RunContext(Settings(str(tmp_path), None), D1, run_id="r1")
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


class Crash(Exception):
    """Raised by the injected hook: the process dies at this step."""


def _crash_at(target: str, seen: list[str]):
    def hook(step: str) -> None:
        seen.append(step)
        if step == target:
            raise Crash(step)
    return hook


OLD = {"articles": ["o1", "o2"], "dedup_index": ["o1", "o2"], "fetch_log": ["o1", "o2"]}
NEWS = {"articles": ["n1", "n2", "n3"], "dedup_index": ["n1", "n2", "n3"],
        "fetch_log": ["n1", "n2", "n3"]}


@pytest.mark.slow  # a publish, a crash and a rerun per write step
def test_a_crash_at_every_step_of_a_publish_leaves_the_old_day_or_the_new(tmp_path):
    lake = str(tmp_path / "lake")
    old = {"articles": _articles(["o1", "o2"]), "dedup_index": _index(["o1", "o2"]),
           "fetch_log": _log(["o1", "o2"])}
    publish_day(lake, D1, old, run_id="old")
    steps: list[str] = []
    publish_day(lake, D1, NEW, run_id="listing", hook=_crash_at("none", steps))
    assert {"begin", "delete:articles", "insert:articles", "insert:fetch_log",
            "insert:dedup_index", "insert:postings", "commit", "committed"} <= set(steps)
    for step in steps:
        publish_day(lake, D1, old, run_id="old")  # back to the old day
        with pytest.raises(Crash):
            publish_day(lake, D1, NEW, run_id="crashing", hook=_crash_at(step, []))
        seen = {t: _rows(lake, t, D1) for t in OLD}
        assert seen == (NEWS if step == "committed" else OLD), f"after a crash at {step}"
        publish_day(lake, D1, NEW, run_id="rerun")  # the next run leaves exactly its rows
        assert {t: _rows(lake, t, D1) for t in NEWS} == NEWS, step


def test_a_kill_9_before_the_commit_leaves_the_old_day(tmp_path):
    lake = str(tmp_path / "lake")
    old = {"articles": _articles(["o1", "o2"]), "dedup_index": _index(["o1", "o2"]),
           "fetch_log": _log(["o1", "o2"])}
    publish_day(lake, D1, old, run_id="old")
    killed = _run_publish(lake, "commit")  # every data file written, the commit not made
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert {t: _rows(lake, t, D1) for t in OLD} == OLD
    publish_day(lake, D1, NEW, run_id="rerun")
    assert {t: _rows(lake, t, D1) for t in NEWS} == NEWS
    from newslake.lake.maintenance import MaintenanceConfig, clean_files

    assert clean_files(lake, MaintenanceConfig(temp_max_age_s=0)) > 0  # the orphans go
    assert check_lake(lake)[1] == []


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


@pytest.mark.slow  # two maintenance runs per write step
def test_a_crash_at_every_step_of_maintenance_loses_and_doubles_nothing(tmp_path):
    import shutil

    from newslake.lake.maintenance import MaintenanceConfig, run_maintenance

    template, lake = str(tmp_path / "template"), str(tmp_path / "lake")
    config = MaintenanceConfig(temp_max_age_s=0, raw_retention_days=1)
    expected: dict[date, list[str]] = {}
    for day in (D1, D2):
        for part in range(3):  # several small files per day for compaction to merge
            ids = [f"{day.day}-{part}-{i}" for i in range(2)]
            publish_day(template, day, {"articles": _articles(ids)}, producer=f"p{part}")
            expected.setdefault(day, []).extend(ids)
    old_raw = Path(template, "raw", "crawl_date=2020-01-01", "ingest-old-0000.warc.gz")
    old_raw.parent.mkdir(parents=True)
    old_raw.write_bytes(b"x" * 10)
    raw = Path(lake, "raw", "crawl_date=2020-01-01")

    def fresh() -> None:  # small files and an old raw file, as before any maintenance
        shutil.rmtree(lake, ignore_errors=True)
        shutil.copytree(template, lake)

    def check(step: str) -> None:
        for day, ids in expected.items():
            assert _rows(lake, "articles", day) == sorted(ids), (step, day)

    fresh()
    steps: list[str] = []
    run_maintenance(lake, config, today=date(2024, 6, 1), hook=_crash_at("none", steps))
    assert {"compact", "expire_snapshots", "clean_files", "retention", "stats",
            "done"} <= set(steps) and any(s.startswith("delete:") for s in steps)
    for step in steps:
        fresh()
        with pytest.raises(Crash):
            run_maintenance(lake, config, today=date(2024, 6, 1), hook=_crash_at(step, []))
        check(step)
        run_maintenance(lake, config, today=date(2024, 6, 1))  # the next run finishes
        check(step)
        assert check_lake(lake)[1] == []
        assert not raw.exists(), step
        retained = read_table(lake, "raw_retention", columns=["path"])["path"].to_pylist()
        assert any(p.endswith("ingest-old-0000.warc.gz") for p in retained), step


def test_a_kill_9_between_compaction_and_file_cleanup_doubles_nothing(tmp_path):
    lake = str(tmp_path / "lake")
    expected = []
    for part in range(4):
        ids = [f"{part}-{i}" for i in range(300)]
        publish_day(lake, D1, {"articles": _articles(ids), "fetch_log": _log(ids)},
                    producer=f"p{part}")
        expected += ids
    # killed right after the merge committed, before any old file is cleaned up
    killed = _maintain(lake, "expire_snapshots")
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert _rows(lake, "articles", D1) == sorted(expected)
    assert _rows(lake, "fetch_log", D1) == sorted(expected)
    publish_day(lake, D1, {"articles": _articles(["x"])}, producer="p0")  # a later publish
    from newslake.lake.maintenance import MaintenanceConfig, run_maintenance

    run_maintenance(lake, MaintenanceConfig(temp_max_age_s=0))
    want = sorted([i for i in expected if not i.startswith("0-")] + ["x"])
    assert _rows(lake, "articles", D1) == want
    assert check_lake(lake)[1] == []


def test_a_truncated_file_is_named_and_other_days_keep_working(tmp_path):
    lake = str(tmp_path)
    publish_day(lake, D1, _day(["a", "b"]))
    publish_day(lake, D2, _day(["c"]))
    victim, live = truncate_data_file(lake, "articles", D1)
    checked, damaged = check_lake(lake)
    assert checked == live
    assert [(d.table, d.crawl_date, d.path) for d in damaged] == [("articles", D1, victim.path)]
    assert _rows(lake, "articles", D2) == ["c"]  # other days read fine
    publish_day(lake, D3, _day(["d"]))  # and later days publish
    assert _rows(lake, "articles", D3) == ["d"]
    assert _rows(lake, "fetch_log", D1) == ["a", "b"]  # the day's other tables still read


def test_a_damaged_day_is_detached_and_rebuilt_while_other_days_read(tmp_path):
    from newslake.lake.check import detach_damaged

    lake = str(tmp_path)
    publish_day(lake, D1, _day(["a", "b"]))
    publish_day(lake, D2, _day(["c"]))
    victim, _ = truncate_data_file(lake, "articles", D1)
    before = ducklake.snapshots(lake)[-1].snapshot_id
    with pytest.raises(Exception, match="ducklake-"):  # a rewrite must read the damaged file
        publish_day(lake, D1, _day(["a", "b"]), run_id="blocked")
    assert [d.path for d in detach_damaged(lake, D2, "repair-1")] == []  # D2 is sound
    detached = detach_damaged(lake, D1, "repair-1")
    assert [(d.table, d.crawl_date, d.path) for d in detached] == [("articles", D1, victim.path)]
    assert check_lake(lake)[1] == []
    assert _rows(lake, "articles", D1) == [] and _rows(lake, "fetch_log", D1) == ["a", "b"]
    assert _rows(lake, "articles", D2) == ["c"]
    repair = ducklake.snapshots(lake)[-1]
    assert repair.snapshot_id > before and repair.run_id == "repair-1"
    assert repair.producer == "repair"
    publish_day(lake, D1, _day(["a", "b"]), run_id="rebuild")  # the day rebuilds
    assert _rows(lake, "articles", D1) == ["a", "b"]
    con = ducklake.connect(lake)
    try:
        assert con.execute("SELECT count(*) FROM lake.articles").fetchone()[0] == 3
    finally:
        con.close()
    assert check_lake(lake)[1] == [] and detach_damaged(lake, D1, "repair-2") == []
