"""The crawler: discover article URLs from feeds and sitemaps, fetch pages politely, archive
every exchange as WARC.

- :func:`discover_source` - one source's feed -> candidate URLs (``DiscoverResult``)
- :func:`fetch_pages` - candidates -> WARC file + fetch_log rows (``FetchResult``)
- :func:`all_failed` - whether every source of a run failed (the caller then fails the run)
- :mod:`newslake.crawl.warc` - ``iter_responses(path)`` over any WARC file
- :mod:`newslake.crawl.http` - the one HTTP client; :mod:`newslake.crawl.charset` - decoding

What a fetch ends in (one ``fetch_log`` row each; ``kind`` is feed, page or robots):

==============================================  =====================  =======================
situation                                       error_class            retried
==============================================  =====================  =======================
2xx HTML page, or a feed that parses            null                   -
feed unchanged (304 on If-None-Match/-Since)    not_modified           no
no headers within read_timeout_s                timeout                yes (backoff)
body still streaming after total_timeout_s      timeout                yes (backoff)
connection refused / reset                      connect                yes (backoff)
redirect to a visited URL, > max_redirects      redirect_loop          no
429 / 503 with Retry-After <= max_retry_after_s  (null once it works)  yes, after Retry-After
429 still (or Retry-After too long)             http_429               -
5xx still after retries                         http_5xx               -
404, 410, 403, other 4xx                        http_4xx               no
Content-Length or decoded body > max_body_bytes too_large              no (body cut, WARC-Truncated)
binary body (magic bytes, NUL) or non-HTML type not_html               no
robots.txt forbids the page                     robots_disallowed      no
host resolves to a private/loopback/... address ssrf_blocked           no (no connection made)
name does not resolve                           dns                    no
feed/sitemap unparseable or ill-formed XML      feed_parse_error       no (recovered entries kept)
==============================================  =====================  =======================

A wrong charset header is not an error: :func:`newslake.crawl.charset.decode_html` prefers a
BOM and valid UTF-8 over the header. robots.txt is read for page hosts only (feeds are what the
publisher offers to readers); a robots.txt answering 4xx allows everything, one answering 5xx
disallows the host for the run (RFC 9309); when robots.txt times out or the connection fails,
the host's pages get that error class and are not requested.
"""

from newslake.crawl.discover import DiscoverResult, all_failed, discover_source
from newslake.crawl.fetch import FetchResult, fetch_pages

__all__ = ["DiscoverResult", "FetchResult", "all_failed", "discover_source", "fetch_pages"]
