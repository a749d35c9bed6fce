"""Extraction hints of a page: what its source and feed entry say about it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from newslake.extract.types import Hints


def hints_factory(
    config: Any,
    candidates: Mapping[str, Mapping[str, Any]],
    page_types: frozenset[str] | None = frozenset({"article"}),
) -> Callable[[Any], Hints]:
    """A function giving the extraction hints of a page from its source (of the
    ``SourcesConfig`` ``config``, or none) and its feed entry (``candidates`` by URL).

    A page of a configured source accepts that source's ``page_types``; any other page
    accepts ``page_types`` (None: every page type).
    """
    by_id = {s.id: s for s in config.sources} if config is not None else {}

    def hints_for(page: Any) -> Hints:
        entry = candidates.get(page.url, {})
        source = by_id.get(entry.get("source_id") or page.source_id or "")
        return Hints(
            source_id=entry.get("source_id") or page.source_id,
            site=source.site if source else None,
            language=source.language if source else None,
            syndicator=source.syndicator if source else None,
            feed_title=entry.get("feed_title"),
            feed_published_at=_parse_dt(entry.get("feed_published_at")),
            feed_authors=list(entry.get("feed_authors") or []),
            accepted_languages=None,
            accepted_page_types=source.page_types if source else page_types,
        )

    return hints_for


def _parse_dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
