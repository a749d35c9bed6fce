"""Page records and HTML builders shared by the extraction tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

FETCHED_AT = datetime(2022, 4, 4, 20, 30, tzinfo=UTC)


@dataclass(frozen=True)
class FakePage:
    """The shape of ``newslake.crawl.warc.Page``."""

    url: str
    body: bytes
    final_url: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    charset: str | None = None
    fetched_at: datetime = FETCHED_AT
    source_id: str | None = "test"
    warc_file: str = "test.warc.gz"


def article_html(
    body_paragraphs: int = 6,
    head: str = "",
    extra_body: str = "",
    title: str = "Council approves the new harbour budget after long debate",
) -> str:
    """A plain article page with enough text to pass the length checks."""
    paras = "".join(
        f"<p>Paragraph {i} of the story explains in plain words what the council decided on "
        f"the harbour budget and why the members voted the way they did this week.</p>"
        for i in range(body_paragraphs)
    )
    return (
        f"<html><head><title>{title} | Example News</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{extra_body}{paras}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    )
