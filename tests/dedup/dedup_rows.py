"""Builders of article rows for the dedup tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from newslake.ids import article_identity, registered_site

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)

_VOCAB = [f"w{n}" for n in range(5000)]


def random_body(seed: int, words: int = 300) -> str:
    """Text that shares almost no 5-word shingles with another seed's text."""
    rng = random.Random(seed)
    return " ".join(rng.choice(_VOCAB) for _ in range(words))


def article(url: str, body: str, minutes: int = 0, **extra) -> dict:
    """An extracted article row as the extraction stage hands it to dedup."""
    canonical, article_id = article_identity(url)
    when = T0 + timedelta(minutes=minutes)
    row = {
        "article_id": article_id, "url": url, "canonical_url": canonical,
        "site": registered_site(url), "title": body.split(".")[0][:60], "body": body,
        "published_at": when, "fetched_at": when + timedelta(minutes=5),
        "word_count": len(body.split()),
    }
    row.update(extra)
    return row


def publish_result(lake: str, day, result) -> None:
    """Publish a dedup result's tables as the producer ``test``."""
    from newslake.lake import publish_day

    publish_day(lake, day, {
        "articles": result.articles, "stories": result.stories,
        "syndication": result.syndication, "dedup_index": result.signatures,
    }, producer="test")


def story_of(result) -> dict[str, str]:
    """``url -> story_id`` of a dedup result's articles."""
    return dict(zip(result.articles["url"].to_pylist(), result.articles["story_id"].to_pylist(),
                    strict=True))
