"""Record types of the demo web and its sites (one invented outlet per host, plus POLITICO)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

Response = tuple[int, str, bytes, dict[str, str]]
"""(status, content type, body, extra headers) of one URL."""


@dataclass(frozen=True)
class Site:
    """One host of the demo web."""

    key: str  # also the sources.yaml id of its feed
    host: str  # e.g. "www.politico.com"
    domain: str  # registered domain, e.g. "politico.com"
    name: str  # as the site names itself
    feed_kind: str  # sources.yaml kind
    feed_path: str
    language: str = "en"
    locale: str = "en_US"
    sections: tuple[str, ...] = ("World", "Politics", "Business", "Health", "Local")
    staff: tuple[str, ...] = ()
    syndicator: str | None = None  # adapter name for syndicators
    accent: str = "#222"
    followers: str = "10K+"  # shown on syndicator pages: followers, posts, views
    posts: str = "1K+"
    views: str = "1M+"
    city: str = ""

    @property
    def base(self) -> str:
        """Scheme and host used for fetching."""
        return f"http://{self.host}"

    @property
    def feed_url(self) -> str:
        """URL of the site's feed (or sitemap)."""
        return self.base + self.feed_path


@dataclass(frozen=True)
class DemoComment:
    """A reader comment shown on a syndicator page."""

    author: str
    ago: str
    text: str
    likes: int


@dataclass(frozen=True)
class DemoArticle:
    """Ground truth of one article page: what the pipeline should extract from it."""

    url: str
    site: str  # registered domain
    title: str
    authors: tuple[str, ...]
    published_at: datetime
    story_key: str  # equal for an original and all its copies
    is_original: bool
    syndicator: str | None
    original_url: str  # the original's URL (itself for originals)
    tags: tuple[str, ...]
    body: str  # paragraphs joined by blank lines, as shown in the article body
    section: str = ""
    publisher: str = ""  # name of the original publisher
    modified_at: datetime | None = None
    language: str = "en"
    image_url: str = ""
    image_caption: str = ""
    canonical_url: str = ""
    description: str = ""
    is_truncated: bool = False
    comment_count: int = 0
    comments: tuple[DemoComment, ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        """The body split into paragraphs."""
        return self.body.split("\n\n")


@dataclass(frozen=True)
class DemoFeed:
    """One feed or sitemap: a sources.yaml entry."""

    source_id: str
    url: str
    kind: str
    site: str
    syndicator: str | None
    entries: tuple[str, ...]  # URLs the feed links to, in feed order
    malformed: bool = False


@dataclass
class DemoWeb:
    """The whole demo web: every URL's response plus the ground truth behind it."""

    pages: dict[str, Response]
    articles: list[DemoArticle]
    feeds: list[DemoFeed]
    sites: list[Site]
    broken: dict[str, str]  # url -> not_found | server_error | non_html | malformed_feed
    # Also ``snapshots``: day -> feeds/home pages as the web looked at the end of that day.
    index_html: bytes = b""
    snapshots: dict[date, dict[str, Response]] = field(default_factory=dict)
    _by_url: dict[str, DemoArticle] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_url = {a.url: a for a in self.articles}
        for a in self.articles:
            if a.canonical_url:
                self._by_url.setdefault(a.canonical_url.replace("https://", "http://", 1), a)

    @property
    def hosts(self) -> set[str]:
        """Every host name the demo web answers for."""
        return {s.host for s in self.sites}

    def response(self, url: str, as_of: date | None = None) -> Response | None:
        """The response for ``url``; feeds and home pages as of the end of ``as_of``."""
        if as_of is not None and as_of in self.snapshots:
            found = self.snapshots[as_of].get(url)
            if found is not None:
                return found
        return self.pages.get(url)

    def article(self, url: str) -> DemoArticle | None:
        """The article at ``url`` (http or https), or None."""
        return self._by_url.get(url.replace("https://", "http://", 1))

    def story_of(self, url: str) -> str | None:
        """The story key of the article at ``url``, or None for a non-article URL."""
        found = self.article(url)
        return found.story_key if found else None

    def copies_of(self, story_key: str) -> list[DemoArticle]:
        """Syndicated copies of a story."""
        return [a for a in self.articles if a.story_key == story_key and not a.is_original]

    def originals(self) -> list[DemoArticle]:
        """Articles published by their original publisher."""
        return [a for a in self.articles if a.is_original]
