"""NewsBreak-like syndicator pages: publisher, relative date, comments, related, tags, stats.

Reads the visible text in page order (markup-independent), helped by markup where it is
unambiguous (``<h1>``, ``<img>``, ``<figcaption>``, links).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from newslake.extract.adapters.base import AdapterResult, parse_count, visible_lines

NAME = "newsbreak"
HOSTS = ("newsbreak.com", "newsbreakapp.com", "particlenews.com")
_COMMENTS = re.compile(
    r"^(?:Comments?\s*(?:/|\(|:)?\s*(\d[\d,.]*[KkMm]?)\)?|(\d[\d,.]*[KkMm]?)\s+Comments?)$", re.I
)
_RELATIVE = re.compile(r"^(?:\d+\s*[a-z]+\s+ago|yesterday|just now|now|today)$", re.I)
_STAT = re.compile(r"(\d[\d.,]*\s*[KkMmBb]?\+?)\s*(Followers?|Posts?|Views?)\b", re.I)
_WRAPPING = re.compile(
    r"^(?:originally (?:published|appeared) (?:by|on|in|at)|read (?:more|the full story) (?:at|on)"
    r"|continue reading (?:at|on))\b",
    re.I,
)
_TAGS = re.compile(r"^(?:#[^#]+){1,}$")
_STOP_LABELS = {"RELATED PEOPLE", "IN THIS ARTICLE", "YOU MAY ALSO LIKE", "ABOUT", "RELATED"}
_CREDIT = re.compile(
    r"\|\s*[^|]{2,80}$|\b(?:photo|getty|reuters|ap photo|afp|shutterstock)\b", re.I
)


def detect(url: str, tree: HtmlElement) -> bool:
    """True for NewsBreak hosts or pages naming NewsBreak as the site."""
    host = re.sub(r"^https?://", "", url).split("/")[0].lower()
    if any(host == h or host.endswith("." + h) for h in HOSTS):
        return True
    names = tree.xpath("//meta[@property='og:site_name' or @name='application-name']/@content")
    return any("newsbreak" in n.lower().replace(" ", "") for n in names)


def _index(lines: list[str], predicate, start: int = 0, stop: int | None = None) -> int | None:
    for i in range(start, len(lines) if stop is None else min(stop, len(lines))):
        if predicate(lines[i]):
            return i
    return None


def _link_for(tree: HtmlElement, text: str, base: str) -> str | None:
    for anchor in tree.iterfind(".//a[@href]"):
        if " ".join(anchor.text_content().split()) == text:
            return urljoin(base, anchor.get("href"))
    return None


def _comments(lines: list[str], start: int, stop: int) -> list[dict]:
    """Comments after "Comments / N": author, "1h ago", text lines, "Reply", likes."""
    found: list[dict] = []
    i = start
    while i + 2 < stop:
        if not _RELATIVE.match(lines[i + 1]):
            i += 1
            continue
        author, when = lines[i], lines[i + 1]
        j = i + 2
        text: list[str] = []
        while (
            j < stop
            and lines[j].lower() != "reply"
            and not (j + 1 < stop and _RELATIVE.match(lines[j + 1]))
        ):
            text.append(lines[j])
            j += 1
        likes = None
        if j < stop and lines[j].lower() == "reply":
            j += 1
            if j < stop and re.fullmatch(r"\d[\d,.]*[KkMm]?\+?", lines[j]):
                likes = parse_count(lines[j])
                j += 1
        found.append(
            {"author": author, "when": when, "text": "\n".join(text) or None, "likes": likes}
        )
        i = j
    return found


def _marked_comments(tree: HtmlElement) -> list[dict]:
    """Comments marked up as items (class "comment" / schema.org Comment), read by class."""
    items = tree.xpath(
        ".//*[contains(concat(' ', normalize-space(@class), ' '), ' comment ')"
        " or contains(@class, 'comment-item') or contains(@itemtype, 'Comment')]"
    )
    found = []
    for item in items:

        def part(*needles: str, node: HtmlElement = item) -> str | None:
            condition = " or ".join(f"contains(@class,'{n}')" for n in needles)
            hits = node.xpath(f".//*[{condition}]")
            return " ".join(hits[0].text_content().split()) if hits else None

        when = item.find(".//time")
        text = [" ".join(p.text_content().split()) for p in item.iterfind(".//p")]
        found.append(
            {
                "author": part("author", "user", "name"),
                "when": " ".join(when.text_content().split())
                if when is not None
                else part("time", "date", "ago"),
                "text": "\n".join(t for t in text if t) or part("text", "body", "content"),
                "likes": parse_count(part("like", "vote")),
            }
        )
    return [c for c in found if c["text"]]


def _related(
    lines: list[str],
    holders: list[HtmlElement],
    start: int,
    stop: int,
    tree: HtmlElement,
    base: str,
) -> list[dict]:
    """Story cards: publisher, title, summary, SECTION (upper-case label)."""
    found: list[dict] = []
    i = start
    while i + 3 < stop:
        label = lines[i + 3]
        is_card = (
            label.isupper()
            and len(label.split()) <= 4
            and label not in _STOP_LABELS
            and len(lines[i + 1].split()) >= 3
            and len(lines[i + 2].split()) >= 6
            and len(lines[i].split()) <= 6
        )
        if not is_card:
            i += 1
            continue
        title = lines[i + 1]
        anchor = (
            next(holders[i + 1].iterancestors("a"), None)
            if holders[i + 1].tag != "a"
            else holders[i + 1]
        )
        url = (
            urljoin(base, anchor.get("href"))
            if anchor is not None and anchor.get("href")
            else _link_for(tree, title, base)
        )
        found.append(
            {
                "publisher": lines[i],
                "title": title,
                "summary": lines[i + 2],
                "section": label,
                "url": url,
            }
        )
        i += 4
    return found


def extract(url: str, tree: HtmlElement) -> AdapterResult:
    """Read every visible field of a NewsBreak-like page."""
    pairs = visible_lines(tree.find(".//body") if tree.find(".//body") is not None else tree)
    lines = [text for text, _ in pairs]
    holders = [element for _, element in pairs]
    result = AdapterResult(name=NAME, fields={"syndicator": NAME})
    h1 = tree.find(".//h1")
    title = " ".join(h1.text_content().split()) if h1 is not None else None
    t = _index(lines, lambda s: s == title) if title else None
    if t is None:
        return result
    comments_at = _index(lines, lambda s: bool(_COMMENTS.match(s)), start=t)
    ends = [
        comments_at,
        _index(lines, lambda s: s.lower().startswith("check out more stories from"), start=t),
        _index(lines, lambda s: s.strip().lower() == "related", start=t),
    ]
    if all(end is None for end in ends):
        return result
    article_end = min(end for end in ends if end is not None)
    result.fields["title"] = title
    if t > 0 and len(lines[t - 1].split()) <= 3 and not _RELATIVE.match(lines[t - 1]):
        result.fields["section"] = lines[t - 1]
    header_end = _index(lines, lambda s: len(s.split()) >= 12, start=t + 1, stop=article_end)
    header_end = article_end if header_end is None else header_end
    header = lines[t + 1 : header_end]
    byline = next((s for s in header if re.match(r"^by\s+\S", s, re.I)), None)
    if byline:
        result.fields["byline"] = byline
    when = next((s for s in header if _RELATIVE.match(s)), None)
    result.relative_date = when
    publishers = [
        s
        for s in header
        if s not in (byline, when) and len(s.split()) <= 6 and not s.startswith("http")
    ]
    caption_element = tree.find(".//figcaption")
    caption = (
        " ".join(caption_element.text_content().split()) if caption_element is not None else None
    )
    if caption is None and header_end < article_end and _CREDIT.search(lines[header_end]):
        caption = lines[header_end]
    body_start = header_end + (
        1 if caption and header_end < len(lines) and lines[header_end] == caption else 0
    )
    body = [
        s
        for s in lines[body_start:article_end]
        if not s.startswith("http") and s != caption and not _WRAPPING.match(s)
    ]
    result.body = "\n".join(body) or None
    for i in range(body_start, article_end):
        if _WRAPPING.match(lines[i]):
            if not lines[i].lower().startswith("originally"):
                result.fields["is_truncated"] = True
            anchors = holders[i].xpath(".//a[@href]") or list(holders[i].iterancestors("a"))
            links = [urljoin(url, a.get("href")) for a in anchors if a.get("href")]
            links = [link for link in links if not any(h in link for h in HOSTS)]
            if links:
                result.fields.setdefault("original_link", links[0])
    result.fields["image_caption"] = caption
    figures = tree.xpath(".//figure//img[@src]")
    image = (
        figures[0]
        if figures
        else next((img for img in tree.iterfind(".//img[@src]") if _follows(img, h1)), None)
    )
    if image is not None:
        result.fields["image_url"] = urljoin(url, image.get("src"))
    more_at = _index(
        lines, lambda s: s.lower().startswith("check out more stories from"), start=article_end
    )
    related_at = _index(lines, lambda s: s.strip().lower() == "related", start=article_end)
    result.comments = _marked_comments(tree)
    if comments_at is not None:
        found = _COMMENTS.match(lines[comments_at])
        result.fields["comment_count"] = parse_count(found.group(1) or found.group(2))
        comments_end = min(x for x in (more_at, related_at, len(lines)) if x is not None)
        if not result.comments:
            result.comments = _comments(lines, comments_at + 1, comments_end)
    publisher = None
    if more_at is not None and more_at + 1 < len(lines):
        publisher = lines[more_at + 1]
    elif publishers:
        publisher = publishers[0]
    result.fields["original_publisher"] = publisher
    text = "\n".join(lines[article_end:])
    for number, kind in _STAT.findall(text.replace("\n", " ")):
        key = {"f": "publisher_followers", "p": "publisher_posts", "v": "publisher_views"}[
            kind[0].lower()
        ]
        result.fields.setdefault(key, parse_count(number))
    about_at = _index(lines, lambda s: s.upper() == "ABOUT", start=article_end)
    if about_at is not None:
        link = _index(lines, lambda s: bool(re.match(r"^https?://\S+$", s)), start=about_at)
        if link is not None:
            result.fields["original_publisher_url"] = lines[link]
    if "original_publisher_url" not in result.fields and publisher:
        href = _link_for(tree, publisher, url)
        if href and "newsbreak" not in href:
            result.fields["original_publisher_url"] = href
    subject_block = _subject_block(lines, article_end)
    if subject_block:
        result.fields["subjects"] = subject_block
    tags = [s for s in lines[article_end:] if _TAGS.match(s)]
    if tags:
        result.fields["tags"] = [t.strip() for t in tags[0].split("#") if t.strip()]
    end = _index(lines, lambda s: s.upper() == "ABOUT", start=related_at or article_end) or len(
        lines
    )
    if related_at is not None:
        result.related = _related(lines, holders, related_at + 1, end, tree, url)
    return result


_SUBJECT_LABELS = ("Person", "People", "Organization", "Organisation", "Company", "Place",
                   "Location", "Topic")


def _subject_block(lines: list[str], start: int) -> list[tuple[str, str]]:
    """``(label, name)`` pairs of the "RELATED PEOPLE" block ("Person" / "Jens Stoltenberg")."""
    at = _index(lines, lambda s: s.strip().upper() == "RELATED PEOPLE", start=start)
    found: list[tuple[str, str]] = []
    if at is None:
        return found
    i = at + 1
    while i + 1 < len(lines) and lines[i].strip() in _SUBJECT_LABELS:
        found.append((lines[i].strip(), lines[i + 1].strip()))
        i += 2
    return found


def _follows(element: HtmlElement, anchor: HtmlElement) -> bool:
    """True when ``element`` comes after ``anchor`` in document order."""
    for following in anchor.itersiblings():
        if following is element or element in following.iterdescendants():
            return True
    parent = anchor.getparent()
    return parent is not None and _follows(element, parent) if parent is not None else False
