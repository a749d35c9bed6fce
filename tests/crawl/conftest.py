"""Fixtures of the crawler tests: the fault-injection server and a config pointing at it."""

from __future__ import annotations

import pytest
from fault_server import FixtureServer
from newslake.sources import SourcesConfig, parse_sources

ROBOTS = {
    "robots.test": "User-agent: *\nDisallow: /article/secret\nCrawl-delay: 0.3\n",
    "norobots.test": None,
    "deadrobots.test": "!reset",
    "brokenrobots.test": "!500",
}


def _make_config(address: str, extra_crawler: str = "", sources: str = "") -> SourcesConfig:
    """A config whose hosts all map to ``address``, with short timeouts and backoff.

    Hosts are never given up (``max_host_failures: 0``) unless ``extra_crawler`` sets it, so
    every fault endpoint ends in its own row whatever the order of the attempts.
    """
    if "max_host_failures" not in extra_crawler:
        extra_crawler = f"max_host_failures: 0\n  {extra_crawler}"
    return parse_sources(f"""
crawler:
  user_agent: "newslake-test/1.0"
  contact_url: "https://example.org/contact"
  connect_to: {{"*": "{address}"}}
  connect_timeout_s: 2
  read_timeout_s: 1.5
  total_timeout_s: 3
  max_body_bytes: 2000000
  retries: 2
  backoff_s: 0.05
  max_retry_after_s: 5
  {extra_crawler}
sources:
  - id: faults
    url: http://faults.test/feed.xml
    allow_private: true
    politeness: {{min_delay_s: 0.0, max_concurrency: 8}}
  - id: robots
    url: http://robots.test/feed.xml
    allow_private: true
    politeness: {{min_delay_s: 0.0, max_concurrency: 4}}
  - id: hosts
    url: http://norobots.test/feed.xml
    allow_private: true
  - id: public-only
    url: http://public.test/feed.xml
{sources}
""")


@pytest.fixture(scope="module")
def server():
    with FixtureServer(robots=ROBOTS) as srv:
        yield srv


@pytest.fixture(scope="session")
def make_config():
    """``make_config(address, extra_crawler="", sources="")`` -> SourcesConfig."""
    return _make_config
