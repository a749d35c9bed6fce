"""The people, organisations, places and topics a page names as its subjects.

Sources, most trusted first: a syndicator adapter's subject block (NewsBreak's "RELATED
PEOPLE"), JSON-LD ``about`` / ``mentions`` of the article object, subject links of the page
(``rel=tag`` and tag/topic blocks linking to person, organisation, place or topic pages), and
the page's tags (``article:tag``, JSON-LD keywords) as topics. A name is kept once, with its
most trusted source.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newslake.extract.jsonld import ld_types
from newslake.extract.page_features import LD_GROUPS

_PERSON = frozenset({"person", "patient"})
_ORGANIZATION = frozenset(
    {
        "organization", "corporation", "newsmediaorganization", "governmentorganization",
        "educationalorganization", "sportsteam", "sportsorganization", "politicalparty",
        "ngo", "collegeoruniversity", "airline", "localbusiness", "onlinebusiness",
        "medicalorganization", "researchorganization", "performinggroup", "musicgroup",
        "library", "fundingagency",
    }
)
_PLACE = frozenset(
    {
        "place", "country", "city", "state", "administrativearea", "continent", "landform",
        "touristattraction", "landmarksorhistoricalbuildings", "civicstructure",
        "schooldistrict", "postaladdress", "geocoordinates",
    }
)
_KIND_LABELS = {
    "person": "person",
    "people": "person",
    "organization": "organization",
    "organisation": "organization",
    "company": "organization",
    "place": "place",
    "location": "place",
    "topic": "topic",
}
_PATH_KINDS = (
    (re.compile(r"/(?:people|person|persons|personen|personnes|personas|profiles?)/", re.I),
     "person"),
    (re.compile(r"/(?:organi[sz]ations?|compan(?:y|ies)|organisationen|unternehmen)/", re.I),
     "organization"),
    (re.compile(r"/(?:places?|locations?|countries|country|cities|city|orte|regions?)/", re.I),
     "place"),
    (re.compile(r"/(?:topics?|tags?|themen|thema|sujets?|temas?|subjects?|keywords?)/", re.I),
     "topic"),
)
# A cheap test before a link is parsed: some path segment names a subject page.
_ANY_KIND = re.compile(
    "|".join(p.pattern.rstrip("/") for p, _ in _PATH_KINDS), re.I
)
_TAG_BLOCK = re.compile(r"(?:^|[\s_-])(?:tags?|topics?|keywords?|subjects?)(?:$|[\s_-])", re.I)
_MAX_SUBJECTS = 40
_MAX_NAME = 120


def _kind_of(types: set[str]) -> str:
    if types & _PERSON:
        return "person"
    if types & _ORGANIZATION:
        return "organization"
    if types & _PLACE:
        return "place"
    return "topic"


def _clean(name: Any) -> str | None:
    if not isinstance(name, str):
        return None
    name = " ".join(name.replace("#", " ").split()).strip(" ,;|")
    if not name or len(name) > _MAX_NAME or "://" in name or not re.search(r"[^\W\d_]", name):
        return None
    return name


def _ld_values(value: Any) -> list[tuple[str, str]]:
    items = value if isinstance(value, list) else [value]
    out: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, str):
            name = _clean(item)
            if name:
                out.append((name, "topic"))
        elif isinstance(item, dict):
            raw = item.get("name") or item.get("alternateName")
            name = _clean(raw[0] if isinstance(raw, list) and raw else raw)
            if name:
                out.append((name, _kind_of(ld_types(item))))
    return out


def from_jsonld(objects: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(name, kind)`` of ``about`` and ``mentions`` of the page's article objects."""
    found: list[tuple[str, str]] = []
    for obj in objects:
        types = ld_types(obj)
        if not types & (LD_GROUPS["ld_news"] | {"techarticle", "webpage"}):
            continue
        for key in ("about", "mentions"):
            found.extend(_ld_values(obj.get(key)))
    return found


def from_links(tree: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """``(name, kind)`` of subject links: ``rel=tag`` anchors and links inside tag blocks
    whose target path names a person, organisation, place or topic page on the same site."""
    host = urlsplit(base_url).hostname or ""
    found: list[tuple[str, str]] = []
    for anchor in tree.iterfind(".//a[@href]"):
        href = anchor.get("href") or ""
        if not _ANY_KIND.search(href):
            continue
        try:
            parts = urlsplit(href)
        except ValueError:
            continue
        kind = next((k for pattern, k in _PATH_KINDS if pattern.search(parts.path + "/")), None)
        if kind is None:
            continue
        if parts.hostname and not (parts.hostname == host or parts.hostname.endswith("." + host)
                                   or host.endswith("." + parts.hostname)):
            continue
        rel = (anchor.get("rel") or "").lower().split()
        if "tag" not in rel and not any(
            _TAG_BLOCK.search(a.get("class") or "") for a in anchor.iterancestors()
        ):
            continue
        name = _clean(anchor.text_content())
        if name and len(name.split()) <= 8:
            found.append((name, kind))
    return found


def from_adapter(block: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(name, kind)`` of an adapter's subject block: ``(label, name)`` pairs such as
    ``("Person", "Jens Stoltenberg")``."""
    found = []
    for label, name in block:
        kind = _KIND_LABELS.get(label.strip().lower())
        cleaned = _clean(name)
        if kind and cleaned:
            found.append((cleaned, kind))
    return found


def subjects(
    article_id: str,
    objects: list[dict[str, Any]],
    tree: HtmlElement,
    url: str,
    tags: list[str],
    adapter_block: list[tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """``subjects`` rows of one article, each name once with its most trusted source."""
    ranked = [
        ("adapter", from_adapter(adapter_block or [])),
        ("jsonld", from_jsonld(objects)),
        ("page", from_links(tree, url)),
        ("tags", [(n, "topic") for n in (_clean(t) for t in tags) if n]),
    ]
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for source, pairs in ranked:
        for name, kind in pairs:
            key = name.casefold()
            if key in seen or len(rows) >= _MAX_SUBJECTS:
                continue
            seen.add(key)
            rows.append(
                {"article_id": article_id, "position": len(rows), "name": name, "kind": kind,
                 "source": source}
            )
    return rows
