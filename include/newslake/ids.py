"""Stable identifiers derived from content, so re-running a day reproduces them."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from newslake.dedup.urls import canonicalize_url


def registered_site(url: str) -> str:
    """The site of ``url``: its host, lower-case, without ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def article_identity(url: str, rel_canonical: str | None = None) -> tuple[str, str]:
    """Return ``(canonical_url, article_id)`` of a fetched page.

    A rel=canonical on the same site names the page; one on another site (a syndicated
    copy pointing at its original) does not, since every fetched copy is its own article.
    """
    chosen = url
    if rel_canonical and registered_site(rel_canonical) == registered_site(url):
        chosen = rel_canonical
    canonical = canonicalize_url(chosen)
    return canonical, hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]
