"""BM25 over the postings equals the fts extension's index of the whole lake."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from newslake.lake import publish_day, read_table, remove_day, schema
from newslake.lake.maintenance import compact
from newslake.lake.postings import article_postings, query_terms
from newslake.lake.search import search
from newslake.lake.terms import index_day, unindexed_days

pytestmark = pytest.mark.integration

DAYS = [date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)]
WORDS = ["Election", "elections", "electoral", "re-election", "vote", "voting", "votes", "the",
         "and", "was", "naïve", "Über", "budget", "budgets", "2024", "x_y", "running", "runs",
         "it's", "O'Brien", "e-mail", "city", "cities"]
QUERIES = ["election", "vote budget", "the naive voting", "uber O'Brien 2024", "cities run",
           "zeppelin", "and the"]


def _articles(prefix: str, rng: random.Random, n: int) -> pa.Table:
    def text() -> str:
        return " ".join(rng.choice(WORDS) + rng.choice(["", ",", ".", "!"])
                        for _ in range(rng.randint(0, 15)))
    return schema.conform("articles", [
        {"article_id": f"{prefix}{i}", "url": f"https://x.com/{prefix}{i}",
         "title": None if rng.random() < 0.1 else text(),
         "body": None if rng.random() < 0.1 else text(),
         "published_at": datetime(2024, 5, 1, i % 24, tzinfo=UTC)}
        for i in range(n)
    ])


def test_postings_rows() -> None:
    rows = article_postings(schema.conform("articles", [
        {"article_id": "a", "url": "u", "title": "Elections", "body": "the voting, votes 2024"},
        {"article_id": "b", "url": "v", "title": None, "body": None},
    ]), "ingest").to_pylist()
    head, terms = rows[0], {r["term"]: (r["docs"], r["tfs"]) for r in rows[1:]}
    assert head["term"] == "" and head["docs"] == [0, 1] and head["article_ids"] == ["a", "b"]
    assert head["tfs"] == [3, 0]  # "the" is a stopword, digits separate words
    assert terms == {"elect": ([0], [1]), "vote": ([0], [2])}
    assert [(r["df"], r["lens"], r["total"]) for r in rows] == [(2, [3, 0], 3), (1, [3], 3),
                                                                (1, [3], 3)]
    assert query_terms("The Voting elections") == ["elect", "the", "vote"]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three days; day one has two producers merged by compaction."""
    return _build(str(tmp_path_factory.mktemp("postings")))


def _build(root: str) -> str:
    rng = random.Random(11)
    publish_day(root, DAYS[0], {"articles": _articles("a", rng, 30)})
    publish_day(root, DAYS[0], {"articles": _articles("w", rng, 12)}, producer="warc")
    compact(root)
    publish_day(root, DAYS[1], {"articles": _articles("b", rng, 25)})
    publish_day(root, DAYS[2], {"articles": _articles("c", rng, 20)})
    return root


def _fts_results(lake: str, tmp: Path, query: str, *dates: date | None) -> list[tuple]:
    """The same search answered by an fts index of a twin lake without postings."""
    copy = tmp / "copy"
    if not copy.exists():
        _build(str(copy))
        for day in DAYS:
            for producer in ("ingest", "warc"):
                remove_day(str(copy), "postings", day, producer)
        assert unindexed_days(str(copy), "postings") == DAYS
    return search(str(copy), query, *dates, limit=200)[1]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("dates", [(None, None), (DAYS[0], DAYS[0]), (DAYS[1], DAYS[2])])
def test_search_over_postings_equals_fts(lake: str, tmp_path_factory: pytest.TempPathFactory,
                                         query: str, dates: tuple) -> None:
    tmp = tmp_path_factory.getbasetemp() / "fts-copy"
    tmp.mkdir(exist_ok=True)
    expected = _fts_results(lake, tmp, query, *dates)
    got = search(lake, query, *dates, limit=200)[1]
    assert not (Path(lake) / "_search").exists()
    assert [r[1:] for r in got] == [r[1:] for r in expected]
    assert [r[0] for r in got] == pytest.approx([r[0] for r in expected], rel=1e-9)


def test_index_day_restores_postings(tmp_path: Path) -> None:
    root = str(tmp_path)
    publish_day(root, DAYS[0], {"articles": _articles("a", random.Random(2), 8)})
    before = read_table(root, "postings").drop_columns(["crawl_date"]).sort_by("term")
    remove_day(root, "postings", DAYS[0])
    assert unindexed_days(root, "postings") == [DAYS[0]]
    index_day(root, DAYS[0])
    after = read_table(root, "postings").drop_columns(["crawl_date"]).sort_by("term")
    assert after.equals(before)  # a table's rows come in no particular order


def test_a_search_reads_postings_by_term_equality(lake: str) -> None:
    """Each postings scan of a search carries ``term = ...`` (row groups pruned by it), never
    an IN list or an OR, which DuckLake applies only after reading every row group."""
    import re

    from newslake.lake.postings import connect_postings, search_sql

    sql = search_sql(query_terms("vote budget election"))
    for name, value in (("$date_from", "DATE '2024-01-01'"), ("$date_to", "DATE '2024-12-31'"),
                        ("$limit", "20"), ("$k", "1.2"), ("$b", "0.75")):
        sql = sql.replace(name, value)
    con = connect_postings(lake)
    try:
        plan = con.execute("EXPLAIN " + sql).fetchall()[0][1]
    finally:
        con.close()
    assert re.search(r"term\s*=\s*'vote'", plan) and "optional:" not in plan, plan
