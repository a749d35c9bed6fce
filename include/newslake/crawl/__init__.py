"""The crawler: discover article URLs from feeds and sitemaps, fetch pages politely, archive
every exchange as WARC.

- :func:`discover_source` - one source's feed -> candidate URLs (``DiscoverResult``)
- :func:`fetch_pages` - candidates -> WARC file + fetch_log rows (``FetchResult``)
- :func:`all_failed` - whether every source of a run failed
- :mod:`newslake.crawl.warc` - ``iter_responses(path)`` over any WARC file
- :mod:`newslake.crawl.http` - the one HTTP client; :mod:`newslake.crawl.charset` - decoding
"""

from newslake.crawl.discover import DiscoverResult, all_failed, discover_source
from newslake.crawl.fetch import FetchResult, fetch_pages

__all__ = ["DiscoverResult", "FetchResult", "all_failed", "discover_source", "fetch_pages"]
