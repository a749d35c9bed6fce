"""Page metadata from JSON-LD, OpenGraph/meta tags and the visible page, in that order of trust."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from newslake.extract import bylines
from newslake.extract.jsonld import ld_walk, parse_jsonld

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»/]\s+")
_BY = re.compile(
    r"^\s*(?:(?:written|posted|published|story|words|text|veröffentlicht|geschrieben|publié|"
    r"publicado|pubblicato|escrito)\s+)?(?:by|von|par|por|di|door|av|af|de)\b[:\s]*"
    r"|^\s*(?:autor(?:in)?|authors?|auteur|autore)\b[:\s]*",
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
    {"admin", "administrator", "webmaster", "redaktion", "editorial", "staff", "editor", "user",
     "unknown", "undefined", "null", "none", "anonymous", "the author", "author", "human",
     "name", "guest", "contributer", "wordpressadmin", "siteadmin"}
)
_DOMAIN = re.compile(r"\.(?:com|net|org|de|at|ch|fr|it|es|uk|co|io|info|news)\b", re.I)


def _any(attribute: str, words: str, how: str = "contains") -> str:
    return " or ".join(f"{how}(@{attribute},'{w}')" for w in words.split())


_DISCARD_TEST = (
    "self::time or self::figure or ((self::a or self::div or self::section or self::span) and ("
    "@id='comments' or @class='comments' or @class='title' or @class='date' or "
    + _any("id", "comments", "starts-with")
    + " or "
    + _any("id", "commentlist comment-list commentlist ProductReviews")
    + " or "
    + _any("class", "comments Comments", "starts-with")
    + " or "
    + _any(
        "class",
        "commentlist comments-list sidebar is-hidden quote embedly-instagram "
        "article-share article-support print category meta-date meta-reviewer",
    )
    + " or contains(@data-component,'Figure')))"
)
_DISCARD = etree.XPath(f"self::*[{_DISCARD_TEST}]")
# Explicit author markup (rel/id/class "author") is trusted wherever it sits; the looser
# patterns of the second and third tier count only outside discarded parts. One pass over
# the elements tests all three tiers (three XPath expressions over the whole tree cost
# several times more).
_TIER0_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_TIER1_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_TIER0_CLASSES = ("authorname", "author-name", "authorName", "AuthorName")
_TIER1_IDS = ("author", "zuozhe", "bianji", "xiaobian")
_TIER1_CLASSES = (
    "author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by",
    "journalist-name",
)
_TIER2_CLASSES = ("author", "Author", "screenname", "writer", "byline", "Byline")
# A part of every class, id and itemprop value the tiers below look for: an element whose
# values hold none (and with no rel, data-testid or data-component mark) is no byline.
_TIER_MARKS = re.compile(
    "uthor|byl|Byl|BBL|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|"
    "journalist-name|screenname|writer|username"
)
_TESTIDS = ("AuthorCard", "AuthorURL")


def _author_tier(element: HtmlElement) -> int | None:
    """0, 1 or 2: how explicitly ``element`` is marked up as a byline; None when it is not."""
    tag = element.tag
    get = element.get
    cls, ident, prop = get("class") or "", get("id") or "", get("itemprop") or ""
    if (
        tag != "author"
        and not _TIER_MARKS.search(f"{cls} {ident} {prop}")
        and get("rel") != "author"
        and get("data-testid") not in _TESTIDS
        and "Byline" not in (get("data-component") or "")
    ):
        return None
    if tag == "author" or (
        tag in _TIER0_TAGS
        and (
            get("rel") == "author" or ident == "author" or cls == "author"
            or prop == "author name" or get("data-testid") in _TESTIDS
            or any(c in cls for c in _TIER0_CLASSES)
        )
    ):
        return 0
    if tag in _TIER1_TAGS and (
        cls in ("byline", "username", "byl", "BBL") or "author" in prop
        or any(i in ident for i in _TIER1_IDS) or any(c in cls for c in _TIER1_CLASSES)
    ):
        return 1
    if (
        "Byline" in (get("data-component") or "") or "author" in prop
        or "author" in ident or "Author" in ident or any(c in cls for c in _TIER2_CLASSES)
    ):
        return 2
    return None


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


_WRITTEN_BY = re.compile(r"^\s*(?:written\s+by|authors?|autor(?:in)?|auteur)\s*:?\s*$", re.I)


def labelled_meta_author(meta: dict[str, list[str]]) -> list[str]:
    """The author a ``twitter:labelN`` / ``twitter:dataN`` pair names ("Written by")."""
    for n in range(1, 5):
        label = first(meta, f"twitter:label{n}")
        if label is not None and _WRITTEN_BY.match(label):
            return meta.get(f"twitter:data{n}", [])[:1]
    return []


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
    text = _BY.sub("", " ".join(_CONTACT.sub(" ", bylines.prepare(raw)).split()))
    names: list[str] = []
    parts = _AUTHOR_SPLIT.split(bylines.drop_titles(text))
    for n, part in enumerate(parts):
        if bylines.is_legal_form(part) or (
            n + 1 < len(parts) and bylines.is_legal_form(parts[n + 1])
        ):
            continue  # "Acme Widgets, Inc.": a company, both parts
        name = bylines.clean_name(_AUTHOR_NOISE.sub("", _BY.sub("", part)))
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


def _discarded(element: HtmlElement) -> bool:
    return bool(_DISCARD(element))


def _text_outside_discarded(element: HtmlElement) -> str:
    """Text of ``element`` without comment, date, figure or sidebar parts inside it."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if isinstance(node.tag, str) and node is not element and _discarded(node):
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return " ".join(" ".join(parts).split())


_MARKED_ATTRIBUTES = etree.XPath(
    "//@class|//@id|//@itemprop|//@rel|//@data-testid|//@data-component|//author"
)


def _author_candidates(tree: HtmlElement) -> list[HtmlElement]:
    """The elements that may be bylines, in page order (also on a broken page with two
    ``<html>`` roots): ``<author>`` and those whose class, id, itemprop, rel, data-testid or
    data-component holds a part of an author mark. Reading the attribute values at once is
    quicker than asking every element for each."""
    found: dict[HtmlElement, None] = {}
    for node in _MARKED_ATTRIBUTES(tree):
        if isinstance(node, str):
            if _TIER_MARKS.search(node):
                found[node.getparent()] = None
        else:
            found[node] = None
    return list(found)


def page_authors(tree: HtmlElement) -> list[str]:
    """Byline text marked up in the page (author/byline classes, ids, rel and itemprop).

    The same expressions as trafilatura's author search, written without regular-expression
    callbacks; matches inside comments, dates, figures and sidebars do not count.
    """
    tiers: list[list[HtmlElement]] = [[], [], []]
    for element in _author_candidates(tree):
        tier = _author_tier(element)
        if tier is not None:
            tiers[tier].append(element)
    for n, elements in enumerate(tiers):
        for element in elements:
            if n and any(_discarded(a) for a in element.iterancestors()):
                continue
            content = _text_outside_discarded(element)
            if 2 < len(content) < 120:
                return [content]
    return []


def _author_elements(tree: HtmlElement) -> list[list[HtmlElement]]:
    """Elements marked up as bylines, by tier (see ``_author_tier``), in page order."""
    tiers: list[list[HtmlElement]] = [[], [], []]
    root = tree.getroottree().getroot()
    tops = [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]
    for element in (e for top in tops for e in top.iter()):  # a broken page has two roots
        if isinstance(element.tag, str):
            tier = _author_tier(element)
            if tier is not None:
                tiers[tier].append(element)
    return tiers


_BOX_NAME_TAGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "a", "span", "p", "div")


def author_box(tree: HtmlElement) -> list[str]:
    """The name heading an author box: an element marked up as the author (rel, id or class
    "author") whose text runs on into a biography, named by its first child element that
    is a name alone ("<h4>Jane Doe</h4><p>Jane writes about ...</p>")."""
    for elements in _author_elements(tree)[:2]:
        for element in elements:
            if any(_discarded(a) for a in element.iterancestors()):
                continue
            if len(_text_outside_discarded(element)) < 120:
                continue
            for child in element.iter(*_BOX_NAME_TAGS):
                if child is element:
                    continue
                name = text_of(child)
                if bylines.looks_like_name(name) and not bylines.is_job_title(name):
                    return [name]
    return []


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


_DATE_MARKUP = etree.XPath(
    "//*[@itemprop='datePublished' or @itemprop='dateCreated' or @itemprop='dateModified']"
    "|//time[@datetime]"
)


def page_dates(tree: HtmlElement) -> tuple[str | None, str | None]:
    """Published and modified dates marked up in the page (itemprop, then ``<time>``)."""
    published = modified = first_time = None
    for element in _DATE_MARKUP(tree):
        prop = element.get("itemprop")
        value = element.get("content") or element.get("datetime")
        if prop == "dateModified":
            modified = modified or value
        elif prop in ("datePublished", "dateCreated"):
            published = published or value or text_of(element)
        elif first_time is None and value and re.match(r"\d{4}-\d{2}-\d{2}", value):
            first_time = value
    return published or first_time, modified


def collect(tree: HtmlElement) -> dict[str, Any]:
    """Metadata candidates of a page, each field from its most trusted source."""
    walked = ld_walk(tree)
    ld = parse_jsonld(tree, walked)
    meta = meta_tags(tree)
    site_name = first(meta, "og:site_name", "application-name", "twitter:site")
    site_names = {n for n in [site_name, ld.get("publisher"), *ld.get("publisher_names", [])] if n}
    site_names |= {n.lstrip("@") for n in list(site_names)}
    publishers = {n.lower() for n in site_names}
    meta_authors = [
        [bylines.turn_citation_name(v) for v in meta[k] if "://" not in v]
        for k in META_AUTHOR_KEYS
        if k in meta
    ]
    meta_authors.append(labelled_meta_author(meta))
    declared = [ld.get("authors", []), next((values for values in meta_authors if values), [])]
    authors = usable_authors(declared[0], publishers) or usable_authors(declared[1], publishers)
    handles = authors if authors and all(bylines.is_handle(a) for a in authors) else []
    if handles:  # an account name: a name the page shows is better, the account the fallback
        authors = []
    for finder in (
        bylines.linked_author,
        page_authors,
        bylines.labelled_byline,
        bylines.headline_byline,
        author_box,
    ):
        if authors:
            break
        found = usable_authors(finder(tree), publishers)
        authors = [a for a in found if not bylines.is_handle(a)]
        handles = handles or found  # an account name the page shows, when nothing better
    authors = authors or handles
    # No person named: the site itself, when the page names it as the author (a company
    # blog, a personal site whose name is its author's).
    by_site = [] if authors else usable_authors(declared[0], set()) or usable_authors(
        declared[1], set()
    )
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
        "ld_objects": [obj for obj, _ in walked],
        "title": choose_title(tree, ld, meta, site_names),
        "authors": list(dict.fromkeys(authors)),
        "site_authors": list(dict.fromkeys(by_site)),
        "published_jsonld": ld.get("published"),
        "modified_jsonld": ld.get("modified"),
        "published_meta": first(meta, *META_DATE_KEYS),
        "modified_meta": first(meta, *META_MODIFIED_KEYS),
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
