"""Choosing the original of a story: explicit signals first, then dates.

Order of evidence, strongest first:

1. ``claimed``: another member names this page as its original (cross-domain rel=canonical,
   JSON-LD ``isBasedOn``, an "Originally published on" / "Read more at" link). Extraction puts
   that URL in ``original_url`` and the kind in ``original_signal``.
2. ``publisher``: another member credits this page's publisher (JSON-LD
   ``sourceOrganization``/provider, "Provided by", a source credit: ``original_publisher`` /
   ``original_publisher_url``).
3. ``syndicator``: pages of syndicator sites (sources.yaml) or flagged by extraction, and
   pages that name another page as their original, rank below the others.
4. earliest ``published_at``, then earliest ``fetched_at``, then the URL (deterministic).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from newslake.dedup.urls import canonicalize_url

_FAR = datetime.max.replace(tzinfo=None)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go"})
SIGNALS = ("claimed", "publisher", "syndicator", "published_at", "fetched_at", "url")


def _norm(name: str | None) -> str:
    return re.sub(r"[^0-9a-z]", "", (name or "").casefold())


def _host(url: str | None) -> str:
    host = (urlsplit(url or "").hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def site_label(site: str | None) -> str:
    """The name part of a host: ``deccanherald`` for ``www.deccanherald.com``, ``bbc`` for
    ``news.bbc.co.uk``."""
    labels = [p for p in (site or "").lower().split(".") if p]
    if len(labels) > 1:
        labels = labels[:-1]
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    return _norm(labels[-1]) if labels else ""


def _url_keys(url: str | None) -> set[str]:
    if not url:
        return set()
    canonical = canonicalize_url(url)
    parts = urlsplit(canonical)
    return {canonical, f"{parts.hostname}{parts.path}"}


def _naive(value: Any) -> datetime:
    if value is None:
        return _FAR
    return value.replace(tzinfo=None) if isinstance(value, datetime) else _FAR


def _site(member: dict[str, Any]) -> str:
    return member.get("site") or _host(member.get("url"))


def _names(member: dict[str, Any]) -> set[str]:
    names = {site_label(_site(member)), _norm(member.get("site_name"))}
    return {n for n in names if len(n) >= 3}


def claims_other(member: dict[str, Any]) -> bool:
    """Whether the page names a page on another site as its original."""
    claim = member.get("original_url")
    return bool(claim) and _host(claim) != _site(member)


def choose_original(
    members: Sequence[dict[str, Any]], syndicator_sites: frozenset[str] = frozenset()
) -> tuple[int, str]:
    """Index of the original among ``members`` (article rows as dicts) and the deciding signal.

    ``members`` carry ``url, canonical_url, site, site_name, published_at, fetched_at,
    original_url, original_signal, original_publisher, original_publisher_url, syndicator``.
    The signal is the first criterion that separates the original from the runner-up
    (``single`` for a one-page story; for ``claimed`` the claim's own kind when known).
    """
    if len(members) == 1:
        return 0, "single"
    claims = [(_url_keys(m.get("original_url")) if claims_other(m) else set()) for m in members]
    credited = [
        (_norm(m.get("original_publisher")), _host(m.get("original_publisher_url")))
        for m in members
    ]
    keys = []
    for i, m in enumerate(members):
        mine = _url_keys(m.get("canonical_url") or m.get("url"))
        claimers = [j for j in range(len(members)) if j != i and claims[j] & mine]
        site, names = _site(m), _names(m)
        named = any(
            j != i and _site(members[j]) != site and ((name and name in names) or host == site)
            for j, (name, host) in enumerate(credited)
        )
        copy = bool(m.get("syndicator")) or site in syndicator_sites or claims_other(m)
        keys.append((
            0 if claimers else 1,
            0 if named else 1,
            1 if copy else 0,
            _naive(m.get("published_at")),
            _naive(m.get("fetched_at")),
            m.get("canonical_url") or m.get("url") or "",
        ))
    order = sorted(range(len(members)), key=keys.__getitem__)
    best, runner = order[0], order[1]
    position = next((k for k in range(len(SIGNALS)) if keys[best][k] != keys[runner][k]), 5)
    signal = SIGNALS[position]
    if position == 0:
        best_keys = _url_keys(members[best].get("canonical_url") or members[best].get("url"))
        claimer = next(j for j in range(len(members)) if j != best and claims[j] & best_keys)
        signal = members[claimer].get("original_signal") or "canonical"
    return best, signal
