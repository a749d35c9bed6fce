"""Syndicated copies in the demo web: credited publisher, claimed original, wrapping removed."""

from __future__ import annotations

import pytest
from newslake.extract import Hints, extract_page


@pytest.fixture(scope="module")
def demo():
    from newslake_demo.build import build_site
    from newslake_demo.syndicated import CAPTURE

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


def _paragraphs(first: str = "") -> str:
    rest = "".join(
        f"<p>Sentence {i} of the story about the new rocket and what it means for the space "
        "agency's plans in the coming decade.</p>"
        for i in range(5)
    )
    return (f"<p>{first}</p>" if first else "") + rest


def test_provider_markup_credits_the_publisher(make_page) -> None:
    html = (
        "<html><body><div class='partnerlogo-img'><a href='https://www.spacereview.example/'>"
        "<img alt='logo' src='l.png'></a></div><span class='provider-name'>The Space Review"
        "</span> <span class='attribution'>Provided by The Space Review</span>"
        f"<h1>A bigger role for a big rocket</h1><article>{_paragraphs()}</article></body></html>"
    )
    article = extract_page(make_page(html, url="https://www.portal.example/a/1"), Hints()).article
    assert article["original_publisher"] == "The Space Review"
    assert article["original_publisher_url"] == "https://www.spacereview.example"
    assert article["syndicator"] == "attribution"


def test_wire_dateline_credits_without_calling_the_page_a_copy(make_page) -> None:
    first = (
        "WASHINGTON (AP) — The space agency said on Tuesday that the big rocket would fly "
        "again next year after a long delay."
    )
    html = f"<html><body><h1>Rocket to fly again</h1><article>{_paragraphs(first)}</article>"
    article = extract_page(
        make_page(html + "</body></html>", url="https://paper.example/s"), Hints()
    ).article
    assert article["original_publisher"] == "AP"
    assert article["syndicator"] is None
    assert article["body"].startswith("WASHINGTON (AP) —")


def test_credit_naming_the_site_itself_is_not_a_copy(make_page) -> None:
    html = (
        f"<html><body><h1>Simulating the universe</h1><article>{_paragraphs()}"
        "<p>Originally published on Live Science.</p></article></body></html>"
    )
    page = make_page(html, url="https://www.livescience.com/universe-simulation.html")
    article = extract_page(page, Hints()).article
    assert article["original_publisher"] == "Live Science"
    assert article["syndicator"] is None


def test_photo_credit_is_not_a_publisher_credit(make_page) -> None:
    figure = (
        "<figure><img src='w.jpg'><figcaption>The watch on a run."
        "<div class='photo-credit'>Credit: Matthew Richardson</div></figcaption></figure>"
    )
    byline = "<p>By <a href='/author/matthew-richardson'>Matthew Richardson</a></p>"
    html = (
        "<html><body><article><h1>The best GPS watches we tested this year</h1>"
        f"{byline}{figure}{_paragraphs()}</article></body></html>"
    )
    article = extract_page(make_page(html, url="https://gear.example/best-watch"), Hints()).article
    assert article["original_publisher"] is None and article["syndicator"] is None
    assert article["authors"] == ["Matthew Richardson"]


@pytest.mark.parametrize(
    ("markup", "hinted"),
    [
        ("<p>Originally published on Example Times.</p>", True),
        ("<p>\n  THIS STORY FIRST APPEARED in Example Times</p>", True),
        ("<p>Read the full story at Example Times</p>", True),
        ("<p>Continue reading on Example Times</p>", True),
        ("<span>Provided by Example Wire</span>", True),
        ("<p>Source: Example Wire</p>", True),
        ("<p>CREDIT: Example Wire</p>", True),
        ("<div class='story wire-credit'>Example Wire</div>", True),
        ("<div class='provider-name'>Example Wire</div>", True),
        ("<p>The provider-name and the source: are words here.</p>", False),
        ("<p>First we read it, then we published it.</p>", False),
    ],
)
def test_credit_hint_reads_phrases_and_classes(markup: str, hinted: bool) -> None:
    from newslake.extract.adapters import attribution
    from trafilatura.utils import load_html

    html = f"<html><body><article>{markup}</article></body></html>"
    assert attribution.credit_hint(html, load_html(html)) is hinted
