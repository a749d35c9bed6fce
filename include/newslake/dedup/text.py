"""The article text of a body: what signatures and containment are computed from.

Extraction keeps every paragraph a page shows inside its article, and real pages show more
than the story: photo captions and credits, share and subscription lines, bylines, datelines,
an outlet's own lines repeated under every story. Two different stories of one wire agency on
one outlet share those (the same photos, the same credits, the same outlet lines), so they
must not count as text. Lines are dropped by kind, never by a list of known phrases:

- a caption: a line ending in a parenthesised credit holding a slash or a photo word
  ("(AP Photo/Jane Doe)"), or opening like one ("FILE -", "In this ... photo", "Photo:");
- a short line (at most :data:`SHORT_LINE_WORDS` words) naming a credit, a photo, a gallery
  or a copyright, or made mostly of share-button words, or a byline ("By NAME");
- a promotion, rights or update notice line (subscribe, sign up, newsletter, all rights
  reserved, "may not be published, broadcast, rewritten", "this is a developing story, check
  back");
- a line of date and time stamps only;
- a line that one site repeats on at least :data:`SITE_REPEAT_PAGES` pages of the batch and
  that no other site carries (an outlet's own furniture; a wire paragraph is carried by other
  outlets too).

A dateline opening a paragraph ("HELSINKI (AP) — ") is cut from it. Work is vectorised in
Arrow: bodies are split into lines once; the patterns run only on lines short enough to be
furniture (:data:`CAPTION_BYTES`, :data:`FURNITURE_BYTES`), so long article paragraphs cost
one length check.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CHUNK_DOCS = 5000
SHORT_LINE_WORDS = 14
SITE_REPEAT_PAGES = 3
CAPTION_BYTES = 700
"""Lines longer than this (about 100 words) are article text whatever they contain."""
FURNITURE_BYTES = 300
"""Promotion, rights and repeated site lines are at most this long (about 45 words)."""

_CAPTION_CREDIT = (
    r"(?i)\((?:[^()]{0,60}/[^()]{1,60}|[^()]{0,60}\b(?:photos?|photograph|image|file|"
    r"courtesy|credit|getty images|video)\b[^()]{0,60})\)\s*\.?\s*$"
)
_CAPTION_OPENING = (
    r"(?i)^\W*(?:file\s*(?:photo)?\s*[-–—:]|file photo\b|photo\s*(?:credit)?\s*[:|]|"
    r"image\s*[:|]|credit\s*[:|]|caption\s*[:|]|pictured\s*[:|]|photograph\s*[:|]|"
    r"in this [^.]{0,60}\b(?:photo|image|picture|photograph)\b)"
)
_CREDIT_WORD = (
    r"(?i)\b(?:photos?|photograph(?:ed|s)?|pictures?|images?|credit|courtesy|gallery|"
    r"copyright|illustration|getty|shutterstock|file)\b|©"
)
_SHARE_WORD = (
    r"(?i)^(?:share|shares|tweet|facebook|twitter|linkedin|whatsapp|reddit|pinterest|email|"
    r"e-mail|print|comments?|messenger|copy|link|on|via|this|story|article|the|to|x)$"
)
_PROMO = (
    r"(?i)\b(?:subscribe|subscription|newsletters?|sign up|sign-up|in your inbox|"
    r"all rights reserved|may not be published|rewritten or redistributed|click here|"
    r"follow us|download (?:the|our) app|news alerts|breaking news update|developing story|"
    r"check back (?:soon|later|for)|(?:will|may) be updated|earlier (?:story|version) (?:is )?"
    r"below)\b"
)
_BYLINE = r"^(?:By|BY|From|FROM)\s+[A-Z][\w.'’-]*(?:[\s,]+[\w.'’-]+){0,10}\s*$"
_STAMP = (
    r"(?i)^\W*(?:(?:updated|published|posted|last updated|at)\W*)?(?:(?:\d{1,2}:\d{2}\s*"
    r"(?:[ap]\.?m\.?)?|\d{1,4}|[a-z]{3,9}\.?|edt|est|gmt|utc|bst|cet)[\s,]*){1,8}\W*$"
)
_MONTH_OR_TIME = (
    r"(?i)\d{1,2}:\d{2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"
)
_DATELINE = (
    r"^[A-Z][A-Z.'’-]{2,}(?:[ ,]+[A-Z][\w.'’-]*){0,4}\s*(?:\([A-Za-z .&]{1,30}\)\s*)?"
    r"(?:—|–|--|-)\s+"
)


def _has_newline(text: pa.Array) -> bool:
    """Whether any string of a large_string array holds a newline (one scan of its bytes)."""
    if not len(text):
        return False
    _validity, offsets, data = text.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[[text.offset, text.offset + len(text)]]
    values = np.frombuffer(data, dtype=np.uint8)[bounds[0]:bounds[1]] if data else None
    return values is not None and bool((values == 10).any())


def _lines(bodies: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Every line of every body and the body each line belongs to."""
    text = pc.fill_null(bodies.cast(pa.large_string()), "")
    if not _has_newline(text):
        return text, np.arange(len(text), dtype=np.int64)
    split = pc.split_pattern(text, "\n")
    return split.flatten(), pc.list_parent_indices(split).to_numpy(zero_copy_only=False)


def _lengths(lines: pa.Array) -> np.ndarray:
    return pc.binary_length(lines).to_numpy(zero_copy_only=False)


def site_furniture(bodies: pa.Array | pa.ChunkedArray, sites: pa.Array | pa.ChunkedArray
                   ) -> pa.Array:
    """Lines (whitespace-trimmed, at most :data:`FURNITURE_BYTES`) one site repeats on
    :data:`SITE_REPEAT_PAGES` or more pages of the batch and no other site carries."""
    if isinstance(sites, pa.ChunkedArray):
        sites = sites.combine_chunks()
    sites = pc.fill_null(sites.cast(pa.string()), "")
    parts = []
    for start in range(0, len(bodies), CHUNK_DOCS):  # short lines only, a chunk at a time
        piece = bodies.slice(start, CHUNK_DOCS)  # copies one chunk's bodies, never the column
        lines, doc = _lines(piece.combine_chunks() if isinstance(piece, pa.ChunkedArray)
                            else piece)
        size = _lengths(lines)
        rows = np.flatnonzero((size <= FURNITURE_BYTES) & (size > 0))
        if rows.size:
            parts.append(pa.table({
                "line": pc.utf8_trim_whitespace(lines.take(pa.array(rows))),
                "site": sites.take(pa.array(doc[rows] + start)),
                "doc": pa.array(doc[rows] + start),
            }))
    if not parts:
        return pa.array([], pa.large_string())
    table = pa.concat_tables(parts)
    per_site = table.group_by(["line", "site"]).aggregate([("doc", "count_distinct")])
    per_line = per_site.group_by("line").aggregate([("site", "count"),
                                                    ("doc_count_distinct", "max")])
    repeated = pc.and_(pc.equal(per_line["site_count"], 1),
                       pc.greater_equal(per_line["doc_count_distinct_max"], SITE_REPEAT_PAGES))
    return per_line["line"].filter(repeated).combine_chunks()


class _Subset:
    """Lines selected by a mask; patterns run on them only and answer for every line."""

    def __init__(self, lines: pa.Array, mask: np.ndarray) -> None:
        self.rows = np.flatnonzero(mask)
        self.size = len(lines)
        self.lines = lines.take(pa.array(self.rows)) if self.rows.size else None

    def spread(self, values: np.ndarray) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        out[self.rows] = values
        return out

    def match(self, pattern: str) -> np.ndarray:
        if self.lines is None:
            return np.zeros(self.size, dtype=bool)
        found = pc.match_substring_regex(self.lines, pattern).to_numpy(zero_copy_only=False)
        return self.spread(found)


def _short_line_kinds(lines: pa.Array, few: np.ndarray) -> np.ndarray:
    """Among lines of few words: credits, bylines, share-button lines, stamps."""
    subset = _Subset(lines, few)
    if subset.lines is None:
        return np.zeros(len(lines), dtype=bool)
    words = pc.split_pattern_regex(pc.utf8_trim_whitespace(subset.lines), r"\s+")
    count = pc.list_value_length(words).to_numpy(zero_copy_only=False)
    tokens = pc.utf8_trim(words.flatten(), ".,:;|•·!?\"'()[]")
    share = pc.match_substring_regex(tokens, _SHARE_WORD).to_numpy(zero_copy_only=False)
    owner = pc.list_parent_indices(words).to_numpy(zero_copy_only=False)
    buttons = np.bincount(owner, weights=share, minlength=len(count)) / np.maximum(count, 1)
    stamp = subset.match(_STAMP) & (subset.match(_MONTH_OR_TIME) | subset.spread(count <= 2))
    return (subset.match(_CREDIT_WORD) | subset.match(_BYLINE) | subset.spread(buttons >= 0.5)
            | stamp)


def _furniture_mask(lines: pa.Array, furniture: pa.Array | None) -> np.ndarray:
    """True for lines that are not article text (see the module docstring)."""
    size = _lengths(lines)
    captionable = size <= CAPTION_BYTES
    if not captionable.any():
        return np.zeros(len(lines), dtype=bool)
    small = size <= FURNITURE_BYTES
    spaces = np.zeros(len(lines), dtype=np.int64)
    if small.any():
        subset = _Subset(lines, small)
        spaces[subset.rows] = pc.count_substring(
            pc.utf8_trim_whitespace(subset.lines), " ").to_numpy(zero_copy_only=False)
    paren = _Subset(lines, captionable)
    has_paren = paren.spread(pc.match_substring(paren.lines, ")").to_numpy(
        zero_copy_only=False))
    drop = (_Subset(lines, has_paren).match(_CAPTION_CREDIT)
            | paren.match(_CAPTION_OPENING)
            | _Subset(lines, small).match(_PROMO)
            | _short_line_kinds(lines, small & (spaces < SHORT_LINE_WORDS)))
    if furniture is not None and len(furniture) and small.any():
        subset = _Subset(lines, small)
        hit = pc.is_in(pc.utf8_trim_whitespace(subset.lines), value_set=furniture)
        drop |= subset.spread(hit.to_numpy(zero_copy_only=False))
    return drop


def _datelines(lines: pa.Array) -> np.ndarray:
    """Lines opening with a dateline (screened on their first three characters)."""
    head = pc.utf8_slice_codeunits(lines, 0, 3)
    upper = pc.fill_null(pc.utf8_is_upper(head), False).to_numpy(zero_copy_only=False)
    return _Subset(lines, upper).match(_DATELINE)


def article_text(bodies: pa.Array | pa.ChunkedArray, furniture: pa.Array | None = None
                 ) -> pa.Array:
    """Each body with furniture lines dropped and datelines cut (lines joined by newlines);
    bodies with nothing to drop or cut are returned as they are."""
    if isinstance(bodies, pa.ChunkedArray):
        bodies = bodies.combine_chunks()
    text = pc.fill_null(bodies.cast(pa.large_string()), "")
    lines, doc = _lines(text)
    drop = _furniture_mask(lines, furniture)
    dated = _datelines(lines)
    changed = np.zeros(len(text), dtype=bool)
    changed[doc[drop | dated]] = True
    if not changed.any():
        return text
    touched = changed[doc]
    keep = touched & ~drop
    kept = lines.filter(pa.array(keep))
    cut = _Subset(kept, dated[keep])
    if cut.lines is not None:
        replaced = pc.replace_substring_regex(cut.lines, _DATELINE, "", max_replacements=1)
        kept = pc.replace_with_mask(kept, pa.array(cut.spread(np.ones(len(cut.rows), bool))),
                                    replaced)
    counts = np.bincount(doc[keep], minlength=len(text))[changed]
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    joined = pc.binary_join(pa.LargeListArray.from_arrays(offsets, kept),
                            pa.scalar("\n", pa.large_string()))
    return pc.replace_with_mask(text, pa.array(changed), joined)


class ArticleText:
    """:func:`article_text` with one batch's site furniture, as a callable (worker threads
    clean their chunks with it)."""

    def __init__(self, furniture: pa.Array | None = None) -> None:
        self.furniture = furniture

    def __call__(self, bodies: pa.Array | pa.ChunkedArray) -> pa.Array:
        return article_text(bodies, self.furniture)
