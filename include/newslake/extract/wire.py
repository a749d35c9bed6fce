"""Which news agency a page credits for its story: AP, Reuters, AFP, Bloomberg, dpa, PA, ...

Precision first: a wire is named only on an explicit credit, never on a mention in the
story ("Reuters reported that ..."). Credits read, in this order: the wire's own site;
a dateline opening the body ("BEIJING (AP) —", "Berlin (dpa) -"); the byline or JSON-LD
author / creator / sourceOrganization naming the agency ("By Reuters", "Associated Press",
"Jane Doe, AP"); a credit or copyright line of the body ("Copyright 2024 The Associated
Press. All rights reserved.", "(Reporting by ...; Editing by ...)", "© dpa-infocom").
"Contributed to this report" credits only help, and does not make a page wire copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from newslake.extract.jsonld import ld_types
from newslake.ids import registered_site


@dataclass(frozen=True)
class Wire:
    """One agency: the name stored in ``articles.wire_service``, how it is credited."""

    name: str
    names: tuple[str, ...]  # full names, matched case-insensitively as whole credits
    short: tuple[str, ...]  # abbreviations, matched case-sensitively ("AP", "dpa")
    sites: tuple[str, ...] = ()


WIRES = (
    Wire("AP", ("associated press", "the associated press"), ("AP",), ("apnews.com", "ap.org")),
    Wire("Reuters", ("reuters", "thomson reuters"), ("Reuters", "REUTERS"), ("reuters.com",)),
    Wire("AFP", ("agence france-presse", "agence france presse"), ("AFP",), ("afp.com",)),
    Wire("Bloomberg", ("bloomberg", "bloomberg news"), ("Bloomberg",), ("bloomberg.com",)),
    Wire("dpa", ("deutsche presse-agentur",), ("dpa", "DPA", "dpa-AFX"), ("dpa.com",)),
    Wire("PA", ("press association", "pa media"), ("PA",), ()),
    Wire("UPI", ("united press international",), ("UPI",), ("upi.com",)),
    Wire("ANSA", ("agenzia nazionale stampa associata",), ("ANSA",), ("ansa.it",)),
    Wire("EFE", ("agencia efe",), ("EFE",), ("efe.com",)),
    Wire("Kyodo", ("kyodo news",), ("Kyodo",), ("kyodonews.net",)),
    Wire("Xinhua", ("xinhua news agency",), ("Xinhua",), ("xinhuanet.com",)),
    Wire("AAP", ("australian associated press",), ("AAP",), ("aap.com.au",)),
    Wire("CP", ("the canadian press", "canadian press"), ("CP",), ()),
    Wire("APA", ("austria presse agentur",), ("APA",), ("apa.at",)),
    Wire("KNA", ("katholische nachrichten-agentur",), ("KNA",), ()),
    Wire("epd", ("evangelischer pressedienst",), ("epd",), ()),
    Wire("SDA", ("keystone-sda", "schweizerische depeschenagentur"), ("SDA", "sda"), ()),
    Wire("ANP", ("algemeen nederlands persbureau",), ("ANP",), ("anp.nl",)),
    Wire("Belga", ("agence belga",), ("Belga",), ("belga.be",)),
    Wire("PTI", ("press trust of india",), ("PTI",), ("ptinews.com",)),
    Wire("IANS", ("indo-asian news service",), ("IANS",), ()),
    Wire("ANI", ("asian news international",), ("ANI",), ("aninews.in",)),
    Wire("Yonhap", ("yonhap news agency",), ("Yonhap",), ("yna.co.kr",)),
    Wire("TASS", ("tass news agency",), ("TASS",), ("tass.com",)),
    Wire("Anadolu", ("anadolu agency", "anadolu ajansi"), ("AA",), ("aa.com.tr",)),
    Wire("Europa Press", ("europa press",), (), ("europapress.es",)),
    Wire("Lusa", ("agência lusa", "agencia lusa"), ("Lusa",), ("lusa.pt",)),
)

_BY_SHORT = {s: w.name for w in WIRES for s in w.short}
_BY_NAME = {n: w.name for w in WIRES for n in (*w.names, w.name.lower())}
_SHORT_ALT = "|".join(sorted((re.escape(s) for s in _BY_SHORT), key=len, reverse=True))
_NAME_ALT = "|".join(sorted((re.escape(n) for n in _BY_NAME), key=len, reverse=True))
# "BEIJING (AP) —", "Berlin (dpa) -", "(Reuters) -", "LONDON, June 3 (Reuters) -"
_DATELINE = re.compile(
    r"^(?:[^\W\d_][^()\n]{0,60}?)?\((" + _SHORT_ALT + r"|" + _NAME_ALT + r")(?:/[^()]{1,30})?\)"
    r"\s*[—–-]",
    re.I,
)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?:[-–,]\s*)?(" + _NAME_ALT + r"|" + _SHORT_ALT
    + r")(?:-infocom|-afx)?\b",
    re.I,
)
_REUTERS_CREDIT = re.compile(
    r"^\(?(?:reporting|additional reporting|writing) by [^;)]{2,120};\s*(?:editing|writing) by",
    re.I,
)
_CONTRIBUTED = re.compile(r"contributed to this (?:report|story)", re.I)
_BYLINE_WIRE = re.compile(
    r"^(?:(?:by|von|par|por|di|door|af|av)\s+)?(?:[^,|/]{2,60}?\s*(?:,|\||/|\bfor\b|\bof\b)"
    r"\s*)?(?:the\s+)?(" + _NAME_ALT + r"|" + _SHORT_ALT + r")"
    r"(?:\s+(?:news|staff|reporter|writer)|\s*/\s*[^,|/]{2,40}?)?\.?$",
    re.I,
)
# A closing credit: the body's last line ends with "(dpa)", "(dpa/gem)", "(AFP)"
_CLOSING = re.compile(r"\((" + _SHORT_ALT + r")(?:/[a-z]{1,5})?\)\s*$")
_CREDIT_LINE = re.compile(
    r"^(?:source|quelle|fuente|fonte|bron|credit|mit material von)\s*:?\s*(?:the\s+)?("
    + _NAME_ALT + r"|" + _SHORT_ALT + r")\.?$",
    re.I,
)


def _resolve(token: str) -> str | None:
    token = token.strip()
    if token in _BY_SHORT:
        return _BY_SHORT[token]
    return _BY_NAME.get(token.lower())


def from_site(url: str) -> str | None:
    """The agency whose own site the page is on."""
    site = registered_site(url)
    return next((w.name for w in WIRES if site in w.sites), None)


def from_dateline(first_line: str) -> str | None:
    """The agency of a dateline opening the body."""
    found = _DATELINE.match(first_line.strip())
    return _resolve(found.group(1)) if found else None


def from_byline(names: list[str]) -> str | None:
    """The agency named as an author ("Reuters", "Jane Doe, Associated Press")."""
    for raw in names:
        found = _BYLINE_WIRE.match(" ".join(raw.split()))
        if found and (wire := _resolve(found.group(1))):
            return wire
    return None


def from_jsonld(objects: list[dict[str, Any]]) -> str | None:
    """The agency named as author, creator or sourceOrganization of an article object."""
    names: list[str] = []
    for obj in objects:
        if not ld_types(obj) & {
            "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle"
        }:
            continue
        for key in ("author", "creator", "sourceOrganization"):
            value = obj.get(key)
            for item in value if isinstance(value, list) else [value]:
                name = item.get("name") if isinstance(item, dict) else item
                if isinstance(name, str):
                    names.append(name)
    return from_byline(names)


def from_credit_lines(lines: list[str]) -> str | None:
    """The agency of a credit line opening or closing the body ("Quelle: dpa", "Por Agencia
    EFE"), of a copyright line among its last lines, or of "(dpa)" ending its last line."""
    for line in lines[:2]:
        text = " ".join(line.split())
        if len(text.split()) <= 6:
            found = _CREDIT_LINE.match(text)
            wire = _resolve(found.group(1)) if found else from_byline([text])
            if wire:
                return wire
    if lines and (found := _CLOSING.search(lines[-1])):
        return _resolve(found.group(1))
    for line in reversed(lines[-6:]):
        text = " ".join(line.split())
        if not text or _CONTRIBUTED.search(text):
            continue
        found = _COPYRIGHT.search(text) or _CREDIT_LINE.match(text)
        if found and (wire := _resolve(found.group(1))):
            return wire
        if _REUTERS_CREDIT.match(text):
            return "Reuters"
    return None


def wire_service(
    url: str, body: str, authors: list[str], byline: str | None, objects: list[dict[str, Any]]
) -> str | None:
    """The agency credited for the page's story, or None."""
    lines = [line for line in body.split("\n") if line.strip()]
    return (
        from_site(url)
        or (from_dateline(lines[0]) if lines else None)
        or from_byline([*([byline] if byline else []), *authors])
        or from_jsonld(objects)
        or from_credit_lines(lines)
    )


def score(predicted: dict[str, str | None], labels: dict[str, str]) -> dict[str, float | int]:
    """Precision and recall of wire credits against labels (``""``: labelled as no wire).

    A wire predicted for a page outside the labels is a false positive: every page of the
    evaluation sets that names an agency anywhere is labelled.
    """
    tp = fp = fn = 0
    for url, wire in predicted.items():
        want = labels.get(url, "")
        if wire:
            tp += wire == want
            fp += wire != want
        if want and wire != want:
            fn += 1
    fn += sum(1 for url, want in labels.items() if want and url not in predicted)
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
    }
