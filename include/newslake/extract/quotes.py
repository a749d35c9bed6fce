"""Direct quotations and their speakers, precision first: no speaker is better than a wrong one."""

from __future__ import annotations

import re

_VERBS = (
    r"said|says|told|tells|added|adds|asked|asks|explained|explains|noted|notes|continued|wrote|"
    r"writes|tweeted|recalled|insisted|insists|warned|warns|argued|argues|acknowledged|replied|"
    r"declared|stressed|stresses|emphasized|emphasised|admitted|remarked|concluded|contended|"
    r"maintained|observed|suggested|cautioned|conceded|pointed out|went on"
)
_NAME_TOKEN = r"(?:[A-Z][\w'’.\-]*[a-zà-ÿ]|[A-Z]\.)"
_NAME = rf"{_NAME_TOKEN}(?:\s+(?:{_NAME_TOKEN}|de|van|von|der|al|bin|da|di|la|le))*"
_PRONOUN = r"he|she|they|He|She|They"
_OPEN, _CLOSE = '["“«„]', '["”»“]'
_BODY = r"[^\"“”«»„]{8,1200}?"
# “Quote,” Name said.  /  “Quote,” said Name.  /  “Quote,” he said.
_QUOTE_FIRST = re.compile(
    rf"{_OPEN}(?P<q>{_BODY})[,!?]{_CLOSE}\s+(?:(?P<who>{_NAME}|{_PRONOUN})\s+(?:{_VERBS})\b"
    rf"|(?:{_VERBS})\s+(?P<who2>{_NAME})(?=[\s.,;]|$))"
)
# Name said, “Quote.”  /  Name said: “Quote”
_SPEAKER_FIRST = re.compile(
    rf"(?P<who>{_NAME})\s+(?:{_VERBS})(?:\s+(?:on|in|at|to)\s+[^,“\"]{{1,40}})?\s*[,:]\s*"
    rf"{_OPEN}(?P<q>{_BODY})[.,!?]?{_CLOSE}"
)
_TITLES = frozenset(
    [
        "president",
        "prime",
        "minister",
        "secretary",
        "state",
        "general",
        "gov",
        "governor",
        "sen",
        "senator",
        "rep",
        "representative",
        "mayor",
        "chief",
        "executive",
        "ceo",
        "cfo",
        "coo",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "minister",
        "chancellor",
        "judge",
        "justice",
        "officer",
        "commissioner",
        "professor",
        "prof",
        "dr",
        "mr",
        "mrs",
        "ms",
        "sir",
        "lord",
        "lady",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "bishop",
        "rev",
        "coach",
        "captain",
        "capt",
        "lt",
        "col",
        "sgt",
        "gen",
        "adm",
        "attorney",
        "ambassador",
        "leader",
        "deputy",
        "vice",
        "foreign",
        "defense",
        "defence",
        "interior",
        "finance",
        "health",
        "national",
        "u.s.",
        "us",
        "uk",
        "un",
        "eu",
        "nato",
        "white",
        "house",
        "former",
        "acting",
        "manager",
        "analyst",
        "economist",
        "founder",
        "head",
    ]
)
_NOT_NAMES = frozenset(
    [
        "it",
        "this",
        "that",
        "there",
        "here",
        "we",
        "i",
        "you",
        "one",
        "someone",
        "everyone",
        "nobody",
        "people",
        "officials",
        "the",
        "a",
        "an",
        "but",
        "and",
        "or",
        "so",
        "then",
        "however",
        "meanwhile",
        "also",
        "still",
        "yet",
        "when",
        "while",
        "after",
        "before",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
    ]
)
_LEADING = frozenset(
    [
        "de",
        "van",
        "von",
        "der",
        "al",
        "bin",
        "da",
        "di",
        "la",
        "le",
        "to",
        "for",
        "from",
        "with",
        "by",
        "in",
        "on",
        "at",
        "as",
        "of",
        "and",
        "but",
    ]
)
"""Particles and prepositions that cannot start a speaker's name."""
_QUOTE_CHAR = re.compile('["“”«»„]')
_PERSON = re.compile(rf"\b({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})")


MIN_QUOTE_WORDS = 4
"""Shorter quoted phrases are names of shows, scare quotes or terms, not statements."""


def _is_title(quote: str) -> bool:
    """True for a quoted name ("Meet the Press", "State of the Union"): long words capitalised."""
    long_words = [w for w in quote.split() if len(w) > 3]
    return bool(long_words) and all(w[0].isupper() for w in long_words)


def _strip_titles(name: str) -> str | None:
    """Drop leading titles: "Secretary of State Antony Blinken" -> "Antony Blinken"."""
    tokens = name.replace("’s", "").replace("'s", "").split()
    keep: list[str] = []
    for token in reversed(tokens):
        parts = re.split(r"[-‐–]", token.lower().strip(".,"))
        if any(part in _TITLES for part in parts) or token.lower() in {"of", "the", "for"}:
            break
        keep.append(token)
    keep.reverse()
    while keep and keep[0].lower() in _LEADING:
        keep.pop(0)
    if not keep or len(keep) > 4 or keep[0].lower() in _NOT_NAMES:
        return None
    return " ".join(keep).strip(" .,")


class _Speakers:
    """Names seen so far, to expand surnames ("Blinken") to full names ("Antony Blinken")."""

    def __init__(self) -> None:
        self.full: list[str] = []

    def add(self, name: str) -> str:
        expanded = self.expand(name)
        if expanded not in self.full:
            self.full.append(expanded)
        return expanded

    def expand(self, name: str) -> str:
        if " " in name:
            return name
        matches = {f for f in self.full if f.split()[-1] == name}
        return matches.pop() if len(matches) == 1 else name

    def mentioned(self, text: str) -> set[str]:
        """Persons named in ``text``: known surnames and multi-word capitalised names."""
        found = self.persons(text)
        words = set(re.findall(r"[\w'’.\-]+", text))
        found.update(full for full in self.full if full.split()[-1] in words)
        return found

    @staticmethod
    def persons(text: str) -> set[str]:
        """Multi-word capitalised names in ``text``, titles stripped."""
        found = set()
        for match in _PERSON.finditer(text):
            name = _strip_titles(match.group(1))
            if name and " " in name:
                found.add(name)
        return found


def extract_quotes(paragraphs: list[str]) -> list[tuple[str, str]]:
    """``(speaker, quote)`` pairs in body order; pronoun speakers only when unambiguous."""
    speakers = _Speakers()
    found: list[tuple[str, str]] = []
    registered = 0  # paragraphs whose named persons are known to ``speakers``
    for index, paragraph in enumerate(paragraphs):
        if not _QUOTE_CHAR.search(paragraph):
            continue
        hits: list[tuple[int, str, str]] = []
        for match in _QUOTE_FIRST.finditer(paragraph):
            who = match.group("who") or match.group("who2")
            hits.append((match.start(), who, match.group("q")))
        for match in _SPEAKER_FIRST.finditer(paragraph):
            hits.append((match.start("q"), match.group("who"), match.group("q")))
        if not hits:
            continue
        for earlier in paragraphs[registered:index]:
            for person in speakers.persons(earlier):
                speakers.add(person)
        registered = max(registered, index)
        previous = paragraphs[index - 1] if index else ""
        for start, who, quote in sorted(hits):
            quote = " ".join(quote.split()).strip(" ,")
            if len(quote.split()) < MIN_QUOTE_WORDS or _is_title(quote):
                continue
            if who.lower() in {"he", "she", "they"}:
                candidates = speakers.mentioned(previous + " " + paragraph[:start])
                if len(candidates) != 1:
                    continue
                speaker = candidates.pop()
            else:
                name = _strip_titles(who)
                if not name:
                    continue
                speaker = speakers.add(name)
            if (speaker, quote) not in found:
                found.append((speaker, quote))
    return found
