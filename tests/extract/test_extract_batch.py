"""Batches: Arrow tables that conform to the lake schema; child rows keyed by article_id."""

from __future__ import annotations

from extract_fixtures import article_html
from newslake.extract import Hints, extract_pages
from newslake.lake.schema import TABLES


def test_tables_conform_and_link(make_page) -> None:
    quote = (
        '<p>"We will finish the harbour works before the summer season," Mayor Ann Lee said.</p>'
    )
    pages = [
        make_page(article_html(extra_body=quote), url="https://e.com/a"),
        make_page("<html><body></body></html>", url="https://e.com/empty"),
    ]
    batch = extract_pages(pages, lambda p: Hints(source_id="src-1"))
    for name in ("articles", "comments", "related", "quotes", "rejections"):
        assert getattr(batch, name).schema.equals(TABLES[name]), name
    article = batch.articles.to_pylist()[0]
    assert article["source_id"] == "src-1"
    assert article["story_id"] is None and article["is_original"] is None
    assert article["original_url"] is None and article["original_signal"] is None
    quotes = batch.quotes.to_pylist()
    assert quotes == [
        {
            "article_id": article["article_id"],
            "position": 1,
            "speaker": "Ann Lee",
            "quote": "We will finish the harbour works before the summer season",
        }
    ]
    assert batch.rejections.to_pylist()[0]["url"] == "https://e.com/empty"


def test_a_failing_hints_function_is_a_rejection(make_page) -> None:
    def hints_for(page):
        raise KeyError("no such source")

    batch = extract_pages([make_page(article_html())], hints_for)
    assert batch.articles.num_rows == 0
    assert batch.rejections.column("reason").to_pylist() == ["parse_error"]
