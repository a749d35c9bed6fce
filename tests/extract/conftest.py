"""Fixtures of the extraction tests."""

from __future__ import annotations

import pytest
from extract_fixtures import FakePage


@pytest.fixture
def make_page():
    """``make_page(html, url=..., **fields)`` -> a page record."""

    def make(html: str | bytes, url: str = "https://news.example.com/2022/04/03/story", **kw):
        body = html.encode("utf-8") if isinstance(html, str) else html
        return FakePage(url=url, body=body, final_url=kw.pop("final_url", url), **kw)

    return make
