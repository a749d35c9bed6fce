"""Pages that credit another publisher: "Originally published on X", "Source: X",
"Continue reading at X" (Yahoo/MSN-like portals and news digests)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from newslake.extract.adapters.base import AdapterResult, visible_lines

NAME = "attribution"
HOSTS = ("yahoo.com", "msn.com", "aol.com", "flipboard.com")
_NAME = r"(?P<{}>[^.,;:|]{{2,80}}?)"
# A credit line: the publisher's name and, for some forms, a link to the original story.
ATTRIBUTION = re.compile(
    r"^(?:this (?:article|story|post) )?(?:was )?(?:originally|first) (?:published|appeared|posted)"
    r"(?: on| in| at| by)?\s+" + _NAME.format("a") + r"(?:\s+on\s+\S.*)?\.?$"
    r"|^read (?:the (?:original|full) (?:article|story)|more) (?:on|at)\s+"
    + _NAME.format("b")
    + r"\.?$"
    r"|^continue reading (?:on|at)\s+" + _NAME.format("c") + r"\.?$"
    r"|^(?:provided|brought to you|reprinted with permission) by\s+" + _NAME.format("d") + r"\.?$"
    r"|^(?:source|via|credit):\s+" + _NAME.format("e") + r"\.?$",
    re.I,
)
# Cheap test on the raw HTML before the page's lines are read (the credit classes are
# looked up in the tree: one regular expression for both is several times slower). The
# lookahead on the phrases' first letters lets most ">" fail before the alternation is tried.
_CREDIT_TEXT = re.compile(
    r">\s*(?=[cfoprstw])"
    r"(?:(?:this (?:article|story) )?(?:was )?(?:originally|first) (?:published|appeared)|"
    r"read (?:the original|the full|more) (?:article |story )?(?:on|at)|continue reading (?:on|at)|"
    r"provided by|source:|credit:)",
    re.I,
)
_CREDIT_CLASSES = ("provider-name", "wire-credit", "source-credit")
# Class attributes, then their elements: quicker than testing every element's class.
_MARKED_CREDIT = etree.XPath(
    "//@class[" + " or ".join(f"contains(.,'{c}')" for c in _CREDIT_CLASSES) + "]/.."
)
_PARTNER_LINK = etree.XPath(
    "//*[contains(@class,'partnerlogo') or contains(@class,'provider-logo')]//a[@href]/@href"
)
# A wire dateline: "BEIJING (Washington Examiner) — ..." or "(Reuters) - ..."
DATELINE = re.compile(r"^(?:[A-Z][A-Z .,'/-]{1,40})?\s*\(([^()]{2,40})\)\s*[—–-]\s")


_CUT = re.compile(r"^(?:read (?:the full|more)|continue reading)\b", re.I)


def _match(line: str) -> str | None:
    found = ATTRIBUTION.match(line)
    if not found:
        return None
    return next(g for g in found.group("a", "b", "c", "d", "e") if g).strip()


def credit_hint(html: str, tree: HtmlElement) -> bool:
    """True when the page may credit another publisher: a credit phrase opening an element's
    text, or an element whose class names a provider, wire or source credit (looked for in
    the tree only when the markup holds one of those class names)."""
    if _CREDIT_TEXT.search(html):
        return True
    return any(c in html for c in _CREDIT_CLASSES) and bool(_MARKED_CREDIT(tree))


def detect(url: str, tree: HtmlElement) -> bool:
    """True for aggregator hosts (pages elsewhere are checked with ``CREDIT_HINT``)."""
    host = re.sub(r"^https?://", "", url).split("/")[0].lower()
    return any(host == h or host.endswith("." + h) for h in HOSTS)


def credited_in(lines: list[str]) -> bool:
    """True when one of the (body) lines is an attribution naming the original publisher."""
    return any(len(line) < 200 and _match(line) for line in lines)


def extract(url: str, tree: HtmlElement) -> AdapterResult:
    """The credited publisher, its site and the linked original; credit lines leave the body."""
    result = AdapterResult(name=NAME, fields={"syndicator": NAME})
    host = urlsplit(url).hostname or ""
    drop: list[str] = []
    for text, holder in visible_lines(tree):
        if len(text) >= 200:
            continue
        name = _match(text)
        if not name or _in_caption(holder):
            continue
        drop.append(text)
        result.fields.setdefault("original_publisher", name)
        if _CUT.match(text):
            result.fields["is_truncated"] = True
        anchors = holder.xpath(".//a[@href]") or list(holder.iterancestors("a"))
        links = [urljoin(url, a.get("href")) for a in anchors]
        links = [link for link in links if (urlsplit(link).hostname or "") not in ("", host)]
        if links and "original_link" not in result.fields:
            parts = urlsplit(links[0])
            result.fields["original_link"] = links[0]
            result.fields["original_publisher_url"] = f"{parts.scheme}://{parts.netloc}"
    _marked_credit(url, tree, result)
    if "original_publisher" not in result.fields:
        return AdapterResult(name=NAME)
    if _names_own_site(result.fields["original_publisher"], host):
        del result.fields["syndicator"]  # "Originally published on <this site>": not a copy
    result.fields["drop_lines"] = drop
    return result


def _in_caption(element: HtmlElement) -> bool:
    """True inside a figure or caption: "Credit: Jane Doe" there credits a photograph."""
    for node in (element, *element.iterancestors()):
        if node.tag in ("figure", "figcaption") or _CAPTION_CLASS.search(node.get("class") or ""):
            return True
    return False


_CAPTION_CLASS = re.compile(r"caption|photo|image|media-credit|img", re.I)


def _marked_credit(url: str, tree: HtmlElement, result: AdapterResult) -> None:
    """A provider or wire credit marked up by class, and a partner logo's link."""
    for element in _MARKED_CREDIT(tree):
        text = " ".join(element.text_content().split())
        name = _match(text) or (text if 0 < len(text.split()) <= 6 else None)
        if name:
            result.fields.setdefault("original_publisher", name)
            break
    if "original_publisher" in result.fields and "original_publisher_url" not in result.fields:
        host = urlsplit(url).hostname or ""
        for href in _PARTNER_LINK(tree):
            parts = urlsplit(urljoin(url, href))
            if parts.hostname and parts.hostname != host:
                result.fields["original_publisher_url"] = f"{parts.scheme}://{parts.netloc}"
                break


def _names_own_site(name: str, host: str) -> bool:
    credited = re.sub(r"\W", "", name.lower())
    labels = [re.sub(r"\W", "", label) for label in host.lower().split(".")]
    return bool(credited) and any(len(label) > 3 and label == credited for label in labels)


def dateline_credit(first_line: str) -> str | None:
    """The agency or publisher named in a wire dateline at the start of the body."""
    found = DATELINE.match(first_line)
    return found.group(1).strip() if found else None
