"""Article body: trafilatura on the parsed tree, then line-level boilerplate removal."""

from __future__ import annotations

import re

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

_WORD = re.compile(r"\w+")
FALLBACK_BELOW_WORDS = 250
"""A first extraction shorter than this many words is redone with trafilatura's fallbacks."""
SHORT_BODY_WORDS = 50
"""Below this many words the precision-first body is retried favouring recall."""
_BOILERPLATE = re.compile(
    r"^\W*(?:advertisement|advertising|anzeige|publicité|publicidad|pubblicità|sponsored|"
    r"read more|read also|read next|see more|see also|more from|more on this|don'?t miss|"
    r"related (?:articles|stories|posts|coverage|content)|recommended for you|most popular|"
    r"share this(?: article| story)?|click here|subscribe|sign up|follow us|"
    r"leia também|lesen sie auch|lire aussi|mehr zum thema|weiterlesen|ver también|leer más|"
    r"tell us what you think|story continues|you (?:may|might) also like|more stories|"
    r"further reading|\d+ comments?)\b"
    # a bare label: the word alone, or followed by a colon, bar or dash
    r"|^\W*(?:related|recommended|trending|tags?|topics?|share|watch|video|photos?|images?|"
    r"comments?|gallery|listen)\s*(?:$|[:|–—-])",
    re.I,
)
_PROMO = re.compile(
    r"\b(?:newsletter|sign up|subscribe|subscription|delivered to your inbox|in your inbox|"
    r"click here|follow us on|download (?:the|our) app|all rights reserved|copyright ©|©\s*\d{4}|"
    r"cookie|javascript|follow (?:him|her|them|me) on|reach (?:the )?(?:reporter|writer|author)s?"
    r"|full coverage of)\b",
    re.I,
)
# Agency credit lines: "(Reporting by ...; Editing by ...)", "Additional reporting by ..."
_CREDITS = re.compile(
    r"^\W*(?:(?:additional )?reporting by|editing by|writing by|compiled by|edited by)\b", re.I
)
_STAMP = re.compile(r"^\W*(?:updated|published|posted|last (?:updated|modified))\b", re.I)
_BRACKET_TAG = re.compile(r"\[[A-Z][A-Z ]{2,20}\]\s*\|?\s*$")
_DATE_LINE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?|"
    r"(?:updated|published|posted|publicado|veröffentlicht|aktualisiert)\b)",
    re.I,
)


def norm(text: str) -> str:
    """Lower-case word tokens joined by single spaces."""
    return " ".join(_WORD.findall(text.lower()))


def run_trafilatura(tree: HtmlElement, url: str | None, precision: bool = True) -> str:
    """Main text of a parsed page by trafilatura (it works on a copy of ``tree``).

    trafilatura's own extractor runs first; its fallbacks (readability, jusText, compared
    against the first result) run only when that result is short, since they exist to rescue
    pages where the main extractor found little.
    """
    text = _trafilatura(tree, url, precision, fast=True)
    if not has_words(text, FALLBACK_BELOW_WORDS):
        text = _trafilatura(tree, url, precision, fast=False)
    return text


def _trafilatura(tree: HtmlElement, url: str | None, precision: bool, fast: bool) -> str:
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=precision,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        deduplicate=False,
    )
    return (document.text or "") if document is not None else ""


def main_text(
    tree: HtmlElement, url: str | None, title: str | None, tags: list[str] | None = None
) -> str:
    """Cleaned body: trafilatura favouring precision, or favouring recall when that is short."""
    text = clean_body(run_trafilatura(tree, url, precision=True), tree, title, tags)
    if not has_words(text, SHORT_BODY_WORDS):
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_recall=True,
            include_comments=False,
            with_metadata=False,
            deduplicate=False,
        )
        wider = clean_body((document.text or "") if document is not None else "", tree, title, tags)
        if word_count(wider) > word_count(text):
            text = wider
    return text


_LONG_LINKS = etree.XPath("//a[string-length(normalize-space(.)) > 14]")


def link_texts(tree: HtmlElement) -> set[str]:
    """Normalised texts of the page's links that are long enough to be a headline."""
    found = set()
    for anchor in _LONG_LINKS(tree):
        text = norm(anchor.text_content())
        if text.count(" ") >= 3:
            found.add(text)
    return found


_CAPTIONS = etree.XPath("//figcaption|//figure//*[contains(@class,'caption')]")


def captions(tree: HtmlElement) -> set[str]:
    """Normalised texts of figure captions (a caption is not part of the article's text)."""
    found = set()
    for element in _CAPTIONS(tree):
        text = norm(element.text_content())
        if text.count(" ") >= 1:
            found.add(text)
    return found


def _is_boilerplate(line: str, words: int, anchors: set[str], title: str, extras: set[str]) -> bool:
    normalised = norm(line)
    if not normalised:
        return True
    if title and normalised == title:
        return True
    if words <= 12 and _BOILERPLATE.match(line):
        return True
    if words <= 40 and _PROMO.search(line):
        return True
    if words <= 60 and _CREDITS.match(line):
        return True
    if words <= 10 and _STAMP.match(line) and _DATE_LINE.search(line[8:]):
        return True
    if normalised in extras:
        return True
    if words >= 5 and _BRACKET_TAG.search(line):
        return True
    return bool(
        4 <= words <= 30 and line.count(" ") >= 3 and "://" not in line and normalised in anchors
    )


def clean_body(
    text: str, tree: HtmlElement, title: str | None, tags: list[str] | None = None
) -> str:
    """Remove boilerplate lines (promos, link lists, captions, tag lists, titles, datelines)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    anchors = link_texts(tree)
    title_norm = norm(title or "")
    extras = captions(tree)
    if tags:
        extras.add(norm(" ".join(tags)))
    kept: list[str] = []
    for line in lines:
        words = len(_WORD.findall(line))
        if _is_boilerplate(line, words, anchors, title_norm, extras):
            continue
        kept.append(line)
    while kept and _is_edge_noise(kept[0]):
        kept.pop(0)
    while kept and _is_edge_noise(kept[-1]):
        kept.pop()
    return "\n".join(kept)


def _is_edge_noise(line: str) -> bool:
    """A dateline or byline-like short line at the start or end of the body."""
    words = len(_WORD.findall(line))
    return (
        words <= 14
        and bool(_DATE_LINE.search(line))
        and not line.rstrip().endswith((".", "!", "?", "”", '"'))
    )


def word_count(text: str) -> int:
    """Number of word tokens."""
    return len(_WORD.findall(text))


def has_words(text: str, n: int) -> bool:
    """True when ``text`` holds at least ``n`` word tokens (``word_count(text) >= n``).

    A long text is decided on its start: a prefix holds no more words than the whole text
    (a word the prefix cuts is one word still), so ``n`` words there are enough.
    """
    return len(_WORD.findall(text, 0, 12 * n)) >= n or len(_WORD.findall(text)) >= n
