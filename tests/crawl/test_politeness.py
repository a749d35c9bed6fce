"""Politeness measured at the server: concurrency per host and gaps between request starts."""

from __future__ import annotations

from fault_server import FixtureServer
from newslake.crawl import fetch_pages

SOURCES = """
  - id: busy
    url: http://busy.test/feed.xml
    allow_private: true
    politeness: {min_delay_s: 0.0, max_concurrency: 3}
  - id: slowpoke
    url: http://slowpoke.test/feed.xml
    allow_private: true
    politeness: {min_delay_s: 0.15, max_concurrency: 2}
  - id: crawldelay
    url: http://crawldelay.test/feed.xml
    allow_private: true
    politeness: {min_delay_s: 0.0, max_concurrency: 4}
"""


def test_concurrency_and_delay_respected(tmp_path, make_config):
    latency = {"busy.test": 0.08, "slowpoke.test": 0.05, "crawldelay.test": 0.02}
    robots = {"crawldelay.test": "User-agent: *\nCrawl-delay: 0.2\n"}
    with FixtureServer(latency=latency, robots=robots) as server:
        config = make_config(server.address, sources=SOURCES)
        candidates = (
            [{"url": f"http://busy.test/article/{i}", "source_id": "busy"} for i in range(30)]
            + [{"url": f"http://slowpoke.test/article/{i}", "source_id": "slowpoke"}
               for i in range(8)]
            + [{"url": f"http://crawldelay.test/article/{i}", "source_id": "crawldelay"}
               for i in range(5)]
        )
        result = fetch_pages(candidates, config, warc_path=str(tmp_path / "p.warc.gz"))
        stats = server.stats
    assert result.ok == len(candidates)
    assert stats.max_in_flight["busy.test"] == 3  # reached, never exceeded
    assert stats.max_in_flight["slowpoke.test"] <= 2
    assert stats.max_in_flight["crawldelay.test"] <= 4
    tolerance = 0.03  # scheduling jitter of two event loops sharing one process
    for host, delay in (("slowpoke.test", 0.15), ("crawldelay.test", 0.2)):
        starts = sorted(t for _, t in stats.requests[host])  # robots.txt included
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        assert len(gaps) >= 5
        assert min(gaps) >= delay - tolerance, (host, min(gaps))
