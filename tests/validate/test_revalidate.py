"""``newslake validate --date D`` over a published lake."""

from __future__ import annotations

from pathlib import Path

import pytest
from newslake.cli import main
from newslake.lake import publish_day, read_table, schema
from validate_helpers import CRAWL_DATE, make_tables


def publish(lake: Path, tables) -> None:
    publish_day(str(lake), CRAWL_DATE, tables, producer="ingest")


def snapshot(lake: Path) -> dict[tuple[str, str], list[dict]]:
    """Every row of every table of the lake, by (table, producer), in a stable order."""
    from newslake.lake import ducklake, schema

    con = ducklake.connect(str(lake))
    try:
        out: dict[tuple[str, str], list[dict]] = {}
        for table in schema.TABLES:
            if table == "publish_log":
                continue
            for row in con.sql(f"SELECT * FROM lake.{table}").fetchall():
                cols = con.sql(f"SELECT * FROM lake.{table} LIMIT 0").columns
                record = dict(zip(cols, row, strict=True))
                out.setdefault((table, record["producer"]), []).append(record)
        return {k: sorted(v, key=repr) for k, v in out.items()}
    finally:
        con.close()


def sources_file(lake: Path, languages: dict[str, str]) -> Path:
    """A sources.yaml of the batch's sources (the daily run's configuration)."""
    path = lake.parent / "sources.yaml"
    path.write_text("sources:\n" + "".join(
        f"  - {{id: {sid}, url: 'https://{sid}.example/feed', kind: rss, "
        f"site: {sid}.example, language: {code}}}\n" for sid, code in languages.items()))
    return path


def validate(lake: Path, *extra: str) -> int:
    sources = sources_file(lake, {"alpha": "en", "beta": "en"})
    return main(["validate", "--date", CRAWL_DATE.isoformat(), "--lake", str(lake),
                 "--no-docs", "--sources", str(sources), *extra])


def rows(lake: Path, table: str) -> int:
    return read_table(str(lake), table, [CRAWL_DATE]).num_rows


@pytest.mark.slow  # GX validation and publishes of whole days
def test_suite_change_moves_rows_to_quarantine_and_back(tmp_path, capsys):
    lake = tmp_path / "lake"
    tables = make_tables(12)
    publish(lake, tables)

    assert validate(lake) == 0
    assert rows(lake, "articles") == 12 and rows(lake, "quarantine") == 0
    first_log = rows(lake, "validation_log")
    assert first_log > 20

    # a stricter suite setting: only German is accepted now
    assert validate(lake, "--languages", "de") == 0
    assert "quarantined=36" in capsys.readouterr().out  # 12 articles + comments + syndication
    assert rows(lake, "articles") == 0 and rows(lake, "comments") == 0
    quarantine = read_table(str(lake), "quarantine", [CRAWL_DATE])
    articles_q = [r for r in quarantine.to_pylist() if r["table_name"] == "articles"]
    assert len(articles_q) == 12
    assert all("language_in_set" in r["failed_expectations"] for r in articles_q)
    assert rows(lake, "validation_log") > 2 * first_log - 1  # appended, not replaced

    # the setting is relaxed again: quarantined rows (followers included) come back
    assert validate(lake) == 0
    assert rows(lake, "quarantine") == 0
    assert rows(lake, "articles") == 12
    back = read_table(str(lake), "comments", [CRAWL_DATE]).drop_columns(["crawl_date"])
    assert back.sort_by("article_id").equals(tables["comments"].sort_by("article_id"))
    assert rows(lake, "validation_log") > 3 * first_log - 1


@pytest.mark.slow  # GX validation and publishes of whole days
def test_failing_batch_leaves_the_published_day_as_it_was(tmp_path, capsys):
    lake = tmp_path / "lake"
    # published before the share check existed: beta rejected 40 of 50 pages
    publish(lake, make_tables(20, rejections=40))
    before = snapshot(lake)

    assert validate(lake) == 1
    err = capsys.readouterr().err
    assert "beta: 40 of 50 pages rejected (80%)" in err
    assert "failed validation" in err

    after = snapshot(lake)
    added = set(after) - set(before)
    assert added == {("validation_log", "ingest-failed")}
    assert {p: after[p] for p in before} == before  # every published row as it was

    # once fixed (here: the ceiling raised), the rerun publishes and clears the failed log
    assert validate(lake, "--max-rejected-share", "0.9") == 0
    assert ("validation_log", "ingest-failed") not in snapshot(lake)


def test_day_without_articles_is_an_error(tmp_path, capsys):
    lake = tmp_path / "lake"
    publish(lake, make_tables(4))
    assert main(["validate", "--date", "2026-11-21", "--lake", str(lake), "--no-docs",
                 "--languages", "any"]) == 1
    assert "no published articles" in capsys.readouterr().err


def test_no_lake_is_an_error_and_creates_nothing(tmp_path, capsys):
    assert validate(tmp_path / "empty-lake") == 1
    assert capsys.readouterr().err == f"newslake validate: no lake at {tmp_path / 'empty-lake'}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.yaml"]


@pytest.mark.slow  # GX validation and publishes of whole days
def test_revalidation_applies_the_daily_language_gate(tmp_path, capsys):
    lake = tmp_path / "lake"
    tables = make_tables(6)
    articles = tables["articles"].to_pylist()
    articles[0]["language"] = "fr"  # published before the gate existed
    tables["articles"] = schema.conform("articles", articles)
    publish(lake, tables)

    # the daily run's sources accept English only: the French row goes to quarantine
    assert validate(lake) == 0
    quarantine = read_table(str(lake), "quarantine", [CRAWL_DATE]).to_pylist()
    assert [r["language"] for r in quarantine if r["table_name"] == "articles"] == ["fr"]
    # told otherwise, any language passes and the row comes back
    assert validate(lake, "--languages", "any") == 0
    assert rows(lake, "articles") == 6
    # a sources file of another deployment is refused rather than applied
    (tmp_path / "elsewhere").mkdir()
    other = sources_file(tmp_path / "elsewhere" / "x", {"gamma": "de"})
    capsys.readouterr()
    assert main(["validate", "--date", CRAWL_DATE.isoformat(), "--lake", str(lake),
                 "--no-docs", "--sources", str(other)]) == 1
    assert "describes none of the sources" in capsys.readouterr().err
