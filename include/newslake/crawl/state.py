"""Conditional-GET state of feeds, kept in the lake at ``<lake>/_state/feeds/<source>.json``.

One file per source, so parallel discover tasks never write the same file. Each feed URL
maps to ``{etag, last_modified, crawl_date}``. Validators are sent only when they were
stored by an earlier crawl date: re-running a day fetches its feeds in full again.
The body of the last full fetch is kept beside the state, so a 304 answer ("unchanged
since you fetched it") is served from it: entries of a later day already listed in the
unchanged feed are still discovered.
Lakes on object storage (``s3://``) keep no state: every feed is fetched in full.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import uuid
from datetime import date
from pathlib import Path

from newslake.lake import layout

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class FeedState:
    """ETag / Last-Modified of one source's feeds."""

    def __init__(self, lake: str, source_id: str) -> None:
        self.path: Path | None = None
        self.data: dict[str, dict[str, str]] = {}
        if "://" not in lake:
            self.path = Path(layout.feed_state_file(lake, _SAFE.sub('_', source_id)))
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

    def _body_path(self, url: str) -> Path | None:
        if self.path is None:
            return None
        digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:20]
        return self.path.with_suffix("") / f"{digest}.body.gz"

    def remember_body(self, url: str, body: bytes) -> None:
        """Keep the body of a full fetch of ``url`` for later 304 answers."""
        target = self._body_path(url)
        if target is None:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_bytes(gzip.compress(body, compresslevel=5))
        os.replace(tmp, target)

    def cached_body(self, url: str) -> bytes | None:
        """The body of the last full fetch of ``url``, if kept."""
        target = self._body_path(url)
        try:
            return gzip.decompress(target.read_bytes()) if target else None
        except (OSError, EOFError):
            return None

    def save(self) -> None:
        """Write the state atomically."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(json.dumps(self.data, sort_keys=True, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
