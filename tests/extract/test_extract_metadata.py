"""Metadata per source: JSON-LD, OpenGraph/meta, the visible page; author and title cleaning."""

from __future__ import annotations

import pytest
from extract_fixtures import article_html
from lxml.html import fromstring
from newslake.extract import EXTRACTOR_VERSION, Hints, extract_page
from newslake.extract.jsonld import parse_jsonld
from newslake.extract.metadata import clean_author, collect, normalise_language
from newslake.ids import article_identity

JSONLD = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Example News"},
 {"@type": "NewsArticle", "headline": "Harbour budget approved",
  "author": [{"@type": "Person", "name": "By Jane Roe"}, {"@type": "Person", "name": "Ann Lee"}],
  "datePublished": "2022-04-02T10:00:00+02:00", "dateModified": "2022-04-02T12:00:00+02:00",
  "description": "The council voted.", "articleSection": "Local", "keywords": "harbour, budget",
  "image": {"@type": "ImageObject", "url": "https://e.com/img.jpg"}, "inLanguage": "en-GB",
  "publisher": {"@type": "Organization", "name": "Example News"}}]}</script>"""

META = """<meta property="og:title" content="Harbour budget approved (meta)">
<meta property="og:site_name" content="Example News"><meta name="author" content="Meta Writer">
<meta property="og:description" content="Meta description">
<meta property="article:section" content="Meta section">
<meta property="article:tag" content="ports"><meta property="article:tag" content="money">
<meta property="og:image" content="https://e.com/og.jpg">
<meta property="og:locale" content="fr_FR">
<link rel="canonical" href="https://e.com/story?utm_source=x">"""


def test_jsonld_source(make_page) -> None:
    page = make_page(
        article_html(head=JSONLD, title="Harbour budget approved"), url="https://www.e.com/story"
    )
    article = extract_page(page, Hints()).article
    assert article["title"] == "Harbour budget approved"
    assert article["authors"] == ["Jane Roe", "Ann Lee"]
    assert article["date_source"] == "jsonld"
    assert article["published_at"].isoformat() == "2022-04-02T08:00:00+00:00"
    assert article["updated_at"].isoformat() == "2022-04-02T10:00:00+00:00"
    assert article["description"] == "The council voted."
    assert (article["section"], article["categories"]) == ("Local", ["Local"])
    assert article["tags"] == ["harbour", "budget"]
    assert article["image_url"] == "https://e.com/img.jpg" or article["image_url"]
    assert article["language"] == "en"
    assert article["site_name"] is None or article["site_name"] == "Example News"
    assert article["extractor_version"] == EXTRACTOR_VERSION and "trafilatura/" in EXTRACTOR_VERSION
    assert article["site"] == "e.com"
    assert len(article["content_hash"]) == 40


def test_meta_source(make_page) -> None:
    html = article_html(head=META, title="Harbour budget approved (meta)")
    article = extract_page(make_page(html, url="https://e.com/story"), Hints()).article
    assert article["authors"] == ["Meta Writer"]
    assert article["description"] == "Meta description"
    assert article["section"] == "Meta section"
    assert article["tags"] == ["ports", "money"]
    assert article["image_url"] == "https://e.com/og.jpg"
    assert article["site_name"] == "Example News"
    assert article["language"] == "en"  # the English text outweighs the markup's "fr"
    assert article["language_source"] == "text"
    canonical, article_id = article_identity(
        "https://e.com/story", "https://e.com/story?utm_source=x"
    )
    assert (article["canonical_url"], article["article_id"]) == (canonical, article_id)


def test_visible_page_source(make_page) -> None:
    byline = '<p class="byline">By <a rel="author" href="/staff/sam">Sam Smith</a></p>'
    html = article_html(extra_body=byline, title="Harbour budget approved on Tuesday night")
    article = extract_page(make_page(html, url="https://e.com/story"), Hints()).article
    assert article["title"] == "Harbour budget approved on Tuesday night"
    assert article["authors"] == ["Sam Smith"]


def test_hints_fill_gaps(make_page) -> None:
    html = article_html(title="A headline only in the page")
    hints = Hints(feed_authors=["By Feed Person"], language="de")
    article = extract_page(make_page(html, url="https://e.com/story"), hints).article
    assert article["authors"] == ["Feed Person"]
    assert article["language"] == "en"  # detected in the text; the source's "de" is a hint


def test_author_cleaning() -> None:
    assert clean_author("By Jordan Wolman", set()) == ["Jordan Wolman"]
    assert clean_author("By Jane Roe and John Doe, POLITICO", {"politico"}) == [
        "Jane Roe",
        "John Doe",
    ]
    assert clean_author("Jane Roe, Staff Writer", set()) == ["Jane Roe"]
    assert clean_author("Von Anna Berg", set()) == ["Anna Berg"]
    assert clean_author("jane@e.com", set()) == []
    assert clean_author("POLITICO", {"politico"}) == []


def test_title_drops_site_suffix() -> None:
    tree = fromstring(
        "<html><head><title>Harbour budget approved after debate | Example News"
        "</title><meta property='og:site_name' content='Example News'></head>"
        "<body><p>x</p></body></html>"
    )
    assert collect(tree)["title"] == "Harbour budget approved after debate"


def test_jsonld_tolerates_bad_scripts() -> None:
    tree = fromstring(
        '<html><head><script type="application/ld+json">{not json</script>'
        '<script type="application/ld+json">[{"@type": ["NewsArticle"], '
        '"headline": "Ok"}]</script></head><body></body></html>'
    )
    assert parse_jsonld(tree)["title"] == "Ok"


def test_language_codes() -> None:
    assert normalise_language("en-US") == "en"
    assert normalise_language("pt_BR") == "pt"
    assert normalise_language("english") is None
    assert normalise_language(None) is None


def test_one_jsonld_walk_serves_the_article_fields_and_every_object() -> None:
    from lxml import html as lxml_html
    from newslake.extract.jsonld import ld_objects, ld_walk

    doc = (
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Site"},'
        ' {"@type": "NewsArticle", "headline": "Top story", "author": {"@type": "Person",'
        ' "name": "Ann Lee"}, "isPartOf": {"@type": "Article", "headline": "Nested"}}]}'
    )
    tree = lxml_html.fromstring(
        f'<html><head><script type="application/ld+json">{doc}</script></head><body></body></html>'
    )
    walked = ld_walk(tree)
    tops = [o.get("@type") for o, top in walked if top]
    assert tops[0] is None and "NewsArticle" in tops and "Article" not in tops
    assert [o.get("@type") for o in ld_objects(tree)].count("Person") == 1
    fields = parse_jsonld(tree, walked)
    assert (fields["title"], fields["authors"]) == ("Top story", ["Ann Lee"])
    assert "Site" in fields["publisher_names"]


def test_page_authors_tiers_and_discarded_parts() -> None:
    from newslake.extract.metadata import page_authors

    loose_first = (
        '<html><body><div class="byline">Desk Report</div><div class="sidebar">'
        '<span class="writer">Side Person</span></aside>'
        '<a rel="author" href="/p/jo">Jo Wren</a></body></html>'
    )
    assert page_authors(fromstring(loose_first)) == ["Jo Wren"]  # explicit markup first
    only_sidebar = '<html><body><div class="sidebar"><span class="writer">Side Person</span>'
    assert page_authors(fromstring(only_sidebar + "</div><p>Text</p></body></html>")) == []


@pytest.mark.parametrize(
    ("markup", "tier"),
    [
        ("<author>x</author>", 0),
        ("<a rel='author'>x</a>", 0),
        ("<div id='author'>x</div>", 0),
        ("<span class='story-AuthorName'>x</span>", 0),
        ("<strong itemprop='author name'>x</strong>", 0),
        ("<div data-testid='AuthorCard'>x</div>", 0),
        ("<div data-testid='AuthorURL'>x</div>", 0),
        ("<p class='BBL'>x</p>", 1),
        ("<p class='username'>x</p>", 1),
        ("<span id='page-zuozhe'>x</span>", 1),
        ("<span class='story-bianji'>x</span>", 1),
        ("<div class='xiaobian'>x</div>", 1),
        ("<h4 class='channel-name'>x</h4>", 1),
        ("<div class='submitted-by'>x</div>", 1),
        ("<div class='journalist-name'>x</div>", 1),
        ("<span itemprop='authorUrl'>x</span>", 1),
        ("<section data-component='ByLine Byline'>x</section>", 2),
        ("<section id='postAuthor'>x</section>", 2),
        ("<em class='screenname'>x</em>", 2),
        ("<em class='writer'>x</em>", 2),
        ("<em class='top-Byline'>x</em>", 2),
        ("<em class='byline-x'>x</em>", 2),
        ("<em class='story' id='main' itemprop='articleBody' rel='nofollow'>x</em>", None),
        ("<div data-testid='Author' data-component='Line'>x</div>", None),
    ],
)
def test_author_tier_of_each_mark(markup: str, tier: int | None) -> None:
    from newslake.extract.metadata import _author_tier

    element = fromstring(f"<html><body>{markup}</body></html>").find(".//body")[0]
    assert _author_tier(element) == tier


def test_page_authors_reads_a_second_html_root() -> None:
    from newslake.extract.metadata import page_authors
    from trafilatura.utils import load_html

    tree = load_html(
        "<html><body><p class='story'>Text</p></body></html>"
        "<html><body><div class='byline'>Jo Wren</div></body></html>"
    )
    assert len(list(tree.getroottree().getroot().itersiblings())) == 1
    assert page_authors(tree) == ["Jo Wren"]
