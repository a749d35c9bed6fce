"""Dates: parsing absolute and relative forms, the URL pattern, and sanity bounds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)  # before news sites dated pages
FUTURE_SLACK = timedelta(days=1)

_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "wk": 604800,
    "week": 604800,
    "weeks": 604800,
    "mo": 2592000,
    "month": 2592000,
    "months": 2592000,
    "y": 31536000,
    "yr": 31536000,
    "year": 31536000,
    "years": 31536000,
}
_RELATIVE = re.compile(
    r"^\s*(?:(?:posted|updated|published)\s+)?(an?|one|\d{1,4})\s*"
    r"(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|hr|h|days?|d|weeks?|wks?|w|months?|mo|"
    r"years?|yrs?|y)\s+ago\s*$",
    re.I,
)
_RELATIVE_WORDS = {
    "just now": timedelta(0),
    "now": timedelta(0),
    "moments ago": timedelta(0),
    "a moment ago": timedelta(0),
    "today": timedelta(0),
    "yesterday": timedelta(days=1),
}
# A day ends at "/", the end, or (written with two digits) a "-" or "_" before a slug:
# "/2023/10/3-questions" is a month and a slug, not October 3rd.
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-]"
    r"((?:0[1-9]|[12]\d|3[01])(?=[-_/.?#]|$)|[1-9](?=[/.?#]|$))"
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])(?=/|$)")
_URL_DATE_COMPACT = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_relative(text: str, fetched_at: datetime) -> datetime | None:
    """Resolve "1 day ago", "3h ago", "yesterday", "just now" against ``fetched_at``."""
    cleaned = " ".join(text.strip().lower().split()).rstrip(".")
    if cleaned in _RELATIVE_WORDS:
        return fetched_at - _RELATIVE_WORDS[cleaned]
    found = _RELATIVE.match(cleaned)
    if not found:
        return None
    amount = found.group(1)
    count = 1 if amount in ("a", "an", "one") else int(amount)
    return fetched_at - timedelta(seconds=count * _UNITS[found.group(2)])


def parse_absolute(value: str | None, keep_zone: bool = False) -> datetime | None:
    """Parse an ISO-8601-like date or datetime; naive values are taken as UTC.

    The result is in UTC, or in its own time zone with ``keep_zone``.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    text = re.sub(r"\.(\d{6})\d+", r".\1", text)
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        parsed = _parse_loose(text)
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        in_utc = parsed.astimezone(UTC)  # year 1 or 9999 with an offset leaves the range
    except (OverflowError, ValueError):
        return None
    return parsed if keep_zone else in_utc


def _parse_loose(text: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    found = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if found:
        try:
            return datetime(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return None
    return None


def date_from_url(url: str) -> datetime | None:
    """The publication day encoded in a URL path (``/2019/11/18/``), else None."""
    for pattern in (_URL_DATE, _URL_DATE_COMPACT):
        found = pattern.search(url)
        if found:
            try:
                return datetime(int(found[1]), int(found[2]), int(found[3]), tzinfo=UTC)
            except ValueError:
                continue
    return None


def month_from_url(url: str) -> tuple[int, int] | None:
    """The year and month of a URL path written ``/2019/06/`` (or with a day), else None."""
    path = url.split("?", 1)[0]
    day = date_from_url(path)
    if day is not None:
        return day.year, day.month
    found = _URL_MONTH.search(path)
    return (int(found[1]), int(found[2])) if found else None


def plausible(value: datetime | None, fetched_at: datetime) -> bool:
    """True when ``value`` is after 1995 and not later than one day after the fetch."""
    return value is not None and EARLIEST <= value <= fetched_at + FUTURE_SLACK


def iso_day(value: str) -> datetime | None:
    """A ``YYYY-MM-DD`` string as a UTC midnight datetime."""
    found = _ISO_DAY.match(value or "")
    if not found:
        return None
    try:
        return datetime(int(found[1]), int(found[2]), int(found[3]), tzinfo=UTC)
    except ValueError:
        return None


# Month names (full and common short forms) in the languages of the sites we crawl most.
_MONTH_NAMES = (
    "january jan januar janvier enero gennaio januari janeiro",
    "february feb februar février fevrier febrero febbraio februari fevereiro",
    "march mar märz maerz mars marzo maart março",
    "april apr avril abril aprile",
    "may mai mayo maggio mei maio",
    "june jun juni juin junio giugno junho",
    "july jul juli juillet julio luglio julho",
    "august aug août aout agosto augustus",
    "september sep sept septembre septiembre settembre setembro",
    "october oct oktober octobre octubre ottobre okt outubro",
    "november nov novembre noviembre novembro",
    "december dec dezember décembre decembre diciembre dicembre dez dezembro",
)


def day_in_month(text: str, year: int, month: int) -> datetime | None:
    """The first day of ``year``-``month`` written in ``text``, in any common form.

    "3. Dezember 2011", "December 20, 2025", "20 Dec 2025", "2025-12-20", "20.12.2025": used
    with the year and month of a URL, where the month makes the day unambiguous.
    """
    names = "|".join(re.escape(n) for n in _MONTH_NAMES[month - 1].split())
    day = r"(?P<day>[12]\d|3[01]|0?[1-9])"
    forms = (
        rf"\b{day}(?:st|nd|rd|th|\.|º)?\s+(?:de\s+)?(?:{names})\.?,?\s+(?:de\s+)?{year}\b",
        rf"\b(?:{names})\.?\s+{day}(?:st|nd|rd|th)?,?\s+{year}\b",
        rf"\b{year}-{month:02d}-{day}\b",
        rf"\b{day}\.\s?0?{month}\.\s?{year}\b",
    )
    found = [m for form in forms for m in re.finditer(form, text, re.I)]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    try:
        return datetime(year, month, int(first["day"]), tzinfo=UTC)
    except ValueError:
        return None


_MONTH_NUMBER = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()
}
_ANY_MONTH = "|".join(sorted((re.escape(n) for n in _MONTH_NUMBER), key=len, reverse=True))
_WRITTEN_DAY = re.compile(
    rf"\b(?P<d1>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|\.|º)?\s+(?:de\s+)?(?P<m1>{_ANY_MONTH})\.?,?"
    rf"\s+(?:de\s+)?(?P<y1>(?:19|20)\d{{2}})\b"
    rf"|\b(?P<m2>{_ANY_MONTH})\.?\s+(?P<d2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?,?\s+"
    rf"(?P<y2>(?:19|20)\d{{2}})\b"
    r"|\b(?P<y3>(?:19|20)\d{2})-(?P<m3>0[1-9]|1[0-2])-(?P<d3>[12]\d|3[01]|0[1-9])(?!\d)"
    r"|\b(?P<d4>[12]\d|3[01]|0?[1-9])\.\s?(?P<m4>0?[1-9]|1[0-2])\.\s?(?P<y4>(?:19|20)\d{2})\b",
    re.I,
)


def first_written_day(text: str) -> datetime | None:
    """The first unambiguous calendar day written in ``text``: "3. Dezember 2011",
    "December 20, 2025", "20 Dec 2025", "2025-12-20", "20.12.2025" (US "12/20/2025" is
    ambiguous and left out)."""
    for found in _WRITTEN_DAY.finditer(text):
        n = next(i for i in "1234" if found[f"y{i}"])
        month = found[f"m{n}"]
        number = int(month) if month.isdigit() else _MONTH_NUMBER.get(month.lower().rstrip("."))
        if number is None:
            continue
        try:
            return datetime(int(found[f"y{n}"]), number, int(found[f"d{n}"]), tzinfo=UTC)
        except ValueError:
            continue
    return None
