"""Signals that tell an article from a listing, forum, product, service or documentation page.

Each feature is a number read from the page's structured data, its URL, its markup and its
extracted text; ``newslake.extract.page_type`` weighs them. Counts are log-scaled so that one
very long page does not dominate.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newslake.extract.jsonld import ld_types

LD_GROUPS: dict[str, frozenset[str]] = {
    "ld_news": frozenset(
        {
            "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
            "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting", "article",
            "blogposting", "report", "scholarlyarticle", "socialmediaposting",
        }
    ),
    "ld_product": frozenset(
        {"product", "productgroup", "offer", "aggregateoffer", "individualproduct", "car",
         "productmodel", "vehicle"}
    ),
    "ld_forum": frozenset(
        {"discussionforumposting", "qapage", "question", "answer", "comment"}
    ),
    "ld_docs": frozenset(
        {"techarticle", "apireference", "softwaresourcecode", "softwareapplication", "howto"}
    ),
    "ld_service": frozenset(
        {"service", "localbusiness", "professionalservice", "legalservice", "medicalbusiness",
         "homeandconstructionbusiness", "financialservice", "dentist", "physician",
         "medicalclinic", "attorney", "store", "restaurant", "offercatalog", "contactpage"}
    ),
    "ld_collection": frozenset(
        {"collectionpage", "itemlist", "searchresultspage", "listitem", "blog"}
    ),
    "ld_faq": frozenset({"faqpage"}),
}

_LD_PAGES = frozenset({"webpage", "aboutpage", "profilepage", "contactpage", "itempage",
                       "checkoutpage", "realestatelisting"})

_URL_WORDS: dict[str, frozenset[str]] = {
    "url_product": frozenset(
        {"product", "products", "shop", "store", "p", "dp", "item", "items", "buy", "sku",
         "produkt", "produit", "producto", "prodotto", "catalog"}
    ),
    "url_forum": frozenset(
        {"forum", "forums", "thread", "threads", "topic", "topics", "t", "community",
         "discussion", "discussions", "questions", "q", "showthread.php", "viewtopic.php",
         "comments", "r", "board", "boards"}
    ),
    "url_docs": frozenset(
        {"docs", "doc", "documentation", "api", "reference", "manual", "guide", "guides",
         "wiki", "learn", "developer", "developers", "tutorial", "tutorials",
         "kb", "help", "support", "knowledge-base", "en-us", "latest", "stable"}
    ),
    "url_listing": frozenset(
        {"category", "categories", "tag", "tags", "archive", "archives", "page", "topics",
         "section", "author", "authors", "search", "latest", "index", "news", "blog"}
    ),
    "url_collection": frozenset(
        {"collections", "collection", "c", "shop-all", "brands", "browse", "department"}
    ),
    "url_service": frozenset(
        {"services", "service", "solutions", "solution", "about", "contact", "pricing",
         "locations", "industries", "what-we-do", "practice-areas", "treatments"}
    ),
    "url_article": frozenset(
        {"article", "articles", "story", "stories", "post", "posts", "news", "blog",
         "blogs", "opinion", "press", "press-release", "insights", "features"}
    ),
}
_HOST_WORDS: dict[str, frozenset[str]] = {
    "host_docs": frozenset({"docs", "doc", "developer", "developers", "api", "learn", "help",
                            "support", "wiki", "manual", "kb", "readthedocs"}),
    "host_forum": frozenset({"forum", "forums", "community", "discuss", "answers", "boards"}),
    "host_shop": frozenset({"shop", "store", "buy", "checkout"}),
    "host_news": frozenset({"news", "blog", "blogs", "press", "edition"}),
}
_URL_DATE = re.compile(r"/(?:19|20)\d{2}/(?:[01]?\d)(?:/|$)|[/_-](?:19|20)\d{2}-?[01]\d-?[0-3]\d")
# "$12", "12 €", "12 usd". The first character is read as a class and then told apart by a
# lookbehind, so the search skips to currency signs and digits instead of trying each place.
_PRICE = re.compile(
    r"[$€£¥₹\d](?:(?<=[$€£¥₹])\s?\d[\d.,]*|(?<=\d)[\d.,]*\s?(?:€|£|\$|usd|eur|gbp|kr|zł|chf)\b)",
    re.I,
)
_CART = re.compile(
    r"\b(?:add(?:ed)? to (?:cart|bag|basket|wishlist)|buy now|in stock|out of stock|"
    r"free shipping|checkout|quantity|in den warenkorb|ajouter au panier|añadir al carrito|"
    r"sku|add to quote|select options)\b",
)
# "posts: 120" (a poster's count) ends in a colon, so no word boundary can follow it; the
# verb "like" of prose is no forum word, while "likes" counts reactions.
_FORUM = re.compile(
    r"\b(?:(?:reply|replies|replied|quote|joined|member|members|thread|original poster|"
    r"views|upvotes?|permalink|report post|likes|solved|answered|asked)\b|posts?:\s*\d)",
)
_SERVICE = re.compile(
    r"\b(?:contact us|get (?:a|your) (?:free )?(?:quote|estimate|consultation)|free consultation|"
    r"schedule (?:a|your)|book (?:a|an|your|now)|call (?:us|today|now)|our services|our team|"
    r"request a (?:quote|demo)|get started|learn more|we offer|why choose)\b",
)
_DOCS = re.compile(
    r"\b(?:on this page|table of contents|parameters|returns|example|syntax|"
    r"installation|edit (?:this|on github)|next|previous|version)\b",
)
# "12 comments": a digit opening a number (the lookbehind stands for a leading \b), so the
# search skips to digits.
_REPLY_COUNT = re.compile(
    r"\d(?<!\w.)\d*\s+(?:comments?|repl(?:y|ies)|answers?|posts|views|votes?)\b"
)
# Every match of a word pattern holds one of its needles: a text without any has no match,
# and a substring test is far quicker than a regular expression over the whole page.
_NEEDLES: dict[re.Pattern[str], tuple[str, ...]] = {
    _CART: ("add", "buy now", "stock", "free shipping", "checkout", "quantity", "warenkorb",
            "panier", "carrito", "sku", "select options"),
    _FORUM: ("repl", "quote", "joined", "post", "member", "thread", "views", "upvote",
             "permalink", "likes", "solved", "answered", "asked"),
    _SERVICE: ("contact us", "get ", "consultation", "schedule ", "book ", "call ", "our ",
               "request a ", "learn more", "we offer", "why choose"),
    _DOCS: ("on this page", "table of contents", "parameters", "returns", "example", "syntax",
            "installation", "edit ", "next", "previous", "version"),
    _REPLY_COUNT: ("comment", "repl", "answer", "posts", "views", "vote"),
}
_SENTENCE = re.compile(r"[.!?](?<=\w.)(?:\s|$)")  # a stop after a word character
_PROSE = re.compile(r"[.!?。！？][\"'”’)]?$")
_WORD = re.compile(r"\w+")
# the first person of a business ("we", "our") as group 1, the reader ("you", "your") without
_PERSON = re.compile(r"\b(?:(we|our|us)|you|your|yours)\b", re.I)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
_POST_CLASS = re.compile(r"(?:^|[\s_-])(?:post|message|reply|comment|answer)s?(?:$|[\s_-])", re.I)
_CARD_WORDS = ("card", "teaser", "tile", "grid-item", "post-item", "product-item", "entry",
               "listing")
_DOC_WORDS = ("toc", "sidebar", "docs", "highlight", "language-", "sphinx", "mkdocs",
              "docusaurus")
_POST_WORDS = ("post", "message", "reply", "comment", "answer")
_BYLINE_WORDS = ("byline", "author", "dateline", "posted-on", "entry-date")
_USER_WORDS = ("user", "poster", "member", "author-name", "commenter")
_ANY_MARK = re.compile("|".join(
    (*_CARD_WORDS, *_DOC_WORDS, *_POST_WORDS, *_BYLINE_WORDS, *_USER_WORDS, "avatar", "rating",
     "star", "review-count", "breadcrumb", "btn", "button", "cta")
))
_NO_FLAGS = (False,) * 9
_COUNTED = frozenset({"a", "p", "h1", "h2", "h3", "h4", "time", "pre", "code", "form", "input",
                      "select", "button", "article", "li", "img", "ul"})
"""The tags the element walk counts or measures (a quick test passes over the others)."""
_BYLINE_CLASS = re.compile(r"byline|(?:^|[\s_-])author(?:$|[\s_-])|dateline|posted-on|entry-date",
                           re.I)
_RATING_CLASS = re.compile(r"rating|stars?(?:$|[\s_-])|review-count", re.I)
_OFFER_PROPS = frozenset({"price", "offers", "pricecurrency", "availability", "sku", "gtin13"})
_ARTICLE_PROPS = frozenset({"articlebody", "headline", "datepublished", "author"})
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_DATE = re.compile(
    rf"\b(?=[0-9adfjmnos])(?:{_MONTH}\s+\d{{1,2}},?\s+(?:19|20)\d{{2}}|\d{{1,2}}\s+{_MONTH}\s+(?:19|20)\d{{2}}|"
    r"(?:19|20)\d{2}-[01]\d-[0-3]\d|[0-3]?\d[./][01]?\d[./](?:19|20)\d{2})\b",
    re.I,
)
_BY = re.compile(r"(?:^|\s)(?i:by|written by|von|par|por|di|door)\s+[A-Z]\w+")


def _log(n: float) -> float:
    return math.log1p(max(n, 0.0))


def _class_flags(cls: str) -> tuple[bool, ...]:
    """What one class attribute marks: post, docs, card, byline, avatar, rating, breadcrumb,
    button/call to action, user name (plain substring tests first: most classes are none)."""
    low = cls.lower()
    if not _ANY_MARK.search(low):
        return _NO_FLAGS
    return (
        any(w in low for w in _POST_WORDS) and bool(_POST_CLASS.search(cls)),
        any(w in low for w in _DOC_WORDS),
        any(w in low for w in _CARD_WORDS),
        any(w in low for w in _BYLINE_WORDS) and bool(_BYLINE_CLASS.search(cls)),
        "avatar" in low,
        ("rating" in low or "star" in low or "review-count" in low)
        and bool(_RATING_CLASS.search(cls)),
        "breadcrumb" in low,
        "btn" in low or "button" in low or "cta" in low,
        any(w in low for w in _USER_WORDS),
    )


def _url_features(url: str) -> dict[str, float]:
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed URL (bad IPv6 host, ...) has no usable shape
        parts = urlsplit("")
    path = parts.path.lower()
    segments = [s for s in path.split("/") if s]
    out: dict[str, float] = {}
    for name, words in _URL_WORDS.items():
        out[name] = float(any(s in words for s in segments[:-1] or segments))
    last = segments[-1] if segments else ""
    stem = re.sub(r"\.(?:html?|php|aspx?|shtml)$", "", last)
    slug = [w for w in re.split(r"[-_+]", stem) if w and not w.isdigit()]
    out["url_root"] = float(not segments)
    out["url_depth"] = min(len(segments), 6) / 6
    out["url_slug_words"] = min(len(slug), 12) / 12
    out["url_date"] = float(bool(_URL_DATE.search(path)))
    out["url_query"] = float(bool(parts.query))
    out["url_numeric_id"] = float(bool(re.search(r"\d{5,}", last)))
    out["url_slug_chars"] = _log(len(stem)) / 5
    out["url_slash_end"] = float(path.endswith("/") and bool(segments))
    out["url_extension"] = float(stem != last)
    host = (parts.hostname or "").split(".")
    for name, words in _HOST_WORDS.items():
        out[name] = float(any(h in words for h in host[:-2]))
    return out


def _ld_features(objects: list[dict[str, Any]]) -> dict[str, float]:
    types: set[str] = set()
    for obj in objects:
        types |= ld_types(obj)
    out = {name: float(bool(types & group)) for name, group in LD_GROUPS.items()}
    out["ld_any"] = float(bool(objects))
    crumbs = items = 0
    for obj in objects:
        kinds = ld_types(obj)
        elements = obj.get("itemListElement")
        size = len(elements) if isinstance(elements, list) else 0
        if "breadcrumblist" in kinds:
            crumbs = max(crumbs, size)
        elif "itemlist" in kinds:
            items += size
    out["ld_breadcrumbs"] = _log(crumbs)
    out["ld_list_items"] = _log(items)
    out["ld_webpage"] = float(bool(types & _LD_PAGES))
    out["ld_article_body"] = float(any("articleBody" in obj for obj in objects))
    out["ld_objects"] = _log(len(objects))
    return out


def _dom_features(tree: HtmlElement) -> tuple[dict[str, float], str]:
    """Markup counts, the page's text in document order, and where the headline sits."""
    link_chars = text_chars = 0
    pre = code = forms = inputs = articles = li_links = nested_lists = tel = h_links = 0
    post_class = doc_class = card_class = imgs = card_heads = heads = h1s = comment_ids = 0
    byline = avatar = rating = itemprop_offer = itemprop_article = cta = users = items = 0
    paragraphs = long_paragraphs = 0
    sibling_runs: dict[tuple[HtmlElement, str, str], int] = {}
    blocks: Counter = Counter()  # paragraph characters under each parent element
    block_links: Counter = Counter()  # link characters in those paragraphs
    seen_classes: dict[str, tuple[bool, ...]] = {}
    pieces: list[str] = []
    h1_at = h1_piece = -1
    near_h1 = -1  # characters from the headline to the first <time> or byline after it
    crumbs: HtmlElement | None = None
    root = tree.find(".//body")
    for el in (root if root is not None else tree).iter():
        tag = el.tag
        tail = el.tail  # each read of .text or .tail builds a new string: read once
        if tail:
            size = len(tail.strip())
            if size:
                pieces.append(tail)
                text_chars += size
        if not isinstance(tag, str) or not tag or tag in _SKIP:
            continue
        cls = el.get("class") or ""
        text = el.text
        txt = len(text.strip()) if text else 0
        if txt:
            pieces.append(text)
            text_chars += txt
        if tag not in _COUNTED:
            pass
        elif tag == "a":
            link_chars += txt
            if len(el):  # most links hold their text alone
                link_chars += sum(len((c.text or "").strip()) for c in el.iterdescendants())
            href = el.get("href") or ""
            if href.startswith("tel:"):
                tel += 1
            parent = el.getparent()
            if parent is not None and parent.tag in ("h2", "h3", "h4"):
                h_links += 1
            elif parent is not None and parent.tag == "li":
                li_links += 1
        elif tag == "p":
            nested = len(el)  # a paragraph of text alone is its own text, without links
            chars = len(el.text_content().strip()) if nested else txt
            if chars:
                paragraphs += 1
                long_paragraphs += chars >= 250
                parent = el.getparent()
                blocks[parent] += chars
                if nested:
                    block_links[parent] += sum(len(a.text_content()) for a in el.iter("a"))
        elif tag in ("h2", "h3", "h4"):
            heads += 1
            parent = el.getparent()
            if el.find(".//a") is not None or (parent is not None and parent.tag == "a"):
                card_heads += 1
        elif tag == "h1":
            h1s += 1
            if h1_at < 0:
                h1_at, h1_piece = text_chars - txt, len(pieces)
        elif tag == "time" and h1_at >= 0 and near_h1 < 0:
            near_h1 = text_chars - h1_at
        elif tag == "pre":
            pre += 1
        elif tag == "code":
            code += 1
        elif tag == "form":
            forms += 1
        elif tag in ("input", "select", "button"):
            inputs += 1
        elif tag == "article":
            articles += 1
        elif tag == "li":
            items += 1
        elif tag == "img":
            imgs += 1
        elif tag == "ul" and any(a.tag == "ul" for a in el.iterancestors()):
            nested_lists += 1
        prop = el.get("itemprop")
        if prop:
            prop = prop.lower()
            itemprop_offer += prop in _OFFER_PROPS
            itemprop_article += prop in _ARTICLE_PROPS
        ident = el.get("id")
        if ident and "comment" in ident.lower():
            comment_ids += 1
        if "author" in (el.get("rel") or "").split():
            byline += 1
        if cls:
            flags = seen_classes.get(cls)
            if flags is None:
                flags = seen_classes[cls] = _class_flags(cls)
            if flags is not _NO_FLAGS:  # most classes mark nothing
                post_class += flags[0]
                doc_class += flags[1]
                card_class += flags[2]
                if flags[3]:
                    byline += 1
                    if h1_at >= 0 and near_h1 < 0:
                        near_h1 = text_chars - h1_at
                avatar += flags[4]
                rating += flags[5]
                if flags[6] and crumbs is None:
                    crumbs = el
                cta += flags[7] and tag in ("a", "button")
                users += flags[8]
            parent = el.getparent()
            if parent is not None:  # the key holds the parent, so lxml keeps its proxy
                key = (parent, tag, cls)
                sibling_runs[key] = sibling_runs.get(key, 0) + 1
    longest_run = max(sibling_runs.values(), default=0)
    repeated = [n for n in sibling_runs.values() if n >= 4]
    main, main_chars = blocks.most_common(1)[0] if blocks else (None, 0)
    after_h1 = " ".join(pieces[h1_piece:h1_piece + 40]) if h1_at >= 0 else ""
    return {
        "link_density": link_chars / text_chars if text_chars else 1.0,
        "pre": _log(pre),
        "pre_per_paragraph": min(pre / (paragraphs + 1), 4.0) / 4,
        "code": _log(code),
        "forms": _log(forms),
        "inputs": _log(inputs),
        "article_tags": _log(articles),
        "li_links": _log(li_links),
        "heading_links": _log(h_links),
        "nested_lists": _log(nested_lists),
        "tel_links": _log(tel),
        "post_class": _log(post_class),
        "doc_class": _log(doc_class),
        "card_class": _log(card_class),
        "images": _log(imgs),
        "sibling_run": _log(longest_run),
        "page_chars": _log(text_chars) / 12,
        "paragraphs": _log(paragraphs),
        "long_p": _log(long_paragraphs),
        "main_block_share": main_chars / text_chars if text_chars else 0.0,
        "main_block_links": block_links[main] / main_chars if main_chars else 0.0,
        "main_block_chars": _log(main_chars) / 10,
        "headings": _log(heads),
        "card_headings": _log(card_heads),
        "card_heading_share": card_heads / heads if heads else 0.0,
        "h1s": _log(h1s),
        "h1_position": h1_at / text_chars if h1_at >= 0 and text_chars else 1.0,
        "date_near_h1": float(0 <= near_h1 < 600 or bool(_DATE.search(after_h1[:600]))),
        "by_near_h1": float(bool(_BY.search(after_h1[:400]))),
        "repeated_groups": _log(len(repeated)),
        "repeated_items": _log(sum(repeated)),
        "comment_ids": _log(comment_ids),
        "byline_marks": _log(byline),
        "avatars": _log(avatar),
        "rating_marks": _log(rating),
        "itemprop_offer": _log(itemprop_offer),
        "itemprop_article": _log(itemprop_article),
        "cta_links": _log(cta),
        "user_marks": _log(users),
        "list_items": _log(items),
        "breadcrumb_links": _log(len(crumbs.findall(".//a"))) if crumbs is not None else 0.0,
    }, " ".join(pieces)


def _matches(pattern: re.Pattern[str], lowered: str) -> int:
    """How many times a word pattern matches a lower-cased text."""
    if not any(needle in lowered for needle in _NEEDLES[pattern]):
        return 0
    return len(pattern.findall(lowered))


COUNTS = ("body_share", "prices", "cart", "forum_words", "service_words", "docs_words",
          "page_dates", "reply_counts")
"""The features counted by patterns over the whole page text (its words, prices, ...), the
costliest to compute: ``features_without_counts`` leaves them to ``count_features``."""


def _text_features(body: str) -> dict[str, float]:
    lines = [line for line in body.split("\n") if line.strip()]
    words = [len(_WORD.findall(line)) for line in lines]
    body_words = sum(words)  # no word spans a line break, and blank lines have none
    total = body_words or 1
    prose = sum(n for line, n in zip(lines, words, strict=True) if n >= 15 and _PROSE.search(line))
    long_lines = sum(1 for n in words if n >= 30)
    persons = _PERSON.findall(body)
    we = sum(1 for p in persons if p)
    prices = len(_PRICE.findall(body))
    return {
        "body_words": _log(body_words) / 8,
        "prose_share": prose / total,
        "long_paragraphs": _log(long_lines),
        "mean_line_words": _log(total / len(lines) if lines else 0),
        "we_share": min(we / (body_words or 1) * 20, 1.0),
        "you_share": min((len(persons) - we) / (body_words or 1) * 20, 1.0),
        "body_prices": _log(prices),
        "price_lines": min(prices / len(lines), 1.0) if lines else 0.0,
        "body_lines": _log(len(lines)),
        "short_lines": sum(1 for n in words if n <= 6) / len(lines) if lines else 1.0,
        "question_lines": sum(1 for line in lines if line.rstrip().endswith("?")) / len(lines)
        if lines else 0.0,
        "sentences_per_line": min(len(_SENTENCE.findall(body)) / len(lines), 10.0) / 10
        if lines else 0.0,
    }


def count_features(page_text: str, body: str) -> dict[str, float]:
    """The ``COUNTS`` features of a page's text (the text ``features_without_counts`` gives)
    and its main text ``body``."""
    page_words = len(_WORD.findall(page_text)) or 1
    lowered = page_text.lower()  # the word patterns below are lower-case, without re.I
    return {
        "body_share": min(len(_WORD.findall(body)) / page_words, 1.0),
        "prices": _log(len(_PRICE.findall(page_text))),
        "cart": _log(_matches(_CART, lowered)),
        "forum_words": _log(_matches(_FORUM, lowered)),
        "service_words": _log(_matches(_SERVICE, lowered)),
        "docs_words": _log(_matches(_DOCS, lowered)),
        "page_dates": _log(len(_DATE.findall(page_text))),
        "reply_counts": _log(_matches(_REPLY_COUNT, lowered)),
    }


def features_without_counts(
    url: str,
    tree: HtmlElement,
    objects: list[dict[str, Any]],
    meta: dict[str, Any],
    body: str,
) -> tuple[dict[str, float], str]:
    """Every page-type feature of one page but the ``COUNTS``, and the page's text those are
    counted in (``count_features``). The arguments are those of ``features``."""
    dom, page_text = _dom_features(tree)
    og = (meta.get("og_type") or "").lower()
    out = {
        "og_article": float(og == "article"),
        "og_product": float(og.startswith(("product", "og:product"))),
        "og_website": float(og == "website"),
        "has_date": float(bool(meta.get("published_jsonld") or meta.get("published_meta"))),
        "has_author": float(bool(meta.get("authors"))),
        "time_tags": _log(len(tree.findall(".//time"))),
        "og_other": float(bool(og) and og not in ("article", "website")
                          and not og.startswith(("product", "og:product"))),
        "has_section": float(bool(meta.get("section"))),
        "has_tags": float(bool(meta.get("tags"))),
        "title_words": _log(len(_WORD.findall(meta.get("title") or ""))) / 3,
    }
    out.update(_ld_features(objects))
    out.update(_url_features(url))
    out.update(dom)
    out.update(_text_features(body))
    return out, page_text


def features(
    url: str,
    tree: HtmlElement,
    objects: list[dict[str, Any]],
    meta: dict[str, Any],
    body: str,
) -> dict[str, float]:
    """Every page-type feature of one page.

    ``objects`` are its JSON-LD objects (``jsonld.ld_objects``), ``meta`` the collected
    metadata (``metadata.collect``), ``body`` the extracted main text.
    """
    out, page_text = features_without_counts(url, tree, objects, meta, body)
    out.update(count_features(page_text, body))
    return out
