"""Bylines: visible author credits and clean author values."""

from __future__ import annotations

import pytest
from extract_fixtures import article_html
from newslake.extract import Hints, extract_page
from newslake.extract.metadata import clean_author


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Maria &amp; Katerina", ["Maria", "Katerina"]),
        ("Maria &amp;amp; Katerina", ["Maria", "Katerina"]),
        ("Haley Hoekstra • March 12", ["Haley Hoekstra"]),
        ("Keith Barry Senior Autos Reporter", ["Keith Barry"]),
        ("Linda Rosencrance Contributing Writer", ["Linda Rosencrance"]),
        ("Chris Carroll 30 Sep 2022", ["Chris Carroll"]),
        ("Dec 17, 2025 Julian K. Arni", ["Julian K. Arni"]),
        ("Jane Doe November 26th, 2024 10 Min Read", ["Jane Doe"]),
        ("Read more about Jane Doe", ["Jane Doe"]),
        ("Updated by John Smith", ["John Smith"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Ann Lee, Bo Chen, and Cy Diaz", ["Ann Lee", "Bo Chen", "Cy Diaz"]),
        ("Head of Marketing", []),
        ("Staff Writer", []),
        ("Sign up", []),
        ("Meta Writer", ["Meta Writer"]),
        ("Post author By Helge Fahrnberger", ["Helge Fahrnberger"]),
        ("Artikel von: Maria Weber", ["Maria Weber"]),
        ("Recipe by Eat What Tonight", ["Eat What Tonight"]),
        ('"David Kim"', ["David Kim"]),
        ("Help Net Security Sponsored", ["Help Net Security"]),
        ("Art Edwards says", []),
        ("Name *", []),
        ("MIT Sloan on YouTube", []),
        ("Ursula von der Leyen", ["Ursula von der Leyen"]),
        ("Tom Baker am 12.03.2011", ["Tom Baker"]),
        ("Lena Vogt at 10:30", ["Lena Vogt"]),
        ("Jane Roe on", ["Jane Roe"]),
        ("Minh Le", ["Minh Le"]),
        ("Anh On and Bao Am", ["Anh On", "Bao Am"]),
        ("Tuan Le am 12.03.2011", ["Tuan Le"]),
        ("Sam Reyes Jr.", ["Sam Reyes Jr."]),
        ("Mia K. Olsen, Ph.D.", ["Mia K. Olsen"]),
        ("Rita Long, MD, FACP", ["Rita Long"]),
        ("Ann Park RN, BSN", ["Ann Park"]),
        ("Ben Ode, Sr. Director of Operations", ["Ben Ode"]),
        ("Erstellt von Karl Brandt", ["Karl Brandt"]),
        ("Interview: Jo Hill", ["Jo Hill"]),
        ("Article by: Ivy Chan", ["Ivy Chan"]),
        ("This post was written by Eva Moss, Head of Sales", ["Eva Moss"]),
        ("Noah Tran Content Marketing Coordinator", ["Noah Tran"]),
        ("Liam Ortiz Example Daily Staff", ["Liam Ortiz"]),
        ("Piotr Nowak - [", ["Piotr Nowak"]),
        ("Piotr Kowalczyń".encode().decode("latin-1"), ["Piotr Kowalczyń"]),
        ("Harbour Media GmbH", []),
        ("Acme Widgets, Inc.", []),
        ("Example State University ©", []),
        ("Dec. 19, 2025 · Ola Berg on behalf of the Docs team", ["Ola Berg"]),
        ("Kim Lund For The Sunday Example", ["Kim Lund"]),
        ("Office for Budget Responsibility", ["Office for Budget Responsibility"]),
        ("PAID CONTENT", []),
        ("Tom Reed Writer, Gadgets", ["Tom Reed"]),
        ("Ivy Lam, Head of Sales and Partner Relations", ["Ivy Lam"]),
        ("Ann Lee, Staff Writer, and Bo Chen, Senior Editor", ["Ann Lee", "Bo Chen"]),
        ("Authors: Eli Park and Una Moss, extension garden educators", ["Eli Park", "Una Moss"]),
    ],
)
def test_clean_author_values(raw: str, names: list[str]) -> None:
    assert clean_author(raw, set()) == names


def test_publisher_names_are_not_authors() -> None:
    assert clean_author("Jane Doe, Example News", {"example news"}) == ["Jane Doe"]


def _authors(make_page, body: str = "", head: str = "") -> list[str]:
    page = make_page(article_html(head=head, extra_body=body), url="https://e.com/a/story")
    return extract_page(page, Hints()).article["authors"]


def test_link_to_the_authors_page(make_page) -> None:
    body = (
        '<div class="meta"><span><a href="/authors/trevor-jackins">Trevor Jackins</a></span>'
        '<span><a href="/authors/ann-lee">Ann Lee</a></span></div>'
    )
    related = '<aside><div><p><a href="/authors/bo-chen">Bo Chen</a></p></div></aside>'
    assert _authors(make_page, body + related) == ["Trevor Jackins", "Ann Lee"]


def test_link_whose_slug_is_not_the_name_is_not_a_byline(make_page) -> None:
    assert _authors(make_page, '<p><a href="/authors/">Our Writers Team</a></p>') == []


def test_labelled_byline_in_the_next_element(make_page) -> None:
    body = '<div><p>Written by</p><p class="x">Edzel Tabing</p></div>'
    assert _authors(make_page, body) == ["Edzel Tabing"]


def test_labelled_byline_in_the_same_element(make_page) -> None:
    assert _authors(make_page, "<p>Written by <a href='/x'>Paulinho Giovannini</a></p>") == [
        "Paulinho Giovannini"
    ]


def test_repeated_citation_author_tags_and_citation_order(make_page) -> None:
    head = (
        '<meta name="citation_author" content="Roy, Aniruddha">'
        '<meta name="citation_author" content="Jyoti Patel">'
    )
    assert _authors(make_page, head=head) == ["Aniruddha Roy", "Jyoti Patel"]


@pytest.mark.parametrize("value", ["Unknown", "undefined", "The Author", "wordpressadmin"])
def test_generic_accounts_are_not_authors(make_page, value: str) -> None:
    head = f'<meta name="author" content="{value}">'
    assert _authors(make_page, head=head) == []


def test_the_site_as_author_when_no_person_is_named(make_page) -> None:
    site = '<meta property="og:site_name" content="Rick Steves">'
    own = site + '<meta name="author" content="Rick Steves">'
    assert _authors(make_page, head=own) == ["Rick Steves"]
    person = own + '<meta name="citation_author" content="Jane Doe">'
    body = "<p>Written by <a href='/x'>Paulinho Giovannini</a></p>"
    assert _authors(make_page, body, head=person) == ["Paulinho Giovannini"]


def test_contributors_label_and_a_byline_heading(make_page) -> None:
    label = "<div><strong>Contributors:</strong> Janet Loughrey</div>"
    assert _authors(make_page, label) == ["Janet Loughrey"]
    heading = "<h3>Written by Cassidy Horton</h3><p>Cassidy Horton writes about money.</p>"
    assert _authors(make_page, heading) == ["Cassidy Horton"]


def test_an_account_name_gives_way_to_the_name_the_page_shows(make_page) -> None:
    head = '<meta name="author" content="jdoe42">'
    body = "<p>Written by <a href='/x'>Jane Doe</a></p>"
    assert _authors(make_page, body, head=head) == ["Jane Doe"]
    assert _authors(make_page, head=head) == ["jdoe42"]  # no shown name: the account stays
    shown_account = '<div class="byline">jdoe</div>'
    assert _authors(make_page, shown_account) == ["jdoe"]  # the page shows only the account


def test_a_labelled_byline_is_a_capitalised_name(make_page) -> None:
    assert _authors(make_page, "<p>von Hamburg nach Kiel</p>") == []
    assert _authors(make_page, "<p>von Hanna Lenz</p>") == ["Hanna Lenz"]


def test_a_labelled_byline_followed_by_its_date(make_page) -> None:
    assert _authors(make_page, "<p>by: Ada Stone, Dec 17, 2025</p>") == ["Ada Stone"]


def test_an_unlabelled_byline_beside_the_headline(make_page) -> None:
    line = "<p>Rosa Vidal | Senior Writer | July 2, 2025</p>"
    assert _authors(make_page, line) == ["Rosa Vidal"]
    assert _authors(make_page, "<p>Home | World News</p>") == []


def test_the_written_by_label_of_the_twitter_card(make_page) -> None:
    head = (
        '<meta name="twitter:label1" content="Written by">'
        '<meta name="twitter:data1" content="Nora Quill">'
        '<meta name="twitter:label2" content="Est. reading time">'
        '<meta name="twitter:data2" content="4 minutes">'
    )
    assert _authors(make_page, head=head) == ["Nora Quill"]
    reading_only = '<meta name="twitter:label1" content="Est. reading time">'
    assert _authors(make_page, head=reading_only + '<meta name="twitter:data1" content="4">') == []


def test_co_authors_in_one_credit(make_page) -> None:
    link = '<p>Written by <a href="/author/tom-reed-and-ivy-lam">Tom Reed and Ivy Lam</a></p>'
    assert _authors(make_page, link) == ["Tom Reed", "Ivy Lam"]
    label = "<p>By Tom Reed, Ivy Lam and Sam Ford</p>"
    assert _authors(make_page, label) == ["Tom Reed", "Ivy Lam", "Sam Ford"]
    assert _authors(make_page, "<p>By Tom Reed and the city council</p>") == []


def test_a_labelled_byline_with_on_and_its_date(make_page) -> None:
    line = "<div>by <span>Lia Moreno</span> on <span>Jan 22, 2025</span></div>"
    assert _authors(make_page, line) == ["Lia Moreno"]


def test_an_article_by_heading_and_the_name_after_it(make_page) -> None:
    body = "<h2>Article by</h2><div>Otto Lind</div>"
    assert _authors(make_page, body) == ["Otto Lind"]


def test_the_name_heading_an_author_box(make_page) -> None:
    box = (
        '<div class="post-author"><img src="/a.jpg" alt=""><h4>Rhea Stone</h4>'
        "<p>Rhea Stone has covered harbour and council affairs for a decade and writes "
        "about budgets, ports and the people who run them.</p></div>"
    )
    assert _authors(make_page, box) == ["Rhea Stone"]
    job = box.replace("<h4>Rhea Stone</h4>", "<h4>Senior Editor</h4>").replace(
        "Rhea Stone has", "She has"
    )
    assert _authors(make_page, job) == []


def test_a_by_label_in_a_menu_is_no_byline(make_page) -> None:
    menu = (
        '<div class="dropdown-menu"><p>By Region</p><a href="/x">North</a></div>'
        '<ul role="menu"><li>Shop by Brand</li></ul>'
    )
    assert _authors(make_page, menu) == []
    assert _authors(make_page, menu + "<p>By Nora Quill</p>") == ["Nora Quill"]
    below_menu = '<div class="section under-menu"><div class="meta">by Nora Quill</div></div>'
    assert _authors(make_page, below_menu) == ["Nora Quill"]


def test_a_byline_block_and_the_title_block_after_it(make_page) -> None:
    body = "<div><p>By <!-- -->Sven Holm</p><p>Co-founder, Head of Research</p></div>"
    assert _authors(make_page, body) == ["Sven Holm"]


def test_a_one_word_name_linked_after_by(make_page) -> None:
    assert _authors(make_page, "<p>by <a href='/author/mira/'>Mira</a> · Dec 20</p>") == ["Mira"]
    assert _authors(make_page, "<p>Thanks to <a href='/author/mira/'>Mira</a></p>") == []
    assert _authors(make_page, "<p>Made by <a href='/user/mira/'>Mira</a></p>") == []


def test_a_posted_by_line_of_a_comment_is_no_byline(make_page) -> None:
    comment = (
        '<div id="comments"><span class="comments-post">Posted by: Rob Vale at May 2</span></div>'
    )
    assert _authors(make_page, comment) == []
    assert _authors(make_page, comment + "<p>Posted by: Ada Stone</p>") == ["Ada Stone"]
