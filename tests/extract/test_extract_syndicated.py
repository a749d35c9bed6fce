"""Syndicated copies in the demo web: credited publisher, claimed original, wrapping removed."""

from __future__ import annotations

import pytest
from newslake.extract import Hints, extract_page


@pytest.fixture(scope="module")
def demo():
    from newslake.demo.build import build_site
    from newslake.demo.syndicated import CAPTURE

    return build_site(), CAPTURE


def _copies(web, syndicator: str):
    return [a for a in web.articles if a.syndicator == syndicator]


@pytest.mark.parametrize("syndicator", ["yahoo", "newsbreak", "attribution"])
def test_demo_copies_name_publisher_and_original(make_page, demo, syndicator: str) -> None:
    web, capture = demo
    copies = _copies(web, syndicator)
    if not copies:
        pytest.skip(f"the demo web has no {syndicator} copies")
    for copy in copies:
        _, content_type, body, _ = web.response(copy.url)
        page = make_page(body, url=copy.url, content_type=content_type, fetched_at=capture)
        article = extract_page(page, Hints()).article
        assert article is not None, copy.url
        assert article["title"] == copy.title
        assert article["syndicator"] is not None
        assert article["original_publisher"]
        assert article["original_publisher_url"].startswith("https://")
        assert article["original_url"], copy.url
        assert article["original_signal"] in {"canonical", "jsonld", "attribution"}
        assert article["published_at"] == copy.published_at
        assert bool(article["is_truncated"]) == bool(copy.is_truncated), copy.url
        for wrapping in (
            "Originally published",
            "Continue reading",
            "Story continues",
            "newsletter",
            "Advertisement",
            "Source:",
        ):
            assert wrapping not in article["body"], (copy.url, wrapping)


def test_credit_line_on_any_site(make_page) -> None:
    paragraphs = "".join(
        f"<p>Sentence {i} of a republished story about the city budget and its many "
        "consequences for the schools.</p>"
        for i in range(5)
    )
    html = (
        "<html><body><article><h1>City budget passes after a long night</h1>"
        f"{paragraphs}<p>This article originally appeared on "
        '<a href="https://www.citypaper.example/budget-story">The City Paper</a>.</p>'
        "</article></body></html>"
    )
    article = extract_page(make_page(html, url="https://aggregator.example/s/1"), Hints()).article
    assert article["original_publisher"] == "The City Paper"
    assert article["original_publisher_url"] == "https://www.citypaper.example"
    assert (article["original_url"], article["original_signal"]) == (
        "https://www.citypaper.example/budget-story",
        "attribution",
    )
    assert "originally appeared" not in article["body"]
