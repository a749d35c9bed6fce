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
furniture (:data:`FURNITURE_BYTES`), so long article paragraphs cost one length check.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SHORT_LINE_WORDS = 14
SITE_REPEAT_PAGES = 3
FURNITURE_BYTES = 700
"""Lines longer than this (about 100 words) are article text whatever they contain."""

_CAPTION = (
    r"(?i)(?:\((?:[^()]{0,60}/[^()]{1,60}|[^()]{0,60}\b(?:photos?|photograph|image|file|"
    r"courtesy|credit|getty images|video)\b[^()]{0,60})\)\s*\.?\s*$"
    r"|^\W*(?:file\s*(?:photo)?\s*[-–—:]|file photo\b|photo\s*(?:credit)?\s*[:|]|image\s*[:|]|"
    r"credit\s*[:|]|caption\s*[:|]|pictured\s*[:|]|photograph\s*[:|]|"
    r"in this [^.]{0,60}\b(?:photo|image|picture|photograph)\b))"
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


def _lines(bodies: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Every line of every body and the body each line belongs to."""
    text = pc.fill_null(bodies.cast(pa.large_string()), "")
    split = pc.split_pattern(text, "\n")
    return split.flatten(), pc.list_parent_indices(split).to_numpy(zero_copy_only=False)


def _norm(lines: pa.Array) -> pa.Array:
    return pc.utf8_lower(pc.utf8_trim_whitespace(lines))


def _short(lines: pa.Array) -> np.ndarray:
    return (pc.binary_length(lines).to_numpy(zero_copy_only=False) <= FURNITURE_BYTES)


def site_furniture(bodies: pa.Array | pa.ChunkedArray, sites: pa.Array | pa.ChunkedArray
                   ) -> pa.Array:
    """Normalised lines one site repeats on :data:`SITE_REPEAT_PAGES` or more pages of the
    batch and no other site carries."""
    if isinstance(bodies, pa.ChunkedArray):
        bodies = bodies.combine_chunks()
    if isinstance(sites, pa.ChunkedArray):
        sites = sites.combine_chunks()
    lines, doc = _lines(bodies)
    keep = _short(lines) & (pc.binary_length(lines).to_numpy(zero_copy_only=False) > 0)
    if not keep.any():
        return pa.array([], pa.large_string())
    rows = np.flatnonzero(keep)
    table = pa.table({
        "line": _norm(lines.take(pa.array(rows))),
        "site": pc.fill_null(sites.cast(pa.string()), "").take(pa.array(doc[rows])),
        "doc": pa.array(doc[rows]),
    })
    per_site = table.group_by(["line", "site"]).aggregate([("doc", "count_distinct")])
    per_line = per_site.group_by("line").aggregate([("site", "count"),
                                                    ("doc_count_distinct", "max")])
    repeated = pc.and_(pc.equal(per_line["site_count"], 1),
                       pc.greater_equal(per_line["doc_count_distinct_max"], SITE_REPEAT_PAGES))
    return per_line["line"].filter(repeated).combine_chunks()


def _furniture_mask(lines: pa.Array, furniture: pa.Array | None) -> np.ndarray:
    """True for lines that are not article text (see the module docstring)."""
    drop = np.zeros(len(lines), dtype=bool)
    short_rows = np.flatnonzero(_short(lines))
    if not short_rows.size:
        return drop
    short = lines.take(pa.array(short_rows))
    words = pc.split_pattern_regex(pc.utf8_trim_whitespace(short), r"\s+")
    count = pc.list_value_length(words).to_numpy(zero_copy_only=False)
    few = count <= SHORT_LINE_WORDS
    tokens = pc.utf8_trim(words.flatten(), ".,:;|•·!?\"'()[]")
    share = pc.match_substring_regex(tokens, _SHARE_WORD).to_numpy(zero_copy_only=False)
    owner = pc.list_parent_indices(words).to_numpy(zero_copy_only=False)
    share_share = np.bincount(owner, weights=share, minlength=len(short)) / np.maximum(count, 1)

    def match(pattern: str) -> np.ndarray:
        return pc.match_substring_regex(short, pattern).to_numpy(zero_copy_only=False)

    stamp = match(_STAMP) & (match(_MONTH_OR_TIME) | (count <= 2))
    furniture_hit = (pc.is_in(_norm(short), value_set=furniture).to_numpy(zero_copy_only=False)
                     if furniture is not None and len(furniture) else np.zeros(len(short), bool))
    dropped = (
        match(_CAPTION) | match(_PROMO) | furniture_hit
        | (few & (match(_CREDIT_WORD) | match(_BYLINE) | (share_share >= 0.5) | stamp))
    )
    drop[short_rows] = dropped
    return drop


def article_text(bodies: pa.Array | pa.ChunkedArray, furniture: pa.Array | None = None
                 ) -> pa.Array:
    """Each body with furniture lines dropped and datelines cut (lines joined by newlines)."""
    if isinstance(bodies, pa.ChunkedArray):
        bodies = bodies.combine_chunks()
    lines, doc = _lines(bodies)
    keep = ~_furniture_mask(lines, furniture)
    kept = lines.filter(pa.array(keep))
    kept = pc.replace_substring_regex(kept, _DATELINE, "", max_replacements=1)
    counts = np.bincount(doc[keep], minlength=len(bodies))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    joined = pc.binary_join(pa.LargeListArray.from_arrays(offsets, kept),
                            pa.scalar("\n", pa.large_string()))
    return joined

