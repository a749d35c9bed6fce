"""decode_html's order (BOM, UTF-8, header, meta, detection) and robots.txt rules."""

from __future__ import annotations

import codecs

import pytest
from newslake.crawl.charset import decode_html, normalize_charset
from newslake.crawl.robots import Robots, parse_robots

RUSSIAN = "Правительство объявило о новых мерах поддержки экономики и граждан страны. " * 5


def test_utf8_beats_a_wrong_latin1_header():
    body = "<p>Café — “naïve”</p>".encode()
    assert decode_html(body, "text/html; charset=ISO-8859-1") == ("<p>Café — “naïve”</p>", "utf-8")


def test_bom_wins():
    body = codecs.BOM_UTF16_LE + "<p>Grüße</p>".encode("utf-16-le")
    assert decode_html(body, "text/html; charset=windows-1252") == ("<p>Grüße</p>", "utf-16-le")


def test_header_charset_used_when_valid():
    body = "<p>naïve café</p>".encode("cp1252")
    assert decode_html(body, "text/html; charset=windows-1252") == ("<p>naïve café</p>", "cp1252")


def test_meta_charset_when_no_header():
    body = f'<html><head><meta charset="koi8-r"></head><p>{RUSSIAN}</p>'.encode("koi8-r")
    text, charset = decode_html(body, "text/html")
    assert charset == "koi8-r" and RUSSIAN in text


def test_header_that_cannot_decode_falls_back_to_meta():
    body = f'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">' \
           f"<p>{RUSSIAN}</p>".encode("cp1251")
    text, charset = decode_html(body, "text/html; charset=utf-8")
    assert charset == "cp1251" and RUSSIAN in text


def test_detection_without_any_declaration():
    body = f"<p>{RUSSIAN}</p>".encode("cp1251")
    text, _ = decode_html(body, None)
    assert RUSSIAN in text


def test_unknown_label_and_ascii():
    assert normalize_charset("x-unknown-thing") is None
    assert normalize_charset("Latin-1") == "cp1252"
    assert decode_html(b"<p>plain</p>", "text/html; charset=bogus") == ("<p>plain</p>", "ascii")


def test_random_bytes_never_raise():
    body = bytes(range(256)) * 4
    text, charset = decode_html(body, "text/html; charset=utf-8")
    assert isinstance(text, str) and charset


ROBOTS = """
# comment
User-agent: otherbot
Disallow: /

User-agent: newslake
User-agent: friend
Disallow: /private
Allow: /private/ok
Disallow: /*.pdf$
Crawl-delay: 2.5

User-agent: *
Disallow: /everything-for-others
"""


@pytest.mark.parametrize(("path", "allowed"), [
    ("/", True), ("/news/1", True), ("/private", False), ("/private/x", False),
    ("/private/ok/1", True), ("/doc.pdf", False), ("/doc.pdf?x=1", True),
    ("/everything-for-others", True),
])
def test_robots_group_for_our_token(path, allowed):
    robots = parse_robots(ROBOTS, "newslake")
    assert robots.allowed(f"http://a.test{path}") is allowed
    assert robots.crawl_delay == 2.5


def test_robots_star_group_and_defaults():
    star = parse_robots(ROBOTS, "someoneelse")
    assert not star.allowed("http://a.test/everything-for-others/1")
    assert star.allowed("http://a.test/private") and star.crawl_delay is None
    assert Robots.allow_all().allowed("http://a.test/x")
    assert not Robots.disallow_all().allowed("http://a.test/")
    assert parse_robots("", "newslake").allowed("http://a.test/x")
    assert parse_robots("User-agent: *\nCrawl-delay: soon\n", "n").crawl_delay is None
