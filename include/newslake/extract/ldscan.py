"""Every JSON-LD object of a page, for the readers that need more than the article object."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_OBJECTS = 2000


def ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every dict of every JSON-LD script, ``@graph``, lists and nested values flattened.

    Walks iteratively (deeply nested documents cannot exhaust the stack) and stops after
    a bounded number of objects; unparsable scripts are skipped.
    """
    found: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = _CONTROL.sub(" ", script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(found) < _MAX_OBJECTS:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(v for v in reversed(item.values()) if isinstance(v, dict | list))
    return found


def ld_types(obj: dict[str, Any]) -> set[str]:
    """Lower-cased ``@type`` names of one object (schema.org prefixes removed)."""
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower().rsplit("/", 1)[-1] for v in values if isinstance(v, str) and v}
