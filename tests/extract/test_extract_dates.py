"""Dates: every relative form, absolute parsing, the URL pattern, and the plausibility bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from extract_fixtures import FETCHED_AT, article_html
from newslake.extract import Hints, extract_page
from newslake.extract.dates import date_from_url, parse_absolute, parse_relative, plausible


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("1 day ago", timedelta(days=1)),
        ("3 days ago", timedelta(days=3)),
        ("3h ago", timedelta(hours=3)),
        ("1h ago", timedelta(hours=1)),
        ("2 hours ago", timedelta(hours=2)),
        ("45m ago", timedelta(minutes=45)),
        ("10 minutes ago", timedelta(minutes=10)),
        ("30 seconds ago", timedelta(seconds=30)),
        ("2 weeks ago", timedelta(weeks=2)),
        ("an hour ago", timedelta(hours=1)),
        ("a day ago", timedelta(days=1)),
        ("yesterday", timedelta(days=1)),
        ("Yesterday", timedelta(days=1)),
        ("just now", timedelta(0)),
        ("Just now", timedelta(0)),
        ("today", timedelta(0)),
        ("Posted 5 hours ago", timedelta(hours=5)),
    ],
)
def test_relative_forms_resolve_against_fetch_time(text: str, delta: timedelta) -> None:
    assert parse_relative(text, FETCHED_AT) == FETCHED_AT - delta


@pytest.mark.parametrize("text", ["", "April 3", "ago", "3 parsecs ago", "in 2 days"])
def test_non_relative_text_is_not_a_date(text: str) -> None:
    assert parse_relative(text, FETCHED_AT) is None


def test_absolute_dates_become_utc() -> None:
    assert parse_absolute("2022-04-03T15:42:00-04:00") == datetime(2022, 4, 3, 19, 42, tzinfo=UTC)
    assert parse_absolute("2022-04-03T15:42:00Z") == datetime(2022, 4, 3, 15, 42, tzinfo=UTC)
    assert parse_absolute("2022-04-03") == datetime(2022, 4, 3, tzinfo=UTC)
    assert parse_absolute("Sun, 03 Apr 2022 15:42:00 GMT") == datetime(
        2022, 4, 3, 15, 42, tzinfo=UTC
    )
    assert parse_absolute("2022-04-03T15:42:00+0200").hour == 13
    assert parse_absolute("not a date") is None
    local = parse_absolute("2023-11-08T23:50:00-06:00", keep_zone=True)
    assert local is not None and local.date().isoformat() == "2023-11-08"


def test_url_dates() -> None:
    assert date_from_url("https://x.com/2019/11/18/story") == datetime(2019, 11, 18, tzinfo=UTC)
    assert date_from_url("https://x.com/home/2017/7/12/story") == datetime(2017, 7, 12, tzinfo=UTC)
    assert date_from_url("https://x.com/news/20220503/story") == datetime(2022, 5, 3, tzinfo=UTC)
    assert date_from_url("https://x.com/2019/13/45/story") is None
    assert date_from_url("https://x.com/story-2019") is None


def test_plausibility_bounds() -> None:
    assert plausible(FETCHED_AT - timedelta(days=400), FETCHED_AT)
    assert plausible(FETCHED_AT + timedelta(hours=20), FETCHED_AT)
    assert not plausible(FETCHED_AT + timedelta(days=2), FETCHED_AT)
    assert not plausible(datetime(1989, 12, 31, tzinfo=UTC), FETCHED_AT)


def _ld(date: str) -> str:
    return (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x", '
        f'"datePublished": "{date}"}}</script>'
    )


def test_future_date_is_dropped_with_a_note(make_page) -> None:
    page = make_page(article_html(head=_ld("2031-01-01T00:00:00Z")), url="https://e.com/a/story")
    outcome = extract_page(page, Hints())
    assert outcome.article is not None
    assert outcome.article["published_at"] is None and outcome.article["date_source"] is None
    assert outcome.rejection is not None and outcome.rejection["reason"] == "bad_date"


def test_pre_1990_date_is_dropped_and_next_source_used(make_page) -> None:
    html = article_html(head=_ld("1970-01-01T00:00:00Z"))
    outcome = extract_page(make_page(html, url="https://e.com/2022/04/02/story"), Hints())
    assert outcome.article["published_at"] == datetime(2022, 4, 2, tzinfo=UTC)
    assert outcome.article["date_source"] == "url"
    assert "1970" in outcome.rejection["detail"]


def test_date_source_order(make_page) -> None:
    meta = '<meta property="article:published_time" content="2022-04-02T08:00:00Z">'
    jsonld = _ld("2022-04-01T08:00:00Z")
    url = "https://e.com/news/story"
    both = extract_page(make_page(article_html(head=meta + jsonld), url=url), Hints()).article
    assert (both["date_source"], both["published_at"].day) == ("jsonld", 1)
    only_meta = extract_page(make_page(article_html(head=meta), url=url), Hints()).article
    assert (only_meta["date_source"], only_meta["published_at"].day) == ("meta", 2)
    page_time = '<time datetime="2022-04-01T09:00:00Z">April 1</time>'
    visible = extract_page(make_page(article_html(extra_body=page_time), url=url), Hints())
    assert visible.article["date_source"] == "page"
    dated_url = extract_page(make_page(article_html(), url="https://e.com/2022/03/31/s"), Hints())
    assert (dated_url.article["date_source"], dated_url.article["published_at"].day) == ("url", 31)


def test_url_day_overrules_a_later_metadata_date(make_page) -> None:
    meta = '<meta property="article:published_time" content="2022-04-02T08:00:00Z">'
    page = make_page(article_html(head=meta), url="https://e.com/2022/03/20/story")
    article = extract_page(page, Hints()).article
    assert article["date_source"] == "url"
    assert article["published_at"] == datetime(2022, 3, 20, tzinfo=UTC)
    assert article["updated_at"] == datetime(2022, 4, 2, 8, tzinfo=UTC)


def test_published_date_is_the_local_day(make_page) -> None:
    meta = '<meta property="article:published_time" content="2022-04-02T23:30:00-05:00">'
    article = extract_page(
        make_page(article_html(head=meta), url="https://e.com/a/s"), Hints()
    ).article
    assert article["published_at"] == datetime(2022, 4, 3, 4, 30, tzinfo=UTC)
    assert article["published_date"].isoformat() == "2022-04-02"


def test_feed_date_ranks_after_page_dates_before_relative(make_page) -> None:
    feed = datetime(2022, 4, 3, 12, 0, tzinfo=UTC)
    plain = make_page(article_html(extra_body="<time>2h ago</time>"), url="https://e.com/a/s")
    outcome = extract_page(plain, Hints(feed_published_at=feed))
    assert outcome.article["date_source"] == "feed"
    assert outcome.article["published_at"] == feed
    outcome = extract_page(plain, Hints())
    assert outcome.article["date_source"] == "relative"
    assert outcome.article["published_at"] == FETCHED_AT - timedelta(hours=2)
    meta = '<meta property="article:published_time" content="2022-04-02T08:00:00Z">'
    dated = make_page(article_html(head=meta), url="https://e.com/a/s")
    assert extract_page(dated, Hints(feed_published_at=feed)).article["date_source"] == "meta"


def test_url_day_needs_a_day_not_a_slug() -> None:
    from newslake.extract.dates import month_from_url

    assert date_from_url("https://x.com/2023/10/3-questions-for-you/") is None
    assert date_from_url("https://x.com/2023/10/03-questions/") == datetime(2023, 10, 3, tzinfo=UTC)
    assert date_from_url("https://x.com/2019-11-18-slug") == datetime(2019, 11, 18, tzinfo=UTC)
    assert month_from_url("https://x.com/2023/10/3-questions-for-you/") == (2023, 10)
    assert month_from_url("https://x.com/news/2011/12/story/") == (2011, 12)
    assert month_from_url("https://x.com/story-2019") is None


def test_date_against_the_url_month_is_dropped(make_page) -> None:
    text = "<p>Posted on 1 June 2010 by the desk.</p>"
    page = make_page(article_html(extra_body=text), url="https://e.com/news/2011/12/story/")
    outcome = extract_page(page, Hints())
    assert outcome.article["published_date"] is None
    assert "URL" in outcome.rejection["detail"]


def test_utc_instant_moves_to_the_sites_zone(make_page) -> None:
    ld = _ld("2022-04-02T06:35:29+00:00")
    shown = '<time datetime="2022-04-01T22:35:29-08:00">Apr 1, 2022</time>'
    article = extract_page(make_page(article_html(head=ld, extra_body=shown),
                                     url="https://e.com/a/s"), Hints()).article
    assert article["published_date"].isoformat() == "2022-04-01"
    assert article["published_at"] == datetime(2022, 4, 2, 6, 35, 29, tzinfo=UTC)
    assert article["date_confidence"] == "high"


def test_utc_instant_late_in_the_day_follows_the_url_day(make_page) -> None:
    page = make_page(article_html(head=_ld("2022-04-01T23:01:00Z")), url="https://e.com/2022/04/02/s")
    article = extract_page(page, Hints()).article
    assert article["published_date"].isoformat() == "2022-04-02"
    assert article["date_source"] == "jsonld"


def test_a_day_without_time_is_never_shifted(make_page) -> None:
    shown = '<time datetime="2018-12-21T14:00:00-08:00">Dec 21st, 2018</time>'
    article = extract_page(make_page(article_html(head=_ld("2018-12-21"), extra_body=shown),
                                     url="https://e.com/a/s"), Hints()).article
    assert article["published_date"].isoformat() == "2018-12-21"


def test_date_confidence(make_page) -> None:
    def confidence(head: str = "", url: str = "https://e.com/a/s", body: str = "") -> str | None:
        page = make_page(article_html(head=head, extra_body=body), url=url)
        return extract_page(page, Hints()).article["date_confidence"]

    meta = '<meta property="article:published_time" content="2022-04-01T09:00:00Z">'
    assert confidence(_ld("2022-04-01T09:00:00Z"), "https://e.com/2022/04/01/s") == "high"
    assert confidence(_ld("2022-04-01T09:00:00Z") + meta) == "high"
    assert confidence(_ld("2022-04-01T09:00:00Z")) == "medium"
    assert confidence(url="https://e.com/2022/04/01/s") == "medium"
    assert confidence(body="<p>Updated 3 hours ago</p><time>3 hours ago</time>") == "low"
    assert confidence() is None


def test_declared_dates_that_disagree_follow_the_pages_other_dates(make_page) -> None:
    meta = '<meta property="article:published_time" content="2022-03-20T08:00:00+01:00">'
    shown = '<time datetime="2022-03-20T08:00:00+01:00">20 March 2022</time>'
    old_ld = _ld("2019-06-11T10:00:00Z")
    supported = extract_page(make_page(article_html(head=old_ld + meta, extra_body=shown),
                                       url="https://e.com/a/s"), Hints()).article
    assert supported["published_date"].isoformat() == "2022-03-20"
    assert supported["date_source"] == "meta"
    near = _ld("2022-03-19T10:00:00Z")  # a day apart is a time zone, not a disagreement
    kept = extract_page(make_page(article_html(head=near + meta, extra_body=shown),
                                  url="https://e.com/a/s"), Hints()).article
    assert kept["date_source"] == "jsonld"


@pytest.mark.parametrize(
    "shown",
    ["Dieser Beitrag wurde am Samstag, 3. Dezember 2011 veröffentlicht.",
     "Posted on December 3rd, 2011 by the desk.", "3 Dec 2011", "03.12.2011"],
)
def test_a_day_of_the_url_month_written_on_the_page(make_page, shown: str) -> None:
    text = f"<p>{shown}</p><p>Background: the plan dates from 1 June 2010.</p>"
    page = make_page(article_html(extra_body=text), url="https://e.com/news/2011/12/story/")
    article = extract_page(page, Hints()).article
    assert article["published_date"].isoformat() == "2011-12-03"
    assert (article["date_source"], article["date_confidence"]) == ("page", "medium")


def test_day_in_month_needs_the_month() -> None:
    from newslake.extract.dates import day_in_month

    assert day_in_month("Published 20 November 2025", 2025, 12) is None
    assert day_in_month("on 2025-12-20 and 2025-12-01", 2025, 12).day == 20
    assert day_in_month("31 February 2025", 2025, 2) is None


def test_relative_times_count_back_from_the_servers_date_header():
    from datetime import UTC, datetime

    from newslake.extract.page import rendered_at

    fetched = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    assert rendered_at({"date": "Mon, 04 Apr 2022 20:30:00 GMT"}, fetched) == datetime(
        2022, 4, 4, 20, 30, tzinfo=UTC)
    assert rendered_at({"date": "Fri, 01 Jan 2100 00:00:00 GMT"}, fetched) == fetched  # future
    assert rendered_at({"date": "Sat, 01 Jan 1983 00:00:00 GMT"}, fetched) == fetched
    assert rendered_at({"date": "yesterday-ish"}, fetched) == fetched
    assert rendered_at({}, fetched) == fetched and rendered_at(None, fetched) == fetched


def _dated(make_page, body: str, url: str = "https://e.com/news/story") -> dict:
    return extract_page(make_page(article_html(extra_body=body), url=url), Hints()).article


def test_the_day_shown_beside_the_headline_beats_a_date_elsewhere(make_page) -> None:
    body = '<p>02.03.2022 10:16 Uhr - Sport</p><div class="date">2022-01-30</div>'
    article = _dated(make_page, body)
    assert article["published_date"].isoformat() == "2022-03-02"
    assert (article["date_source"], article["date_confidence"]) == ("page", "low")
    in_url_month = _dated(make_page, body, url="https://e.com/news/2022/03/story")
    assert in_url_month["date_confidence"] == "medium"


def test_an_updated_day_or_a_related_story_is_not_the_day_shown() -> None:
    from lxml.html import fromstring
    from newslake.extract.dating import header_day

    updated = "<html><body><h1>Harbour budget</h1><p>Updated March 9, 2022</p></body></html>"
    assert header_day(fromstring(updated)) is None
    related = (
        "<html><body><h1>Harbour budget</h1><div>" + "<p>Long story text here.</p>" * 20
        + '</div><aside class="related-posts"><p>Published on March 1, 2022</p></aside>'
        "</body></html>"
    )
    assert header_day(fromstring(related)) is None
    shown = "<div><span>Published on March 3, 2022</span></div></body>"
    labelled = related.replace("</body>", shown)
    assert header_day(fromstring(labelled)).date().isoformat() == "2022-03-03"


def test_first_written_day_forms() -> None:
    from newslake.extract.dates import first_written_day

    assert first_written_day("Datum: 03.02.2022").date().isoformat() == "2022-02-03"
    assert first_written_day("Sept. 4, 2019 by Jo").date().isoformat() == "2019-09-04"
    assert first_written_day("le 12 mars 2020").date().isoformat() == "2020-03-12"
    assert first_written_day("2021-04-05T10:00").date().isoformat() == "2021-04-05"
    assert first_written_day("May 2020, 12/03/2020, 31.02.2020") is None


def test_markup_dates_in_page_order() -> None:
    from newslake.extract.dating import markup_dates
    from trafilatura.utils import load_html

    tree = load_html(
        "<html><head><meta itemprop='dateModified' content='2024-03-02'></head><body>"
        "<div itemprop='datePublished'> 1 March  2024 </div>"
        "<span itemprop='dateCreated' content='2024-02-28'></span>"
        "<time datetime='2024-03-01T10:00'>x</time><time datetime='soon'>y</time>"
        "<p itemprop='dateModified' datetime='2024-03-05'></p><p itemprop='headline'>z</p>"
        "</body></html>"
    )
    found = markup_dates(tree)
    assert found.published == "1 March 2024"
    assert found.modified == "2024-03-02"
    assert found.times == ["2024-03-01T10:00"]


def test_a_time_element_its_visible_text_confirms_beats_a_date_in_a_teaser(make_page) -> None:
    shown = (
        '<div class="meta"><strong>miércoles, 4 de marzo de 2022</strong>'
        '<span><time datetime="2022-03-04T07:59:48-04:00">07:59</time> hs</span></div>'
    )
    teaser = '<div class="card"><a href="/x">Otra nota</a><div class="date">03-03-2022</div></div>'
    paras = "".join(
        f"<p>Parte {i}: el consejo aprobó el nuevo presupuesto del puerto tras un largo debate "
        "y explicó por qué los miembros votaron como lo hicieron esta semana.</p>"
        for i in range(8)
    )
    html = (
        "<html><head><title>Presupuesto del puerto</title></head><body><main>"
        "<section><header><div><h1>Presupuesto del puerto</h1></div></header></section>"
        f"<div class='story'><article><div>{shown}</div>{paras}</article></div>"
        f"<section>{teaser}</section></main></body></html>"
    )
    page = make_page(html, url="https://e.com/noticia/nota/")
    article = extract_page(page, Hints()).article
    assert article["published_date"].isoformat() == "2022-03-04"
    assert (article["date_source"], article["date_confidence"]) == ("page", "medium")


def test_time_shown_needs_the_same_day_written_beside_it() -> None:
    from lxml.html import fromstring
    from newslake.extract.dating import time_shown

    def shown(body: str) -> str | None:
        return time_shown(fromstring(f"<html><body><h1>Harbour</h1>{body}</body></html>"))

    agree = '<p><time datetime="2022-05-04T07:59:48-04:00">May 4, 2022</time></p>'
    assert shown(agree) == "2022-05-04T07:59:48-04:00"
    assert shown('<p>4 May 2022 <time datetime="2022-05-04T07:59"></time></p>') is not None
    assert shown('<p><time datetime="2022-05-03T23:00:00Z">4 May 2022</time></p>') is None
    assert shown('<p>Updated <time datetime="2022-05-04">May 4, 2022</time></p>') is None
    assert shown('<aside><time datetime="2022-05-04">May 4, 2022</time></aside>') is None
    assert shown('<p><time datetime="2022-05-04">07:59</time></p>') is None
    card = '<div class="card"><time datetime="2022-04-20">20 April 2022</time></div>'
    assert shown("<p><time>4 May 2022</time></p>" + card) is None  # the first <time> has none


def test_a_modification_day_does_not_move_a_utc_instant_to_the_next_day(make_page) -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x", '
        '"datePublished": "2022-03-19T12:25:36Z", "dateModified": "2022-03-20T09:49:32Z"}'
        '</script><meta name="timestamp" content="2022-03-20T09:49:32Z">'
    )
    page = make_page(article_html(head=ld), url="https://e.com/a/s")
    article = extract_page(page, Hints()).article
    assert article["published_date"].isoformat() == "2022-03-19"
    late = ld.replace("2022-03-19T12:25:36Z", "2022-03-19T23:01:00Z")
    dated_url = make_page(article_html(head=late), url="https://e.com/2022/03/20/s")
    assert extract_page(dated_url, Hints()).article["published_date"].isoformat() == "2022-03-20"
