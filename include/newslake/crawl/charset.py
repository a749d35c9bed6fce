"""Decode HTML bytes to text: BOM, then UTF-8 validity, header, ``<meta>``, then detection.

Servers often declare the wrong charset (a ``latin-1`` header over UTF-8 bytes is the
classic). Bytes that are valid UTF-8 and contain non-ASCII sequences are UTF-8 in practice,
so that check comes before the declared charsets; a declared charset is used only when the
body decodes with it without error.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.\-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.\-]+)", re.I)
_SNIFF_BYTES = 4096
# Labels that browsers (WHATWG Encoding) map to a superset codec.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "utf8": "utf-8",
}


def normalize_charset(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header value, as given."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset declared by a ``<meta>`` tag in the first 4 KB, as given."""
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _try(body: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode an HTML body; returns ``(text, charset)`` where charset is a Python codec name.

    Order: byte-order mark; valid UTF-8 with non-ASCII bytes; the Content-Type charset; the
    ``<meta>`` charset; detection (charset-normalizer); finally cp1252 with replacement.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, "replace"), codec
    if not body.isascii():
        text = _try(body, "utf-8")
        if text is not None:
            return text, "utf-8"
    for label in (header_charset(content_type), meta_charset(body)):
        codec = normalize_charset(label)
        if codec in ("utf-16", "utf-32"):  # declared without a BOM: meta lies, bytes are 8-bit
            continue
        text = _try(body, codec)
        if text is not None:
            return text, codec or "utf-8"
    if body.isascii():
        return body.decode("ascii"), "ascii"
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        codec = normalize_charset(best.encoding) or best.encoding
        text = _try(body, codec)
        if text is not None:
            return text, codec
    return body.decode("cp1252", "replace"), "cp1252"
