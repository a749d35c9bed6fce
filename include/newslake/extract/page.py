"""One page to rows: metadata, adapter fields, body, dates, quotes, or a rejection."""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import UTC, date, datetime
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newslake import __version__
from newslake.extract import body as body_mod
from newslake.extract import metadata
from newslake.extract.adapters import AdapterResult, attribution, run_adapter
from newslake.extract.dates import date_from_url, parse_absolute, parse_relative, plausible
from newslake.extract.decode import decode_html
from newslake.extract.quotes import extract_quotes
from newslake.extract.types import ExtractConfig, ExtractOutcome, Hints
from newslake.ids import article_identity, registered_site

EXTRACTOR_VERSION = f"newslake-extract/{__version__} trafilatura/{trafilatura.__version__}"
_HTML_TYPES = ("text/html", "application/xhtml")
_MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body")
_NON_ARTICLE_OG = ("profile", "video.", "music.", "book", "product")
_TRUNCATED = re.compile(
    r"(?:read more|continue reading|subscribe to (?:read|continue)|…|\.\.\.)\W*$", re.I
)


def looks_like_markup(body: bytes) -> bool:
    """True when the first kilobyte holds an HTML document's tags."""
    head = body[:1024].lower()
    return any(tag in head for tag in _MARKUP)


def is_html(body: bytes, content_type: str | None) -> bool:
    """True when a response body is HTML by its type (or, for other types, its tags)."""
    head = body[:1024].lstrip().lower()
    if head.startswith((b"%pdf", b"\x89png", b"gif8", b"\xff\xd8", b"pk\x03\x04", b"\x1f\x8b")):
        return False
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind and not kind.startswith(_HTML_TYPES) and not looks_like_markup(body):
        return False
    return b"\x00" not in body[:2048] or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def rejection(page: Any, hints: Hints, reason: str, detail: str = "") -> dict[str, Any]:
    """A rejections row for ``page``."""
    url = page.final_url or page.url
    return {
        "url": url,
        "source_id": hints.source_id or page.source_id,
        "site": registered_site(url),
        "reason": reason,
        "detail": detail[:2000] or None,
        "fetched_at": _aware(page.fetched_at),
        "stage": "extract",
    }


def _choose_date(
    candidates: list[tuple[str, Any]], fetched_at: datetime, dropped: list[str]
) -> tuple[datetime | None, str | None, date | None]:
    """The first plausible date among ``(source, value)``; implausible ones are noted.

    Returns the UTC datetime, its source, and its day in the source's own time zone. A value
    may be a callable, evaluated only when every earlier source gave nothing.
    """
    for source, value in candidates:
        if callable(value):
            value = value()
        if value is None:
            continue
        if isinstance(value, datetime):
            local = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        elif source == "relative":
            local = parse_relative(value, fetched_at)
        else:
            local = parse_absolute(value, keep_zone=True)
        if local is None:
            continue
        parsed = local.astimezone(UTC)
        if plausible(parsed, fetched_at):
            return parsed, source, local.date()
        dropped.append(f"{source}={parsed.isoformat()}")
    return None, None, None


def _reconcile_with_url(
    published_at: datetime | None, source: str | None, day: date | None, url_day: datetime | None
) -> tuple[datetime | None, str | None, date | None, datetime | None]:
    """Let the day in the URL (fixed at first publication) overrule a later metadata date.

    A metadata date more than a day after the URL's day is an update: the URL day becomes
    the publication date and the metadata date is returned as the update time. One day after
    is a time-zone shift: only the local day follows the URL.
    """
    if published_at is None or url_day is None or day is None or source == "url":
        return published_at, source, day, None
    lag = (day - url_day.date()).days
    if lag > 1:
        return url_day, "url", url_day.date(), published_at
    if lag == 1:
        return published_at, source, url_day.date(), None
    return published_at, source, day, None


def _htmldate(tree: HtmlElement, extensive: bool) -> str | None:
    """A date found by htmldate (markup and URL; with ``extensive`` also the free text).

    Free-text search falls back to a bare year, reported as January 1st: that is dropped.
    """
    from htmldate import find_date

    try:
        found = find_date(tree, extensive_search=extensive, original_date=True)
    except Exception:  # noqa: BLE001 - htmldate is a best-effort fallback
        return None
    if extensive and found and found.endswith("-01-01"):
        return None  # a bare year in free text (copyright lines), not a publication day
    return found


def _relative_on_page(tree: HtmlElement) -> str | None:
    for element in tree.iterfind(".//time"):
        text = " ".join(element.text_content().split())
        if text and len(text) < 30:
            return text
    return None


def _dateline_adapter(first_line: str) -> AdapterResult | None:
    """The publisher credited by a wire dateline ("BEIJING (AP) — ...").

    Only the credit is kept: newspapers print wire stories as their own, so a dateline alone
    does not make the page a syndicated copy.
    """
    name = attribution.dateline_credit(first_line)
    if not name:
        return None
    return AdapterResult(name=attribution.NAME, fields={"original_publisher": name})


def _body_and_adapter(
    page_url: str,
    tree: HtmlElement,
    html: str,
    hints: Hints,
    title: str | None,
    tags: list[str] | None = None,
) -> tuple[str, AdapterResult | None]:
    adapter = run_adapter(hints.syndicator, page_url, tree)
    if adapter is not None and adapter.body:
        text = adapter.body
    else:
        text = body_mod.main_text(tree, page_url, title, tags)
    lines = text.split("\n")
    if adapter is None and (attribution.credited_in(lines) or attribution.CREDIT_HINT.search(html)):
        adapter = attribution.extract(page_url, tree)
        if not adapter.fields:
            adapter = None
    if adapter is None and lines:
        adapter = _dateline_adapter(lines[0])
    if adapter is not None:
        drop = set(adapter.fields.pop("drop_lines", []))
        if drop:
            text = "\n".join(line for line in lines if line not in drop)
    return text, adapter


def extract_page(page: Any, hints: Hints, config: ExtractConfig | None = None) -> ExtractOutcome:
    """Extract an article and its child rows from a fetched page, or say why not."""
    config = config or ExtractConfig()
    url = page.final_url or page.url
    fetched_at = _aware(page.fetched_at) or datetime.now(UTC)
    if not is_html(page.body, page.content_type):
        return ExtractOutcome(
            None, rejection=rejection(page, hints, "not_html", page.content_type or "")
        )
    try:
        text, _charset = decode_html(page.body[: config.max_html_bytes], page.content_type)
    except (UnicodeError, LookupError) as exc:
        return ExtractOutcome(None, rejection=rejection(page, hints, "decode_error", str(exc)))
    if not text.strip():
        return ExtractOutcome(
            None, rejection=rejection(page, hints, "empty_after_boilerplate", "empty body")
        )
    tree = load_html(text)
    if tree is None:
        return ExtractOutcome(None, rejection=rejection(page, hints, "parse_error", "no HTML tree"))
    md = metadata.collect(tree)
    body, adapter = _body_and_adapter(url, tree, text, hints, md["title"], md["tags"])
    found = adapter.fields if adapter is not None else {}
    if not body.strip() and md["body_jsonld"]:
        body = md["body_jsonld"]
    words = body_mod.word_count(body)
    if words == 0:
        return ExtractOutcome(None, rejection=rejection(page, hints, "empty_after_boilerplate"))
    if md["og_type"] and md["og_type"].startswith(_NON_ARTICLE_OG) and words < 150:
        return ExtractOutcome(
            None, rejection=rejection(page, hints, "not_article", f"og:type {md['og_type']}")
        )
    if words < config.min_words:
        return ExtractOutcome(None, rejection=rejection(page, hints, "too_short", f"{words} words"))
    language = metadata.normalise_language(md["language"]) or metadata.normalise_language(
        hints.language
    )
    if (
        hints.accepted_languages is not None
        and language
        and language not in hints.accepted_languages
    ):
        return ExtractOutcome(None, rejection=rejection(page, hints, "wrong_language", language))
    return _rows(page, hints, url, fetched_at, tree, md, body, words, language, adapter, found)


def _rows(
    page: Any,
    hints: Hints,
    url: str,
    fetched_at: datetime,
    tree: HtmlElement,
    md: dict[str, Any],
    body: str,
    words: int,
    language: str | None,
    adapter: AdapterResult | None,
    found: dict[str, Any],
) -> ExtractOutcome:
    canonical_url, article_id = article_identity(url, md["rel_canonical"])
    dropped: list[str] = []
    relative = adapter.relative_date if adapter is not None else None
    marked = functools.cache(lambda: metadata.page_dates(tree))
    published_at, date_source, published_date = _choose_date(
        [
            ("jsonld", md["published_jsonld"]),
            ("meta", md["published_meta"]),
            ("page", lambda: marked()[0]),
            ("page", None if relative else lambda: _htmldate(tree, extensive=False)),
            ("url", date_from_url(url)),
            ("feed", hints.feed_published_at),
            ("relative", relative or (lambda: _relative_on_page(tree))),
            ("page", lambda: _htmldate(tree, extensive=True)),
        ],
        fetched_at,
        dropped,
    )
    published_at, date_source, published_date, republished = _reconcile_with_url(
        published_at, date_source, published_date, date_from_url(url)
    )
    updated_at, _, _ = _choose_date(
        [
            ("page", republished),
            ("jsonld", md["modified_jsonld"]),
            ("meta", md["modified_meta"]),
            ("page", lambda: marked()[1]),
        ],
        fetched_at,
        dropped,
    )
    original_url, original_signal = _claimed_original(url, md, found)
    publishers = {p.lower() for p in (found.get("original_publisher"), md["site_name"]) if p}
    authors = metadata.clean_author(found["byline"], publishers) if found.get("byline") else []
    authors = (
        authors
        or [a for a in md["authors"] if a.lower() not in publishers]
        or [a for raw in hints.feed_authors for a in metadata.clean_author(raw, publishers)]
    )
    section = found.get("section") or md["section"]
    article = {
        "article_id": article_id,
        "url": url,
        "canonical_url": canonical_url,
        "site": registered_site(url),
        "source_id": hints.source_id or page.source_id,
        "title": found.get("title") or md["title"] or hints.feed_title,
        "authors": authors,
        "published_at": published_at,
        "updated_at": updated_at,
        "date_source": date_source,
        "published_date": published_date,
        "fetched_at": fetched_at,
        "language": language,
        "description": md["description"],
        "section": section,
        "categories": [section] if section else [],
        "tags": found.get("tags") or md["tags"],
        "image_url": found.get("image_url") or md["image_url"],
        "image_caption": found.get("image_caption") or _caption(tree),
        "site_name": md["site_name"]
        or ("NewsBreak" if found.get("syndicator") == "newsbreak" else None),
        "original_publisher": found.get("original_publisher"),
        "original_publisher_url": found.get("original_publisher_url"),
        "syndicator": found.get("syndicator"),
        "body": body,
        "word_count": words,
        "is_truncated": bool(found.get("is_truncated")) or _truncated(md, body),
        "comment_count": found.get("comment_count"),
        "publisher_followers": found.get("publisher_followers"),
        "publisher_posts": found.get("publisher_posts"),
        "publisher_views": found.get("publisher_views"),
        "extractor_version": EXTRACTOR_VERSION,
        "original_url": original_url,
        "original_signal": original_signal,
        "content_hash": hashlib.sha1(" ".join(body.lower().split()).encode("utf-8")).hexdigest(),
    }
    comments = [
        {
            "article_id": article_id,
            "position": i,
            "author": c["author"],
            "text": c["text"],
            "posted_at": parse_relative(c["when"], fetched_at) if c.get("when") else None,
            "likes": c["likes"],
        }
        for i, c in enumerate(adapter.comments if adapter is not None else [], start=1)
    ]
    related = [
        {"article_id": article_id, "position": i, **r}
        for i, r in enumerate(adapter.related if adapter is not None else [], start=1)
    ]
    quotes = [
        {"article_id": article_id, "position": i, "speaker": s, "quote": q}
        for i, (s, q) in enumerate(extract_quotes(body.split("\n")), start=1)
    ]
    note = None
    if dropped:
        note = rejection(page, hints, "bad_date", "dropped " + ", ".join(dropped))
    return ExtractOutcome(article, comments, related, quotes, note)


def _claimed_original(
    url: str, md: dict[str, Any], found: dict[str, Any]
) -> tuple[str | None, str | None]:
    """The original this page names on another site, and how: canonical | jsonld | attribution.

    Deduplication reads this claim and then overwrites both columns with the story's original.
    """
    site = registered_site(url)
    for signal, claim in (
        ("canonical", md["rel_canonical"]),
        ("jsonld", md["is_based_on"]),
        ("attribution", found.get("original_link")),
    ):
        if claim and claim.startswith("http") and registered_site(claim) != site:
            return claim, signal
    return None, None


def _caption(tree: HtmlElement) -> str | None:
    caption = tree.find(".//figure//figcaption")
    if caption is None:
        return None
    text = " ".join(caption.text_content().split())
    return text[:1000] or None


def _truncated(md: dict[str, Any], body: str) -> bool:
    if md["free"] in (False, "False", "false"):
        return True
    return bool(_TRUNCATED.search(body[-200:]))
