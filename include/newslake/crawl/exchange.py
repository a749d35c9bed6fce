"""What one fetch produced: :class:`Exchange`, the :class:`FetchFailure` of an attempt, and the
``fetch_log`` row of an exchange."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from newslake.exceptions import FetchFailure as FetchFailure  # re-exported: part of the tree


@dataclass
class Exchange:
    """What fetching one URL (redirects and retries included) produced."""

    url: str
    final_url: str
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error_class: str | None = None
    error: str | None = None
    attempts: int = 0
    elapsed_ms: float = 0.0
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive)."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def content_type(self) -> str | None:
        value = self.header("content-type")
        return value.split(";", 1)[0].strip().lower() if value else None


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def exchange_row(ex: Exchange, source_id: str | None, kind: str, warc_file: str | None,
                 error_class: str | None = None) -> dict:
    """A ``fetch_log`` row for an exchange."""
    return {
        "url": ex.url,
        "source_id": source_id,
        "kind": kind,
        "status": ex.status,
        "error_class": error_class if error_class is not None else ex.error_class,
        "error": ex.error,
        "fetched_at": ex.fetched_at,
        "bytes": len(ex.body),
        "elapsed_ms": round(ex.elapsed_ms, 3),
        "final_url": ex.final_url,
        "content_type": ex.content_type,
        "attempts": ex.attempts,
        "warc_file": warc_file,
    }
