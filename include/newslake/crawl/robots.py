"""robots.txt parsing (RFC 9309): groups, ``*`` and ``$`` patterns, longest match wins,
``Allow`` wins a tie, plus the non-standard ``Crawl-delay`` (fractions accepted)."""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[tuple[bool, str]] = field(default_factory=list)  # (allow, pattern)
    crawl_delay: float | None = None


@functools.lru_cache(maxsize=4096)
def _pattern(path: str) -> re.Pattern[str]:
    anchored = path.endswith("$")
    body = path[:-1] if anchored else path
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


@dataclass
class Robots:
    """The rules of one robots.txt for one user-agent token."""

    rules: list[tuple[bool, str]] = field(default_factory=list)
    crawl_delay: float | None = None

    @classmethod
    def allow_all(cls) -> Robots:
        return cls()

    @classmethod
    def disallow_all(cls) -> Robots:
        return cls(rules=[(False, "/")])

    def allowed(self, url: str) -> bool:
        """Whether ``url`` may be fetched."""
        parts = urlsplit(url)
        path = unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        best_len, best_allow = -1, True
        for allow, pattern in self.rules:
            if not pattern:
                continue
            if _pattern(pattern).match(path):
                length = len(pattern)
                if length > best_len or (length == best_len and allow):
                    best_len, best_allow = length, allow
        return best_allow


def parse_robots(text: str, agent: str) -> Robots:
    """Parse robots.txt ``text`` for the user-agent product token ``agent``."""
    groups: list[_Group] = []
    current: _Group | None = None
    last_was_agent = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if current is None or not last_was_agent:
                current = _Group()
                groups.append(current)
            current.agents.append(value.lower())
            last_was_agent = True
            continue
        last_was_agent = False
        if current is None:
            continue
        if key in ("allow", "disallow"):
            current.rules.append((key == "allow", unquote(value)))
        elif key == "crawl-delay":
            with contextlib.suppress(ValueError):
                current.crawl_delay = max(0.0, float(value))
    agent = agent.lower()
    mine = [g for g in groups if agent in g.agents]
    chosen = mine or [g for g in groups if "*" in g.agents]
    rules = [rule for g in chosen for rule in g.rules]
    delays = [g.crawl_delay for g in chosen if g.crawl_delay is not None]
    return Robots(rules=rules, crawl_delay=max(delays) if delays else None)
