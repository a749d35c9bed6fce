"""One page to rows: metadata, adapter fields, body, dates, quotes, or a rejection."""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newslake import __version__
from newslake.extract import body as body_mod
from newslake.extract import dating, metadata, page_features, page_type, wire
from newslake.extract import language as lang_mod
from newslake.extract import subjects as subjects_mod
from newslake.extract.adapters import AdapterResult, attribution, run_adapter
from newslake.extract.dates import day_in_month, parse_relative, plausible
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


def _published(
    tree: HtmlElement,
    md: dict[str, Any],
    url: str,
    fetched_at: datetime,
    hints: Hints,
    relative: str | None,
    marked: dating.MarkupDates,
    clock: datetime | None = None,
) -> dating.DateChoice:
    """The publication date from the page's candidates (see ``newslake.extract.dating``);
    relative dates ("3h ago") count back from ``clock`` (default ``fetched_at``)."""
    zone_values = [
        v
        for v in (md["published_jsonld"], md["published_meta"], md["modified_jsonld"],
                  md["modified_meta"], marked.published, *marked.times)
        if isinstance(v, str)
    ]
    modified = [md["modified_jsonld"], md["modified_meta"]]
    chooser = dating.DateChooser(url, fetched_at, zone_values, modified)
    markup_day = functools.cache(lambda: _htmldate(tree, extensive=False))
    url_day = chooser.url_day
    url_month = chooser.url_month

    def shown() -> list[date]:
        days = [url_day.date()] if url_day else []
        return days + dating.days_of([markup_day()] if markup_day() else [])

    return dating.choose_published(
        chooser,
        [
            ("jsonld", md["published_jsonld"]),
            ("meta", md["published_meta"]),
            ("itemprop", marked.published),
            ("shown", None if relative else lambda: dating.header_day(tree)),
            ("timeshown", marked.times and not relative and (lambda: dating.time_shown(tree))),
            ("htmldate", None if relative else markup_day),
            ("url", url_day),
            ("feed", hints.feed_published_at),
            ("relative", lambda: _relative_at(relative or _relative_on_page(tree),
                                              clock or fetched_at)),
            ("time", marked.times[0] if marked.times else None),
            ("monthday", chooser.url_month and (lambda: _day_in_url_month(tree, url_month))),
            ("text", lambda: _htmldate(tree, extensive=True)),
        ],
        shown,
        lambda: dating.days_of(marked.times),
    )


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


_VISIBLE_TEXT = "//text()[not(ancestor::script or ancestor::style or ancestor::head)]"


def _day_in_url_month(tree: HtmlElement, month: tuple[int, int] | None) -> datetime | None:
    """A day of the URL's year and month written in the page's visible text."""
    if month is None:
        return None
    text = " ".join(" ".join(tree.xpath(_VISIBLE_TEXT))[:200_000].split())
    return day_in_month(text, *month)


def _relative_at(text: str | None, clock: datetime) -> datetime | None:
    return parse_relative(text, clock) if text else None


def rendered_at(headers: dict[str, str] | None, fetched_at: datetime) -> datetime:
    """The moment a page's relative times ("1h ago") count back from: the response's ``Date``
    header (the clock of the server that rendered them) when it is a plausible past moment,
    else ``fetched_at``. An archived or replayed page thus keeps its own day."""
    value = (headers or {}).get("date")
    if value:
        try:
            when = _aware(parsedate_to_datetime(value))
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
        if when is not None and plausible(when, fetched_at):
            return when
    return fetched_at


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
    if adapter is None and (attribution.credited_in(lines) or attribution.credit_hint(html, tree)):
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
    objects = md["ld_objects"]
    kind = _page_type(url, tree, objects, md, body, words, adapter)
    if hints.accepted_page_types is not None and kind.page_type not in hints.accepted_page_types:
        return ExtractOutcome(None, rejection=rejection(page, hints, "not_article", kind.detail()))
    if words < config.min_words:
        return ExtractOutcome(None, rejection=rejection(page, hints, "too_short", f"{words} words"))
    language, language_source = lang_mod.decide(
        metadata.normalise_language(md["language"]), lang_mod.detect(body)
    )
    language = language or metadata.normalise_language(hints.language)
    if (
        hints.accepted_languages is not None
        and language
        and language not in hints.accepted_languages
    ):
        return ExtractOutcome(None, rejection=rejection(page, hints, "wrong_language", language))
    more = {"page_type": kind.page_type, "language_source": language_source}
    byline = found.get("byline")
    outcome = _rows(
        page, hints, url, fetched_at, tree, md, body, words, language, adapter, found, more
    )
    article = outcome.article
    article["wire_service"] = wire.wire_service(
        url, body, [*md["authors"], *article["authors"]], byline, objects
    )
    outcome.subjects = subjects_mod.subjects(
        article["article_id"], objects, tree, url, article["tags"], found.get("subjects")
    )
    return outcome


def _page_type(
    url: str,
    tree: HtmlElement,
    objects: list[dict[str, Any]],
    md: dict[str, Any],
    body: str,
    words: int,
    adapter: AdapterResult | None,
) -> page_type.PageType:
    """The page's type; a page whose body a syndicator adapter read is an article.

    A short page declaring a non-article og:type (profile, video, product, ...) is taken at
    its word; every other page is scored by the page-type model (its costliest features,
    pattern counts over the page's text, only when the others leave the type open).
    """
    if adapter is not None and adapter.body:
        return page_type.PageType("article", 1.0, (f"adapter={adapter.name}",))
    og = md["og_type"] or ""
    if og.startswith(_NON_ARTICLE_OG) and words < 150:
        kind = "product" if og.startswith("product") else "other"
        return page_type.PageType(kind, 0.0, (f"og:type={og}", f"words={words}"))
    row, page_text = page_features.features_without_counts(url, tree, objects, md, body)
    return page_type.classify_unless_article(
        row, page_features.COUNTS, lambda: page_features.count_features(page_text, body)
    )


def page_signals(page: Any, config: ExtractConfig | None = None) -> dict[str, float] | None:
    """The page-type features of ``page`` exactly as extraction computes them (None: no HTML)."""
    config = config or ExtractConfig()
    url = page.final_url or page.url
    if not is_html(page.body, page.content_type):
        return None
    try:
        text, _charset = decode_html(page.body[: config.max_html_bytes], page.content_type)
    except (UnicodeError, LookupError):
        return None
    tree = load_html(text) if text.strip() else None
    if tree is None:
        return None
    md = metadata.collect(tree)
    body, _adapter = _body_and_adapter(url, tree, text, Hints(), md["title"], md["tags"])
    return page_features.features(url, tree, md["ld_objects"], md, body)


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
    more: dict[str, Any],
) -> ExtractOutcome:
    canonical_url, article_id = article_identity(url, md["rel_canonical"])
    relative = adapter.relative_date if adapter is not None else None
    marked = dating.markup_dates(tree)
    clock = rendered_at(getattr(page, "headers", None), fetched_at)
    dated = _published(tree, md, url, fetched_at, hints, relative, marked, clock)
    dropped = dated.dropped
    updated_at = dated.updated_at
    if updated_at is None:
        chooser = dating.DateChooser(url, fetched_at, [])
        for source, value in (
            ("jsonld", md["modified_jsonld"]),
            ("meta", md["modified_meta"]),
            ("itemprop", marked.modified),
        ):
            found_update = chooser.check(source, value, note=False)
            if found_update is not None:
                updated_at = found_update.local.astimezone(UTC)
                break
    original_url, original_signal = _claimed_original(url, md, found)
    publishers = {p.lower() for p in (found.get("original_publisher"), md["site_name"]) if p}
    authors = metadata.clean_author(found["byline"], publishers) if found.get("byline") else []
    authors = (
        authors
        or [a for a in md["authors"] if a.lower() not in publishers]
        or [a for raw in hints.feed_authors for a in metadata.clean_author(raw, publishers)]
        or md["site_authors"]
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
        "published_at": dated.published_at,
        "updated_at": updated_at,
        "date_source": dated.source,
        "date_confidence": dated.confidence,
        "published_date": dated.published_date,
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
        **more,
    }
    comments = [
        {
            "article_id": article_id,
            "position": i,
            "author": c["author"],
            "text": c["text"],
            "posted_at": parse_relative(c["when"], clock) if c.get("when") else None,
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
