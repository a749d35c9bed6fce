"""Conditional-GET state of feeds, kept in the lake at ``<lake>/_state/feeds/<source>.json``.

One file per source, so parallel discover tasks never write the same file. Each feed URL
maps to ``{etag, last_modified, crawl_date}``. Validators are sent only when they were
stored by an earlier crawl date: re-running a day fetches its feeds in full again.
Lakes on object storage (``s3://``) keep no state: every feed is fetched in full.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import date
from pathlib import Path

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class FeedState:
    """ETag / Last-Modified of one source's feeds."""

    def __init__(self, lake: str, source_id: str) -> None:
        self.path: Path | None = None
        self.data: dict[str, dict[str, str]] = {}
        if "://" not in lake:
            self.path = Path(lake) / "_state" / "feeds" / f"{_SAFE.sub('_', source_id)}.json"
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.data = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.data = {}

    def request_headers(self, url: str, crawl_date: date) -> dict[str, str]:
        """Conditional headers for ``url``, when its validators predate ``crawl_date``."""
        entry = self.data.get(url) or {}
        if not entry or entry.get("crawl_date", "") >= crawl_date.isoformat():
            return {}
        headers = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers

    def remember(self, url: str, etag: str | None, last_modified: str | None,
                 crawl_date: date) -> None:
        """Store the validators of a successful (200) fetch."""
        if etag or last_modified:
            self.data[url] = {"etag": etag or "", "last_modified": last_modified or "",
                              "crawl_date": crawl_date.isoformat()}
        else:
            self.data.pop(url, None)

    def save(self) -> None:
        """Write the state atomically."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(json.dumps(self.data, sort_keys=True, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
