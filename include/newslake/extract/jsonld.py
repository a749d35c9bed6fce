"""JSON-LD: the article object of a page, flattened into plain fields."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "posting",
        "webpage",
        "medicalwebpage",
        "itempage",
        "creativework",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _objects(data: Any) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD document, ``@graph`` and lists flattened."""
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            found.append(item)
            graph = item.get("@graph")
            if graph is not None:
                stack.append(graph)
            main = item.get("mainEntity")
            if isinstance(main, dict | list):
                stack.append(main)
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower().rsplit("/", 1)[-1] for v in values if v}


def _names(value: Any) -> list[str]:
    """Names out of a person/organisation value (string, dict, or list of them)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = name[0] if name else None
            if isinstance(name, str):
                names.append(name)
    return [n.strip() for n in names if n and n.strip()]


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def parse_jsonld(tree: HtmlElement) -> dict[str, Any]:
    """Fields of the page's best article object: title, authors, dates, body, ..."""
    best: dict[str, Any] | None = None
    best_rank = 99
    publisher_names: list[str] = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = _CONTROL.sub(" ", script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # invalid, or nested deeper than the parser goes
            continue
        for obj in _objects(data):
            types = _types(obj)
            if types & {"organization", "newsmediaorganization", "website"}:
                publisher_names.extend(_names(obj))
            if not types & ARTICLE_TYPES:
                continue
            rank = 2 if types & {"webpage", "itempage", "medicalwebpage", "creativework"} else 0
            if rank == 0 and not (obj.get("headline") or obj.get("articleBody")):
                rank = 1
            if rank < best_rank:
                best, best_rank = obj, rank
    if best is None:
        return {"publisher_names": publisher_names} if publisher_names else {}
    publisher = _names(best.get("publisher"))
    fields = {
        "type": sorted(_types(best))[0],
        "title": _text(best.get("headline")) or _text(best.get("name")),
        "authors": _names(best.get("author")) or _names(best.get("creator")),
        "published": _text(best.get("datePublished")) or _text(best.get("dateCreated")),
        "modified": _text(best.get("dateModified")),
        "description": _text(best.get("description")),
        "section": _text(best.get("articleSection")),
        "keywords": _strings(best.get("keywords")),
        "image": _text(best.get("image")) or _text(best.get("thumbnailUrl")),
        "language": _text(best.get("inLanguage")),
        "publisher": publisher[0] if publisher else None,
        "body": _text(best.get("articleBody")),
        "free": best.get("isAccessibleForFree"),
        "is_based_on": _text(best.get("isBasedOn")),
        "publisher_names": publisher + publisher_names,
    }
    return {k: v for k, v in fields.items() if v not in (None, [], "")}
