"""Body cleaning: boilerplate lines go, article lines stay."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import fromstring
from newslake.extract.body import clean_body, word_count

PAGE = fromstring(
    "<html><body><figure><img src='a.jpg'><figcaption>The harbour at dawn on Monday"
    "</figcaption></figure><ul><li><a href='/x'>Mayor unveils plan for a new ferry line</a>"
    "</li></ul></body></html>"
)
ARTICLE = [
    "The council approved the harbour budget on Monday after a long debate.",
    "Video shows the moment the vote was taken, with members on their feet.",
    "Critics said the plan would raise fees for small boat owners.",
]


def test_boilerplate_lines_are_removed() -> None:
    noise = [
        "Harbour budget approved",  # the title
        "Advertisement",
        "READ MORE: Mayor unveils plan for a new ferry line",
        "Mayor unveils plan for a new ferry line",  # a link elsewhere on the page
        "The harbour at dawn on Monday",  # a caption
        "Sign up for our daily newsletter to get the news in your inbox.",
        "(Reporting by Jane Roe; Editing by John Doe)",
        "Updated at 1:23 p.m.",
        "Tags: harbour, budget",
        "harbour, budget, council",  # the page's tags
        "Follow her on Twitter @janeroe.",
        "Video:",
    ]
    text = "\n".join([noise[0], *ARTICLE[:2], *noise[1:], ARTICLE[2]])
    cleaned = clean_body(text, PAGE, "Harbour budget approved", ["harbour", "budget", "council"])
    assert cleaned.split("\n") == ARTICLE


def test_article_text_is_kept_whole() -> None:
    text = "\n".join(ARTICLE)
    assert clean_body(text, PAGE, "Some other title", []) == text
    assert word_count(text) == sum(len(line.split()) for line in ARTICLE)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab1 _\n.é-", max_size=80), st.integers(min_value=0, max_value=12))
def test_has_words_agrees_with_the_word_count(text: str, n: int) -> None:
    from newslake.extract.body import has_words

    assert has_words(text, n) == (word_count(text) >= n)
