"""Each original-choice signal decides on its own, in its order of precedence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newslake.dedup.originals import choose_original, site_label

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def page(url: str, minutes: int = 0, **extra) -> dict:
    site = url.split("/")[2].removeprefix("www.")
    row = {
        "url": url, "canonical_url": url, "site": site, "site_name": None,
        "published_at": T0 + timedelta(minutes=minutes),
        "fetched_at": T0 + timedelta(minutes=minutes),
        "original_url": None, "original_signal": None, "original_publisher": None,
        "original_publisher_url": None, "syndicator": None,
    }
    row.update(extra)
    return row


ORIGINAL = "https://www.politico.com/news/2024/03/01/budget-deal-00012345"


def test_single_page_is_its_own_original():
    assert choose_original([page(ORIGINAL)]) == (0, "single")


def test_cross_domain_canonical_beats_earlier_date():
    copy = page("https://news.yahoo.com/budget-deal-1234.html", minutes=-30,
                original_url=ORIGINAL, original_signal="canonical")
    members = [copy, page(ORIGINAL, minutes=0)]
    assert choose_original(members) == (1, "canonical")


def test_jsonld_is_based_on():
    copy = page("https://www.newsbreak.com/news/111-budget-deal", minutes=-5,
                original_url=ORIGINAL + "?utm_source=nb", original_signal="jsonld")
    assert choose_original([copy, page(ORIGINAL, minutes=5)]) == (1, "jsonld")


def test_attribution_link():
    copy = page("https://aggregator.example/2024/03/01/story-1", minutes=-60,
                original_url="http://politico.com/news/2024/03/01/budget-deal-00012345/",
                original_signal="attribution")
    assert choose_original([page(ORIGINAL, minutes=10), copy]) == (0, "attribution")


def test_publisher_credit_by_name():
    copy = page("https://www.msn.com/en-us/news/politics/budget-deal/ar-AA1", minutes=-20,
                original_publisher="POLITICO")
    other = page("https://www.valleyherald-online.com/news/budget-deal", minutes=-10)
    best, signal = choose_original([copy, other, page(ORIGINAL, minutes=0)])
    assert (best, signal) == (2, "publisher")


def test_publisher_credit_by_url():
    copy = page("https://www.dailynewsroundup.net/2024/03/01/story-1", minutes=-20,
                original_publisher_url="https://www.politico.com/")
    assert choose_original([copy, page(ORIGINAL, minutes=0)]) == (1, "publisher")


def test_syndicator_flag_and_sources_yaml_sites():
    flagged = page("https://www.newsbreak.com/news/1-x", minutes=-20, syndicator="newsbreak")
    assert choose_original([flagged, page(ORIGINAL, minutes=0)]) == (1, "syndicator")
    listed = page("https://news.yahoo.com/x.html", minutes=-20)
    sites = frozenset({"news.yahoo.com"})
    assert choose_original([listed, page(ORIGINAL)], syndicator_sites=sites) == (1, "syndicator")
    assert choose_original([listed, page(ORIGINAL)]) == (0, "published_at")


def test_earliest_published_then_first_fetched():
    a = page("https://a.example/x", minutes=30)
    b = page("https://b.example/y", minutes=10)
    assert choose_original([a, b]) == (1, "published_at")
    a = page("https://a.example/x", published_at=None, fetched_at=T0 + timedelta(minutes=5))
    b = page("https://b.example/y", published_at=None, fetched_at=T0 + timedelta(minutes=1))
    assert choose_original([a, b]) == (1, "fetched_at")


def test_claims_outrank_publisher_credit():
    credited = page("https://www.politico.com/other", minutes=0)
    claimed = page("https://www.washingtonexaminer.com/news/x", minutes=50)
    copy = page("https://www.midlandcourier.com/news/x", minutes=60,
                original_publisher="Politico",
                original_url="https://www.washingtonexaminer.com/news/x",
                original_signal="canonical")
    assert choose_original([credited, copy, claimed]) == (2, "canonical")


def test_site_label():
    assert site_label("www.deccanherald.com") == "deccanherald"
    assert site_label("news.bbc.co.uk") == "bbc"
    assert site_label("entermedia.co.kr") == "entermedia"
