"""iter_responses reads our WARC files and third-party ones (the evaluation WARCs and a
Common-Crawl-style file with gzip content encoding and chunked transfer encoding)."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime

import pytest
from newslake.crawl.warc import WarcWriter as OurWriter
from newslake.crawl.warc import iter_responses
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HTML = "<html><head><meta charset='utf-8'><title>Ünïcode</title></head><body>x</body></html>"


def _third_party(path, compress: bool) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "other"}))
        raw = gzip.compress(HTML.encode())
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(raw), raw)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=UTF-8"),
                                           ("Content-Encoding", "gzip"),
                                           ("Transfer-Encoding", "chunked"),
                                           ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://cc.test/story", "response", payload=io.BytesIO(chunked), http_headers=http,
            warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"}))
        req = StatusAndHeaders("GET /story HTTP/1.1", [("Host", "cc.test")],
                               is_http_request=True)
        writer.write_record(writer.create_warc_record(
            "https://cc.test/story", "request", payload=io.BytesIO(b""), http_headers=req))
        writer.write_record(writer.create_warc_record(
            "dns:cc.test", "response", payload=io.BytesIO(b"1.2.3.4"),
            warc_content_type="text/dns"))
        pdf = StatusAndHeaders("200 OK", [("Content-Type", "application/pdf")],
                               protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://cc.test/doc.pdf", "response", payload=io.BytesIO(b"%PDF-1.4 x"),
            http_headers=pdf))


@pytest.mark.parametrize("compress", [True, False])
def test_common_crawl_style(tmp_path, compress):
    path = tmp_path / ("cc.warc.gz" if compress else "cc.warc")
    _third_party(path, compress)
    pages = list(iter_responses(path))
    assert [p.url for p in pages] == ["https://cc.test/story", "https://cc.test/doc.pdf"]
    page = pages[0]
    assert page.body.decode("utf-8") == HTML
    assert (page.status, page.content_type, page.charset) == (200, "text/html", "utf-8")
    assert page.headers["set-cookie"] == "a=1, b=2"
    assert page.fetched_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert page.source_id is None and page.final_url == page.url
    assert page.warc_file == str(path)
    assert pages[1].content_type == "application/pdf"


def test_our_writer_round_trip(tmp_path):
    target = tmp_path / "deep" / "dir" / "ours.warc.gz"
    when = datetime(2022, 4, 3, 12, tzinfo=UTC)
    with OurWriter(target) as writer:
        rid = writer.write_request("http://a.test/r", "GET", [("Host", "a.test")], when, "src")
        writer.write_response("http://a.test/final", 200, "OK",
                              [("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                               ("Content-Length", "5")],
                              HTML.encode(), when, "src", requested_url="http://a.test/r",
                              concurrent_to=rid)
        writer.write_failure("http://a.test/x", "timeout", "read timeout", when, "src", rid)
        assert not target.exists()  # renamed into place on close
    assert target.exists() and not list(target.parent.glob(".*.tmp"))
    (page,) = list(iter_responses(target))
    assert (page.url, page.final_url, page.source_id) == (
        "http://a.test/r", "http://a.test/final", "src")
    assert page.body == HTML.encode()
    assert page.headers["content-length"] == str(len(HTML.encode()))
    assert "content-encoding" not in page.headers
    assert page.fetched_at == when


def test_writer_abort_leaves_nothing(tmp_path):
    target = tmp_path / "x.warc.gz"
    with pytest.raises(RuntimeError), OurWriter(target):
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "count"), [("aeb/aeb.warc.gz", 92),
                                             ("syndication/corpus.warc.gz", None),
                                             ("trafilatura-meta/pages.warc.gz", None)])
def test_eval_warcs(shared_eval, name, count):
    path = shared_eval / name
    if not path.exists():
        pytest.skip(f"{path} absent")
    pages = list(iter_responses(path))
    if count is not None:
        assert len(pages) == count
    assert len(pages) > 50
    assert all(p.url.startswith("http") and p.body and p.fetched_at.tzinfo for p in pages)
    assert sum(p.content_type in ("text/html", "application/xhtml+xml") for p in pages) \
        >= 0.9 * len(pages)
