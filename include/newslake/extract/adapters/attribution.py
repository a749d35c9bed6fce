"""Aggregator pages (Yahoo/MSN-like) that credit the original: "Originally published on X"."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from newslake.extract.adapters.base import AdapterResult, visible_lines

NAME = "attribution"
HOSTS = ("yahoo.com", "msn.com", "aol.com", "flipboard.com")
ATTRIBUTION = re.compile(
    r"^(?:this (?:article|story|post) )?(?:was )?(?:originally|first) (?:published|appeared|posted)"
    r"(?: on| in| at| by)?\s+(?P<name>[^.,;:]{2,80}?)(?:\s+on\s+\S.*)?\.?$"
    r"|^read (?:the|more at the) original (?:article|story) (?:on|at)\s+"
    r"(?P<name2>[^.,;]{2,80}?)\.?$"
    r"|^(?:provided|brought to you|reprinted with permission) by\s+(?P<name3>[^.,;]{2,80}?)\.?$"
    r"|^(?:source|via|from):\s+(?P<name4>[^.,;]{2,60}?)\.?$",
    re.I,
)


def _match(line: str) -> str | None:
    found = ATTRIBUTION.match(line)
    if not found:
        return None
    return next(g for g in found.group("name", "name2", "name3", "name4") if g).strip()


def detect(url: str, tree: HtmlElement) -> bool:
    """True for aggregator hosts (pages elsewhere are checked by ``credited_in``)."""
    host = re.sub(r"^https?://", "", url).split("/")[0].lower()
    return any(host == h or host.endswith("." + h) for h in HOSTS)


def credited_in(lines: list[str]) -> bool:
    """True when one of the (body) lines is an attribution naming the original publisher."""
    return any(len(line) < 200 and _match(line) for line in lines)


def extract(url: str, tree: HtmlElement) -> AdapterResult:
    """The credited publisher and its link; the attribution line is not part of the body."""
    result = AdapterResult(name=NAME, fields={"syndicator": NAME})
    for text, holder in visible_lines(tree):
        if len(text) >= 200:
            continue
        name = _match(text)
        if not name:
            continue
        result.fields["original_publisher"] = name
        anchors = holder.xpath(".//a[@href]") or list(holder.iterancestors("a"))
        href = next((a.get("href") for a in anchors if a.get("href")), None)
        if href:
            result.fields["original_publisher_url"] = urljoin(url, href)
        result.fields["drop_lines"] = [text]
        break
    return result
