"""What a syndicator adapter returns, and helpers shared by adapters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "button",
        "img",
        "time",
    ]
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe"})
_COUNT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([KkMmBb]?)\+?\s*$")
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


@dataclass
class AdapterResult:
    """Fields an adapter read from a syndicated page (None/empty = not found)."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    body: str | None = None
    relative_date: str | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)


def parse_count(text: str | None) -> int | None:
    """An abbreviated count as an integer: "197K+" -> 197000, "1.2M" -> 1200000, "12" -> 12."""
    if not text:
        return None
    found = _COUNT.match(text.replace("\u00a0", " "))
    if not found:
        return None
    number = float(found.group(1).replace(",", "." if found.group(2) else ""))
    return int(round(number * _MULTIPLIERS[found.group(2).lower()]))


def visible_lines(root: HtmlElement) -> list[tuple[str, HtmlElement]]:
    """Visible text of ``root`` as block-level lines, each with the element that holds it."""
    lines: list[tuple[str, HtmlElement]] = []
    parts: list[str] = []
    holder: list[HtmlElement] = [root]

    def flush() -> None:
        text = " ".join("".join(parts).split())
        if text:
            lines.append((text, holder[0]))
        parts.clear()

    def walk(element: HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIP_TAGS or element.get("hidden") is not None:
            if element.tail:
                parts.append(element.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
            holder[0] = element
        if element.text and tag:
            parts.append(element.text)
        for child in element:
            walk(child)
        if block:
            flush()
            holder[0] = element.getparent() if element.getparent() is not None else element
        if element.tail:
            parts.append(element.tail)

    walk(root)
    flush()
    return lines


def find_by_class(root: HtmlElement, *needles: str) -> list[HtmlElement]:
    """Elements whose class or data-role/data-testid contains one of ``needles``."""
    conditions = " or ".join(
        f"contains(@class,'{n}') or contains(@data-role,'{n}') or contains(@data-testid,'{n}')"
        for n in needles
    )
    return root.xpath(f".//*[{conditions}]")
