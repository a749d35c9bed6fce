"""Bytes to text: the crawler's decoder when present, else a local one."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.I)


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _local_decode(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode with the header charset, then ``<meta charset>``, then detection, then UTF-8."""
    candidates: list[str | None] = []
    if body.startswith(b"\xef\xbb\xbf"):
        candidates.append("utf-8-sig")
    if content_type:
        found = _HEADER_CHARSET.search(content_type)
        candidates.append(_known(found.group(1)) if found else None)
    meta = _META_CHARSET.search(body[:4096])
    candidates.append(_known(meta.group(1).decode("ascii", "ignore")) if meta else None)
    candidates.append("utf-8")
    for name in candidates:
        if not name:
            continue
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None:
        return body.decode(best.encoding, errors="replace"), best.encoding
    return body.decode("utf-8", errors="replace"), "utf-8"


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return ``(text, charset)`` of an HTML body; never raises on bad bytes."""
    try:
        from newslake.crawl.charset import decode_html as crawl_decode
    except ImportError:
        return _local_decode(body, content_type)
    return crawl_decode(body, content_type)
