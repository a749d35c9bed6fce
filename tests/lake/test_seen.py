"""seen_urls answers as a scan of every published URL would, without reading the articles."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from newslake.dedup import canonicalize_url
from newslake.lake import ducklake, publish_day, read_table, schema, seen_urls
from newslake.lake.terms import index_day, unindexed_days

pytestmark = pytest.mark.integration

DAY1, DAY2, DAY3 = date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)

ARTICLES = {
    DAY1: [  # (url as fetched, canonical_url as extracted)
        ("https://www.news.test/a?utm_source=rss", "https://news.test/a-story"),  # rel=canonical
        ("https://news.test/b", "https://news.test/b"),
    ],
    DAY2: [("http://news.test/c/", "https://news.test/c")],
    DAY3: [("https://news.test/d", "https://news.test/d")],
}

CANDIDATES = [
    "https://news.test/a?utm_source=mail",  # same canonical form as day 1's url, not its canonical
    "https://news.test/a-story#top",  # canonicalises to day 1's canonical_url
    "https://news.test/a-story",
    "https://www.news.test/a?utm_source=rss",  # exactly as day 1 fetched it
    "https://NEWS.test/b/",
    "https://news.test/c",
    "https://news.test/d?fbclid=1",  # only on day 3
    "https://news.test/e",  # never published
    "https://other.test/b",
]


def _rows(day: date) -> pa.Table:
    return schema.conform("articles", [
        {"article_id": f"{day:%d}-{n}", "url": url, "canonical_url": canonical,
         "body": "words " * 50, "title": "A title"}
        for n, (url, canonical) in enumerate(ARTICLES[day])])


def reference(lake: str, urls: list[str], exclude: date | None) -> set[str]:
    """The former answer: every URL ever published, canonicalised in Python."""
    table = read_table(lake, "articles", columns=["url", "canonical_url", "crawl_date"])
    if exclude is not None:
        table = table.filter(pc.not_equal(table["crawl_date"], pa.scalar(exclude, pa.date32())))
    known = set(table["canonical_url"].drop_null().to_pylist())
    known |= {canonicalize_url(u) for u in table["url"].drop_null().to_pylist()}
    return {u for u in urls if canonicalize_url(u) in known or u in known}


@pytest.fixture
def lake(tmp_path: Path) -> str:
    root = str(tmp_path / "lake")
    for day in ARTICLES:
        publish_day(root, day, {"articles": _rows(day)}, run_id=f"run-{day}")
    return root


@pytest.mark.parametrize("exclude", [None, DAY1, DAY2, DAY3, date(2024, 6, 1)])
def test_same_answers_as_a_scan_of_every_url(lake: str, exclude: date | None) -> None:
    got = seen_urls(lake, CANDIDATES, exclude_day=exclude)
    assert got == reference(lake, CANDIDATES, exclude)
    assert "https://news.test/e" not in got


def test_canonicalisation_and_the_excluded_day(lake: str) -> None:
    assert seen_urls(lake, CANDIDATES, exclude_day=DAY3) == set(CANDIDATES[:6])
    assert "https://news.test/a?utm_source=mail" not in seen_urls(lake, CANDIDATES, DAY1)
    assert seen_urls(lake, [], exclude_day=None) == set()
    assert seen_urls(str(Path(lake).parent / "none"), CANDIDATES) == set()


def _data_files(lake: str, table: str) -> list[ducklake.DataFile]:
    con = ducklake.connect(lake)
    try:
        return [f for f in ducklake.live_files(con, ducklake.location(lake).data_path)
                if f.table == table]
    finally:
        con.close()


def test_reads_the_index_not_the_articles(lake: str) -> None:
    """Every articles file cut to nothing: the lookup still answers, from the index alone."""
    expected = reference(lake, CANDIDATES, DAY2)
    files = _data_files(lake, "articles")
    assert files
    for item in files:
        with open(item.path, "r+b") as handle:
            handle.truncate(0)
    assert seen_urls(lake, CANDIDATES, exclude_day=DAY2) == expected
    with pytest.raises(Exception):  # noqa: B017 - any read of an articles file fails
        read_table(lake, "articles", columns=["url"])


def test_publish_log_written_after_the_index_is_not_read(lake: str) -> None:
    """The check for days without an index reads only the publish_log of commits made before
    the index table existed (here the first), so it does not grow with the days published."""
    expected = reference(lake, CANDIDATES, DAY3)
    later = [f for f in _data_files(lake, "publish_log") if f.crawl_date != DAY1]
    assert len(later) == 2
    for item in later:
        os.truncate(item.path, 0)
    assert seen_urls(lake, CANDIDATES, exclude_day=DAY3) == expected


def test_days_published_without_the_index(lake: str) -> None:
    """A day written before url_index existed is answered from its articles until
    index-terms rebuilds its index; then the articles are no longer read."""
    old = date(2024, 4, 30)
    legacy = schema.conform("articles", [{
        "article_id": "old", "url": "https://news.test/old?utm_source=rss",
        "canonical_url": "https://news.test/old-story", "body": "words " * 50}])
    ducklake.publish(lake, old, "ingest", "legacy", {"articles": legacy})
    assert unindexed_days(lake, "url_index") == [old]
    urls = [*CANDIDATES, "https://news.test/old", "https://news.test/old-story"]
    assert seen_urls(lake, urls, DAY3) == reference(lake, urls, DAY3)
    assert {"https://news.test/old", "https://news.test/old-story"} <= seen_urls(lake, urls)
    assert seen_urls(lake, urls, old) == reference(lake, urls, old)
    index_day(lake, old)
    assert unindexed_days(lake, "url_index") == []
    expected = reference(lake, urls, None)
    for item in _data_files(lake, "articles"):
        os.truncate(item.path, 0)
    assert seen_urls(lake, urls) == expected


def test_a_lake_without_the_index_table_reads_and_upgrades(lake: str) -> None:
    """A lake written before ``url_index`` existed opens read-only (its views, the lookup,
    the days to index), and ``newslake index-terms`` builds the table."""
    from newslake.lake.catalog import connect

    con = ducklake.connect(lake, read_only=False)
    try:
        con.execute("DROP TABLE lake.url_index")
    finally:
        con.close()
    expected = reference(lake, CANDIDATES, DAY2)
    assert seen_urls(lake, CANDIDATES, exclude_day=DAY2) == expected
    session = connect(lake)
    try:
        assert session.execute("SELECT count(*) FROM url_index").fetchone() == (0,)
        assert session.execute("SELECT count(*) FROM articles").fetchone() == (4,)
    finally:
        session.close()
    assert unindexed_days(lake, "url_index") == sorted(ARTICLES)
    from newslake.cli import main

    assert main(["index-terms", "--lake", lake]) == 0  # the command that builds it
    assert unindexed_days(lake, "url_index") == []
    assert seen_urls(lake, CANDIDATES, exclude_day=DAY2) == expected
