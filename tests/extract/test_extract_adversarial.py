"""Hostile input is rejected with a reason, within a time bound, and never fails the batch."""

from __future__ import annotations

import time

import pytest
from extract_fixtures import article_html
from newslake.extract import ExtractConfig, Hints, extract_page, extract_pages
from newslake.extract import page as page_module
from newslake.lake.schema import REJECTION_REASONS

BOUND_S = 10.0


def _outcome(page):
    started = time.perf_counter()
    outcome = extract_page(page, Hints())
    assert time.perf_counter() - started < BOUND_S
    return outcome


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (
            "<html><head><title>Nothing here</title></head><body></body></html>",
            "empty_after_boilerplate",
        ),
        (
            "<html><body><script>var a = 1;</script><script>document.write('x')</script>"
            "<style>p {color: red}</style></body></html>",
            "empty_after_boilerplate",
        ),
        ("", "empty_after_boilerplate"),
        ("<html><body><p>Too short to be an article, really.</p></body></html>", "too_short"),
    ],
)
def test_empty_pages_are_rejected(make_page, html: str, reason: str) -> None:
    outcome = _outcome(make_page(html))
    assert outcome.article is None
    assert outcome.rejection["reason"] == reason


def test_ten_megabytes_of_nested_divs(make_page) -> None:
    depth = 10_000_000 // 11
    html = "<html><body>" + "<div>" * depth + "deep text" + "</div>" * depth + "</body></html>"
    outcome = _outcome(make_page(html))
    assert outcome.article is None
    assert outcome.rejection["reason"] in REJECTION_REASONS


def test_pdf_is_not_html(make_page) -> None:
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF"
    for content_type in ("application/pdf", "text/html"):
        outcome = _outcome(make_page(pdf, content_type=content_type))
        assert outcome.rejection["reason"] == "not_html"


def test_broken_encodings_do_not_crash(make_page) -> None:
    text = article_html(title="Café owners protest the new façade rules in town")
    latin1_declared_utf8 = text.encode("latin-1")
    outcome = _outcome(make_page(latin1_declared_utf8, content_type="text/html; charset=utf-8"))
    assert outcome.article is not None and "Café" in outcome.article["title"]
    garbage = b"<html><body><p>" + bytes(range(128, 256)) * 50 + b"</p></body></html>"
    outcome = _outcome(make_page(garbage, content_type="text/html; charset=bogus-charset"))
    assert outcome.article is not None or outcome.rejection["reason"] in REJECTION_REASONS
    utf16 = article_html().encode("utf-16")
    outcome = _outcome(make_page(utf16, content_type="text/html"))
    assert outcome.article is not None


def test_wrong_language_is_rejected_only_when_configured(make_page) -> None:
    html = article_html().replace("<html>", '<html lang="de">')
    article = extract_page(make_page(html), Hints()).article  # English text behind lang="de"
    assert (article["language"], article["language_source"]) == ("en", "text")
    outcome = extract_page(make_page(html), Hints(accepted_languages=frozenset({"de"})))
    assert outcome.rejection["reason"] == "wrong_language"
    assert extract_page(make_page(html), Hints(accepted_languages=frozenset({"en"}))).article


def test_a_crash_becomes_a_parse_error_and_the_batch_goes_on(make_page, monkeypatch) -> None:
    real = page_module.metadata.collect

    def explode(tree):
        if "EXPLODE" in tree.text_content():
            raise RuntimeError("boom in metadata")
        return real(tree)

    monkeypatch.setattr(page_module.metadata, "collect", explode)
    pages = [
        make_page(article_html(), url="https://e.com/ok-1"),
        make_page(article_html(extra_body="<p>EXPLODE</p>"), url="https://e.com/bad"),
        make_page(article_html(), url="https://e.com/ok-2"),
    ]
    batch = extract_pages(pages, lambda p: Hints(source_id="s"))
    assert batch.articles.column("url").to_pylist() == ["https://e.com/ok-1", "https://e.com/ok-2"]
    rejection = batch.rejections.to_pylist()[0]
    assert rejection["reason"] == "parse_error"
    assert rejection["detail"] == "RuntimeError: boom in metadata"
    assert rejection["url"] == "https://e.com/bad" and rejection["stage"] == "extract"


def test_a_slow_page_is_cut_at_the_time_bound(make_page, monkeypatch) -> None:
    def slow(*args, **kwargs):
        time.sleep(5)
        return ""

    monkeypatch.setattr(page_module.body_mod, "main_text", slow)
    started = time.perf_counter()
    batch = extract_pages(
        [make_page(article_html())], lambda p: Hints(), ExtractConfig(time_limit_s=0.5)
    )
    assert time.perf_counter() - started < 3
    assert batch.rejections.column("reason").to_pylist() == ["parse_error"]
    assert "exceeded" in batch.rejections.column("detail")[0].as_py()


def test_assets_are_counted_not_rejected(make_page) -> None:
    pages = [
        make_page(b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
        make_page(b"body {}", content_type="text/css"),
        make_page(article_html()),
    ]
    batch = extract_pages(pages, lambda p: Hints())
    assert (batch.skipped_non_html, batch.articles.num_rows, batch.rejections.num_rows) == (2, 1, 0)
    assert batch.pages == 3


def test_feeds_and_plain_text_are_skipped_but_mislabelled_html_is_read(make_page) -> None:
    pages = [
        make_page(b"User-agent: *\nDisallow: /private\n", content_type="text/plain"),
        make_page(
            b"<?xml version='1.0'?><rss><channel></channel></rss>",
            content_type="application/rss+xml",
        ),
        make_page(article_html(), content_type="text/plain"),
    ]
    batch = extract_pages(pages, lambda p: Hints())
    assert (batch.skipped_non_html, batch.articles.num_rows, batch.rejections.num_rows) == (2, 1, 0)


def test_profile_pages_are_not_articles(make_page) -> None:
    html = (
        "<html><head><meta property='og:type' content='profile'></head><body><h1>Jane Roe"
        "</h1><p>Jane Roe writes about the harbour, the council and the budget of the city "
        "for the paper, and has done so since she joined the newsroom years ago.</p>"
        "</body></html>"
    )
    outcome = extract_page(make_page(html), Hints())
    assert outcome.article is None and outcome.rejection["reason"] == "not_article"


def test_an_enclosing_alarm_survives_the_time_bound(make_page) -> None:
    import signal

    previous = signal.signal(signal.SIGALRM, lambda *a: None)
    signal.setitimer(signal.ITIMER_REAL, 60)
    try:
        extract_pages([make_page(article_html())], lambda p: Hints())
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 50 < left <= 60
        assert signal.getsignal(signal.SIGALRM) is not None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "0001-01-01 00:00:00+0530"],
)
def test_dates_at_the_ends_of_the_calendar_do_not_raise(make_page, value: str) -> None:
    from newslake.extract.dates import parse_absolute

    assert parse_absolute(value) is None and parse_absolute(value, keep_zone=True) is None
    ld = f'{{"@type": "NewsArticle", "datePublished": "{value}"}}'
    head = f'<script type="application/ld+json">{ld}</script>'
    outcome = _outcome(make_page(article_html(head=head)))
    assert outcome.article is not None and outcome.article["date_source"] != "jsonld"


def test_deeply_nested_jsonld_keeps_the_page(make_page) -> None:
    deep = "[" * 5000 + "]" * 5000
    ld = f'<script type="application/ld+json">{{"@type": "NewsArticle", "x": {deep}}}</script>'
    ld += '<script type="application/ld+json">{"@type": "NewsArticle", "author": "Ann Lee"}'
    ld += "</script>"
    outcome = _outcome(make_page(article_html(head=ld)))
    assert outcome.rejection is None
    assert outcome.article is not None and outcome.article["authors"] == ["Ann Lee"]
