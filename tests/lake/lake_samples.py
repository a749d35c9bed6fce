"""A small lake with known contents: three days, three sites, syndicated copies.

a.com publishes originals; b.com and c.com copy them (and b.com has one original).
Story s1 is copied by b.com (60 min) and c.com (150 min) on day 1 and again by c.com on
day 3 (3000 min); s3 is copied by b.com (30 min) on day 2.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from newslake.lake import publish_day, schema

DAY1, DAY2, DAY3 = date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)


def ts(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


ELECTION = "The election was close and the count went on all night."


def _article(aid, site, title, body, published, story, original, original_url=None):
    return {
        "article_id": aid, "url": f"https://{site}/{aid}", "canonical_url": f"https://{site}/{aid}",
        "site": site, "title": title, "body": body, "published_at": published,
        "story_id": story, "is_original": original, "original_url": original_url,
        "word_count": len(body.split()), "language": "en",
    }


ARTICLES = {
    DAY1: [
        _article("a1", "a.com", "Election results announced", ELECTION, ts(DAY1, 8), "s1", True),
        _article("b1", "b.com", "Results are in", ELECTION + " Copied.", ts(DAY1, 9), "s1",
                 False, "https://a.com/a1"),
        _article("c1", "c.com", "Results are in (wire)", ELECTION, ts(DAY1, 10, 30), "s1",
                 False, "https://a.com/a1"),
        _article("a2", "a.com", "Weather report", "Sunny weather all week long.", ts(DAY1, 12),
                 "s2", True),
    ],
    DAY2: [
        _article("a3", "a.com", "Budget talks", "The budget debate follows the election.",
                 ts(DAY2, 7), "s3", True),
        _article("b2", "b.com", "Budget talks resume", "The budget debate follows the election.",
                 ts(DAY2, 7, 30), "s3", False, "https://a.com/a3"),
        _article("a4", "a.com", "Sports roundup", "The home team won the cup final.",
                 ts(DAY2, 15), "s4", True),
    ],
    DAY3: [
        _article("c2", "c.com", "Election results, a day late", ELECTION, ts(DAY3, 10), "s1",
                 False, "https://a.com/a1"),
        _article("b3", "b.com", "Local news", "The bakery on main street reopened.",
                 ts(DAY3, 9), "s5", True),
    ],
}


def _story(sid, title, aid, site, first, articles, sites, updated):
    return {"story_id": sid, "title": title, "original_article_id": aid,
            "original_url": f"https://{site}/{aid}", "original_site": site,
            "first_published_at": first, "copies": articles - 1, "articles": articles,
            "sites": sites, "updated_at": updated}


STORIES = {
    DAY1: [
        _story("s1", "Election results announced", "a1", "a.com", ts(DAY1, 8), 3,
               ["a.com", "b.com", "c.com"], ts(DAY1, 23)),
        _story("s2", "Weather report", "a2", "a.com", ts(DAY1, 12), 1, ["a.com"], ts(DAY1, 23)),
    ],
    DAY2: [
        _story("s3", "Budget talks", "a3", "a.com", ts(DAY2, 7), 2, ["a.com", "b.com"],
               ts(DAY2, 23)),
        _story("s4", "Sports roundup", "a4", "a.com", ts(DAY2, 15), 1, ["a.com"], ts(DAY2, 23)),
    ],
    DAY3: [
        _story("s1", "Election results announced", "a1", "a.com", ts(DAY1, 8), 4,
               ["a.com", "b.com", "c.com"], ts(DAY3, 23)),
        _story("s5", "Local news", "b3", "b.com", ts(DAY3, 9), 1, ["b.com"], ts(DAY3, 23)),
    ],
}


def _syn(sid, aid, site, lag):
    return {"story_id": sid, "article_id": aid, "site": site, "original_site": "a.com",
            "lag_minutes": lag}


SYNDICATION = {
    DAY1: [_syn("s1", "b1", "b.com", 60.0), _syn("s1", "c1", "c.com", 150.0)],
    DAY2: [_syn("s3", "b2", "b.com", 30.0)],
    DAY3: [_syn("s1", "c2", "c.com", 3000.0)],
}

OTHER = {
    DAY1: {
        "comments": [{"article_id": "a1", "position": 1, "author": "x", "text": "Wow",
                      "posted_at": ts(DAY1, 9), "likes": 2}],
        "fetch_log": [
            {"url": "https://a.com/a1", "kind": "page", "status": 200, "bytes": 1000,
             "fetched_at": ts(DAY1, 8, 5), "attempts": 1},
            {"url": "https://a.com/gone", "kind": "page", "status": 404, "error_class": "http_4xx",
             "fetched_at": ts(DAY1, 8, 6), "attempts": 1},
        ],
        "rejections": [{"url": "https://a.com/", "reason": "not_article", "stage": "extract",
                        "site": "a.com"}],
    },
}


def build_small_lake(root: Path) -> Path:
    """Publish the known rows above into ``root`` (one producer per day)."""
    for day in (DAY1, DAY2, DAY3):
        tables = {"articles": ARTICLES[day], "stories": STORIES[day],
                  "syndication": SYNDICATION[day], **OTHER.get(day, {})}
        publish_day(str(root), day, {n: schema.conform(n, rows) for n, rows in tables.items()})
    return root
