"""Record types of extraction: hints in, outcome rows out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa


@dataclass(frozen=True)
class Hints:
    """What the crawler knows about a page before extraction.

    ``syndicator`` names an adapter ("newsbreak", "attribution", ...) or is None to detect
    it from the page; ``accepted_languages`` None accepts every language;
    ``accepted_page_types`` (values of ``page_type.PAGE_TYPES``) None accepts every page
    type, the default only articles (other pages become ``not_article`` rejections).
    """

    source_id: str | None = None
    site: str | None = None
    language: str | None = None
    syndicator: str | None = None
    feed_title: str | None = None
    feed_published_at: datetime | None = None
    feed_authors: list[str] = field(default_factory=list)
    accepted_languages: frozenset[str] | None = None
    accepted_page_types: frozenset[str] | None = frozenset({"article"})


@dataclass(frozen=True)
class ExtractConfig:
    """Limits of extraction, validated on construction."""

    min_words: int = 25
    time_limit_s: float = 10.0
    max_html_bytes: int = 5_000_000

    def __post_init__(self) -> None:
        if self.min_words < 0 or self.time_limit_s <= 0 or self.max_html_bytes <= 0:
            raise ValueError(f"invalid ExtractConfig: {self}")


@dataclass
class ExtractOutcome:
    """Rows extracted from one page: an article with its child rows, or a rejection."""

    article: dict[str, Any] | None
    comments: list[dict[str, Any]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    rejection: dict[str, Any] | None = None
    subjects: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ExtractBatch:
    """Arrow tables of a batch of pages, conforming to ``newslake.lake.schema``."""

    articles: pa.Table
    comments: pa.Table
    related: pa.Table
    quotes: pa.Table
    subjects: pa.Table
    rejections: pa.Table
    skipped_non_html: int = 0
    pages: int = 0
    seconds: float = 0.0
