"""The publication date of a page: candidates by trust, the page's own day, a confidence.

Candidates, most trusted first: JSON-LD ``datePublished``, publication meta tags, an
``itemprop="datePublished"`` element (these three are *declared*), then the day the page
shows with its headline (written in an element beside the ``<h1>``, or after a "Published:" /
"Datum:" label; not "Updated", not in comments, related stories or sidebars), the first
``<time datetime>`` when the same day is written in it or beside it, htmldate's
original-date search over the markup, the day in the URL, the feed's date, a relative date
("3 hours ago"), the first ``<time>`` element, a day of the URL's month (``/2011/12/``)
written in the visible text, and last htmldate's free-text search.

Declared dates more than a day apart: the one the URL, htmldate's markup search and the
``<time>`` elements support most wins, the more trusted source on a tie.

Checks on every candidate: not before 1995, not after the fetch (a day of slack), and not
contradicting the year and month in the URL (``/2019/06/``), which is fixed when a page is
first published. A declared date more than a day after the URL's day is an update: the URL
day is the publication day. A declared instant in UTC is moved to the site's own time zone
when the page shows one (another date on it with an offset), or, one day off, to the day the
URL or the visible markup gives: ``published_date`` is the page's own calendar day.

Confidence: ``high`` when a declared date is confirmed by an independent source on the same
day (the URL, another declared source, a ``<time>`` element); ``medium`` for a
single declared date, the URL day, a feed date, a day written in the URL's month, the day
shown with the headline in the URL's month or on a ``<time>`` element, a ``<time>`` its
visible text confirms, or htmldate's markup
search confirmed by the URL; ``low`` for everything else (free text,
relative dates, a lone ``<time>``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from newslake.extract.dates import (
    date_from_url,
    first_written_day,
    month_from_url,
    parse_absolute,
    parse_relative,
    plausible,
)

DECLARED = ("jsonld", "meta", "itemprop")
"""Sources where the page states its publication date in markup meant for machines."""


@dataclass(frozen=True)
class DateChoice:
    """The chosen publication date, where it came from and how far to trust it."""

    published_at: datetime | None = None
    published_date: date | None = None
    source: str | None = None  # jsonld | meta | page | url | feed | relative
    confidence: str | None = None  # high | medium | low
    updated_at: datetime | None = None
    dropped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """A parsed date: its source (finer than ``date_source``) and the value in its own zone."""

    source: str
    local: datetime
    day_only: bool = False  # a day without a time of day: never moved to another zone


def _parse(source: str, value: Any, fetched_at: datetime) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if source == "relative":
        return parse_relative(value, fetched_at)
    return parse_absolute(value, keep_zone=True)


def _is_utc(value: datetime) -> bool:
    return value.utcoffset() == timedelta(0)


def site_zone(values: list[str]) -> timezone | None:
    """The most common non-UTC offset among the page's datetimes: the site's own zone."""
    offsets: Counter[timedelta] = Counter()
    for value in values:
        parsed = parse_absolute(value, keep_zone=True)
        offset = parsed.utcoffset() if parsed is not None else None
        if offset and "T" in value:
            offsets[offset] += 1
    if not offsets:
        return None
    return timezone(offsets.most_common(1)[0][0])


class DateChooser:
    """Evaluates candidates lazily, checks them, and picks the publication date."""

    def __init__(
        self,
        url: str,
        fetched_at: datetime,
        zone_values: list[str],
        modified: list[Any] | None = None,
    ) -> None:
        self.fetched_at = fetched_at
        self.url_day = date_from_url(url)
        self.url_month = month_from_url(url)
        self.zone_values = zone_values
        self.modified = modified or []
        self.dropped: list[str] = []

    def check(self, source: str, value: Any, note: bool = True) -> Candidate | None:
        """The candidate when ``value`` parses and passes the checks, else None (noted in
        ``dropped`` with ``note``)."""
        if callable(value):
            value = value()
        if value is None or value == "":
            return None
        local = _parse(source, value, self.fetched_at)
        if local is None:
            return None
        try:
            instant = local.astimezone(UTC)
        except (OverflowError, ValueError):
            return None
        if not plausible(instant, self.fetched_at):
            if note:
                self.dropped.append(f"{source}={instant.isoformat()}")
            return None
        if self.url_month and abs(_months(local.date(), self.url_month)) > 1:
            if note:
                self.dropped.append(f"{source}={instant.isoformat()} (URL: {self.url_month})")
            return None
        day_only = source in ("url", "monthday", "shown", "timeshown") or (
            isinstance(value, str) and len(value.strip()) <= 10
        )
        return Candidate(source, local, day_only)

    def local_day(self, chosen: Candidate, shown: Callable[[], list[date]]) -> date:
        """The page's own calendar day of a chosen instant (see the module docstring);
        ``shown`` gives the days the URL and the visible markup give. Besides the URL's, a day
        the page declares as its modification day is no evidence: the markup search takes
        modification dates too."""
        local = chosen.local
        if chosen.day_only or not _is_utc(local):
            return local.date()
        zone = site_zone(self.zone_values)
        if zone is not None:
            return local.astimezone(zone).date()
        day = local.date()
        url_day = [self.url_day.date()] if self.url_day else []
        for other in url_day + not_updates(shown(), self.modified):
            shift = (other - day).days
            if shift == 1 and local.hour >= 10 or shift == -1 and local.hour < 12:
                return other
        return day


def _months(day: date, month: tuple[int, int]) -> int:
    return (day.year - month[0]) * 12 + day.month - month[1]


def choose_published(
    chooser: DateChooser,
    candidates: list[tuple[str, Any]],
    shown: Callable[[], list[date]],
    confirm: Callable[[], list[date]],
) -> DateChoice:
    """The first candidate that passes the checks, reconciled with the URL day, and its
    confidence. ``shown`` gives the days of the URL and of htmldate's markup search,
    ``confirm`` every ``<time>`` element's; both are evaluated only when needed.
    """
    chosen = None
    rest: list[tuple[str, Any]] = []
    for n, (source, value) in enumerate(candidates):
        chosen = chooser.check(source, value)
        if chosen is not None:
            rest = candidates[n + 1 :]
            break
    url_day = chooser.url_day
    if chosen is None:
        return DateChoice(dropped=chooser.dropped)
    if chosen.source in DECLARED:
        chosen = _best_declared(chosen, rest, chooser, lambda: shown() + confirm())
    day = chooser.local_day(chosen, shown)
    instant = chosen.local.astimezone(UTC)
    republished = None
    if url_day is not None and chosen.source != "url":
        lag = (day - url_day.date()).days
        if lag > 1:  # a later declared date is an update; the URL keeps the first day
            republished, instant, day = instant, url_day, url_day.date()
            chosen = Candidate("url", url_day, day_only=True)
    confidence = _confidence(chosen, day, rest, chooser, confirm)
    return DateChoice(
        instant, day, _column(chosen.source), confidence, republished, chooser.dropped
    )


def _best_declared(
    chosen: Candidate,
    rest: list[tuple[str, Any]],
    chooser: DateChooser,
    evidence: Callable[[], list[date]],
) -> Candidate:
    """Of declared dates more than a day apart, the one the page's other dates support most.

    A CMS can declare an old creation date in JSON-LD and the publication date in a meta tag
    (or the reverse): the URL day, htmldate's markup search and the ``<time>`` elements are
    counted for each, and the more trusted source wins a tie.
    """
    declared = [chosen] + [
        c
        for c in (chooser.check(s, v, note=False) for s, v in rest if s in DECLARED)
        if c is not None
    ]
    if all(abs((c.local.date() - chosen.local.date()).days) <= 1 for c in declared):
        return chosen
    days = evidence()

    def support(candidate: Candidate) -> int:
        return sum(abs((d - candidate.local.date()).days) <= 1 for d in days)

    return max(declared, key=support)  # the first (most trusted) of equals


def _column(source: str) -> str:
    """The ``date_source`` value of a candidate source."""
    if source in ("itemprop", "htmldate", "time", "timeshown", "shown", "monthday", "text"):
        return "page"
    return source


def _confidence(
    chosen: Candidate,
    day: date,
    rest: list[tuple[str, Any]],
    chooser: DateChooser,
    confirm: Callable[[], list[date]],
) -> str:
    url_day = chooser.url_day.date() if chooser.url_day else None
    if chosen.source in DECLARED:
        if url_day == day:
            return "high"
        others = [chooser.check(s, v, note=False) for s, v in rest if s in DECLARED]
        if any(c is not None and abs((c.local.date() - day).days) <= 1 for c in others):
            return "high"
        if any(abs((d - day).days) <= 1 for d in confirm()):
            return "high"
        return "medium"
    if chosen.source == "url":
        return "high" if day in confirm() else "medium"
    if chosen.source == "feed":
        return "medium"
    if chosen.source in ("monthday", "timeshown"):
        return "medium"  # a day written on the page, in the URL's month or on its <time>
    if chosen.source == "shown" and (
        chooser.url_month == (day.year, day.month)
        or any(abs((d - day).days) <= 1 for d in confirm())
    ):
        return "medium"  # the day shown with the headline, confirmed by the URL or a <time>
    if chosen.source == "htmldate" and (
        url_day == day or (chooser.url_month == (day.year, day.month))
    ):
        return "medium"
    return "low"


# The itemprop attributes, then their elements: quicker than testing every element.
_MARKUP_DATES = etree.XPath(
    "//@itemprop[.='datePublished' or .='dateCreated' or .='dateModified']/.."
)


@dataclass(frozen=True)
class MarkupDates:
    """Dates in the page's markup: ``itemprop`` published/modified, and ``<time datetime>``s."""

    published: str | None
    modified: str | None
    times: list[str]


def markup_dates(tree: HtmlElement) -> MarkupDates:
    """The ``itemprop`` dates and every ``<time datetime>`` value, in page order."""
    published = modified = None
    for element in _MARKUP_DATES(tree):
        value = element.get("content") or element.get("datetime")
        if element.get("itemprop") == "dateModified":
            modified = modified or value
        else:
            published = published or value or " ".join(element.text_content().split())[:40]
    times = [t.get("datetime", "").strip() for t in tree.iterfind(".//time[@datetime]")]
    return MarkupDates(published, modified, [t for t in times if t[:4].isdigit()][:50])


def days_of(values: list[str]) -> list[date]:
    """The local days of date strings that parse."""
    days = []
    for value in values:
        parsed = parse_absolute(value, keep_zone=True)
        if parsed is not None:
            days.append(parsed.date())
    return days


def not_updates(days: list[date], modified: list[Any]) -> list[date]:
    """``days`` without the days of the ``modified`` date strings."""
    updated = set(days_of([value for value in modified if isinstance(value, str)]))
    return [day for day in days if day not in updated]


_DATE_LABEL = re.compile(
    r"^\s*(?:datum|date|published(?:\s+on)?|posted(?:\s+on)?|publication\s+date|"
    r"ver[öo]ffentlicht(?:\s+am)?|erschienen(?:\s+am)?|publi[ée](?:\s+le)?|publicado(?:\s+el)?|"
    r"pubblicato(?:\s+il)?|gepubliceerd(?:\s+op)?)\s*:?\s",
    re.I,
)
_UPDATE_WORDS = re.compile(r"\b(?:updated?|aktualisiert|mis\s+à\s+jour|actualizado)\b", re.I)
_NOT_HEADER = re.compile(
    r"(?:^|\s)(?:[\w-]*comment[\w-]*|(?:related|sidebar|teaser|recommend|footer)[\w-]*)(?=\s|$)",
    re.I,
)
_HEADER_TAGS = ("p", "span", "div", "time", "small", "li", "dd", "h5", "h6", "strong")


def _short_text(element: HtmlElement, limit: int) -> str:
    """The element's text when it is at most ``limit`` characters, else "" (read no further)."""
    parts, size = [], 0
    for piece in element.itertext():
        size += len(piece.strip())
        if size > limit:
            return ""
        parts.append(piece)
    return " ".join(" ".join(parts).split())


def _outside_comments(element: HtmlElement) -> bool:
    """False inside comments, related stories, sidebars, footers, ``<aside>`` and ``<nav>``."""
    for node in (element, *element.iterancestors()):
        if node.tag in ("aside", "nav", "footer") or _NOT_HEADER.search(
            f"{node.get('class', '')} {node.get('id', '')}"
        ):
            return False
    return True


def header_day(tree: HtmlElement) -> datetime | None:
    """The day the page shows with its headline: a date written in an element beside the
    first ``<h1>`` (its siblings, or its ancestors' siblings, up to three levels), else after
    a "Published:" / "Datum:" / "Veröffentlicht am" label; "Updated" dates do not count."""
    heading = tree.find(".//h1")
    if heading is not None:
        node = heading
        for _level in range(3):
            parent = node.getparent()
            if parent is None:
                break
            siblings = [c for c in parent if isinstance(c.tag, str)]
            at = siblings.index(node)
            for sibling in siblings[max(0, at - 2) : at] + siblings[at + 1 : at + 4]:
                text = _short_text(sibling, 200)
                if not text or _UPDATE_WORDS.search(text) or not _outside_comments(sibling):
                    continue
                day = first_written_day(text)
                if day is not None:
                    return day
            node = parent
    for element in tree.iter(*_HEADER_TAGS):
        text = _short_text(element, 120)
        if text and _DATE_LABEL.match(text) and _outside_comments(element):
            day = first_written_day(text)
            if day is not None:
                return day
    return None


def time_shown(tree: HtmlElement) -> str | None:
    """The ``datetime`` of the page's first ``<time>`` when its visible text agrees with it.

    The day of the ``datetime`` value must be written in the element or in its parent's or
    grandparent's short text ("<strong>4 May 2022</strong> <time datetime=...>07:59</time>"),
    outside comments, related stories and sidebars, and not as an "Updated" date: the value
    meant for machines and the date shown to readers then confirm each other.
    """
    element = tree.find(".//time")
    if element is None or not _outside_comments(element):
        return None
    value = (element.get("datetime") or "").strip()
    parsed = parse_absolute(value, keep_zone=True)
    if parsed is None:
        return None
    texts, node = [], element
    for _level in range(3):
        text = _short_text(node, 200)
        if text:
            texts.append(text)
        elif node is not element:  # past the size of a date line
            break
        node = node.getparent()
        if node is None:
            break
    if any(_UPDATE_WORDS.search(text) for text in texts):
        return None
    for text in texts:
        written = first_written_day(text)
        if written is not None:
            return value if written.date() == parsed.date() else None
    return None
