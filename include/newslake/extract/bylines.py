"""Bylines: visible author credits a page gives outside structured markup, and value cleaning.

Found, in order: a link to the author's own page (``/author/jane-doe``, ``/profiles/...``)
whose text is the name the link's slug spells; a "By" / "Written by" / "Author" label with
the name in the same element or the next one; either may credit co-authors ("Jane Doe and
John Roe"). Cleaning takes out what is not a name:
HTML entities, dates and reading times, job titles after the name, "Updated", "Read more
about", "Post author" and "Artikel von" prefixes, quotes and a "Sponsored" flag; commenters
("Jane says"), form labels ("Name *") and channels ("X on YouTube") are no bylines; a
"Last, First" citation name is turned around. Credentials ("PhD", "MD, FACP") and a word
left dangling by a removed date ("am", "at") are taken off; companies (a legal form such as
"GmbH", "Inc.", or a trademark sign) are no authors; UTF-8 read as Latin-1 is repaired. A
labelled name must be capitalised ("von Hamburg nach Kiel" is a route, not a byline), and an
account name ("jdoe42") gives way to a name the page shows.
"""

from __future__ import annotations

import html
import re
import unicodedata

from lxml.html import HtmlElement

_AUTHOR_PATH = re.compile(
    r"/(?:authors?|profiles?|people|staff|team|writers?|contributors?|journalists?|"
    r"autor(?:en)?|auteurs?|redaktion|by|users?|members?)/([^/?#]+)/?(?:[?#]|$)",
    re.I,
)
_NAME = re.compile(r"^[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){1,3}$")
_LABEL = re.compile(
    r"^\s*(?:written\s+by|posted\s+by|published\s+by|reviewed\s+by|words\s+by|"
    r"(?:article|story|post)\s+by|by|author|"
    r"contributors?|von|par|por|door|autor(?:in)?|auteur)\s*:?\s*$",
    re.I,
)
_ONE_NAME = r"[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){1,3}"
_LABELLED = re.compile(
    r"^\s*(?:(?:written\s+by|posted\s+by|words\s+by|(?:article|story)\s+by|by|von|par|por|door)"
    r"\s*:?|author\s*:|"
    r"contributors?\s*:)\s+"
    rf"(?P<name>{_ONE_NAME}(?:\s*(?:,|&|,?\s+and)\s+{_ONE_NAME}){{0,3}})\s*$",
    re.I,
)
# Co-authors in one credit: "Jane Doe and John Roe", "Ann Lee, Bo Chen & Cy Diaz".
_NAME_LIST = re.compile(r"\s*(?:,\s*and\s+|,|&|\band\b)\s*")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_LEADING_DATE = re.compile(
    rf"^\s*(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\.?\s+{_MONTH}\s+\d{{4}}|"
    rf"\d{{4}}-\d{{2}}-\d{{2}})\s*[|•·,-]?\s*",
    re.I,
)
_TRAILING_DATE = re.compile(
    rf"(?:\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}\.?\s+{_MONTH}(?=\s|$|,)|"
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|"
    rf"\b\d+\s+min(?:ute)?s?\s+read\b|\b(?:19|20)\d{{2}}\b).*$",
    re.I,
)
_PREFIX = re.compile(
    r"^\s*(?:read\s+more\s+(?:about|from|by)|more\s+(?:from|by)|view\s+(?:all\s+)?"
    r"(?:posts|articles|stories)\s+by|see\s+all\s+(?:posts|articles|stories)\s+by|"
    r"(?:all\s+)?(?:posts|articles|stories)\s+by|updated\s+by|updated|reviewed\s+by|"
    r"fact[- ]checked\s+by|edited\s+by|post\s+author(?:\s+by)?|recipe\s+by|"
    r"(?:article|story)\s+by|this\s+(?:post|article|story|piece)\s+(?:was|is)\s+written\s+by|(?:erstellt|verfasst|geschrieben)\s+von|"
    r"(?:artikel|beitr(?:ag|äge)|alles|alle\s+beitr(?:ag|äge)|mehr)\s+von|vom)\b[:\s]*"
    r"|^\s*(?:interview|text|autor(?:in)?|authors?)\s*:\s*",
    re.I,
)
_JOB_NOUNS = (
    r"reporter|correspondent|editor|writer|contributor|columnist|producer|analyst|manager|"
    r"director|strategist|specialist|journalist|photographer|critic|officer|intern|"
    r"founder|ceo|cto|president|lead|head|fellow|professor|scientist|engineer|consultant|"
    r"coordinator|expert|advisor|adviser|attorney|designer|developer|marketer|coach|"
    r"nutritionist|dietitian|therapist|physician|representative|assistant|staff|educator"
)
_JOB_TAIL = re.compile(
    r"^(?P<name>\S+(?:\s+\S+)+?)\s+(?:(?:senior|junior|chief|staff|contributing|associate|"
    r"deputy|managing|executive|special|guest|lead|principal|political|national|"
    r"international|freelance|digital|content)\s+)*(?:[^\W\d_]+\s+){0,2}"
    rf"(?:{_JOB_NOUNS})s?(?:\s+(?:of|at|for)\s+.*)?$",
    re.I,
)


_JOB_ONLY = re.compile(
    r"^(?:(?:senior|sr\.?|junior|jr\.?|vice|assistant|chief|staff|contributing|associate|"
    r"deputy|managing|executive|special|guest|principal|political|national|international|freelance|digital|content|"
    r"news|sports|business|features|web|social|media|marketing|technical|general|editorial)"
    rf"\s+){{0,3}}(?:{_JOB_NOUNS})s?(?:\s+(?:of|at|for)\s+.*)?$",
    re.I,
)


_NOT_NAME = re.compile(
    r"\b(?:sign\s+(?:up|in)|log\s*in|register|subscribe|newsletter|share|follow\s+us|menu|"
    r"search|cookies?|privacy|contact\s+us|read\s+more|click|paid\s+content|sponsored|"
    r"advertisement|anzeige|werbung|partner\s+content)\b",
    re.I,
)


# A commenter ("Jane says"), a form label ("Name *"), a channel ("X on YouTube"), a
# sponsorship flag: not a byline of the page.
_NOT_BYLINE = re.compile(
    r"\s(?:says|wrote|schreibt|dit):?$|\*|\son\s+(?:youtube|twitter|x|linkedin|instagram|"
    r"facebook|tiktok)$",
    re.I,
)
_SPONSORED = re.compile(r"\s+(?:sponsored|promoted|advertorial|anzeige)$", re.I)
# What is left of "Jane Doe am 3. März" or "Jane Doe at 10:30" once the date is gone: lower
# case only, since a capitalised one is a name ("Minh Le", "Anh On").
_DANGLING = re.compile(r"\s+(?:am|at|on|um|le|el|il|vom|den)$")
# Academic and professional credentials: part of a signature, not a name of their own.
_CREDENTIAL = re.compile(
    r"^(?:ph\.?\s?d|m\.?d|d\.?o|r\.?n|b\.?s\.?n|m\.?s\.?n?|m\.?a|m\.?b\.?a|m\.?p\.?h|"
    r"d\.?d\.?s|j\.?d|esq|cpa|cfa|cfp|rdn?|ld|facl?m|faap|facp|facs|fache|faan|dabom|foma|np|"
    r"pa-c|lcsw|lmft|lpc|aprn|crnp|psyd|dnp|pharmd|dvm|cscs|cssd|b\.?s|b\.?a|e-ryt(?:\s?\d+)?)"
    r"\.?$",
    re.I,
)
# Companies: a legal form or a trademark sign names an organisation, not a person.
_COMPANY = re.compile(
    r"\b(?:GmbH|AG|SE|KG|KGaA|Inc|LLC|L\.L\.C|Ltd|Corp|Corporation|PLC|LLP|Pty|S\.A|S\.L|e\.V)"
    r"(?:\.|\b)|[©®™]"
)
_LEGAL_FORM = re.compile(r"^(?:Inc|LLC|Ltd|Corp|PLC|LLP|GmbH|AG|S\.A|e\.V)\.?$")
# "Jane Doe on behalf of the Docs team", "Jane Doe for The Daily Example": the credit after
# the name is no part of it.
_ON_BEHALF = re.compile(r"\s+(?:[Oo]n\s+behalf\s+of(?:\s+[Tt]he)?|[Ff]or\s+[Tt]he)\s+[A-Z].*$")
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,}$")
_INITIAL_END = re.compile(r"(?:\b[A-Z]|\bJr|\bSr)$")
_MOJIBAKE = re.compile(r"[ÃÅÂÄ][\x80-\xbf]")


def is_job_title(text: str) -> bool:
    """True for a value that is a job title or page furniture, no name ("Head of Marketing",
    "Sign up")."""
    return bool(_JOB_ONLY.match(text) or _NOT_NAME.search(text))


def is_legal_form(part: str) -> bool:
    """True for a company's legal form standing alone ("Inc." of "Acme, Inc.")."""
    return bool(_LEGAL_FORM.match(part.strip()))


def is_handle(name: str) -> bool:
    """True for an account name ("jdoe", "kff.jane", "site.meta.author"): one lower-case
    token, which a CMS fills in when no display name is set."""
    return bool(_HANDLE.match(name))


def _strip_ends(text: str) -> str:
    """Punctuation off both ends, keeping the period of a final initial ("Jeff T.", "Jr.")."""
    stripped = text.strip(" .,:;-–—|•·/\"'“”[(")
    if text.rstrip().endswith(".") and _INITIAL_END.search(stripped):
        return stripped + "."
    return stripped


def repair_mojibake(text: str) -> str:
    """UTF-8 read as Latin-1 ("MÃ¼ller") decoded again; other text unchanged."""
    if not _MOJIBAKE.search(text):
        return text
    for encoding in ("latin-1", "cp1252"):
        try:
            return text.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def clean_name(raw: str) -> str:
    """One author value without entities, prefixes, dates, reading times and job titles."""
    text = repair_mojibake(" ".join(html.unescape(html.unescape(raw)).split()))
    text = _PREFIX.sub("", text)
    text = _DANGLING.sub("", _strip_ends(_TRAILING_DATE.sub("", _LEADING_DATE.sub("", text))))
    text = _ON_BEHALF.sub("", text)
    job = _JOB_TAIL.match(text)
    if job:
        text = job["name"]
    text = _strip_ends(_SPONSORED.sub("", _strip_ends(text)))
    words = text.split()
    while len(words) > 2 and _CREDENTIAL.match(words[-1].strip(",")):
        words.pop()  # "Jane Doe RN"
    text = _strip_ends(" ".join(words))
    if _CREDENTIAL.match(text) or _COMPANY.search(text):
        return ""
    return "" if is_job_title(text) or _NOT_BYLINE.search(text) else text


_PIECES = re.compile(r"\s*[,;|]\s*")
_JOB_END = re.compile(rf"\b(?:{_JOB_NOUNS})s?$", re.I)


def _lower_case_title(text: str) -> bool:
    """A job title in running words ("extension garden educators"): a name is capitalised."""
    words = text.split()
    return bool(_JOB_END.search(text)) and any(
        w[:1].islower() and w.lower() not in _PARTICLES for w in words
    )


def drop_titles(text: str) -> str:
    """A byline without the job titles between its commas: "Jane Doe, Head of Sales and
    Marketing" keeps "Jane Doe"; the one-word beat after a title ("Writer, Gadgets") goes
    with it."""
    kept: list[str] = []
    after_title = False
    for piece in _PIECES.split(text):
        stripped = _strip_ends(piece)
        if _JOB_ONLY.match(stripped) or (kept and _lower_case_title(stripped)):
            after_title = True
            continue
        if after_title and kept and len(stripped.split()) == 1:
            after_title = False
            continue
        after_title = bool(_JOB_TAIL.match(stripped))
        kept.append(piece)
    return ", ".join(kept)


def prepare(raw: str) -> str:
    """A whole byline before it is split into names: entities decoded (also double-escaped
    ones), a leading date and a "Read more about" prefix taken out."""
    text = " ".join(html.unescape(html.unescape(raw)).split())
    return _LEADING_DATE.sub("", _PREFIX.sub("", text))


def turn_citation_name(raw: str) -> str:
    """"Roy, Aniruddha" (one comma, one word each side) as "Aniruddha Roy"."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) == 2 and all(len(p.split()) == 1 and p[:1].isupper() for p in parts):
        return f"{parts[1]} {parts[0]}"
    return raw


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", folded)


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _group(element: HtmlElement) -> HtmlElement | None:
    parent = element.getparent()
    return parent.getparent() if parent is not None else None


_BY_END = re.compile(r"\bby\s*:?\s*$", re.I)


def _by_before(link: HtmlElement) -> bool:
    """True when the text just before ``link`` ends in "by"."""
    previous = link.getprevious()
    parent = link.getparent()
    before = previous.tail if previous is not None else parent.text if parent is not None else ""
    return bool(_BY_END.search(before or ""))


def linked_author(tree: HtmlElement) -> list[str]:
    """Names of links to author pages whose slug spells the link's text: the first one and
    co-authors linked beside it (related stories' authors elsewhere on the page are not)."""
    names: list[str] = []
    group = None
    for link in tree.iterfind(".//a[@href]"):
        found = _AUTHOR_PATH.search(link.get("href", ""))
        if not found:
            continue
        name = _text(link) or (link.get("aria-label") or "").strip()
        slug = _slug(found[1])
        if not slug:
            continue
        if not all(_NAME.match(n) for n in _NAME_LIST.split(name)) and not (
            _slug(name) == slug and found[0].lower().startswith("/author")
            and _by_before(link) and name[:1].isupper()
        ):
            continue  # a one-word name only as "by <a href='/author/jane'>Jane</a>"
        if _slug(name) not in slug and slug not in _slug(name):
            continue
        if names and _group(link) is not group:
            continue
        group = group if names else _group(link)
        names.append(name)
    return list(dict.fromkeys(names))[:6]


_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "la", "le", "bin",
     "ibn", "al", "el", "y", "e", "ter", "zu", "dos", "das"}
)


def looks_like_name(text: str) -> bool:
    """Two to four words, each capitalised but for particles ("Ursula von der Leyen")."""
    words = text.split()
    return bool(_NAME.match(text)) and all(
        w[:1].isupper() or w.lower() in _PARTICLES for w in words
    ) and words[0][:1].isupper()


def name_list(text: str) -> list[str]:
    """The names of a credit naming one or more people ("Jane Doe and John Roe"); empty
    when a part is no name."""
    parts = [p for p in _NAME_LIST.split(text.strip()) if p]
    return parts if parts and all(looks_like_name(p) for p in parts) else []


_BLOCKS = frozenset({"p", "div", "li", "ul", "h2", "h3", "h4", "h5", "h6", "address"})
_MENU_CLASS = re.compile(r"^(?:(?:sub|mega|nav|dropdown)-?)?menu(?:-item)?$|^dropdown$")


def _off_byline(element: HtmlElement) -> bool:
    """True inside navigation (a ``<nav>``, a menu role, a menu or dropdown class) or inside
    comments (a class or id beginning "comment")."""
    for node in [element, *element.iterancestors()]:
        role = node.get("role") or ""
        classes = (node.get("class") or "").lower().split()
        if node.tag == "nav" or role in ("menu", "menubar", "navigation") or any(
            _MENU_CLASS.match(c) or c.startswith("comment") for c in classes
        ) or (node.get("id") or "").lower().startswith("comment"):
            return True
    return False


def labelled_byline(tree: HtmlElement) -> list[str]:
    """A name after a "By" / "Written by" label, in the same element or the next one;
    navigation ("Shop by Brand", "By Industry" in a menu) and comments have none."""
    for element in tree.iter(
        "p", "span", "div", "li", "small", "strong", "em", "address", "h2", "h3", "h4", "h5",
        "h6",
    ):
        if len(element) > 4:
            continue
        text = _text(element)
        if not text or len(text) > 80:
            continue
        undated = _TRAILING_DATE.sub("", text)
        if undated != text:  # "By Jane Doe on March 3, 2025"
            undated = _DANGLING.sub("", _strip_ends(undated))
        found = _LABELLED.match(_strip_ends(undated))
        if any(child.tag in _BLOCKS for child in element):
            found = None  # lines run together in its text: its blocks are tried one by one
        names = name_list(found["name"]) if found else []
        if names and not _off_byline(element):
            return names
        if _LABEL.match(text):
            following = element.getnext()
            if following is not None:
                names = name_list(_text(following))
                if names and not _off_byline(element):
                    return names
    return []


def visible_byline(tree: HtmlElement) -> list[str]:
    """Visible author credits: author-page links first, then labelled bylines."""
    return linked_author(tree) or labelled_byline(tree)


_SEPARATORS = re.compile(r"\s*[|•·]\s*|\s+[-–—]\s+")


def _beside_headline(tree: HtmlElement) -> list[HtmlElement]:
    """Elements next to the first ``<h1>``: its siblings and its parent's, nearest first."""
    heading = tree.find(".//h1")
    found: list[HtmlElement] = []
    node = heading
    for _level in range(2):
        parent = node.getparent() if node is not None else None
        if parent is None:
            break
        siblings = [c for c in parent if isinstance(c.tag, str)]
        at = siblings.index(node)
        found.extend(siblings[at + 1 : at + 4] + siblings[max(0, at - 2) : at])
        node = parent
    return found


def headline_byline(tree: HtmlElement) -> list[str]:
    """An unlabelled byline beside the headline: a line such as "Jane Doe | Senior Writer |
    July 2, 2025" whose name stands beside a date or a job title."""
    for element in _beside_headline(tree):
        text = _text(element)
        if not text or len(text) > 100:
            continue
        parts = [p for p in _SEPARATORS.split(text) if p]
        if len(parts) < 2:
            continue
        names = [p for p in parts if looks_like_name(p) and not is_job_title(p)]
        others = [p for p in parts if p not in names]
        if len(names) == 1 and others and all(
            _TRAILING_DATE.search(p) or is_job_title(p) for p in others
        ):
            return names
    return []
