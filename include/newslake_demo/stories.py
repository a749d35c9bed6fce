"""Ground truth of the demo corpus: original stories per publisher and day, and their copies."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from newslake_demo import seed
from newslake_demo.francophone import french_article
from newslake_demo.model import DemoArticle, DemoComment, Site
from newslake_demo.sites import DIGEST, NEWSBREAK, PUBLISHERS, YAHOO
from newslake_demo.textgen import WEEKDAYS, generate_body
from newslake_demo.topics import TOPICS, Topic

DAYS = (date(2022, 4, 1), date(2022, 4, 2), date(2022, 4, 3))
SEED_KEY = "seed-blinken-genocide"

# Copies per day: story keys ("<topic>-<day number>"), in the order they get edits.
NEWSBREAK_PICKS = (("transit-1", "drought-1", "primary-1"),
                   ("ukraine-2", "hospital-2", "energy-2"),
                   (SEED_KEY, "ukraine-3", "cyber-3"))
YAHOO_PICKS = (("ukraine-1", "chips-1", "schools-1"),
               ("port-2", "booster-2", "stadium-2"),
               ("housing-3", "rail-3", "space-3"))
DIGEST_PICKS = (("transit-1", "wildfire-1"), ("ukraine-2", "bridge-2"),
                (SEED_KEY, "fisheries-3"))
COPY_DELAYS_H = (3, 5, 26, 2, 7, 4, 3, 1, 2)  # hours after the original, by pick position
NEWSBREAK_DELAYS_H = (3, 5, 26, 2, 7, 4, 3, 1, 14)  # the last copy shows "Nh ago"
DIGEST_DELAYS_H = (6, 30, 9, 4, 2, 5)

_COMMENTERS = ("Golfman", "Marta K.", "riverbend_dave", "Linda from Ohio", "TJ Pruitt",
               "NorthsideNana", "Carlos M.", "quietobserver", "Bev R.", "Dwayne")
_COMMENT_TEXTS = (
    "Finally someone is reporting on this.", "Same story every year and nothing changes.",
    "Does anyone know if this affects the east side too?", "Thanks for covering this.",
    "Follow the money and you will find the answer.", "My neighbor was just talking about "
    "this yesterday.", "I will believe it when I see it.", "Good. About time.",
)


_CURLY = re.compile(r'"([^"]*)"')


def slugify(text: str, words: int = 9) -> str:
    """Lower-case, hyphenated URL slug of the first ``words`` words."""
    parts = re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))
    return "-".join(parts[:words])


def article_url(site: Site, section: str, day: date, slug: str, number: int) -> str:
    """URL of an article in the site's own URL style."""
    y, m, d = day.strftime("%Y"), day.strftime("%m"), day.strftime("%d")
    paths = {
        "politico": f"/news/{y}/{m}/{d}/{slug}-{number:08d}",
        "meridian": f"/{section.lower()}/{y}/{m}/{d}/{slug}/",
        "harbourpost": f"/news/{section.lower()}/{slug}-{number}",
        "northwind": f"/{y}/{m}/{d}/{slug}.html",
        "civicwire": f"/article/{number}/{slug}",
        "lakeside": f"/story/{slug}-{y}{m}{d}",
        "newsbreak": f"/news/{2561900000000 + number * 7919}-{slug}",
        "yahoo": f"/{slug}-{number * 104729:x}.html",
        "digest": f"/stories/{number}-{slug}",
    }
    return site.base + paths[site.key]


def _original(topic: Topic, t: int, d: int) -> DemoArticle:
    day = DAYS[d]
    site = PUBLISHERS[(t + d) % len(PUBLISHERS)]
    rng = random.Random(f"original/{topic.key}/{d}")
    published = datetime(day.year, day.month, day.day, rng.randint(5, 20), rng.randint(0, 59),
                         tzinfo=UTC)
    modified = published + timedelta(minutes=rng.choice((0, 0, 12, 35, 90, 140)))
    authors = tuple(rng.sample(site.staff, 2 if rng.random() < 0.2 else 1))
    paragraphs = generate_body(topic, f"body/{topic.key}/{d}", WEEKDAYS[day.weekday()])
    title = topic.headlines[d]
    slug = slugify(title)
    url = article_url(site, topic.section, day, slug, 22000 + t * 37 + d * 911)
    first = paragraphs[0]
    return DemoArticle(
        url=url, site=site.domain, title=title, authors=authors, published_at=published,
        story_key=f"{topic.key}-{d + 1}", is_original=True, syndicator=None, original_url=url,
        tags=topic.tags, body="\n\n".join(paragraphs), section=topic.section,
        publisher=site.name, modified_at=modified, language=site.language,
        image_url=f"https://{site.host}/images/{day:%Y/%m/%d}/{slug[:40]}.jpg",
        image_caption=f"{topic.place} on {WEEKDAYS[day.weekday()]}, {day:%B} {day.day}, 2022. "
                      f"| {site.name} photo/{rng.choice(site.staff)}",
        canonical_url=url.replace("http://", "https://", 1), description=first,
    )


def _seed_original() -> DemoArticle:
    return DemoArticle(
        url=seed.URL, site="politico.com", title=seed.TITLE, authors=(seed.AUTHOR,),
        published_at=seed.PUBLISHED, story_key=SEED_KEY, is_original=True, syndicator=None,
        original_url=seed.URL, tags=seed.TAGS, body="\n\n".join(seed.PARAGRAPHS),
        section=seed.SECTION, publisher="POLITICO", modified_at=seed.MODIFIED,
        image_url=seed.IMAGE, image_caption=seed.CAPTION,
        canonical_url=seed.URL.replace("http://", "https://", 1), description=seed.DESCRIPTION,
    )


def originals() -> list[DemoArticle]:
    """Every original article: one per topic and day, the seed story and a French piece."""
    found = [_original(topic, t, d) for d in range(3) for t, topic in enumerate(TOPICS)]
    found.append(_seed_original())
    found.append(french_article())
    return sorted(found, key=lambda a: (a.published_at, a.url))


def _title_case(title: str) -> str:
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}
    words = title.split()
    return " ".join(w if (i and w.lower() in small) or not w[:1].islower() else w.capitalize()
                    for i, w in enumerate(words))


def _comments(rng: random.Random, published: datetime) -> tuple[int, tuple[DemoComment, ...]]:
    from newslake_demo.syndicated import CAPTURE, relative

    shown = rng.randint(0, 3)
    comments = tuple(
        DemoComment(rng.choice(_COMMENTERS),
                    relative(published + (CAPTURE - published) * rng.random()),
                    rng.choice(_COMMENT_TEXTS), rng.randint(0, 25))
        for _ in range(shown)
    )
    return shown + rng.randint(0, 30) if shown else 0, comments


def _copy_time(original: DemoArticle, d: int, i: int, delays: tuple[int, ...] = COPY_DELAYS_H,
               per_day: int = 3) -> datetime:
    when = original.published_at + timedelta(hours=delays[d * per_day + i], minutes=11 * i)
    last = datetime(2022, 4, 3, 23, 50, tzinfo=UTC)
    return min(when, last)


def newsbreak_copy(original: DemoArticle, d: int, i: int) -> DemoArticle:
    """The NewsBreak copy: full or cut body ("Read more at"), sometimes a re-cased title."""
    rng = random.Random(f"newsbreak/{original.story_key}")
    number = 5000 + d * 10 + i
    if original.story_key == SEED_KEY:
        return replace(
            original, url=seed.NEWSBREAK_URL, site=NEWSBREAK.domain, is_original=False,
            syndicator="newsbreak", published_at=seed.COPY_PUBLISHED, modified_at=None,
            image_url="http://img.newsbreak.com/image.php?url=0bLk4q_bucha22",
            canonical_url=seed.NEWSBREAK_URL.replace("http://", "https://", 1),
            comment_count=seed.COMMENT_COUNT, comments=seed.COMMENTS)
    title = _title_case(original.title) if i == 2 else original.title
    paragraphs = original.paragraphs
    truncated = i == 1
    if truncated:
        paragraphs = paragraphs[: max(3, len(paragraphs) * 11 // 20)]
    count, comments = _comments(rng, original.published_at)
    url = article_url(NEWSBREAK, original.section, DAYS[d], slugify(title, 12), number)
    return replace(
        original, url=url, site=NEWSBREAK.domain, title=title, is_original=False,
        syndicator="newsbreak", published_at=_copy_time(original, d, i, NEWSBREAK_DELAYS_H),
        modified_at=None,
        body="\n\n".join(paragraphs), is_truncated=truncated,
        canonical_url=url.replace("http://", "https://", 1),
        image_url=f"http://img.newsbreak.com/image.php?url={number:x}_{d}{i}",
        comment_count=count, comments=comments)


def yahoo_copy(original: DemoArticle, d: int, i: int) -> DemoArticle:
    """The Yahoo copy: portal boilerplate in the body, a tweaked headline for some."""
    title = {0: original.title, 1: _title_case(original.title),
             2: original.title.split(",")[0] + ": what to know"}[i]
    paragraphs = list(original.paragraphs)
    if i == 2:
        paragraphs = [_CURLY.sub("\u201c\\1\u201d", p) for p in paragraphs]
    paragraphs.insert(min(3, len(paragraphs)), "Story continues")
    if i != 1:
        paragraphs.append("Sign up for the Yahoo News morning newsletter to get the top "
                          "headlines before you start your day.")
    url = article_url(YAHOO, original.section, DAYS[d], slugify(title, 10), 6000 + d * 10 + i)
    canonical = original.canonical_url if i != 1 else url.replace("http://", "https://", 1)
    return replace(
        original, url=url, site=YAHOO.domain, title=title, is_original=False,
        syndicator="yahoo", published_at=_copy_time(original, d, i), modified_at=None,
        body="\n\n".join(paragraphs), canonical_url=canonical)


def _place(story_key: str) -> str:
    topic = next((t for t in TOPICS if story_key.startswith(t.key + "-")), None)
    return topic.place.removeprefix("the ") if topic else "Washington"


def digest_copy(original: DemoArticle, d: int, i: int) -> DemoArticle:
    """The digest copy: a dateline, the first part of the story, "Continue reading" link."""
    paragraphs = original.paragraphs[: max(3, len(original.paragraphs) * 2 // 5)]
    dateline = f"{_place(original.story_key).upper()} ({original.publisher}) \u2014 "
    paragraphs = [dateline + paragraphs[0], *paragraphs[1:]]
    title = original.title.rstrip(".") + f" | {original.publisher}" if i else original.title
    url = article_url(DIGEST, original.section, DAYS[d], slugify(original.title, 10),
                      7000 + d * 10 + i)
    return replace(
        original, url=url, site=DIGEST.domain, title=title, is_original=False,
        syndicator="attribution", published_at=_copy_time(original, d, i, DIGEST_DELAYS_H, 2),
        modified_at=None, body="\n\n".join(paragraphs), is_truncated=True,
        canonical_url=url.replace("http://", "https://", 1))


def copies(by_key: dict[str, DemoArticle]) -> list[DemoArticle]:
    """Every syndicated copy, in publication order."""
    found = []
    for d in range(3):
        for i, key in enumerate(NEWSBREAK_PICKS[d]):
            found.append(newsbreak_copy(by_key[key], d, i))
        for i, key in enumerate(YAHOO_PICKS[d]):
            found.append(yahoo_copy(by_key[key], d, i))
        for i, key in enumerate(DIGEST_PICKS[d]):
            found.append(digest_copy(by_key[key], d, i))
    return sorted(found, key=lambda a: (a.published_at, a.url))
