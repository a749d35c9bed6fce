"""The lake's past as seen by deduplication: index rows, article metadata, known URLs."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newslake.dedup.config import DedupConfig
from newslake.lake import published_dates, read_table
from newslake.lake.storage import open_lake

log = logging.getLogger(__name__)

META_COLUMNS = (
    "article_id", "url", "canonical_url", "site", "site_name", "title", "published_at",
    "fetched_at", "original_url", "original_signal", "original_publisher",
    "original_publisher_url", "syndicator", "story_id", "is_original",
)
"""Article columns that story and original assignment need (never the body)."""

INDEX_COLUMNS = (
    "article_id", "story_id", "band_keys", "scheme", "claimed_url", "claim_signal", "crawl_date",
)
"""Index columns read back from history (signatures stay on disk)."""


@dataclass
class History:
    """Published partitions in ``[crawl_date - window, crawl_date)``."""

    lake: str
    index: pa.Table  # dedup_index rows of the configured scheme, plus crawl_date
    articles: pa.Table  # META_COLUMNS of the window's articles, plus crawl_date
    urls: pa.Table  # canonical_url, crawl_date of every article before crawl_date

    def known_urls(self, urls: list[str]) -> list[date | None]:
        """First crawl date of each URL in the lake before the day, or None."""
        if not self.urls.num_rows:
            return [None] * len(urls)
        found = pc.index_in(pa.array(urls, pa.string()), value_set=self.urls["canonical_url"])
        days = self.urls["crawl_date"].take(pc.fill_null(found, 0))
        return [d if f is not None else None
                for d, f in zip(days.to_pylist(), found.to_pylist(), strict=True)]

    def bodies(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Bodies of the given history articles, one row group at a time (bounded memory)."""
        wanted = pa.array(sorted(set(article_ids)), pa.string())
        if not len(wanted):
            return {}
        holding = self.articles.filter(pc.is_in(self.articles["article_id"], wanted))
        store = open_lake(self.lake)
        partitions = store.partitions("articles")
        out: dict[str, str] = {}
        for day in sorted(set(holding["crawl_date"].to_pylist())):
            for info in store.data_files(partitions[day]):
                with store.fs.open_input_file(info.path) as handle:
                    parquet = pq.ParquetFile(handle)
                    for group in range(parquet.num_row_groups):
                        ids = parquet.read_row_group(group, columns=["article_id"])["article_id"]
                        rows = pc.indices_nonzero(pc.is_in(ids, wanted))
                        if not len(rows):
                            continue
                        part = parquet.read_row_group(group, columns=["body"])["body"].take(rows)
                        out.update(zip(ids.take(rows).to_pylist(), part.to_pylist(), strict=True))
        return out


def _window_days(lake: str, table: str, start: date, end: date) -> list[date]:
    return [d for d in published_dates(lake, table) if start <= d < end]


def load_history(lake: str, crawl_date: date, config: DedupConfig) -> History:
    """Read the window of history that ``crawl_date`` is compared against.

    The day itself is excluded, so re-running a day sees the same history.
    """
    start = crawl_date - timedelta(days=config.window_days)
    index_days = _window_days(lake, "dedup_index", start, crawl_date)
    index = read_table(lake, "dedup_index", dates=index_days, columns=INDEX_COLUMNS)
    if index.num_rows:
        same = pc.equal(index["scheme"], config.scheme)
        skipped = index.num_rows - pc.sum(same.cast(pa.int64())).as_py()
        if skipped:
            log.warning("ignoring %d index rows of another signature scheme", skipped)
        index = index.filter(same)
    article_days = _window_days(lake, "articles", start, crawl_date)
    articles = read_table(
        lake, "articles", dates=article_days, columns=[*META_COLUMNS, "crawl_date"]
    )
    earlier = [d for d in published_dates(lake, "articles") if d < crawl_date]
    urls = read_table(lake, "articles", dates=earlier, columns=["canonical_url", "crawl_date"])
    urls = urls.filter(pc.is_valid(urls["canonical_url"])).sort_by("crawl_date")
    return History(lake=lake, index=index, articles=articles, urls=urls)
