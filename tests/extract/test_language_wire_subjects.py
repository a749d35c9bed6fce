"""Language from the text, wire credits and subjects, on small pages."""

from __future__ import annotations

import pytest
from extract_fixtures import article_html
from lxml.html import fromstring
from newslake.extract import Hints, extract_page, wire
from newslake.extract import language as lang
from newslake.extract.subjects import from_jsonld, from_links, subjects

_GERMAN = (
    "Der Stadtrat hat am Dienstagabend nach einer langen Debatte den Haushalt für den Hafen "
    "beschlossen. Die Mitglieder stritten vor allem über die Kosten der neuen Kaimauern, die "
    "nach Angaben der Verwaltung deutlich teurer werden als zunächst geplant. "
)


def test_detect_and_decide() -> None:
    german = lang.detect(_GERMAN * 3)
    assert german.code == "de" and german.score > 0.9 and german.words >= 50
    assert lang.detect("too short").code is None
    assert lang.decide("de", german) == ("de", "both-agree")
    assert lang.decide("en", german) == ("de", "text")  # a template's lang="en"
    assert lang.decide(None, german) == ("de", "text")
    assert lang.decide("fr", lang.TextLanguage(None, 0.0, 3)) == ("fr", "markup")
    assert lang.decide("fr", lang.TextLanguage("de", 0.7, 400)) == ("fr", "markup")
    assert lang.decide(None, lang.TextLanguage(None, 0.0, 3)) == (None, None)


def test_language_source_on_pages(make_page) -> None:
    english = extract_page(make_page(article_html(8).replace("<html>", '<html lang="en">')),
                           Hints()).article
    assert english["language"] == "en" and english["language_source"] == "both-agree"
    paras = "".join(f"<p>{_GERMAN}</p>" for _ in range(4))
    html = (f'<html lang="en"><head><title>Hafen</title></head><body><h1>Hafen</h1>{paras}'
            "</body></html>")
    german = extract_page(make_page(html), Hints()).article
    assert german["language"] == "de" and german["language_source"] == "text"
    gate = Hints(accepted_languages=frozenset({"en"}))
    assert extract_page(make_page(html), gate).rejection["reason"] == "wrong_language"


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("WASHINGTON (AP) — The Senate voted on Tuesday.", "AP"),
        ("LONDON, June 3 (Reuters) - Shares fell.", "Reuters"),
        ("Berlin (dpa) - Die Regierung hat beschlossen.", "dpa"),
        ("PARIS (AFP) – Le gouvernement a annoncé.", "AFP"),
        ("The council (which met on Tuesday) - as usual - voted.", None),
        ("Officials said the AP story was wrong.", None),
    ],
)
def test_dateline(first, expected) -> None:
    assert wire.from_dateline(first) == expected


def test_bylines_credit_lines_and_sites() -> None:
    assert wire.from_byline(["By Reuters"]) == "Reuters"
    assert wire.from_byline(["Jane Doe, Associated Press"]) == "AP"
    assert wire.from_byline(["Jane Doe"]) is None
    assert wire.from_byline(["Bloomberg Smith"]) is None
    lines = ["Story text.", "Copyright 2024 The Associated Press. All rights reserved."]
    assert wire.from_credit_lines(lines) == "AP"
    assert wire.from_credit_lines(["x", "(Reporting by Jane Doe; Editing by Tom Roe)"]) == "Reuters"
    assert wire.from_credit_lines(["x", "The Associated Press contributed to this report."]) is None
    assert wire.from_credit_lines(["x", "Reuters reported that shares fell."]) is None
    assert wire.from_credit_lines(["Quelle: dpa-AFX", "Niedrige Zinsen ..."]) == "dpa"
    assert wire.from_credit_lines(["Por Agencia EFE", "El presidente ..."]) == "EFE"
    assert wire.from_credit_lines(["x", "Das sagte der Minister. (dpa/gem)"]) == "dpa"
    assert wire.from_credit_lines(["x", "(FR mit dpa)"]) is None
    assert wire.from_credit_lines(["Tom Smith", "x"]) is None
    assert wire.from_byline(["AFP/The Local"]) == "AFP"
    assert wire.from_site("https://apnews.com/article/abc") == "AP"
    assert wire.from_site("https://news.example.com/a") is None
    ld = [{"@type": "NewsArticle", "author": [{"@type": "Organization", "name": "AFP"}]}]
    assert wire.from_jsonld(ld) == "AFP"


def test_wire_service_column(make_page) -> None:
    html = article_html(8).replace("<p>Paragraph 0", "<p>WASHINGTON (AP) — Paragraph 0", 1)
    assert extract_page(make_page(html), Hints()).article["wire_service"] == "AP"
    assert extract_page(make_page(article_html(8)), Hints()).article["wire_service"] is None


def test_subjects_from_jsonld_links_and_tags(make_page) -> None:
    objects = [
        {"@type": "NewsArticle", "about": [{"@type": "Person", "name": "Jens Stoltenberg"},
                                           {"@type": "Country", "name": "Ukraine"}],
         "mentions": [{"@type": "Organization", "name": "NATO"}, "Air defence"]},
        {"@type": "Product", "about": {"@type": "Person", "name": "Not Me"}},
    ]
    assert from_jsonld(objects) == [("Jens Stoltenberg", "person"), ("Ukraine", "place"),
                                    ("NATO", "organization"), ("Air defence", "topic")]
    tree = fromstring(
        '<div><ul class="article-tags"><li><a href="/people/antony-blinken">Antony Blinken</a>'
        '</li><li><a href="/topics/defence">Defence</a></li></ul>'
        '<nav><a href="/people/editor">Editor</a></nav>'
        '<a rel="tag" href="https://other.example.org/tags/x">Elsewhere</a></div>'
    )
    assert from_links(tree, "https://news.example.com/a") == [
        ("Antony Blinken", "person"), ("Defence", "topic")]
    rows = subjects("id1", objects, tree, "https://news.example.com/a", ["NATO", "Harbour"],
                    [("Person", "Vladimir Putin")])
    assert [(r["name"], r["kind"], r["source"]) for r in rows] == [
        ("Vladimir Putin", "person", "adapter"),
        ("Jens Stoltenberg", "person", "jsonld"),
        ("Ukraine", "place", "jsonld"),
        ("NATO", "organization", "jsonld"),
        ("Air defence", "topic", "jsonld"),
        ("Antony Blinken", "person", "page"),
        ("Defence", "topic", "page"),
        ("Harbour", "topic", "tags"),
    ]
    assert [r["position"] for r in rows] == list(range(8))
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",'
            ' "about": {"@type": "Person", "name": "Ann Lee"}}</script>')
    outcome = extract_page(make_page(article_html(8, head=head)), Hints())
    assert outcome.subjects == [{"article_id": outcome.article["article_id"], "position": 0,
                                 "name": "Ann Lee", "kind": "person", "source": "jsonld"}]


def test_seed_related_people_become_subjects(make_page) -> None:
    from test_extract_newsbreak import SEED, SEED_URL, render_seed

    if not SEED.exists():
        pytest.skip(f"seed page not found at {SEED}")
    outcome = extract_page(make_page(render_seed(SEED.read_text(encoding="utf-8")),
                                     url=SEED_URL), Hints())
    people = [(s["name"], s["kind"], s["source"]) for s in outcome.subjects
              if s["source"] == "adapter"]
    assert people == [("Jens Stoltenberg", "person", "adapter"),
                      ("Vladimir Putin", "person", "adapter")]
    assert {"Ukraine", "Nato"} <= {s["name"] for s in outcome.subjects if s["source"] == "tags"}
    assert outcome.article["page_type"] == "article"
