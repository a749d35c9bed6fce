"""Conditional GET across days: an unchanged feed (304) still yields the later day's entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from newslake.crawl import discover_source
from newslake.sources import load_sources
from newslake_demo import build_site
from newslake_demo.server import DemoServer
from newslake_demo.sources import SOURCES as DEMO_SOURCES


@pytest.fixture(scope="module")
def demo():
    with DemoServer(build_site()) as server:
        yield server


def _discover(config, source, lake, day: date, tmp_path):
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return discover_source(
        source, config, lake=str(lake), crawl_date=day, interval_start=start,
        interval_end=start + timedelta(days=1), warc_path=str(tmp_path / f"{day}.warc.gz"),
    )


def test_unchanged_feed_yields_next_days_entries(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", demo.address)
    config = load_sources(DEMO_SOURCES)
    source = next(s for s in config.sources if s.id == "politico")
    lake = tmp_path / "lake"
    first = _discover(config, source, lake, date(2022, 4, 1), tmp_path)
    second = _discover(config, source, lake, date(2022, 4, 2), tmp_path)
    assert [r["error_class"] for r in second.fetch_log] == ["not_modified"]
    assert first.candidates and second.candidates
    assert not {c["url"] for c in first.candidates} & {c["url"] for c in second.candidates}
    expected = {a.url for a in build_site().articles
                if a.site == "politico.com" and a.published_at.date() == date(2022, 4, 2)}
    assert expected <= {c["url"] for c in second.candidates}


def test_rerun_of_same_day_fetches_in_full(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", demo.address)
    config = load_sources(DEMO_SOURCES)
    source = next(s for s in config.sources if s.id == "politico")
    lake = tmp_path / "lake"
    first = _discover(config, source, lake, date(2022, 4, 2), tmp_path)
    again = _discover(config, source, lake, date(2022, 4, 2), tmp_path)
    assert [r["status"] for r in again.fetch_log] == [200]
    assert first.candidates == again.candidates
