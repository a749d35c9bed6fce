"""Errors raised by newslake.

::

    NewslakeError                 base of every error this package raises
    ├── TransientError            worth retrying (network hiccup, 5xx, lock held)
    ├── TerminalError             retrying will not help (bad input, 404, robots)
    │   ├── ConfigError           invalid configuration (sources.yaml, settings)
    │   └── ExtractionRejected    a page is not an article; carries ``reason``
    └── StageFailed               a pipeline stage failed as a whole; carries ``stage``

Orchestrators (Airflow, the CLI) retry only :class:`TransientError`.
"""

from __future__ import annotations


class NewslakeError(Exception):
    """Base class of every newslake error."""


class TransientError(NewslakeError):
    """A failure that may succeed when retried."""


class TerminalError(NewslakeError):
    """A failure that will not succeed when retried."""


class ConfigError(TerminalError):
    """Invalid configuration; the message names the bad key (and line when known)."""


class ExtractionRejected(TerminalError):
    """A page was rejected by extraction; ``reason`` is one of ``REJECTION_REASONS``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class StageFailed(NewslakeError):
    """A whole stage failed (for example: every source failed, or validation failed the batch)."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage
