"""The time the poller and the frontier use: the wall clock, or a simulated one.

``NEWSLAKE_CLOCK`` may name a file holding an ISO 8601 time; then :func:`now` reads that
file on every call. Simulations (the completeness benchmark, tests against a fixture web)
set it so that the feeds they serve and the poller agree on the time while a day runs in
minutes. Unset, :func:`now` is ``datetime.now(UTC)``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from newslake.exceptions import ConfigError


def now() -> datetime:
    """The current time (UTC), simulated when ``NEWSLAKE_CLOCK`` names a clock file."""
    path = os.environ.get("NEWSLAKE_CLOCK")
    if not path:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(Path(path).read_text(encoding="utf-8").strip())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"NEWSLAKE_CLOCK={path}: not a readable ISO time ({exc})") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
