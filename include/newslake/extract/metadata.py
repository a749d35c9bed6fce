"""Page metadata from JSON-LD, OpenGraph/meta tags and the visible page, in that order of trust."""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from lxml.html import HtmlElement

from newslake.extract.jsonld import parse_jsonld

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»/]\s+")
_BY = re.compile(
    r"^\s*(?:(?:written|posted|published|story|words|text|veröffentlicht|geschrieben|publié|"
    r"publicado|pubblicato|escrito)\s+)?(?:by|von|par|por|di|door|av|af|de)\b[:\s]*"
    r"|^\s*(?:autor(?:in)?|author|auteur|autore)\b[:\s]*",
    re.I,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", re.I)
_AUTHOR_NOISE = re.compile(
    r"(?:\b(?:updated|published|posted|follow|twitter|email|facebook)\b.*$)|@\w+"
    r"|\d{1,2}[:/.]\d{2}.*$",
    re.I,
)
_CONTACT = re.compile(r"\S+@\S+\.\w+|https?://\S+|www\.\S+", re.I)
_JOB = re.compile(
    r"^(?:(?:staff|senior|chief|special|political|contributing|guest|associate|managing)\s+)*"
    r"(?:reporter|correspondent|editor|writer|contributor|columnist|staff)s?$",
    re.I,
)
_GENERIC_AUTHORS = frozenset(
    {"admin", "administrator", "webmaster", "redaktion", "editorial", "staff", "editor", "user"}
)
_DOMAIN = re.compile(r"\.(?:com|net|org|de|at|ch|fr|it|es|uk|co|io|info|news)\b", re.I)
META_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "article.published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.date",
    "dc.date",
    "date",
    "citation_publication_date",
    "citation_date",
    "og:published_time",
    "cxenseparse:recs:publishtime",
    "article:post_date",
)
META_MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dc.date.modified",
    "dcterms.modified",
)
META_AUTHOR_KEYS = (
    "author",
    "article:author",
    "byl",
    "dc.creator",
    "parsely-author",
    "sailthru.author",
    "citation_author",
    "twitter:creator",
    "dcterms.creator",
)


def meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents by lower-case name/property/itemprop, in page order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iterfind(".//meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                found.setdefault(key.strip().lower(), []).append(content.strip())
    return found


def first(meta: dict[str, list[str]], *keys: str) -> str | None:
    """The first value of the first key present."""
    for key in keys:
        values = meta.get(key)
        if values:
            return values[0]
    return None


def text_of(element: HtmlElement | None) -> str:
    """Whitespace-collapsed text content of an element."""
    if element is None:
        return ""
    return " ".join(element.text_content().split())


def clean_author(raw: str, publishers: set[str]) -> list[str]:
    """Split a byline into cleaned names, without "By" and without publisher names."""
    text = _BY.sub("", " ".join(_CONTACT.sub(" ", raw).split()))
    names = []
    for part in _AUTHOR_SPLIT.split(text):
        name = _AUTHOR_NOISE.sub("", _BY.sub("", part)).strip(" .,:;-–—|")
        if not name or name.lower() in publishers or len(name) > 60 or _JOB.match(name):
            continue
        if not re.search(r"[^\W\d_]", name) or name.lower().startswith(("http", "www.")):
            continue
        if len(name.split()) > 5:
            continue
        names.append(name)
    return list(dict.fromkeys(names))


def _clean_title(title: str, site_names: set[str]) -> str:
    """Drop a trailing or leading " | Site" part naming the site."""
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if not separators:
        return title.strip()
    lowered = {s.lower() for s in site_names if s}
    last, head = separators[-1], separators[0]
    tail = title[last.end() :].strip()
    rest = title[: last.start()].strip()
    if tail.lower() in lowered or (len(tail.split()) <= 4 and len(rest) >= 20):
        return rest
    if title[: head.start()].strip().lower() in lowered:
        return title[head.end() :].strip()
    return title.strip()


def choose_title(
    tree: HtmlElement, ld: dict[str, Any], meta: dict[str, list[str]], site_names: set[str]
) -> str | None:
    """The headline: an ``<h1>`` confirmed by metadata, else JSON-LD, og:title, ``<title>``."""
    h1s = [text_of(h) for h in tree.iterfind(".//h1")]
    h1s = [h for h in h1s if 3 <= len(h) <= 300]
    declared = [
        t
        for t in (
            ld.get("title"),
            first(meta, "og:title", "twitter:title"),
            text_of(tree.find(".//title")),
        )
        if t
    ]
    declared_clean = [_clean_title(" ".join(t.split()), site_names) for t in declared]
    for h1 in h1s:
        low = h1.lower()
        if any(low == d.lower() or (len(h1) > 15 and low in d.lower()) for d in declared_clean):
            return h1
    if declared_clean:
        return declared_clean[0]
    return h1s[0] if h1s else None


def page_authors(tree: HtmlElement) -> list[str]:
    """Byline text found by trafilatura's author XPaths (on a pruned copy of the tree)."""
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.metadata import extract_metainfo
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

    subtree = prune_unwanted_nodes(deepcopy(tree), AUTHOR_DISCARD_XPATHS)
    found = extract_metainfo(subtree, AUTHOR_XPATHS, len_limit=120)
    return [found] if found else []


def usable_authors(raw_values: list[str], publishers: set[str]) -> list[str]:
    """Cleaned names of ``raw_values`` without publishers, domains and generic accounts."""
    names: list[str] = []
    for raw in raw_values:
        names.extend(clean_author(raw, publishers))
    return [
        n
        for n in dict.fromkeys(names)
        if n.lower() not in _GENERIC_AUTHORS and not _DOMAIN.search(n)
    ]


def page_dates(tree: HtmlElement) -> tuple[str | None, str | None]:
    """Published and modified dates marked up in the page (``<time>``, itemprop)."""
    published = modified = None
    for element in tree.xpath(".//*[@itemprop='datePublished' or @itemprop='dateCreated']"):
        published = element.get("content") or element.get("datetime") or text_of(element)
        if published:
            break
    for element in tree.xpath(".//*[@itemprop='dateModified']"):
        modified = element.get("content") or element.get("datetime")
        if modified:
            break
    if not published:
        for element in tree.iterfind(".//time[@datetime]"):
            value = element.get("datetime")
            if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
                published = value
                break
    return published, modified


def collect(tree: HtmlElement) -> dict[str, Any]:
    """Metadata candidates of a page, each field from its most trusted source."""
    ld = parse_jsonld(tree)
    meta = meta_tags(tree)
    site_name = first(meta, "og:site_name", "application-name", "twitter:site")
    site_names = {n for n in [site_name, ld.get("publisher"), *ld.get("publisher_names", [])] if n}
    site_names |= {n.lstrip("@") for n in list(site_names)}
    publishers = {n.lower() for n in site_names}
    meta_authors = [meta[k][0] for k in META_AUTHOR_KEYS if k in meta and "://" not in meta[k][0]]
    authors = usable_authors(ld.get("authors", []), publishers) or usable_authors(
        meta_authors[:1], publishers
    )
    if not authors:
        authors = usable_authors(page_authors(tree), publishers)
    page_published, page_modified = page_dates(tree)
    html = tree if tree.tag == "html" else tree.getroottree().getroot()
    tags = (
        ld.get("keywords")
        or meta.get("article:tag")
        or [
            k.strip()
            for k in (first(meta, "keywords", "news_keywords") or "").split(",")
            if k.strip()
        ]
    )
    return {
        "jsonld": ld,
        "title": choose_title(tree, ld, meta, site_names),
        "authors": list(dict.fromkeys(authors)),
        "published_jsonld": ld.get("published"),
        "modified_jsonld": ld.get("modified"),
        "published_meta": first(meta, *META_DATE_KEYS),
        "modified_meta": first(meta, *META_MODIFIED_KEYS),
        "published_page": page_published,
        "modified_page": page_modified,
        "description": ld.get("description")
        or first(meta, "og:description", "description", "twitter:description"),
        "section": ld.get("section") or first(meta, "article:section", "section", "category"),
        "tags": list(dict.fromkeys(tags))[:50],
        "image_url": first(meta, "og:image", "og:image:url", "twitter:image") or ld.get("image"),
        "site_name": site_name or ld.get("publisher"),
        "language": ld.get("language")
        or html.get("lang")
        or first(meta, "og:locale", "content-language", "language", "dc.language"),
        "rel_canonical": _canonical(tree),
        "og_type": (first(meta, "og:type") or "").lower() or None,
        "free": ld.get("free"),
        "body_jsonld": ld.get("body"),
        "is_based_on": ld.get("is_based_on"),
    }


def _canonical(tree: HtmlElement) -> str | None:
    for link in tree.iterfind(".//link[@rel]"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            return link.get("href").strip()
    return None


def normalise_language(value: str | None) -> str | None:
    """ISO 639-1 code of a language tag ("en-US", "en_GB", "fr") or None."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None
