"""JSON-LD: one walk over a page's objects, and its article object as plain fields."""

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
_MAX_OBJECTS = 2000


def ld_walk(tree: HtmlElement) -> list[tuple[dict[str, Any], bool]]:
    """Every dict of every JSON-LD script, each with whether it is a *top* object.

    Top objects are the documents themselves, list items, ``@graph`` members and
    ``mainEntity`` values; values nested in them (an article's ``author``, ``isPartOf``) are
    not. One iterative walk (deeply nested documents cannot exhaust the stack), bounded in
    the number of objects; unparsable scripts are skipped.
    """
    found: list[tuple[dict[str, Any], bool]] = []
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
        stack: list[tuple[Any, bool]] = [(data, True)]
        while stack and len(found) < _MAX_OBJECTS:
            item, top = stack.pop()
            if isinstance(item, list):
                stack.extend((v, top) for v in reversed(item) if isinstance(v, dict | list))
            elif isinstance(item, dict):
                found.append((item, top))
                stack.extend(
                    (v, top and k in ("@graph", "mainEntity"))
                    for k, v in reversed(item.items())
                    if isinstance(v, dict | list)
                )
    return found


def ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of a page, nested ones included (see ``ld_walk``)."""
    return [obj for obj, _ in ld_walk(tree)]


def ld_types(obj: dict[str, Any]) -> set[str]:
    """Lower-cased ``@type`` names of one object (schema.org prefixes removed)."""
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower().rsplit("/", 1)[-1] for v in values if isinstance(v, str) and v}


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


def parse_jsonld(
    tree: HtmlElement, walked: list[tuple[dict[str, Any], bool]] | None = None
) -> dict[str, Any]:
    """Fields of the page's best article object: title, authors, dates, body, ...

    ``walked`` is the page's ``ld_walk`` when the caller has it already.
    """
    best: dict[str, Any] | None = None
    best_rank = 99
    publisher_names: list[str] = []
    for obj, top in walked if walked is not None else ld_walk(tree):
        if not top:
            continue
        types = ld_types(obj)
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
        "type": sorted(ld_types(best))[0],
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
