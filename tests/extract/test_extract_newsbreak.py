"""NewsBreak-like pages: every visible field, from the seed page's text and from the demo web."""

from __future__ import annotations

from datetime import timedelta
from html import escape

import pytest
from extract_fixtures import FETCHED_AT
from newslake.config import SHARED_DIR
from newslake.extract import Hints, extract_page
from newslake.extract.adapters import parse_count

SEED = SHARED_DIR / "seeds" / "000_5543096b6f1dd9d0.txt"
SEED_URL = "https://www.newsbreak.com/news/2561903451227-blinken-stoltenberg-hold-back"
TITLE = "Blinken, Stoltenberg hold back on labeling Russia's actions 'genocide'"


def render_seed(text: str) -> str:
    """The seed page's visible text as NewsBreak-like HTML, one block per line."""
    blocks = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line == TITLE:
            blocks.append(f"<h1>{escape(line)}</h1>")
        elif line.startswith("https://img."):
            blocks.append(f'<img src="{escape(line)}">')
        elif len(line.split()) > 25:
            blocks.append(f"<p>{escape(line)}</p>")
        else:
            blocks.append(f"<div>{escape(line)}</div>")
    return (
        "<html><head><meta charset='utf-8'><title>NewsBreak</title></head><body>"
        + "".join(blocks)
        + "</body></html>"
    )


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed page not found at {SEED}")
    return SEED.read_text(encoding="utf-8")


def test_seed_page_rendered_as_newsbreak_extracts_every_field(make_page, seed_text) -> None:
    outcome = extract_page(make_page(render_seed(seed_text), url=SEED_URL), Hints())
    article = outcome.article
    assert article is not None, outcome.rejection
    assert article["title"] == TITLE
    assert article["authors"] == ["Jordan Wolman"]
    assert article["original_publisher"] == "POLITICO"
    assert article["original_publisher_url"] == "https://www.politico.com"
    assert article["syndicator"] == "newsbreak"
    assert article["section"] == "World"
    assert article["date_source"] == "relative"
    assert article["published_at"] == FETCHED_AT - timedelta(days=1)
    assert article["image_url"] == "https://img.particlenews.com/image.php?url=4aiTWb_0ey6dsC700"
    assert article["image_caption"].startswith("The hand of a corpse emerges")
    assert article["image_caption"].endswith("| AP Photo/Rodrigo Abd")
    body = article["body"]
    assert body.startswith("Top U.S. and NATO officials declined Sunday")
    assert body.endswith('in the South and in the East."')
    assert "Comments" not in body and "AP Photo" not in body and "Golfman" not in body
    assert article["tags"] == [
        "Genocide",
        "Ukraine",
        "War Crimes",
        "Nato",
        "Cnn",
        "State",
        "Russian",
        "Cbs",
    ]
    assert article["comment_count"] == 12
    assert (
        article["publisher_followers"],
        article["publisher_posts"],
        article["publisher_views"],
    ) == (197_000, 11_000, 93_000_000)
    assert article["word_count"] > 400
    assert [(c["author"], c["likes"]) for c in outcome.comments] == [("Golfman", 3)]
    assert outcome.comments[0]["text"].startswith("Of course they hesitate")
    assert outcome.comments[0]["posted_at"] == FETCHED_AT - timedelta(hours=1)
    related = outcome.related
    assert len(related) == 10
    assert related[0]["publisher"] == "Daily Mail"
    assert related[0]["title"].startswith("Horrors of the 'Kyiv concentration camps'")
    assert related[0]["summary"].startswith("Russia has set up a string")
    assert related[0]["section"] == "EUROPE"
    assert {r["publisher"] for r in related} >= {
        "Radar Online.com",
        "New York Post",
        "24/7 Wall St.",
    }
    speakers = {(q["speaker"], q["quote"]) for q in outcome.quotes}
    assert ("Antony Blinken", "We will look hard, document everything we see") in speakers
    assert (
        "Jens Stoltenberg",
        "What we see is not a real withdrawal, but a repositioning of its troops",
    ) in speakers
    assert all(
        q["speaker"] in {"Antony Blinken", "Jens Stoltenberg", "Volodymyr Zelenskyy"}
        for q in outcome.quotes
    )


def test_demo_newsbreak_page_extracts_every_field(make_page) -> None:
    from newslake_demo import seed
    from newslake_demo.build import build_site
    from newslake_demo.syndicated import CAPTURE

    status, content_type, body, _ = build_site().response(seed.NEWSBREAK_URL)
    page = make_page(body, url=seed.NEWSBREAK_URL, content_type=content_type, fetched_at=CAPTURE)
    outcome = extract_page(page, Hints(syndicator="newsbreak"))
    article = outcome.article
    assert status == 200 and article is not None, outcome.rejection
    assert article["title"] == seed.TITLE
    assert article["authors"] == [seed.AUTHOR]
    assert article["section"] == seed.SECTION
    assert article["tags"] == list(seed.TAGS)
    assert article["image_caption"] == seed.CAPTION
    assert article["image_url"] and "logos" not in article["image_url"]
    assert article["original_publisher"] == "POLITICO"
    assert article["original_publisher_url"] == "https://www.politico.com"
    assert article["syndicator"] == "newsbreak" and article["site_name"] == "NewsBreak"
    assert article["published_at"] == seed.COPY_PUBLISHED
    assert article["comment_count"] == seed.COMMENT_COUNT
    assert (
        article["publisher_followers"],
        article["publisher_posts"],
        article["publisher_views"],
    ) == (197_000, 11_000, 93_000_000)
    assert article["body"].split("\n") == list(seed.PARAGRAPHS)
    assert [(c["author"], c["text"], c["likes"]) for c in outcome.comments] == [
        (c.author, c.text, c.likes) for c in seed.COMMENTS
    ]
    assert outcome.comments[0]["posted_at"] == CAPTURE - timedelta(hours=1)
    assert len(outcome.related) >= 1
    assert all(
        r["title"] and r["url"] and r["publisher"] and r["summary"] and r["section"]
        for r in outcome.related
    )
    assert ("Antony Blinken", "We can't become numb to this") in {
        (q["speaker"], q["quote"]) for q in outcome.quotes
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("197K+", 197_000),
        ("11K+", 11_000),
        ("93M+", 93_000_000),
        ("1.2M", 1_200_000),
        ("12", 12),
        ("3.4k", 3_400),
        ("2B", 2_000_000_000),
        ("many", None),
        ("", None),
    ],
)
def test_abbreviated_counts(text: str, value: int | None) -> None:
    assert parse_count(text) == value


def test_other_newsbreak_markup(make_page) -> None:
    body = "".join(
        f"<p>Paragraph {i} tells readers what the harbour council decided this week and why "
        "the vote matters to the fishing families in town.</p>"
        for i in range(5)
    )
    html = (
        "<html><head><meta property='og:site_name' content='NewsBreak'></head><body>"
        "<span data-role='category'>Local</span><h1>Harbour council votes on fees</h1>"
        "<div><span>By Ann Lee</span></div><div><a href='https://www.gazette.example'>"
        "Lakeside Gazette</a></div><div>3h ago</div>"
        f"<article>{body}</article><h3>1.2K Comments</h3>"
        "<section><p>Check out more stories from</p><div>Lakeside Gazette</div>"
        "<div>12K+ Followers 1K+ Posts 4.5M+ Views</div></section></body></html>"
    )
    page = make_page(html, url="https://example.org/story/1")
    outcome = extract_page(page, Hints())
    article = outcome.article
    assert article["syndicator"] == "newsbreak"
    assert article["title"] == "Harbour council votes on fees"
    assert article["authors"] == ["Ann Lee"]
    assert article["section"] == "Local"
    assert article["original_publisher"] == "Lakeside Gazette"
    assert article["original_publisher_url"] == "https://www.gazette.example"
    assert article["published_at"] == FETCHED_AT - timedelta(hours=3)
    assert article["comment_count"] == 1200
    assert (
        article["publisher_followers"],
        article["publisher_posts"],
        article["publisher_views"],
    ) == (12_000, 1_000, 4_500_000)
    assert article["body"].startswith("Paragraph 0 tells readers")
    assert article["body"].count("\n") == 4
