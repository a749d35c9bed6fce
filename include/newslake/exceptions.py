"""Every error newslake raises, in one tree.

Two markers say what a retry can do; every concrete error carries one of them (``[T]``
transient, ``[X]`` terminal), mixed in beside the branch that says where it comes from::

    NewslakeError
    ├── TransientError [T]          the same call may succeed later: retry with backoff
    ├── TerminalError  [X]          the same call will fail the same way: do not retry
    ├── ConfigError [X]             invalid configuration (sources.yaml, settings); names the key
    │   └── NoLakeError [X]         the path given as the lake holds no lake
    ├── CrawlError                  the crawler (``newslake.crawl``)
    │   ├── FetchFailure            one fetch attempt failed; ``error_class`` is the fetch_log
    │   │   │                       value and picks the subclass, as ``errno`` does for OSError
    │   │   ├── FetchTimeout [T]        timeout
    │   │   ├── ConnectFailed [T]       connect (refused, reset)
    │   │   ├── ServerError [T]         http_5xx
    │   │   ├── RateLimited [T]         http_429
    │   │   └── PermanentFetchFailure [X]  every other class: http_4xx, dns, tls, ssrf_blocked,
    │   │                                  robots_disallowed, redirect_loop, too_large, ...
    │   └── FeedParseError [X]      the body is not a feed or sitemap we can read
    ├── ExtractionRejected [X]      a page gives no article; ``reason`` is a rejection reason
    │   └── PageTimeout [X]         extraction of one page exceeded its time bound
    └── StageFailed [X]             a stage judged its input as a whole unacceptable

:func:`retry_policy` turns any exception into ``"transient"``, ``"terminal"`` or ``"bug"``
(anything outside the tree). The Airflow glue (``newslake_airflow.tasks.stage``) retries
transient errors with backoff, fails terminal ones at once and retries a bug at most once.

``StageFailed`` is terminal: it is raised after the stage has done its work and judged the
result (no enabled source; every source failed after the crawler's own retries of each
request; the batch failed validation). Running the same task again re-reads the same input
and reaches the same verdict, so a retry would only delay the alert. Per-request hiccups
never reach a stage boundary: the crawler retries them inside the stage (``FetchFailure``
subclasses marked transient) and records the rest as fetch_log rows.
"""

from __future__ import annotations

from typing import Literal

RetryPolicy = Literal["transient", "terminal", "bug"]


class NewslakeError(Exception):
    """Base class of every newslake error."""


class TransientError(NewslakeError):
    """Marker: a failure that may succeed when retried later."""


class TerminalError(NewslakeError):
    """Marker: a failure that will not succeed when retried."""


class ConfigError(TerminalError):
    """Invalid configuration; the message names the bad key (and line when known)."""


class NoLakeError(ConfigError):
    """The path given as the lake holds no lake (``no lake at PATH``)."""

    def __init__(self, lake: str) -> None:
        super().__init__(f"no lake at {lake}")
        self.lake = lake

    def __reduce__(self) -> tuple:
        return type(self), (self.lake,)


class CrawlError(NewslakeError):
    """A failure of the crawler; ``error_class`` is its ``fetch_log.error_class`` value."""

    error_class = "other"


class FetchFailure(CrawlError):
    """One fetch attempt failed with ``error_class``.

    ``FetchFailure("timeout", detail)`` builds the subclass of that error class
    (:class:`FetchTimeout` here), so raising code names the class and the tree says whether
    it is worth a retry.
    """

    def __new__(cls, error_class: str, detail: str = "",
                retry_after: float | None = None) -> FetchFailure:
        if cls is FetchFailure:
            cls = _FETCH_FAILURES.get(error_class, PermanentFetchFailure)
        return super().__new__(cls, error_class, detail, retry_after)

    def __init__(self, error_class: str, detail: str = "",
                 retry_after: float | None = None) -> None:
        super().__init__(f"{error_class}: {detail}")
        self.error_class = error_class
        self.detail = detail
        self.retry_after = retry_after

    def __reduce__(self) -> tuple:
        return type(self), (self.error_class, self.detail, self.retry_after)


class FetchTimeout(FetchFailure, TransientError):
    """Connect, read or total time limit exceeded."""


class ConnectFailed(FetchFailure, TransientError):
    """The connection was refused or reset."""


class ServerError(FetchFailure, TransientError):
    """A 5xx answer (``retry_after`` from Retry-After when given)."""


class RateLimited(FetchFailure, TransientError):
    """A 429 answer (``retry_after`` from Retry-After when given)."""


class PermanentFetchFailure(FetchFailure, TerminalError):
    """A fetch failure that a retry will not fix (4xx, DNS, TLS, robots, SSRF, size, ...)."""


_FETCH_FAILURES: dict[str, type[FetchFailure]] = {
    "timeout": FetchTimeout,
    "connect": ConnectFailed,
    "http_5xx": ServerError,
    "http_429": RateLimited,
}


class FeedParseError(CrawlError, TerminalError):
    """The body is not a feed or sitemap we can read."""

    error_class = "feed_parse_error"


class ExtractionRejected(TerminalError):
    """A page gives no article; ``reason`` is one of ``REJECTION_REASONS``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple:
        return type(self), (self.reason, self.detail)


class PageTimeout(ExtractionRejected):
    """Extraction of one page exceeded its time bound (rejected as ``parse_error``)."""

    def __init__(self, detail: str) -> None:
        super().__init__("parse_error", detail)

    def __reduce__(self) -> tuple:
        return type(self), (self.detail,)


class StageFailed(TerminalError):
    """A stage judged its input as a whole unacceptable; carries ``stage``.

    For example: no enabled source, every source failed, or the batch failed validation.
    """

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage
        self.message = message

    def __reduce__(self) -> tuple:
        return type(self), (self.stage, self.message)


def retry_policy(exc: BaseException) -> RetryPolicy:
    """What a retry can do for ``exc``: ``transient``, ``terminal``, or ``bug`` (outside the tree).

    An error carrying neither marker (a bare :class:`NewslakeError`) counts as a bug too.
    """
    if isinstance(exc, TransientError):
        return "transient"
    if isinstance(exc, TerminalError):
        return "terminal"
    return "bug"
