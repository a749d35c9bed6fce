"""Where the demo web's ``sources.yaml`` lives: every source routed to the demo server."""

from __future__ import annotations

from pathlib import Path

SOURCES = Path(__file__).with_name("sources.yaml")
