"""Per-host politeness: at most ``max_concurrency`` requests in flight per host and at least
``delay`` seconds between the starts of two requests to the same host.

The delay of a host is the largest of its sources' ``min_delay_s`` and its robots.txt
``Crawl-delay`` (capped by ``crawler.max_crawl_delay_s``); its concurrency the smallest
``max_concurrency``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from newslake.sources import Politeness


@dataclass
class _Host:
    delay: float
    concurrency: int
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    last_start: float = 0.0
    last_sent: float = float("-inf")
    failures: int = 0  # consecutive attempts that got no response at all
    last_failure: tuple[str, str] | None = None
    in_flight: int = 0
    max_in_flight: int = 0


class HostGate:
    """Admits requests host by host (call only from one event loop)."""

    def __init__(self, default: Politeness) -> None:
        self.default = default
        self._hosts: dict[str, _Host] = {}

    def configure(self, host: str, politeness: Politeness) -> None:
        """Apply ``politeness`` to ``host``, keeping the stricter of old and new limits."""
        known = self._hosts.get(host)
        if known is None:
            self._hosts[host] = _Host(
                politeness.min_delay_s,
                politeness.max_concurrency,
                asyncio.Semaphore(politeness.max_concurrency),
            )
            return
        known.delay = max(known.delay, politeness.min_delay_s)
        if politeness.max_concurrency < known.concurrency and known.in_flight == 0:
            known.concurrency = politeness.max_concurrency
            known.semaphore = asyncio.Semaphore(politeness.max_concurrency)

    def raise_delay(self, host: str, delay: float) -> None:
        """Make the gap between requests to ``host`` at least ``delay`` seconds."""
        state = self._state(host)
        state.delay = max(state.delay, delay)
        state.next_start = max(state.next_start, state.last_start + state.delay)

    def defer(self, host: str, seconds: float) -> None:
        """Start no request to ``host`` for ``seconds`` (a Retry-After)."""
        state = self._state(host)
        state.next_start = max(state.next_start, time.monotonic() + seconds)

    def _state(self, host: str) -> _Host:
        if host not in self._hosts:
            self.configure(host, self.default)
        return self._hosts[host]

    def delay_of(self, host: str) -> float:
        """The current minimum gap between request starts for ``host``."""
        return self._state(host).delay

    def concurrency_of(self, host: str) -> int:
        """The most requests allowed in flight at once to ``host``."""
        return self._state(host).concurrency

    def max_in_flight(self, host: str) -> int:
        """The most requests seen in flight at once to ``host``."""
        return self._state(host).max_in_flight

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s request slots, waiting for its delay first.

        The gap is claimed when the wait is over (re-checked after every sleep, so a
        :meth:`defer` or :meth:`mark_started` made meanwhile is honoured).
        """
        state = self._state(host)
        async with state.semaphore:
            while True:
                async with state.lock:
                    now = time.monotonic()
                    if now >= state.next_start:
                        state.last_start = now
                        state.next_start = now + state.delay
                        break
                    wait = state.next_start - now
                await asyncio.sleep(wait)
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            try:
                yield
            finally:
                state.in_flight -= 1

    async def before_send(self, host: str) -> None:
        """Wait until ``delay`` has passed since the last request to ``host`` went out.

        Called when the request headers are about to be written (after any connection set-up),
        so the gaps the server sees hold even when connecting took longer for one request.
        """
        state = self._state(host)
        while True:
            now = time.monotonic()
            due = state.last_sent + state.delay
            if now >= due:
                state.last_sent = now
                return
            await asyncio.sleep(due - now)

    def record_outcome(self, host: str, error_class: str | None, got_response: bool) -> None:
        """Count consecutive attempts on ``host`` that got no response (connect, timeout)."""
        state = self._state(host)
        if got_response or error_class not in ("connect", "timeout"):
            state.failures, state.last_failure = 0, None
        else:
            state.failures += 1
            state.last_failure = (error_class, f"{state.failures} consecutive failures")

    def given_up(self, host: str, limit: int) -> tuple[str, str] | None:
        """``(error_class, detail)`` once ``host`` failed ``limit`` times in a row, else None."""
        state = self._state(host)
        if limit > 0 and state.failures >= limit and state.last_failure:
            return state.last_failure
        return None

    def mark_started(self, host: str) -> None:
        """Record that a request to ``host`` actually starts now (after other waits)."""
        state = self._state(host)
        now = time.monotonic()
        state.last_start = max(state.last_start, now)
        state.next_start = max(state.next_start, now + state.delay)
