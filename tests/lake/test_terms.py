"""The terms index: tokens, positions, idempotent rebuilds and keyword_coverage's counts."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from newslake.cli import main
from newslake.lake import publish_day, read_table, remove_day, schema
from newslake.lake.catalog import connect, write_catalog
from newslake.lake.maintenance import compact
from newslake.lake.terms import article_terms, index_day, unindexed_days

pytestmark = pytest.mark.integration

D1, D2, D3 = date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)
WORDS = ["Election", "elections", "re-election", "budget", "Über", "naïve", "x_y", "2024",
         "vote", "voters", "Straße", "the", "a", "électoral"]


def _articles(prefix: str, texts: list[tuple[str | None, str | None]]) -> pa.Table:
    return schema.conform("articles", [
        {"article_id": f"{prefix}{i}", "url": f"https://x.com/{prefix}{i}", "title": title,
         "body": body, "published_at": datetime(2024, 5, 1, i % 24, tzinfo=UTC)}
        for i, (title, body) in enumerate(texts)
    ])


def _random_texts(rng: random.Random, n: int) -> list[tuple[str | None, str | None]]:
    def text() -> str:
        seps = [" ", ", ", ". ", "\n", " (", ") ", "-", "'s "]
        return "".join(rng.choice(WORDS) + rng.choice(seps) for _ in range(rng.randint(0, 12)))
    return [(None if rng.random() < 0.1 else text(), None if rng.random() < 0.1 else text())
            for _ in range(n)]


def test_article_terms_rows() -> None:
    rows = article_terms(_articles("a", [("Election Day", "The ELECTION, again: re-election."),
                                         (None, "Über naïve x_y 2024"), ("", None)]), "ingest")
    got = {r["term"]: (r["df"], r["docs"]) for r in rows.to_pylist()}
    assert got[""] == (3, None)
    assert got["election"] == (1, [0])
    assert got["re"] == (1, [0]) and got["day"] == (1, [0])
    assert got["über"] == (1, [1]) and got["naïve"] == (1, [1]) and got["x_y"] == (1, [1])
    assert set(rows["producer"].to_pylist()) == {"ingest"}
    assert rows.schema == schema.TERMS


def _regex_counts(lake: str, keyword: str) -> list[tuple]:
    con = connect(lake)
    try:
        return con.execute(
            "SELECT crawl_date, count(*), count(*) FILTER (WHERE "
            "regexp_matches(title, '(?i)' || regexp_escape($k)) OR "
            "regexp_matches(body, '(?i)' || regexp_escape($k))) FROM articles "
            "GROUP BY 1 ORDER BY 1", {"k": keyword}).fetchall()
    finally:
        con.close()


def _coverage(lake: str, keyword: str) -> tuple[list[tuple], str]:
    con = connect(lake)
    try:
        rows = con.execute("SELECT * FROM keyword_coverage($k, '2024-01-01', '2024-12-31')",
                           {"k": keyword}).fetchall()
        plan = con.execute("EXPLAIN SELECT * FROM keyword_coverage($k, '2024-05-01', "
                           "'2024-05-31')", {"k": keyword}).fetchall()
    finally:
        con.close()
    assert all(r[3] == round(100.0 * r[2] / r[1], 2) for r in rows)
    return [r[:3] for r in rows], str(plan)


@pytest.fixture(scope="module")
def mixed_lake(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three days, two producers on D1 (one compacted in), D3 published without an index."""
    lake = str(tmp_path_factory.mktemp("terms"))
    rng = random.Random(7)
    publish_day(lake, D1, {"articles": _articles("a", _random_texts(rng, 40))})
    publish_day(lake, D1, {"articles": _articles("w", _random_texts(rng, 25))}, producer="warc")
    compact(lake)
    publish_day(lake, D2, {"articles": _articles("b", _random_texts(rng, 30))})
    publish_day(lake, D3, {"articles": _articles("c", _random_texts(rng, 20))})
    remove_day(lake, "terms", D3)  # as if published before the index existed
    return lake


@pytest.mark.parametrize("keyword", ["election", "ELECT", "über", "UBER", "x_y", "s",
                                     "2024", "ß", "re-election", "voters)", "zzz"])
def test_keyword_coverage_matches_a_text_scan(mixed_lake: str, keyword: str) -> None:
    assert unindexed_days(mixed_lake) == [D3]
    got, _ = _coverage(mixed_lake, keyword)
    assert got == _regex_counts(mixed_lake, keyword)


def test_indexed_days_do_not_read_bodies(mixed_lake: str) -> None:
    got, _ = _coverage(mixed_lake, "election")
    assert got[0][2] > 0
    con = connect(mixed_lake)
    try:
        analyzed = con.execute("EXPLAIN ANALYZE SELECT * FROM keyword_coverage('election', "
                               "'2024-05-01', '2024-05-02')").fetchall()[0][1]
    finally:
        con.close()
    files = [int(n) for n in re.findall(r"Total Files Read:\s*(\d+)", analyzed)]
    # articles row counts (2 files), terms lookup (2 files), no body scan (2 more)
    assert sum(files) == 4, analyzed


def test_index_day_rebuilds_idempotently(tmp_path: Path) -> None:
    lake = str(tmp_path)
    rng = random.Random(3)
    publish_day(lake, D1, {"articles": _articles("a", _random_texts(rng, 10))})
    publish_day(lake, D1, {"articles": _articles("w", _random_texts(rng, 5))}, producer="warc")
    before = read_table(lake, "terms").sort_by([("producer", "ascending"), ("term", "ascending")])
    remove_day(lake, "terms", D1, producer="warc")
    assert unindexed_days(lake) == [D1]
    assert index_day(lake, D1) == {"ingest": before.num_rows - sum(
        p == "warc" for p in before["producer"].to_pylist()), "warc": sum(
        p == "warc" for p in before["producer"].to_pylist())}
    index_day(lake, D1)
    after = read_table(lake, "terms").sort_by([("producer", "ascending"), ("term", "ascending")])
    assert after.drop_columns(["crawl_date"]).equals(before.drop_columns(["crawl_date"]))
    assert unindexed_days(lake) == []
    remove_day(lake, "articles", D1, producer="warc")  # its terms go with it
    assert set(read_table(lake, "terms")["producer"].to_pylist()) == {"ingest"}


def test_cli_index_terms_and_catalog(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    lake = str(tmp_path)
    publish_day(lake, D1, {"articles": _articles("a", [("Election", "vote"), ("x", "y")])})
    remove_day(lake, "terms", D1)
    write_catalog(lake)
    assert main(["index-terms", "--lake", lake]) == 0
    assert "indexed 1 day(s)" in capsys.readouterr().out
    assert unindexed_days(lake) == []
    got, _ = _coverage(lake, "election")
    assert got == [(D1, 2, 1)]
    assert main(["index-terms", "--lake", lake]) == 0
    assert "indexed 0 day(s)" in capsys.readouterr().out
