"""A synthetic corpus that looks like wire traffic about one news event.

Deterministic for a seed. What it holds, with labels for same story, same version and excerpt:

- **write-through chains**: a wire story rewritten 3-6 times through the day (new headline, new
  lede, paragraphs inserted, a sentence updated, a paragraph dropped, one added at the end);
  each version carried by a few outlets, each outlet adding its own chrome (byline, dateline,
  photo captions with credits, share and subscription lines, its own repeated lines) and
  sometimes trimming the last paragraphs;
- **live threads** ("The Latest: ..."): each version holds every entry so far, newest first;
  some outlets publish a single entry as a page of its own;
- **stubs**: the first paragraphs of a story with a "developing story" note;
- **commentary posts** that quote 40-80% of a wire story inside at least as much text of their
  own (an excerpt, not a copy: own story, ``excerpt_of`` the wire story);
- **short stories of one wire sharing photo captions** on the same outlets (different stories);
- **photo galleries**: headline and captions only (not articles);
- outlets' own stories on the same event (same names and topic words, different text).

Every page is rendered as a plain HTML page; :func:`write_warc` stores them as WARC response
records, :func:`pages` yields them as crawl pages for in-process extraction.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from itertools import combinations
from pathlib import Path

DAY = datetime(2018, 7, 16, 5, 0, tzinfo=UTC)
_SYLLABLES = ("ka", "to", "ri", "mi", "sa", "lo", "ne", "va", "du", "pe", "ar", "il", "on",
              "es", "ta", "mo", "ru", "shi", "ben", "dor", "gal", "fen", "hal", "jor", "kel",
              "lin", "mar", "nor", "pol", "sar", "tev", "vin", "wal", "zor")
_CITIES = ("HELSINKI", "WASHINGTON", "MOSCOW", "LONDON", "BRUSSELS", "BERLIN")


@dataclass(frozen=True)
class WirePage:
    """One page and its labels. ``version`` is ``(story_key, n)`` for pages carrying version
    ``n`` of a story's text, else None (a page whose text no other page carries)."""

    url: str
    site: str
    title: str
    paragraphs: tuple[str, ...]
    published_at: datetime
    story_key: str
    kind: str  # wire | copy | thread | entry | stub | commentary | short | own | gallery
    version: tuple[str, int] | None = None
    excerpt_of: str | None = None  # story_key of the story a commentary quotes
    excerpt_share: float | None = None  # share of that story's words quoted
    byline: str | None = None

    @property
    def is_article(self) -> bool:
        return self.kind != "gallery"

    def html(self) -> str:
        """The page as a publisher would serve it."""
        published = self.published_at.isoformat()
        body = "\n".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)
        by = f'<p class="byline">{escape(self.byline)}</p>' if self.byline else ""
        return (
            f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(self.title)}</title>"
            f'<meta property="og:title" content="{escape(self.title)}">'
            f'<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{published}">'
            f'<link rel="canonical" href="{self.url}">'
            f'<script type="application/ld+json">{{"@type": "NewsArticle", '
            f'"headline": "{escape(self.title)}", "datePublished": "{published}"}}</script>'
            f"</head><body><header><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a>"
            f"</nav></header><main><article><h1>{escape(self.title)}</h1>{by}"
            f"<time datetime=\"{published}\">{published}</time>{body}</article></main>"
            f"<footer><a href=\"/about\">About us</a></footer></body></html>"
        )


@dataclass
class WireCorpus:
    """Pages and their labels; ``pairs`` gives every labelled pair of article pages."""

    pages: list[WirePage] = field(default_factory=list)

    def articles(self) -> list[WirePage]:
        return [p for p in self.pages if p.is_article]

    def pairs(self) -> Iterator[tuple[WirePage, WirePage, bool, bool, bool]]:
        """``(a, b, same_story, same_version, excerpt)`` over pairs of article pages."""
        for a, b in combinations(self.articles(), 2):
            excerpt = a.excerpt_of == b.story_key or b.excerpt_of == a.story_key
            same_version = a.version is not None and a.version == b.version
            yield a, b, a.story_key == b.story_key, same_version, excerpt


class _Words:
    """Pseudo-words: a general vocabulary, the event's topic words and names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.general = sorted({self._word(2, 3) for _ in range(6000)})
        self.topic = sorted({self._word(2, 4) for _ in range(150)})
        self.names = sorted({self._word(2, 3).capitalize() for _ in range(120)})

    def _word(self, low: int, high: int) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(low, high)))

    def name(self) -> str:
        return f"{self.rng.choice(self.names)} {self.rng.choice(self.names)}"

    def sentence(self, words: int | None = None) -> str:
        rng = self.rng
        out = []
        for _ in range(words or rng.randint(10, 24)):
            roll = rng.random()
            out.append(rng.choice(self.topic) if roll < 0.25 else
                       rng.choice(self.names) if roll < 0.32 else rng.choice(self.general))
        if rng.random() < 0.4:
            out.insert(rng.randint(0, len(out)), "said")
        return " ".join(out).capitalize() + "."

    def paragraph(self, sentences: tuple[int, int] = (2, 4)) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(*sentences)))


@dataclass
class _Outlet:
    host: str
    name: str
    chrome: tuple[str, ...]  # lines this outlet repeats on every story page


def _outlets(words: _Words, count: int) -> list[_Outlet]:
    rng = words.rng
    out = []
    kinds = ("Herald", "Tribune", "Courier", "Gazette", "Post", "Daily", "Times", "Ledger")
    for n in range(count):
        town = words.rng.choice(words.names)
        kind = kinds[n % len(kinds)]
        host = f"{town.lower()}{kind.lower()}{n}.com"
        name = f"The {town} {kind}"
        chrome = (
            f"{name} has covered {town} county and the world beyond it since "
            f"{rng.randint(1870, 1990)}, independent and locally owned.",
            f"Have a news tip for the {name} newsroom? Call {rng.randint(200, 999)}-555-"
            f"{rng.randint(1000, 9999)} or write to the tips desk.",
        )
        out.append(_Outlet(host, name, chrome))
    return out


class _Builder:
    def __init__(self, seed: int, outlets: int) -> None:
        self.rng = random.Random(seed)
        self.words = _Words(self.rng)
        self.outlets = _outlets(self.words, outlets)
        self.corpus = WireCorpus()
        self.serial = 0

    # -- page furniture ---------------------------------------------------------------------
    def _caption(self, wire: str) -> str:
        w, rng = self.words, self.rng
        place = rng.choice(_CITIES).title()
        when = f"July {rng.randint(10, 16)}, 2018"
        text = (f"In this {when} photo, {w.name()} {w.sentence(rng.randint(12, 20))[:-1].lower()}"
                f" in {place}.")
        if rng.random() < 0.5:
            return f"FILE - {text} ({wire} Photo/{w.name()}, File)"
        return f"{text} ({wire} Photo/{w.name()})"

    def _byline(self, wire: str) -> str:
        name = self.words.name()
        return self.rng.choice((f"By {name.upper()}", f"By {name}, {wire}",
                                f"By {name} and {self.words.name()}"))

    def _chrome(self, outlet: _Outlet, paragraphs: list[str], wire: str, dateline: bool,
                captions: list[str] | None = None) -> list[str]:
        rng = self.rng
        body = list(paragraphs)
        if dateline and body:
            city = rng.choice(_CITIES)
            agency = "(AP)" if wire == "AP" else "(Reuters)"
            body[0] = f"{city} {agency} {rng.choice(('—', '-', '--'))} {body[0]}"
        captions = captions if captions is not None else [
            self._caption(wire) for _ in range(rng.randint(0, 2))]
        for caption in captions:
            body.insert(rng.randint(0, min(3, len(body))), caption)
        if rng.random() < 0.6:
            body.insert(0, rng.choice(("Share this story: Facebook Twitter Email",
                                       "Share on Facebook Share on Twitter Share via Email",
                                       "Facebook Twitter LinkedIn Email Print")))
        body.append(rng.choice((
            f"Copyright 2018 The {'Associated Press' if wire == 'AP' else 'Reuters'}. All "
            "rights reserved. This material may not be published, broadcast, rewritten or "
            "redistributed.",
            f"Subscribe to {outlet.name} for the day's top stories in your inbox.",
            "Sign up for our breaking news alerts.",
        )))
        body.extend(outlet.chrome)
        return body

    def _url(self, host: str, title: str) -> str:
        self.serial += 1
        slug = "-".join(title.lower().replace(":", "").split()[:6])
        return f"https://www.{host}/news/2018/07/16/{slug}-{self.serial}"

    def _add(self, **kw) -> WirePage:
        page = WirePage(**kw)
        self.corpus.pages.append(page)
        return page

    def _title(self) -> str:
        return self.words.sentence(self.rng.randint(6, 10))[:-1]

    def _carry(self, key: str, version: int, title: str, paragraphs: list[str], when: datetime,
               wire: str, outlets: list[_Outlet], kind: str = "copy",
               captions: list[str] | None = None) -> None:
        """Outlets' copies of one version, each with its chrome; some trim the last paragraphs."""
        for outlet in outlets:
            text = list(paragraphs)
            if len(text) > 6 and self.rng.random() < 0.3:
                text = text[: -self.rng.randint(1, 2)]
            body = self._chrome(outlet, text, wire, dateline=True, captions=captions)
            lag = timedelta(minutes=self.rng.randint(5, 90))
            self._add(url=self._url(outlet.host, title), site=outlet.host, title=title,
                      paragraphs=tuple(body), published_at=when + lag, story_key=key,
                      kind=kind, version=(key, version), byline=self._byline(wire))

    # -- story kinds --------------------------------------------------------------------------
    def write_through(self, key: str, wire: str, start: datetime) -> list[list[str]]:
        """A chain of 3-6 versions; returns each version's paragraphs."""
        rng, w = self.rng, self.words
        text = [w.paragraph() for _ in range(rng.randint(7, 11))]
        versions = []
        for number in range(1, rng.randint(3, 6) + 1):
            if number > 1:
                text = [w.paragraph()] + [w.paragraph() for _ in range(rng.randint(0, 2))] + text
                spot = rng.randrange(1, len(text))
                sentences = text[spot].split(". ")
                sentences[0] = w.sentence()[:-1]
                text[spot] = ". ".join(sentences)
                if len(text) > 9 and rng.random() < 0.6:
                    del text[rng.randrange(4, len(text))]
                if rng.random() < 0.5:
                    text.append(w.paragraph())
            versions.append(list(text))
            when = start + timedelta(hours=2 * (number - 1))
            title = self._title()
            host = "apnews.com" if wire == "AP" else "reuters.com"
            self._add(url=self._url(host, title), site=host, title=title,
                      paragraphs=tuple(self._chrome(_Outlet(host, wire, ()), text, wire, True)),
                      published_at=when, story_key=key, kind="wire", version=(key, number),
                      byline=self._byline(wire))
            self._carry(key, number, title, text, when, wire,
                        rng.sample(self.outlets, rng.randint(1, 4)))
        return versions

    def live_thread(self, key: str, start: datetime) -> None:
        """"The Latest" thread: version n holds entries n..1, newest first."""
        rng, w = self.rng, self.words
        topic = self._title()
        entries: list[list[str]] = []
        for number in range(1, rng.randint(3, 6) + 1):
            when = start + timedelta(hours=number)
            for _ in range(rng.randint(1, 2)):
                stamp = (when - timedelta(minutes=rng.randint(1, 50))).strftime("%-I:%M p.m.")
                entries.insert(0, [stamp, w.paragraph((3, 5)), w.paragraph((2, 4))])
            text = [f"The Latest on {topic} (all times local):"]
            for entry in entries:
                text.extend(entry)
            title = f"The Latest: {topic}"
            self._carry(key, number, title, text, when, "AP",
                        rng.sample(self.outlets, rng.randint(1, 3)), kind="thread")
            if rng.random() < 0.6:  # one outlet runs the newest entry as its own page
                outlet = rng.choice(self.outlets)
                entry_title = w.sentence(rng.randint(6, 9))[:-1]
                body = self._chrome(outlet, entries[0][1:], "AP", dateline=True)
                self._add(url=self._url(outlet.host, entry_title), site=outlet.host,
                          title=entry_title, paragraphs=tuple(body),
                          published_at=when + timedelta(minutes=10), story_key=key,
                          kind="entry", byline=self._byline("AP"))

    def stub(self, key: str, first: list[str], start: datetime) -> None:
        outlet = self.rng.choice(self.outlets)
        title = f"BREAKING: {self._title()}"
        text = first[: self.rng.randint(1, 2)] + [
            "This is a breaking news update. Check back soon for further information."]
        self._add(url=self._url(outlet.host, title), site=outlet.host, title=title,
                  paragraphs=tuple(self._chrome(outlet, text, "AP", dateline=True)),
                  published_at=start - timedelta(minutes=20), story_key=key, kind="stub",
                  byline=self._byline("AP"))

    def commentary(self, key: str, quoted_key: str, text: list[str], when: datetime) -> None:
        """Own paragraphs around a quoted run of 40-80% of ``text``'s words."""
        rng, w = self.rng, self.words
        total = sum(len(p.split()) for p in text)
        share = rng.uniform(0.4, 0.8)
        start = rng.randrange(0, max(1, len(text) // 3))
        quoted, words = [], 0
        for paragraph in text[start:] + text[:start]:
            if words >= share * total:
                break
            quoted.append(paragraph)
            words += len(paragraph.split())
        own_words = int(words * rng.uniform(0.8, 1.5))
        own = []
        while sum(len(p.split()) for p in own) < own_words:
            own.append(w.paragraph((3, 5)))
        cut = rng.randint(1, max(1, len(own) - 1))
        body = own[:cut] + quoted + own[cut:]
        blog = f"{rng.choice(w.names).lower()}commentary.net"
        title = f"Opinion: {self._title()}"
        self._add(url=self._url(blog, title), site=blog, title=title, paragraphs=tuple(body),
                  published_at=when, story_key=key, kind="commentary", excerpt_of=quoted_key,
                  excerpt_share=round(words / total, 3), byline=f"By {w.name()}")

    def caption_siblings(self, key_prefix: str, start: datetime, stories: int = 3) -> None:
        """Short stories of one wire that share a photo set on the same outlets."""
        rng = self.rng
        photos = [self._caption("AP") for _ in range(3)]
        outlets = rng.sample(self.outlets, 3)
        for n in range(stories):
            key = f"{key_prefix}-{n}"
            text = [self.words.paragraph((2, 3)) for _ in range(rng.randint(2, 3))]
            self._carry(key, 1, self._title(), text, start + timedelta(hours=n), "AP", outlets,
                        kind="short", captions=photos)
        outlet = outlets[0]  # a gallery of the same photos: headline and captions only
        title = f"Photos: {self._title()}"
        self._add(url=self._url(outlet.host, title), site=outlet.host, title=title,
                  paragraphs=tuple(photos + [f"Photo gallery by {self.words.name()}, AP"]),
                  published_at=start, story_key=f"{key_prefix}-gallery", kind="gallery")

    def own_story(self, key: str, when: datetime) -> None:
        outlet = self.rng.choice(self.outlets)
        title = self._title()
        text = [self.words.paragraph() for _ in range(self.rng.randint(4, 8))]
        self._add(url=self._url(outlet.host, title), site=outlet.host, title=title,
                  paragraphs=tuple(self._chrome(outlet, text, "AP", dateline=False)),
                  published_at=when, story_key=key, kind="own", byline=self._byline("AP"))


def build_corpus(seed: int = 16, chains: int = 8, threads: int = 3, commentaries: int = 8,
                 outlets: int = 30) -> WireCorpus:
    """The corpus for ``seed`` (about 250 pages with the defaults)."""
    b = _Builder(seed, outlets)
    rng = b.rng
    texts = {}
    for n in range(chains):
        key = f"wt-{n}"
        start = DAY + timedelta(minutes=rng.randint(0, 600))
        versions = b.write_through(key, "AP" if n % 3 else "Reuters", start)
        texts[key] = (versions, start)
        if n % 2 == 0:
            b.stub(key, versions[0], start)
    for n in range(threads):
        b.live_thread(f"latest-{n}", DAY + timedelta(minutes=rng.randint(0, 300)))
    keys = sorted(texts)
    for n in range(commentaries):
        quoted = keys[n % len(keys)]
        versions, start = texts[quoted]
        number = rng.randrange(len(versions))
        b.commentary(f"op-{n}", quoted, versions[number],
                     start + timedelta(hours=2 * number + rng.randint(1, 3)))
    for n in range(2):
        b.caption_siblings(f"cap{n}", DAY + timedelta(hours=3 + 4 * n))
    for n in range(10):
        b.own_story(f"own-{n}", DAY + timedelta(minutes=rng.randint(0, 900)))
    b.corpus.pages.sort(key=lambda p: (p.published_at, p.url))
    return b.corpus


def pages(corpus: WireCorpus) -> list:
    """The corpus as crawl pages (fetched 30 minutes after publication)."""
    from newslake.crawl.warc import Page

    out = []
    for p in corpus.pages:
        out.append(Page(url=p.url, final_url=p.url, status=200,
                        headers={"content-type": "text/html; charset=utf-8"},
                        body=p.html().encode(), content_type="text/html", charset="utf-8",
                        fetched_at=p.published_at + timedelta(minutes=30),
                        source_id="warc:wire", warc_file="wire.warc.gz"))
    return out


def write_warc(corpus: WireCorpus, path: Path) -> Path:
    """Every page as a WARC response record (fetched 30 minutes after publication)."""
    from newslake.crawl.warc import WarcWriter

    with WarcWriter(path) as writer:
        for page in pages(corpus):
            writer.write_response(page.url, 200, "OK",
                                  [("Content-Type", "text/html; charset=utf-8")], page.body,
                                  page.fetched_at)
    return path


def article_rows(corpus: WireCorpus) -> list[dict]:
    """The pages as extracted article rows (body: the page's paragraphs, one per line), for
    running :func:`newslake.dedup.assign_stories` without extraction."""
    from newslake.ids import article_identity

    rows = []
    for p in corpus.pages:
        canonical, article_id = article_identity(p.url)
        body = "\n".join(p.paragraphs)
        rows.append({
            "article_id": article_id, "url": p.url, "canonical_url": canonical, "site": p.site,
            "source_id": "warc:wire", "title": p.title, "body": body,
            "published_at": p.published_at, "fetched_at": p.published_at + timedelta(minutes=30),
            "word_count": len(body.split()),
        })
    return rows


def score(corpus: WireCorpus, rows: list[dict], rejected_urls: set[str]) -> dict:
    """Pair precision and recall of same story and same version, excerpt merges and links,
    over the corpus's article pages; ``rows`` are the lake's article rows (url, story_id,
    story_version, excerpt_of); galleries must be among ``rejected_urls``."""
    by_url = {r["url"]: r for r in rows}
    story_of_key: dict[str, set[str]] = {}
    for p in corpus.articles():
        row = by_url.get(p.url)
        if row is not None:
            story_of_key.setdefault(p.story_key, set()).add(row["story_id"])
    tp = fp = fn = vtp = vfp = vfn = merges = excerpts = 0
    for a, b, same, same_version, excerpt in corpus.pairs():
        ra, rb = by_url.get(a.url), by_url.get(b.url)
        together = ra is not None and rb is not None and ra["story_id"] == rb["story_id"]
        tp += same and together
        fp += together and not same
        fn += same and not together
        merges += excerpt and together
        if same and together:
            versioned = ra.get("story_version") == rb.get("story_version")
            vtp += same_version and versioned
            vfp += versioned and not same_version
            vfn += same_version and not versioned
    linked = 0
    for p in corpus.articles():
        if p.excerpt_of is None:
            continue
        excerpts += 1
        row = by_url.get(p.url)
        linked += row is not None and row.get("excerpt_of") in story_of_key.get(p.excerpt_of, ())
    galleries = [p.url for p in corpus.pages if not p.is_article]
    return {
        "pair_precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "pair_recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "version_precision": round(vtp / (vtp + vfp), 4) if vtp + vfp else 0.0,
        "version_recall": round(vtp / (vtp + vfn), 4) if vtp + vfn else 0.0,
        "excerpt_merges": merges, "excerpts_linked": linked, "excerpts": excerpts,
        "not_articles_rejected": sum(u in rejected_urls for u in galleries),
        "not_articles": len(galleries),
        "articles_rejected": sum(p.url in rejected_urls for p in corpus.articles()),
        "true_pairs": tp + fn, "false_pairs": fp, "missed_pairs": fn,
    }
