"""Progress of long work on a terminal: records done, rate and time left.

Shown only when the stream (stderr by default) is a terminal and ``$CI`` is unset, so logs,
pipes and CI stay quiet. One line, rewritten in place at most a few times a second.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """Counts records; with ``total_bytes`` and :meth:`position`, or with ``total`` records, it
    also says how much is left. ``unit`` names what is counted."""

    def __init__(self, label: str, total_bytes: int | None = None, stream: TextIO | None = None,
                 enabled: bool | None = None, interval: float = 0.5, total: int | None = None,
                 unit: str = "records") -> None:
        self.label = label
        self.total_bytes = total_bytes
        self.total = total
        self.unit = unit
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and not os.environ.get(
                "CI")
        self.enabled = enabled
        self.interval = interval
        self.records = 0
        self.done_bytes = 0
        self.started = time.monotonic()
        self._shown = 0.0

    def position(self, done_bytes: int) -> None:
        """Bytes of the input consumed so far."""
        self.done_bytes = done_bytes

    def update(self, records: int = 1) -> None:
        """Count ``records`` more; redraw when the interval has passed."""
        self.records += records
        now = time.monotonic()
        if self.enabled and now - self._shown >= self.interval:
            self._shown = now
            self.stream.write("\r" + self.line(now) + "\033[K")
            self.stream.flush()

    def counted(self, items: Iterable[T]) -> Iterator[T]:
        """``items``, each counted as a record."""
        for item in items:
            self.update()
            yield item

    def line(self, now: float | None = None) -> str:
        """The progress line: records, rate and, when the size is known, share and time left."""
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.records / elapsed
        text = f"{self.label}: {self.records:,} {self.unit}, {rate:,.{0 if rate >= 10 else 1}f}/s"
        if self.total and self.records:
            share = min(self.records / self.total, 1.0)
            left = elapsed * (1 - share) / share
            text += f", {100 * share:.0f}% of {self.total:,}, ~{_duration(left)} left"
        elif self.total_bytes and self.done_bytes:
            share = min(self.done_bytes / self.total_bytes, 1.0)
            left = elapsed * (1 - share) / share
            text += (f", {100 * share:.0f}% of {self.total_bytes / 1e6:,.1f} MB,"
                     f" ~{_duration(left)} left")
        return text

    def close(self) -> None:
        """Write the final line (when shown at all) and end it."""
        if self.enabled:
            took = _duration(time.monotonic() - self.started)
            self.stream.write(f"\r{self.line()} in {took}\033[K\n")
            self.stream.flush()
