"""Article pages: metadata on publisher pages, syndicator templates, broken URLs."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from newslake_demo import DemoWeb
from newslake_demo.build import NOT_FOUND_URL, PDF_URL, SERVER_ERROR_URL
from newslake_demo.pages import iso

LD_KEYS = {"headline", "author", "datePublished", "dateModified", "publisher", "image",
           "keywords", "articleSection", "inLanguage"}


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.ld: list[dict] = []
        self._in_ld = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a["name"], a.get("content", ""))
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a["href"])
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.ld.append(json.loads(data))
        else:
            self.text.append(data)


def _parse(body: bytes) -> _Head:
    head = _Head()
    head.feed(body.decode("utf-8"))
    return head


def test_every_publisher_page_has_jsonld_og_and_canonical(web: DemoWeb) -> None:
    for a in web.originals():
        head = _parse(web.pages[a.url][2])
        news = [d for d in head.ld if d.get("@type") == "NewsArticle"]
        assert len(news) == 1, a.url
        ld = news[0]
        assert ld.keys() >= LD_KEYS, a.url
        assert ld["headline"] == a.title
        assert [p["name"] for p in ld["author"]] == list(a.authors)
        assert ld["datePublished"] == iso(a.published_at)
        assert ld["keywords"] == list(a.tags)
        for prop in ("og:title", "og:type", "og:url", "og:image", "og:site_name",
                     "article:published_time"):
            assert head.meta.get(prop), (a.url, prop)
        assert head.canonical == [a.canonical_url] and a.canonical_url.startswith("https://")
        text = " ".join(head.text)
        assert "Newsletters" in text and "Privacy policy" in text and "More from" in text
        assert a.paragraphs[-1] in text


def test_newsbreak_page_models_the_app(web: DemoWeb) -> None:
    seed = next(a for a in web.articles if a.syndicator == "newsbreak"
                and a.title.startswith("Blinken, Stoltenberg"))
    html = web.pages[seed.url][2].decode()
    for piece in ("By Jordan Wolman", "1 day ago", "Comments / 12", "Golfman", "1h ago",
                  "197K+", "Followers", "11K+", "Posts", "93M+", "Views", "Related",
                  "#Genocide", "#War Crimes", "#Cbs", "AP Photo/Rodrigo Abd",
                  'href="https://www.politico.com/news/2022/04/03/'):
        assert piece in html, piece
    truncated = next(a for a in web.articles if a.syndicator == "newsbreak" and a.is_truncated)
    assert "Read more at" in web.pages[truncated.url][2].decode()
    related = _parse(web.pages[seed.url][2])
    assert "r-summary" in html and any(t.isupper() and len(t) > 3 for t in related.text)


def test_yahoo_page_attribution_and_canonical(web: DemoWeb) -> None:
    copies = [a for a in web.articles if a.syndicator == "yahoo"]
    to_original = 0
    for c in copies:
        original = web.article(c.original_url)
        html = web.pages[c.url][2].decode()
        assert f"Originally published on <a href=\"{original.canonical_url}\">" in html
        head = _parse(web.pages[c.url][2])
        to_original += head.canonical == [original.canonical_url]
        assert "Story continues" in html
    assert 0 < to_original < len(copies)


@pytest.mark.parametrize(("url", "status"), [(NOT_FOUND_URL, 404), (SERVER_ERROR_URL, 500)])
def test_broken_articles(web: DemoWeb, url: str, status: int) -> None:
    assert web.pages[url][0] == status
    assert web.story_of(url) is None
    assert any(url in f.entries for f in web.feeds)


def test_pdf_is_linked_and_served_as_pdf(web: DemoWeb) -> None:
    status, ctype, body, _ = web.pages[PDF_URL]
    assert (status, ctype) == (200, "application/pdf")
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
    assert any(PDF_URL in f.entries for f in web.feeds)
    assert web.broken[PDF_URL] == "non_html"


def test_robots_per_site(web: DemoWeb) -> None:
    for site in web.sites:
        status, ctype, body, _ = web.pages[site.base + "/robots.txt"]
        assert status == 200 and ctype.startswith("text/plain")
        assert b"User-agent: *\nAllow: /" in body and b"Crawl-delay: 0" in body


def test_trafilatura_reads_the_seed_pages(web: DemoWeb) -> None:
    from trafilatura import bare_extraction

    for a in web.articles:
        if not a.title.startswith("Blinken, Stoltenberg"):
            continue
        doc = bare_extraction(web.pages[a.url][2].decode(), url=a.url,
                              with_metadata=True).as_dict()
        assert doc["title"] == a.title
        assert doc["date"] == "2022-04-03"
        assert "numb to this" in doc["text"]
        assert "Privacy policy" not in doc["text"]


def test_digest_page_credits_and_cuts(web: DemoWeb) -> None:
    copies = [a for a in web.articles if a.site == "newslinedigest.com"]
    assert len(copies) >= 6
    for c in copies:
        original = web.article(c.original_url)
        html = web.pages[c.url][2].decode()
        assert f"Source: {original.publisher}</p>" in html
        assert f'Continue reading at {original.publisher}' in html
        assert c.is_truncated and len(c.body) < len(original.body)
        assert c.paragraphs[0].startswith(c.paragraphs[0].split(" (")[0].upper())


def test_syndicator_jsonld_names_the_source(web: DemoWeb) -> None:
    based_on = 0
    for c in web.articles:
        if c.syndicator not in ("newsbreak", "yahoo"):
            continue
        (ld,) = _parse(web.pages[c.url][2]).ld
        assert ld["sourceOrganization"]["name"] == web.article(c.original_url).publisher
        assert ld["datePublished"] == iso(c.published_at)
        based_on += ld.get("isBasedOn") == web.article(c.original_url).canonical_url
    assert based_on >= 1


def test_newsbreak_relative_dates_in_hours_and_days(web: DemoWeb) -> None:
    shown = set()
    for c in web.articles:
        if c.syndicator == "newsbreak":
            html = web.pages[c.url][2].decode()
            shown.update(w for w in ("h ago</time>", "day ago</time>", "days ago</time>")
                         if w in html)
    assert shown == {"h ago</time>", "day ago</time>", "days ago</time>"}
