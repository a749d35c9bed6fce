"""The lake's past as seen by deduplication, read as a stream of row groups.

Nothing proportional to the history is held in memory: every question (known URLs, history
articles sharing a band key with the batch, members of touched stories, bodies to verify)
reads the files of the window one row group at a time and keeps only the matching rows. Cost
grows linearly with the history (one pass over its band keys per batch); memory grows with
the number of matches only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newslake.dedup.config import DedupConfig
from newslake.lake import schema
from newslake.lake.storage import Lake, open_lake

log = logging.getLogger(__name__)

META_COLUMNS = (
    "article_id", "url", "canonical_url", "site", "site_name", "title", "published_at",
    "fetched_at", "original_url", "original_signal", "original_publisher",
    "original_publisher_url", "syndicator", "story_id", "is_original", "story_version",
)
"""Article columns that story and original assignment need (never the body)."""

_BITMAP_BITS = 28
"""log2 of the bit filter that screens history band keys before the exact lookup."""


def _groups(store: Lake, files: Sequence[tuple[date, str]],
            columns: Sequence[str]) -> Iterator[tuple[date, pq.ParquetFile, int, list[str]]]:
    """``(day, file, row group, columns present)`` of every row group of ``files``."""
    for day, path in files:
        with store.fs.open_input_file(path) as handle:
            parquet = pq.ParquetFile(handle)
            present = [c for c in columns if c in parquet.schema_arrow.names]
            for group in range(parquet.num_row_groups):
                yield day, parquet, group, present


def _read(parquet: pq.ParquetFile, group: int, table: str, columns: Sequence[str],
          present: Sequence[str], rows: pa.Array | None = None) -> pa.Table:
    """Columns of one row group conformed to ``table``'s schema (missing ones as nulls)."""
    data = parquet.read_row_group(group, columns=list(present))
    if rows is not None:
        data = data.take(rows)
    target = schema.TABLES[table]
    arrays = [data.column(c).cast(target.field(c).type) if c in present
              else pa.nulls(data.num_rows, target.field(c).type) for c in columns]
    return pa.Table.from_arrays(arrays, schema=pa.schema([target.field(c) for c in columns]))


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a mask: much faster than ``np.unique`` here)."""
    values = np.sort(values)
    keep = np.ones(values.size, dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


class KeySet:
    """Membership of int64 keys in a fixed set: a bit filter, then a sorted exact lookup."""

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = _distinct(keys.astype(np.int64))
        self.bits = np.zeros(1 << (_BITMAP_BITS - 3), dtype=np.uint8)
        slot = _distinct(self._slot(self.keys))
        if slot.size:
            byte = slot >> 3
            starts = np.flatnonzero(np.concatenate([[True], byte[1:] != byte[:-1]]))
            flags = np.left_shift(1, slot & 7).astype(np.uint8)
            self.bits[byte[starts]] = np.bitwise_or.reduceat(flags, starts)

    @staticmethod
    def _slot(keys: np.ndarray) -> np.ndarray:
        return (keys.view(np.uint64) >> np.uint64(64 - _BITMAP_BITS)).astype(np.int64)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        """Boolean mask of ``keys`` found in the set."""
        slot = self._slot(keys)
        hit = (self.bits[slot >> 3] >> (slot & 7).astype(np.uint8)) & 1
        candidates = np.flatnonzero(hit)
        mask = np.zeros(keys.size, dtype=bool)
        if candidates.size and self.keys.size:
            values = keys[candidates]
            pos = np.minimum(np.searchsorted(self.keys, values), self.keys.size - 1)
            mask[candidates[self.keys[pos] == values]] = True
        return mask


@dataclass
class History:
    """Published partitions in ``[crawl_date - window, crawl_date)`` (files, not rows)."""

    lake: str
    scheme: str
    index_files: list[tuple[date, str]] = field(default_factory=list)
    article_files: list[tuple[date, str]] = field(default_factory=list)
    earlier_files: list[tuple[date, str]] = field(default_factory=list)  # every day before

    @property
    def store(self) -> Lake:
        return open_lake(self.lake)

    def known_urls(self, urls: list[str]) -> list[date | None]:
        """First crawl date of each URL in the lake before the day, or None."""
        wanted = pa.array(urls, pa.string())
        first: dict[str, date] = {}
        store = self.store
        for day, path in self.earlier_files:
            with store.fs.open_input_file(path) as handle:
                column = pq.ParquetFile(handle).read(columns=["canonical_url"])["canonical_url"]
            found = column.filter(pc.is_in(column, value_set=wanted))
            for url in found.to_pylist():
                if url not in first or day < first[url]:
                    first[url] = day
        return [first.get(u) for u in urls]

    def matching(self, keys: np.ndarray) -> tuple[pa.Table, pa.Table]:
        """History articles sharing a band key with ``keys`` (one pass over the window).

        Returns ``(pairs, docs)``: ``pairs`` has ``key`` (int64) and ``doc`` (row of
        ``docs``); ``docs`` has ``article_id``, ``story_id`` and ``crawl_date`` of every
        matched article, in file order. Index rows of another signature
        scheme are skipped with a warning.
        """
        lookup = KeySet(keys)
        columns = ["article_id", "story_id", "scheme", "band_keys"]
        found_keys, found_docs, metas, skipped, base = [], [], [], 0, 0
        for day, parquet, group, present in _groups(self.store, self.index_files, columns):
            data = _read(parquet, group, "dedup_index", columns, present)
            same = pc.fill_null(pc.equal(data["scheme"], self.scheme), False)
            skipped += data.num_rows - pc.sum(same.cast(pa.int64())).as_py()
            bands = data["band_keys"].combine_chunks()
            values = bands.flatten().to_numpy(zero_copy_only=False)
            lengths = pc.fill_null(pc.list_value_length(bands), 0).to_numpy(
                zero_copy_only=False)
            owner = np.repeat(np.arange(data.num_rows, dtype=np.int64), lengths)
            hit = lookup.contains(values) & same.to_numpy(zero_copy_only=False)[owner]
            rows = owner[hit]
            if not rows.size:
                continue
            first = np.ones(rows.size, dtype=bool)  # rows ascend: number their distinct values
            first[1:] = rows[1:] != rows[:-1]
            local = rows[first]
            found_keys.append(values[hit])
            found_docs.append(np.cumsum(first) - 1 + base)
            meta = data.select(["article_id", "story_id"]).take(pa.array(local))
            metas.append(meta.append_column("crawl_date",
                                            pa.array([day] * meta.num_rows, pa.date32())))
            base += local.size
        if skipped:
            log.warning("ignoring %d index rows of another signature scheme", skipped)
        docs = (pa.concat_tables(metas) if metas else pa.table({
            "article_id": pa.array([], pa.string()), "story_id": pa.array([], pa.string()),
            "crawl_date": pa.array([], pa.date32())}))
        pairs = pa.table({
            "key": np.concatenate(found_keys) if found_keys else np.empty(0, np.int64),
            "doc": np.concatenate(found_docs) if found_docs else np.empty(0, np.int64),
        })
        return pairs, docs

    def members(self, stories: Iterable[str]) -> dict[str, list[dict]]:
        """Window articles of ``stories`` (META_COLUMNS plus ``crawl_date``), with the
        original each one's index row claimed (``original_url``/``original_signal``)."""
        wanted = pa.array(sorted(set(stories)), pa.string())
        if not len(wanted):
            return {}
        store = self.store
        claims: dict[str, tuple[str | None, str | None]] = {}
        columns = ["article_id", "story_id", "scheme", "claimed_url", "claim_signal"]
        for _day, parquet, group, present in _groups(store, self.index_files, columns):
            data = _read(parquet, group, "dedup_index", columns, present)
            keep = pc.and_(pc.is_in(data["story_id"], value_set=wanted),
                           pc.equal(data["scheme"], self.scheme))
            for r in data.filter(pc.fill_null(keep, False)).to_pylist():
                claims[r["article_id"]] = (r["claimed_url"], r["claim_signal"])
        by_story: dict[str, list[dict]] = {}
        for day, parquet, group, present in _groups(store, self.article_files, META_COLUMNS):
            ids = parquet.read_row_group(group, columns=["story_id"])["story_id"]
            rows = pc.indices_nonzero(pc.fill_null(pc.is_in(ids, value_set=wanted), False))
            if not len(rows):
                continue
            for row in _read(parquet, group, "articles", META_COLUMNS, present,
                             rows).to_pylist():
                claimed, signal = claims.get(row["article_id"], (None, None))
                row.update(crawl_date=day, original_url=claimed, original_signal=signal,
                           _history=True)
                by_story.setdefault(row["story_id"] or row["article_id"], []).append(row)
        return by_story

    def bodies(self, article_ids: Iterable[str], days: Iterable[date]) -> dict[str, str]:
        """Bodies of the given history articles published on ``days``, row group by row group."""
        wanted = pa.array(sorted(set(article_ids)), pa.string())
        if not len(wanted):
            return {}
        selected = set(days)
        files = [(d, p) for d, p in self.article_files if d in selected]
        out: dict[str, str] = {}
        for _day, parquet, group, _present in _groups(self.store, files, ["body"]):
            ids = parquet.read_row_group(group, columns=["article_id"])["article_id"]
            rows = pc.indices_nonzero(pc.is_in(ids, value_set=wanted))
            if not len(rows):
                continue
            part = parquet.read_row_group(group, columns=["body"])["body"].take(rows)
            out.update(zip(ids.take(rows).to_pylist(), part.to_pylist(), strict=True))
        return out


def _files(store: Lake, table: str, start: date | None, end: date) -> list[tuple[date, str]]:
    return [(day, info.path) for day, path in store.partitions(table).items()
            if (start is None or start <= day) and day < end
            for info in store.data_files(path)]


def load_history(lake: str, crawl_date: date, config: DedupConfig) -> History:
    """List the files of the window that ``crawl_date`` is compared against.

    The day itself is excluded, so re-running a day sees the same history.
    """
    store = open_lake(lake)
    start = crawl_date - timedelta(days=config.window_days)
    return History(
        lake=lake, scheme=config.scheme,
        index_files=_files(store, "dedup_index", start, crawl_date),
        article_files=_files(store, "articles", start, crawl_date),
        earlier_files=_files(store, "articles", None, crawl_date),
    )
