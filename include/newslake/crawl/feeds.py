"""Parse feeds and sitemaps from bytes (no I/O): RSS 0.9x/1.0/2.0 and Atom (feedparser),
JSON Feed, sitemap, sitemap index and Google News sitemap.

:func:`parse_feed` returns a :class:`ParsedFeed` or raises :class:`FeedParseError`.
"""

from __future__ import annotations

import calendar
import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXException

import feedparser
from feedparser.datetimes import _parse_date as _feedparser_date
from lxml import etree

from newslake.exceptions import FeedParseError

_MAX_XML = 50_000_000


@dataclass
class Entry:
    """One item of a feed or one URL of a sitemap."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    authors: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    """Entries, plus child sitemaps for a sitemap index."""

    kind: str
    title: str | None = None
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[Entry] = field(default_factory=list)
    warning: str | None = None
    malformed: bool = False  # not well-formed XML; ``entries`` are what could be recovered


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_date(text: str | None) -> datetime | None:
    """An aware datetime from an ISO 8601, W3C or RFC 822 date; None when unparseable."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    parsed = _feedparser_date(text)
    if parsed:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return None


def _http_url(url: str | None, base: str) -> str | None:
    if not url or not isinstance(url, str):
        return None
    url = urljoin(base, url.strip())
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _maybe_gunzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = decomp.decompress(body, _MAX_XML)
    except zlib.error as exc:
        raise FeedParseError(f"bad gzip: {exc}") from exc
    if decomp.unconsumed_tail:
        raise FeedParseError(f"gzipped sitemap over {_MAX_XML} bytes")
    return out


def sniff_kind(body: bytes) -> str:
    """Guess ``jsonfeed``, ``sitemap``, ``sitemap_index``, ``news_sitemap`` or ``rss``."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "jsonfeed"
    if b"<sitemapindex" in head:
        return "sitemap_index"
    if b"<urlset" in head:
        return "news_sitemap" if b"sitemap-news" in head else "sitemap"
    return "rss"


def _feedparser(body: bytes, headers: dict[str, str], base: str, kind: str) -> ParsedFeed:
    kept = {k: v for k, v in headers.items() if k == "content-type"}
    result = feedparser.parse(body, response_headers=kept or None, sanitize_html=False,
                              resolve_relative_uris=False)
    entries = []
    for item in result.entries:
        url = _http_url(item.get("link"), base)
        if url is None:
            links = [link.get("href") for link in item.get("links", []) if link.get("href")]
            url = next((u for u in (_http_url(x, base) for x in links) if u), None)
        if url is None:
            continue
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None
        names = [a.get("name") for a in item.get("authors", []) if a.get("name")]
        if not names and item.get("author"):
            names = [item["author"]]
        entries.append(Entry(url=url, title=item.get("title"), published_at=published,
                             authors=[str(n).strip() for n in names if str(n).strip()]))
    warning, malformed = None, False
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        warning = f"{type(exc).__name__}: {exc}"
        malformed = isinstance(exc, SAXException)
    if not entries and (malformed or not result.get("version")):
        raise FeedParseError(warning or "not a feed")
    return ParsedFeed(kind=result.get("version") or kind,
                      title=result.get("feed", {}).get("title"), entries=entries,
                      warning=warning, malformed=malformed)


def _jsonfeed(body: bytes, base: str) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedParseError(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedParseError("JSON Feed without an items list")
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        url = _http_url(item.get("url"), base) or _http_url(item.get("external_url"), base)
        if url is None:
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        names = [a.get("name") for a in authors if isinstance(a, dict) and a.get("name")]
        entries.append(Entry(
            url=url,
            title=item.get("title") if isinstance(item.get("title"), str) else None,
            published_at=parse_date(item.get("date_published") or item.get("date_modified")),
            authors=[str(n) for n in names],
        ))
    title = data.get("title") if isinstance(data.get("title"), str) else None
    return ParsedFeed(kind="jsonfeed", title=title, entries=entries)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(node: etree._Element, name: str) -> str | None:
    for child in node.iter():
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return None


def _sitemap(body: bytes, base: str) -> ParsedFeed:
    body = _maybe_gunzip(body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FeedParseError(f"invalid XML: {exc}") from exc
    if root is None:
        raise FeedParseError("empty XML document")
    name = _local(root.tag)
    if name == "sitemapindex":
        children = []
        for node in root:
            if _local(node.tag) == "sitemap":
                url = _http_url(_child_text(node, "loc"), base)
                if url:
                    children.append(Entry(url=url,
                                          published_at=parse_date(_child_text(node, "lastmod"))))
        return ParsedFeed(kind="sitemap_index", sitemaps=children)
    if name != "urlset":
        raise FeedParseError(f"root element <{name}> is not urlset or sitemapindex")
    entries, news = [], False
    for node in root:
        if _local(node.tag) != "url":
            continue
        url = _http_url(_child_text(node, "loc"), base)
        if not url:
            continue
        published = parse_date(_child_text(node, "publication_date"))
        news = news or published is not None
        entries.append(Entry(
            url=url,
            title=_child_text(node, "title"),
            published_at=published or parse_date(_child_text(node, "lastmod")),
        ))
    return ParsedFeed(kind="news_sitemap" if news else "sitemap", entries=entries)


def _family(kind: str) -> str:
    if kind == "jsonfeed":
        return "json"
    return "sitemap" if kind in ("sitemap", "sitemap_index", "news_sitemap") else "feed"


def _parse_as(family: str, body: bytes, kind: str, base_url: str,
              headers: dict[str, str]) -> ParsedFeed:
    try:
        if family == "json":
            return _jsonfeed(body, base_url)
        if family == "sitemap":
            return _sitemap(body, base_url)
        return _feedparser(body, headers, base_url, kind)
    except FeedParseError:
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parsers on hostile input
        raise FeedParseError(f"{type(exc).__name__}: {exc}") from exc


def parse_feed(body: bytes, kind: str, base_url: str,
               headers: dict[str, str] | None = None) -> ParsedFeed:
    """Parse a feed or sitemap body; ``kind`` is a source kind (``auto`` sniffs).

    When the declared kind does not parse and the body looks like another family (a sitemap
    declared as RSS, say), that family is tried before giving up.
    """
    if not body or not body.strip():
        raise FeedParseError("empty body")
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if body[:2] == b"\x1f\x8b":
        body = _maybe_gunzip(body)
    sniffed = sniff_kind(body)
    kind = sniffed if kind == "auto" else kind
    try:
        return _parse_as(_family(kind), body, kind, base_url, headers)
    except FeedParseError:
        if _family(sniffed) == _family(kind):
            raise
    return _parse_as(_family(sniffed), body, sniffed, base_url, headers)
