"""Damaged WARC files: every readable record is read, every unusable one is named with a reason."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from newslake.crawl.warc import Page, SkippedRecord, iter_records, iter_responses
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

NEWSLAKE = Path(sys.executable).with_name("newslake")
WORDS = " ".join(f"word{i}" for i in range(80))


def _response(writer: WARCWriter, uri: str, n: int, drop_uri: bool = False) -> None:
    html = f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
    html += f"<p>{WORDS} story {n}.</p></article></body></html>"
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(html.encode()), http_headers=http,
        warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"})
    if drop_uri:
        record.rec_headers.remove_header("WARC-Target-URI")
    writer.write_record(record)


def _damaged(path: Path, cut: int = 0) -> Path:
    """Six responses: 1 good, 1 without target URI, file: and javascript:, 2 good; ``cut`` bytes
    cut off the end."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=path.suffix == ".gz")
    _response(writer, "https://a.test/1", 1)
    _response(writer, "https://a.test/2", 2, drop_uri=True)
    _response(writer, "file:///etc/passwd", 3)
    _response(writer, "javascript:alert(1)", 4)
    _response(writer, "https://a.test/5", 5)
    _response(writer, "https://a.test/6", 6)
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) - cut] if cut else data)
    return path


def test_records_without_usable_target_are_skipped_with_a_reason(tmp_path):
    stats: Counter[str] = Counter()
    items = list(iter_records(_damaged(tmp_path / "a.warc.gz"), stats))
    pages = [i.url for i in items if isinstance(i, Page)]
    skipped = [(i.url, i.reason, i.detail) for i in items if isinstance(i, SkippedRecord)]
    assert pages == ["https://a.test/1", "https://a.test/5", "https://a.test/6"]
    assert [r for _, r, _ in skipped] == ["invalid_url"] * 3
    assert skipped[0][0].startswith("<urn:uuid:") and skipped[0][2] == "no WARC-Target-URI"
    assert [u for u, _, _ in skipped[1:]] == ["file:///etc/passwd", "javascript:alert(1)"]
    assert stats == {"records": 6, "pages": 3, "skipped:invalid_url": 3}


@pytest.mark.parametrize("name", ["cut.warc.gz", "cut.warc"])
def test_truncated_file_yields_everything_before_the_cut(tmp_path, name):
    stats: Counter[str] = Counter()
    items = list(iter_records(_damaged(tmp_path / name, cut=60), stats))
    pages = [i.url for i in items if isinstance(i, Page)]
    assert pages == ["https://a.test/1", "https://a.test/5"]
    last = items[-1]
    assert isinstance(last, SkippedRecord) and last.reason == "bad_record"
    assert "cut short" in last.detail
    assert stats["skipped:bad_record"] == 1 and stats["pages"] == 2
    assert [p.url for p in iter_responses(tmp_path / name)] == pages


def test_eval_warc_cut_in_half_keeps_the_complete_records(tmp_path, shared_eval):
    data = (shared_eval / "htmldate" / "pages.warc.gz").read_bytes()
    path = tmp_path / "half.warc.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(iter_records(path))
    assert sum(isinstance(i, Page) for i in items) > 50
    assert isinstance(items[-1], SkippedRecord) and items[-1].reason == "bad_record"


@pytest.mark.slow  # the whole import through the newslake command
def test_import_warc_imports_readable_records_and_reports(tmp_path):
    warc = _damaged(tmp_path / "d.warc.gz", cut=60)
    lake = tmp_path / "lake"
    proc = subprocess.run([str(NEWSLAKE), "import-warc", "--lake", str(lake), str(warc)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "6 records read, 2 responses" in proc.stdout
    assert "4 records skipped (1 bad_record, 3 invalid_url)" in proc.stdout
    def query(sql: str) -> list[list[str]]:
        out = subprocess.run([str(NEWSLAKE), "sql", "--lake", str(lake), "--format", "csv", sql],
                             capture_output=True, text=True, check=True).stdout
        return [line.split(",") for line in out.strip().splitlines()[1:]]

    articles = query("SELECT url FROM articles ORDER BY url")
    assert [u for (u,) in articles] == ["https://a.test/1", "https://a.test/5"]
    rejected = query(
        "SELECT split_part(url, ':', 1), reason FROM rejections WHERE stage = 'import' "
        "ORDER BY reason, url")
    assert [tuple(r) for r in rejected] == [
        ("https", "bad_record"), ("<urn", "invalid_url"), ("file", "invalid_url"),
        ("javascript", "invalid_url")]
