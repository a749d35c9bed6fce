"""Page-type signals on hand-written pages: main-text shape, headline block, templates, URL."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import fromstring
from newslake.extract.page_features import (
    _dom_features,
    _ld_features,
    _text_features,
    count_features,
    features,
)

_SENTENCE = "The council met on Tuesday and approved the harbour budget after a long debate. "


def _dom(body: str) -> dict[str, float]:
    return _dom_features(fromstring(f"<html><body>{body}</body></html>"))[0]


def test_main_block_share_is_high_for_one_prose_column_and_low_for_cards() -> None:
    story = _dom("<nav><a href='/'>Home</a></nav><div>"
                 + f"<p>{_SENTENCE * 4}</p>" * 6 + "</div><footer>About us</footer>")
    cards = _dom("".join(
        f"<div class='card'><h3><a href='/s/{i}'>Story {i}</a></h3><p>{_SENTENCE}</p></div>"
        for i in range(8)
    ))
    assert story["main_block_share"] > 0.9 > 0.3 > cards["main_block_share"]
    assert story["long_p"] == pytest.approx(math.log1p(6))
    assert cards["card_headings"] == pytest.approx(math.log1p(8))
    assert cards["card_heading_share"] == 1.0 and story["card_heading_share"] == 0.0
    assert cards["repeated_groups"] == pytest.approx(math.log1p(1))
    assert cards["repeated_items"] == pytest.approx(math.log1p(8))


def test_links_inside_the_main_block_are_measured() -> None:
    linked = _dom("<div>" + f"<p><a href='/x'>{_SENTENCE}</a></p>" * 4 + "</div>")
    plain = _dom("<div>" + f"<p>{_SENTENCE}</p>" * 4 + "</div>")
    assert linked["main_block_links"] > 0.9 and plain["main_block_links"] == 0.0


def test_headline_with_byline_and_date_below_it() -> None:
    near = _dom("<h1>Harbour budget passes</h1><p>By Ann Lee</p><p>May 3, 2024</p>"
                f"<p>{_SENTENCE}</p>")
    timed = _dom("<h1>Harbour</h1><span class='meta'><time>yesterday</time></span>"
                 f"<p>{_SENTENCE}</p>")
    bare = _dom(f"<h1>Harbour budget passes</h1><p>{_SENTENCE * 12}</p><p>by the way</p>")
    assert near["by_near_h1"] == near["date_near_h1"] == 1.0
    assert timed["date_near_h1"] == 1.0 and timed["by_near_h1"] == 0.0
    assert bare["by_near_h1"] == bare["date_near_h1"] == 0.0
    assert near["h1_position"] == 0.0 and bare["h1s"] == pytest.approx(math.log1p(1))
    assert _dom(f"<p>{_SENTENCE}</p>")["h1_position"] == 1.0


def test_shop_forum_and_navigation_marks() -> None:
    shop = _dom("<nav class='breadcrumbs'><a href='/'>Home</a><a href='/k'>Kitchen</a>"
                "<a href='/k/k'>Kettles</a></nav><span itemprop='price'>19.99</span>"
                "<meta itemprop='priceCurrency' content='USD'><div class='rating-stars'>4.5</div>"
                "<a class='btn btn-primary' href='/cart'>Add</a><button class='cta'>Buy</button>")
    assert shop["breadcrumb_links"] == pytest.approx(math.log1p(3))
    assert shop["itemprop_offer"] == pytest.approx(math.log1p(2))
    assert shop["rating_marks"] == pytest.approx(math.log1p(1))
    assert shop["cta_links"] == pytest.approx(math.log1p(2))
    forum = _dom("".join(
        f"<div id='comment-{i}'><img class='avatar'><a class='username'>u{i}</a>"
        f"<a rel='author nofollow'>profile</a><p>{_SENTENCE}</p></div>" for i in range(3)
    ))
    assert forum["comment_ids"] == pytest.approx(math.log1p(3))
    assert forum["avatars"] == pytest.approx(math.log1p(3))
    assert forum["user_marks"] == pytest.approx(math.log1p(3))
    assert forum["byline_marks"] == pytest.approx(math.log1p(3))


def test_text_shape_of_the_main_text() -> None:
    body = "\n".join([_SENTENCE * 2, "Why does it fail?", "Home", "Call me."])
    page = body + " posted 3 days ago, 12 replies, 2 hours ago"
    out = _text_features(body) | count_features(page, body)
    assert out["question_lines"] == 0.25
    assert out["short_lines"] == 0.75
    assert out["reply_counts"] == pytest.approx(math.log1p(1))
    assert out["page_dates"] == 0.0
    dated = count_features("On 2024-05-03, 3 May 2024 and March 4, 2023 (4.3.2023)", "x")
    assert dated["page_dates"] == pytest.approx(math.log1p(4))


def test_forum_words_count_a_posters_post_count_but_not_the_verb_like() -> None:
    page = "Joined: May 2020. Posts: 1,234. I like it and would like more posts: none."
    assert count_features(page, "x")["forum_words"] == pytest.approx(math.log1p(2))
    assert count_features("12 likes", "x")["forum_words"] == pytest.approx(math.log1p(1))


def test_reader_and_business_voice_and_prices_per_line_of_the_main_text() -> None:
    body = ("We fix your roof and our team calls you back.\nFrom $120, or $99 for you.\nDone\n"
            + _SENTENCE * 5)
    out = _text_features(body)
    words = 10 + 6 + 1 + 5 * 14
    assert out["we_share"] == pytest.approx(2 / words * 20)
    assert out["you_share"] == pytest.approx(3 / words * 20)
    assert out["price_lines"] == pytest.approx(2 / 4)
    assert _text_features(_SENTENCE)["you_share"] == 0.0


def test_code_blocks_per_paragraph() -> None:
    docs = _dom("<p>Install it:</p><pre>pip install x</pre><p>Then run:</p><pre>x --help</pre>")
    assert docs["pre_per_paragraph"] == pytest.approx(2 / 3 / 4)
    assert _dom(f"<p>{_SENTENCE}</p>")["pre_per_paragraph"] == 0.0


def test_structured_data_breadcrumbs_lists_and_page_types() -> None:
    objects = [
        {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem"}] * 4},
        {"@type": "ItemList", "itemListElement": [{"@type": "ListItem"}] * 9},
        {"@type": ["WebPage"]},
        {"@type": "NewsArticle", "articleBody": "text"},
    ]
    out = _ld_features(objects)
    assert out["ld_breadcrumbs"] == pytest.approx(math.log1p(4))
    assert out["ld_list_items"] == pytest.approx(math.log1p(9))
    assert out["ld_webpage"] == out["ld_article_body"] == out["ld_news"] == 1.0
    assert _ld_features([])["ld_breadcrumbs"] == 0.0


@pytest.mark.parametrize(
    ("url", "on", "off"),
    [
        ("https://docs.example.org/guide/install/", {"host_docs", "url_slash_end"}, {"host_forum"}),
        ("https://community.example.com/t/router/123", {"host_forum"}, {"url_slash_end"}),
        ("https://shop.example.com/kettle.html", {"host_shop", "url_extension"}, {"host_news"}),
        ("https://www.example.com/", set(), {"host_docs", "url_slash_end", "url_extension"}),
    ],
)
def test_url_host_and_slug_shape(url: str, on: set[str], off: set[str]) -> None:
    row = features(url, fromstring("<html><body><p>x</p></body></html>"), [], {}, "x")
    assert all(row[n] == 1.0 for n in on) and all(row[n] == 0.0 for n in off)
    assert row["url_slug_chars"] >= 0.0


def _spellings(items) -> list[str]:
    """Every string a small regular expression matches, each repeat at its least count (and
    once more for an optional part), each character class by one of its characters."""
    from itertools import product
    from re import _constants as c

    out = [""]
    for op, av in items:
        if op is c.LITERAL:
            options = [chr(av)]
        elif op is c.BRANCH:
            options = [s for alt in av[1] for s in _spellings(alt)]
        elif op is c.SUBPATTERN:
            options = _spellings(av[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, sub = av
            options = ["".join(p) for n in sorted({low, min(high, low + 1)})
                       for p in product(_spellings(sub), repeat=n)]
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            options = [""]
        elif op is c.IN:
            first = av[0]
            options = {c.CATEGORY_DIGIT: ["7"], c.CATEGORY_SPACE: [" "]}.get(
                first[1], [chr(first[1])] if first[0] is c.LITERAL else None)
            assert options is not None, av
        else:
            raise AssertionError(f"unexpected {op}")
        out = [a + b for a in out for b in options]
    return out


def test_every_word_pattern_match_holds_one_of_its_needles() -> None:
    from re import _parser

    from newslake.extract.page_features import _NEEDLES, _matches

    for pattern, needles in _NEEDLES.items():
        spellings = _spellings(_parser.parse(pattern.pattern))
        assert len(spellings) >= 10
        for text in spellings:
            assert any(n in text for n in needles), (pattern.pattern, text)
            # in running text ("posts:" only counts before a number, as in "posts: 12")
            line = next(t for t in (f"so {text} too", f"so {text}7 too") if pattern.search(t))
            assert _matches(pattern, line) == 1
    assert _matches(next(iter(_NEEDLES)), "nothing here") == 0


def test_link_density_counts_text_nested_in_links() -> None:
    dom = _dom("<p>abcde <a href='/x'>Go <span>far</span></a> tail</p>"
               "<div>xy<a href='/y'>z</a></div>")
    # text pieces: "abcde", "Go", "far", "tail", "xy", "z" = 5+2+3+4+2+1 characters
    assert dom["link_density"] == pytest.approx((2 + 3 + 1) / 17)


_TEXT = st.text(alphabet="$€£¥₹0129.,  \n\tusdeurgbkrzłchfUSDKRa!?é_", max_size=60)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_price_and_sentence_patterns_match_as_written_plainly(text: str) -> None:
    from newslake.extract.page_features import _PRICE, _SENTENCE

    price = re.compile(
        r"(?:[$€£¥₹]\s?\d[\d.,]*|\d[\d.,]*\s?(?:€|£|\$|usd|eur|gbp|kr|zł|chf)\b)", re.I
    )
    assert _PRICE.findall(text) == price.findall(text)
    assert _SENTENCE.findall(text) == re.compile(r"(?<=\w)[.!?](?:\s|$)").findall(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0129 \n_a.commentsrepliyanswpotvi", max_size=40))
def test_reply_count_pattern_matches_as_written_plainly(text: str) -> None:
    from newslake.extract.page_features import _REPLY_COUNT

    plain = re.compile(r"\b\d+\s+(?:comments?|repl(?:y|ies)|answers?|posts|views|votes?)\b")
    assert _REPLY_COUNT.findall(text) == plain.findall(text)
    assert _REPLY_COUNT.findall(f"{text} 12 comments") == plain.findall(f"{text} 12 comments")


def test_paragraph_blocks_measure_plain_and_linked_paragraphs() -> None:
    dom = _dom("<div><p> plain words </p><p>see <a href='/x'>the link</a> now</p></div>"
               "<div class='teaser'><p>x</p></div>")
    # the first block: "plain words" (11) and "see the link now" (16), of which 8 link text;
    # the page's text pieces: 11 + 3 + 8 + 3 + 1 characters
    assert dom["main_block_share"] == pytest.approx(27 / 26)
    assert dom["main_block_links"] == pytest.approx(8 / 27)
    assert dom["paragraphs"] == pytest.approx(math.log1p(3))
    assert dom["card_class"] == pytest.approx(math.log1p(1))
