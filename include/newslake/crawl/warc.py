"""WARC 1.0 in and out: :class:`WarcWriter` archives every exchange, :func:`iter_responses`
reads ``response`` records of any WARC file (ours, Common Crawl CC-NEWS, ...) as :class:`Page`.

Records we write carry ``WARC-Newslake-Source`` (the source id) and, on a response reached
through redirects, ``WARC-Newslake-Requested-URI`` (the URL the crawl asked for). Bodies are
stored as received after content decoding (``Content-Encoding`` is dropped and
``Content-Length`` set to the stored length; the original encoding is kept in
``X-Newslake-Content-Encoding``). A body cut short carries ``WARC-Truncated``: ``length`` at
the size limit, ``time`` at the total timeout.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pyarrow.fs as pafs
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newslake.crawl.charset import header_charset, normalize_charset

SOURCE_HEADER = "WARC-Newslake-Source"
REQUESTED_HEADER = "WARC-Newslake-Requested-URI"
_DROP = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class Page:
    """One HTTP response read from a WARC file."""

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str]
    body: bytes
    content_type: str | None
    charset: str | None
    fetched_at: datetime
    source_id: str | None
    warc_file: str


def _warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _remote(path: str | os.PathLike[str]) -> tuple[pafs.FileSystem, str] | None:
    """The filesystem and key of an ``s3://`` path, or None for a local path."""
    text = str(path)
    if "://" not in text or text.startswith("file://"):
        return None
    from newslake.lake.storage import open_lake

    store = open_lake(text)
    return store.fs, store.root


class WarcWriter:
    """Writes gzip-per-record WARC 1.0 to a temporary file moved into place on close.

    Local paths are renamed into place; ``s3://`` paths are uploaded in one piece on close,
    so readers never see a partial file either way.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.uri = str(path)
        self._target = _remote(path)
        self.path = Path(self.uri.rsplit("/", 1)[-1] if self._target else path)
        if self._target is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        else:
            handle, name = tempfile.mkstemp(prefix=".newslake-", suffix=".warc.gz.tmp")
            os.close(handle)
            self._tmp = Path(name)
        self._fh: BinaryIO = open(self._tmp, "wb")  # noqa: SIM115 - closed in close()
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="WARC/1.0")
        self.records = 0
        self._write_warcinfo()

    def _write_warcinfo(self) -> None:
        record = self._writer.create_warcinfo_record(
            self.path.name, {"software": "newslake", "format": "WARC File Format 1.0"}
        )
        self._writer.write_record(record)
        self.records += 1

    def _headers(self, when: datetime, source_id: str | None, extra: dict | None) -> dict:
        headers = {"WARC-Date": _warc_date(when)}
        if source_id:
            headers[SOURCE_HEADER] = source_id
        headers.update(extra or {})
        return headers

    def write_request(
        self,
        url: str,
        method: str,
        headers: list[tuple[str, str]],
        when: datetime,
        source_id: str | None = None,
    ) -> str:
        """Write a ``request`` record; returns its WARC-Record-ID."""
        target = url.split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        http = StatusAndHeaders(f"{method} {path} HTTP/1.1", headers, is_http_request=True)
        record = self._writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), http_headers=http,
            warc_headers_dict=self._headers(when, source_id, None),
        )
        self._writer.write_record(record)
        self.records += 1
        return record.rec_headers.get_header("WARC-Record-ID")

    def write_response(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        when: datetime,
        source_id: str | None = None,
        requested_url: str | None = None,
        truncated: str | None = None,
        concurrent_to: str | None = None,
    ) -> str:
        """Write a ``response`` record of a decoded body; returns its WARC-Record-ID.

        ``truncated`` is the WARC-Truncated reason when the body was cut short.
        """
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP]
        encoding = [v for k, v in headers if k.lower() == "content-encoding"]
        if encoding:
            kept.append(("X-Newslake-Content-Encoding", encoding[0]))
        kept.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{status} {reason or 'Unknown'}", kept, protocol="HTTP/1.1")
        extra: dict[str, str] = {}
        if requested_url and requested_url != url:
            extra[REQUESTED_HEADER] = requested_url
        if truncated:
            extra["WARC-Truncated"] = truncated  # length | time | unspecified
        if concurrent_to:
            extra["WARC-Concurrent-To"] = concurrent_to
        record = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict=self._headers(when, source_id, extra),
        )
        self._writer.write_record(record)
        self.records += 1
        return record.rec_headers.get_header("WARC-Record-ID")

    def write_failure(
        self,
        url: str,
        error_class: str,
        detail: str,
        when: datetime,
        source_id: str | None = None,
        concurrent_to: str | None = None,
    ) -> None:
        """Write a ``metadata`` record describing a request that got no usable response."""
        text = f"error-class: {error_class}\r\nerror: {detail}\r\n".encode()
        extra = {"WARC-Concurrent-To": concurrent_to} if concurrent_to else {}
        record = self._writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(text), length=len(text),
            warc_content_type="application/warc-fields",
            warc_headers_dict=self._headers(when, source_id, extra),
        )
        self._writer.write_record(record)
        self.records += 1

    def close(self) -> None:
        """Flush and move the file into place."""
        if self._fh.closed:
            return
        self._fh.close()
        if self._target is None:
            os.replace(self._tmp, self.path)
            return
        fs, key = self._target
        try:
            with open(self._tmp, "rb") as src, fs.open_output_stream(key) as out:
                shutil.copyfileobj(src, out, 1 << 20)
        finally:
            self._tmp.unlink(missing_ok=True)

    def abort(self) -> None:
        """Drop the temporary file."""
        if not self._fh.closed:
            self._fh.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _parse_date(value: str | None) -> datetime:
    if not value:
        return datetime.fromtimestamp(0, UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _headers_dict(http: StatusAndHeaders) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in http.headers:
        key = key.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


class _TolerantLoader(ArcWarcRecordLoader):
    """warcio's record loader, accepting a record without ``WARC-Target-URI``."""

    def load_http_headers(self, rec_type, uri, stream, length):  # noqa: ANN001, ANN201
        return super().load_http_headers(rec_type, uri or "", stream, length)


@dataclass(frozen=True)
class SkippedRecord:
    """A WARC record that cannot become a page: why, and where it was.

    ``reason`` is ``invalid_url`` (no target URI, or a scheme other than http/https) or
    ``bad_record`` (unreadable: the file is cut short or the record is malformed).
    """

    url: str
    reason: str
    detail: str
    fetched_at: datetime
    warc_file: str


def iter_records(
    path: str | os.PathLike[str], stats: Counter[str] | None = None,
    on_position: Callable[[int], None] | None = None,
) -> Iterator[Page | SkippedRecord]:
    """Every HTTP response of a WARC file as a :class:`Page`, every unusable one as a
    :class:`SkippedRecord`; reading stops at the first unreadable point (a truncated gzip
    member), after everything before it.

    ``stats`` counts ``records`` read, ``pages`` yielded and each ``skipped:<why>``: records
    that are no page by design (requests, metadata, ``dns:``, revisits, non-HTTP) and the
    skipped ones yielded. ``on_position`` is told the bytes of the file read so far.
    """
    stats = stats if stats is not None else Counter()
    name = str(path)
    remote = _remote(path)
    opened = remote[0].open_input_stream(remote[1]) if remote else open(path, "rb")  # noqa: SIM115
    with opened as fh:
        iterator = ArchiveIterator(fh, arc2warc=True)
        iterator.loader = _TolerantLoader(arc2warc=True)
        records = iter(iterator)
        while True:
            where = f"{name}#offset={iterator.offset}"
            try:
                record = next(records)
            except StopIteration:
                where = f"{name}#offset={iterator.offset}"
                left = _bytes_left(fh, iterator.offset)
                if left:
                    stats["records"] += 1
                    stats["skipped:bad_record"] += 1
                    detail = f"file cut short: {left} bytes after the last complete record"
                    yield SkippedRecord(where, "bad_record", detail, datetime.now(UTC), name)
                return
            except Exception as exc:  # noqa: BLE001 - any unreadable rest of the file
                where = f"{name}#offset={iterator.offset}"
                stats["records"] += 1
                stats["skipped:bad_record"] += 1
                detail = f"unreadable from here on: {type(exc).__name__}: {exc}"[:500]
                yield SkippedRecord(where, "bad_record", detail, datetime.now(UTC), name)
                return
            stats["records"] += 1
            if on_position is not None:
                on_position(iterator.offset)
            item = _record_item(record, name, where)
            if isinstance(item, str):
                stats[f"skipped:{item}"] += 1
                continue
            stats["pages" if isinstance(item, Page) else f"skipped:{item.reason}"] += 1
            yield item


def _bytes_left(fh: BinaryIO, offset: int) -> int:
    """Bytes read past the end of the last complete record (a cut-off record), else 0."""
    try:
        return max(fh.tell() - offset, 0)
    except (OSError, ValueError):
        return 0


def _bytes_missing(record) -> int:  # noqa: ANN001
    """Bytes a record declares but the file does not hold (0 for a complete record)."""
    stream = record.raw_stream
    with contextlib.suppress(Exception):  # an unreadable rest counts as missing below
        stream.read()  # whatever the content decoding left unread
    limit = getattr(stream, "limit", 0)
    return limit if isinstance(limit, int) and limit > 0 else 0


def _record_item(record, name: str, where: str) -> Page | SkippedRecord | str:  # noqa: ANN001
    """A response record as a page or a skipped record; other records as the name of their
    kind (not a page by design)."""
    if record.rec_type != "response":
        return record.rec_type or "unknown"
    target = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
    fetched_at = _parse_date(record.rec_headers.get_header("WARC-Date"))
    scheme = target.split(":", 1)[0].lower() if ":" in target else ""
    if scheme == "dns":
        return "dns"
    if scheme not in ("http", "https"):
        record_id = record.rec_headers.get_header("WARC-Record-ID") or where
        detail = f"target URI {target[:200]!r}" if target else "no WARC-Target-URI"
        return SkippedRecord(target or record_id, "invalid_url", detail, fetched_at, name)
    if record.http_headers is None:
        return "no_http_headers"
    http = record.http_headers
    try:
        status: int | None = int(http.get_statuscode())
    except (TypeError, ValueError):
        status = None
    try:
        body = record.content_stream().read()
    except Exception:  # noqa: BLE001 - broken encoding: keep raw bytes
        try:
            body = record.raw_stream.read()
        except Exception as exc:  # noqa: BLE001 - the record itself is cut short
            return SkippedRecord(target, "bad_record", f"{type(exc).__name__}: {exc}"[:500],
                                 fetched_at, name)
    missing = _bytes_missing(record)
    if missing:
        detail = f"record cut short: {missing} of {record.length} bytes missing"
        return SkippedRecord(target, "bad_record", detail, fetched_at, name)
    headers = _headers_dict(http)
    content_type_full = headers.get("content-type")
    content_type = (
        content_type_full.split(";", 1)[0].strip().lower() if content_type_full else None
    )
    return Page(
        url=record.rec_headers.get_header(REQUESTED_HEADER) or target,
        final_url=target,
        status=status,
        headers=headers,
        body=body,
        content_type=content_type,
        charset=normalize_charset(header_charset(content_type_full)),
        fetched_at=fetched_at,
        source_id=record.rec_headers.get_header(SOURCE_HEADER),
        warc_file=name,
    )


def iter_responses(
    path: str | os.PathLike[str], stats: Counter[str] | None = None
) -> Iterator[Page]:
    """Yield every HTTP ``response`` record of a WARC file (gzip or not, local or ``s3://``)
    as a :class:`Page`.

    Bodies are de-chunked and content-decoded. Records that are not HTTP responses
    (requests, metadata, ``dns:`` responses, revisits) and unusable ones are skipped.
    """
    for item in iter_records(path, stats):
        if isinstance(item, Page):
            yield item
