"""The lake's past as seen by deduplication, read as a stream of record batches.

Nothing proportional to the history is held in memory. Known URLs are one semi-join of the
batch's canonical URLs against the articles' ``canonical_url`` column; every other question
(history articles sharing a band or anchor key with the batch, members of touched stories,
bodies to verify) streams the window's rows from the DuckLake catalog (one snapshot for the
whole run) a batch at a time and keeps only the matching rows. Cost grows linearly with the
window's rows (one pass over its band and anchor keys per batch); memory grows with the
number of matches only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newslake.dedup.config import DedupConfig
from newslake.lake import schema

log = logging.getLogger(__name__)

META_COLUMNS = (
    "article_id", "url", "canonical_url", "site", "site_name", "title", "published_at",
    "fetched_at", "original_url", "original_signal", "original_publisher",
    "original_publisher_url", "syndicator", "story_id", "is_original", "story_version",
)
"""Article columns that story and original assignment need (never the body)."""

_BITMAP_BITS = 28
"""log2 of the bit filter that screens history band keys before the exact lookup."""


STREAM_ROWS = 64 * 1024
"""Rows per record batch streamed from the lake."""
STREAM_MEMORY_LIMIT = "512MB"
"""DuckDB buffer memory of a history stream (scans and a semi-join on wanted ids)."""


def _history_filter(start: date | None, end: date, days: Iterable[date] | None = None,
                    same_day_except: str | None = None) -> tuple[str, list] | None:
    """SQL condition (and its parameters) selecting rows in ``[start, end)`` (plus day
    ``end``'s rows of every producer but ``same_day_except``); None when ``days`` is empty."""
    before, params = "crawl_date < ?", [end]
    if start is not None:
        before += " AND crawl_date >= ?"
        params.append(start)
    if same_day_except is not None:
        before = f"(({before}) OR (crawl_date = ? AND producer <> ?))"
        params += [end, same_day_except]
    where = [before]
    if days is not None:
        chosen = sorted(set(days))
        if not chosen:
            return None
        where.append(f"crawl_date IN ({', '.join('?' for _ in chosen)})")
        params += chosen
    return " AND ".join(where), params


def _stream(lake: str, snapshot: int | None, table: str, columns: Sequence[str],
            start: date | None, end: date, days: Iterable[date] | None = None,
            same_day_except: str | None = None, match: tuple[str, pa.Array] | None = None,
            threads: int = 2) -> Iterator[pa.Table]:
    """Batches of ``columns`` (conformed, plus ``crawl_date``) of ``table`` in ``[start, end)``,
    and of day ``end`` the rows of every producer but ``same_day_except`` when it is given;
    with ``match`` (a column and values), only rows holding one of the values there (selected
    by DuckDB: other rows' columns never reach Arrow; the order of rows is then not the
    files'). ``threads``: DuckDB threads decoding row groups at once."""
    condition = _history_filter(start, end, days, same_day_except)
    if snapshot is None or condition is None:
        return
    from newslake.lake import ducklake

    where, params = condition
    con = ducklake.connect(lake, snapshot=snapshot)
    try:
        con.execute(f"SET threads = {int(threads)}")
        # a scan reads each file once: nothing to cache, and buffers stay bounded
        con.execute(f"SET memory_limit = '{STREAM_MEMORY_LIMIT}'")
        con.execute("SET enable_external_file_cache = false")
        present = {r[0] for r in con.execute(f"DESCRIBE lake.{table}").fetchall()}
        cols = ", ".join(f'"{c}"' if c in present else f'NULL AS "{c}"' for c in columns)
        if match is not None:
            column, values = match
            con.register("_newslake_wanted", pa.table({"value": values}))
            where += f' AND "{column}" IN (SELECT value FROM _newslake_wanted)'
        reader = con.execute(
            f"SELECT {cols}, crawl_date FROM lake.{table} WHERE {where}",
            params).fetch_record_batch(STREAM_ROWS)
        target = schema.TABLES[table]
        out_schema = pa.schema([target.field(c) for c in columns]).append(
            pa.field("crawl_date", pa.date32()))
        for batch in reader:
            if batch.num_rows:  # an empty day yields no batch worth reading
                yield pa.Table.from_batches([batch]).cast(out_schema)
    finally:
        con.close()


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a mask: much faster than ``np.unique`` here)."""
    values = np.sort(values)
    keep = np.ones(values.size, dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def search_sorted(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """``np.searchsorted(haystack, needles)`` with the needles looked up in sorted order: a
    sorted probe walks the haystack forwards (cache-friendly), many times faster than
    random probes once the haystack outgrows the CPU caches."""
    if needles.size < 2:
        return np.searchsorted(haystack, needles)
    order = np.argsort(needles, kind="stable")
    out = np.empty(needles.size, dtype=np.intp)
    out[order] = np.searchsorted(haystack, needles[order])
    return out


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
            pos = np.minimum(search_sorted(self.keys, values), self.keys.size - 1)
            mask[candidates[self.keys[pos] == values]] = True
        return mask


@dataclass
class History:
    """The lake before ``end`` as of one snapshot: the dedup window starts at ``start``.

    With ``same_day_except`` (a producer), day ``end``'s rows of every other producer are
    history too: a micro-batch sees the day's earlier batches.
    """

    lake: str
    scheme: str
    start: date
    end: date
    snapshot: int | None  # None: nothing published yet
    same_day_except: str | None = None

    def _stream(self, table: str, columns: Sequence[str], window: bool = True,
                days: Iterable[date] | None = None,
                match: tuple[str, pa.Array] | None = None, threads: int = 2
                ) -> Iterator[pa.Table]:
        return _stream(self.lake, self.snapshot, table, columns,
                       self.start if window else None, self.end, days, self.same_day_except,
                       match, threads)

    def known_urls(self, urls: list[str]) -> list[date | None]:
        """First crawl date of each URL in the history (any day before ``end``), or None.

        One semi-join of the URLs against the articles' ``canonical_url`` column."""
        if self.snapshot is None or not urls:
            return [None] * len(urls)
        from newslake.lake import ducklake

        where, params = _history_filter(None, self.end, same_day_except=self.same_day_except)
        con = ducklake.connect(self.lake, snapshot=self.snapshot)
        try:
            con.register("_newslake_wanted", pa.table({"url": sorted(set(urls))}))
            first = dict(con.execute(
                f"SELECT canonical_url, min(crawl_date) FROM lake.articles WHERE {where} "
                "AND canonical_url IN (SELECT url FROM _newslake_wanted) GROUP BY 1",
                params).fetchall())
        finally:
            con.close()
        return [first.get(u) for u in urls]

    def matching(self, keys: np.ndarray) -> tuple[pa.Table, pa.Table]:
        """History articles sharing a band key with ``keys``: ``(pairs, docs)`` of
        :meth:`match_keys`."""
        pairs, _, docs = self.match_keys(keys)
        return pairs, docs

    def match_keys(self, keys: np.ndarray, anchors: np.ndarray | None = None
                   ) -> tuple[pa.Table, pa.Table, pa.Table]:
        """History articles sharing a band key with ``keys`` or an anchor key with
        ``anchors`` (one pass over the window).

        Returns ``(pairs, anchor_pairs, docs)``: the pairs have ``key`` (int64) and ``doc``
        (row of ``docs``); ``docs`` has ``article_id``, ``story_id``, ``canonical_url``,
        ``n_shingles`` and ``crawl_date`` of every matched article, in file order. Index rows
        of another signature scheme are skipped with a warning; rows written without anchors
        match by band keys only.
        """
        lookups = {"band_keys": KeySet(keys),
                   "anchor_keys": KeySet(anchors if anchors is not None else keys[:0])}
        meta = ["article_id", "story_id", "canonical_url", "n_shingles"]
        columns = [*meta, "scheme", *lookups]
        found: dict[str, tuple[list, list]] = {c: ([], []) for c in lookups}
        metas, skipped, base = [], 0, 0
        for data in self._stream("dedup_index", columns):
            same = pc.fill_null(pc.equal(data["scheme"], self.scheme), False)
            skipped += data.num_rows - (pc.sum(same.cast(pa.int64())).as_py() or 0)
            same = same.to_numpy(zero_copy_only=False)
            hits = []
            for column, lookup in lookups.items():
                if not lookup.keys.size:
                    continue
                lists = data[column].combine_chunks()
                values = lists.flatten().to_numpy(zero_copy_only=False)
                hit = np.flatnonzero(lookup.contains(values))
                ends = np.cumsum(pc.fill_null(pc.list_value_length(lists), 0).to_numpy(
                    zero_copy_only=False))  # as flatten() counts: a null row holds nothing
                owner = np.searchsorted(ends, hit, "right")
                keep = same[owner]
                hits.append((column, values[hit[keep]], owner[keep]))
            rows = np.unique(np.concatenate([h[2] for h in hits])) if hits else []
            if not len(rows):
                continue
            for column, values, owner in hits:
                found[column][0].append(values)
                found[column][1].append(np.searchsorted(rows, owner) + base)
            metas.append(data.select([*meta, "crawl_date"]).take(pa.array(rows)))
            base += rows.size
        if skipped:
            log.warning("ignoring %d index rows of another signature scheme", skipped)
        docs = (pa.concat_tables(metas) if metas else pa.table({
            "article_id": pa.array([], pa.string()), "story_id": pa.array([], pa.string()),
            "canonical_url": pa.array([], pa.string()), "n_shingles": pa.array([], pa.int32()),
            "crawl_date": pa.array([], pa.date32())}))

        def pairs(column: str) -> pa.Table:
            values, docs_of = found[column]
            return pa.table({
                "key": np.concatenate(values) if values else np.empty(0, np.int64),
                "doc": np.concatenate(docs_of) if docs_of else np.empty(0, np.int64),
            })

        return pairs("band_keys"), pairs("anchor_keys"), docs

    def members(self, stories: Iterable[str]) -> dict[str, list[dict]]:
        """Window articles of ``stories`` (META_COLUMNS plus ``crawl_date``, by day and id),
        with the original each one's index row claimed (``original_url``/``original_signal``).
        Only the members' rows leave DuckDB."""
        wanted = pa.array(sorted(set(stories)), pa.string())
        if not len(wanted):
            return {}
        claims: dict[str, tuple[str | None, str | None]] = {}
        columns = ["article_id", "story_id", "scheme", "claimed_url", "claim_signal"]
        for data in self._stream("dedup_index", columns, match=("story_id", wanted)):
            keep = pc.fill_null(pc.equal(data["scheme"], self.scheme), False)
            for r in data.filter(keep).to_pylist():
                claims[r["article_id"]] = (r["claimed_url"], r["claim_signal"])
        by_story: dict[str, list[dict]] = {}
        for data in self._stream("articles", META_COLUMNS, match=("story_id", wanted)):
            for row in data.to_pylist():
                claimed, signal = claims.get(row["article_id"], (None, None))
                row.update(original_url=claimed, original_signal=signal, _history=True)
                by_story.setdefault(row["story_id"] or row["article_id"], []).append(row)
        for rows in by_story.values():  # DuckDB's join order is not the files'
            rows.sort(key=lambda r: (r["crawl_date"], r["article_id"]))
        return by_story

    def bodies(self, article_ids: Iterable[str], days: Iterable[date]) -> dict[str, str]:
        """Bodies of the given history articles published on ``days`` (only their rows' bodies
        leave the lake)."""
        wanted = pa.array(sorted(set(article_ids)), pa.string())
        if not len(wanted):
            return {}
        out: dict[str, str] = {}
        # one thread: a day's body column is decoded one row group at a time
        for data in self._stream("articles", ["article_id", "body"], days=days,
                                 match=("article_id", wanted), threads=1):
            out.update(zip(data["article_id"].to_pylist(), data["body"].to_pylist(),
                           strict=True))
        return out


def load_history(lake: str, crawl_date: date, config: DedupConfig,
                 same_day_except: str | None = None) -> History:
    """The window that ``crawl_date`` is compared against, pinned to the current snapshot.

    The day itself is excluded, so re-running a day sees the same history; with
    ``same_day_except``, the day's rows of every other producer are included (the earlier
    micro-batches of the day, whose rows a batch's re-run does not replace).
    """
    from newslake.lake import ducklake

    snapshot = None
    if ducklake.exists(lake):
        con = ducklake.connect(lake)
        try:
            snapshot = int(con.execute("SELECT id FROM lake.current_snapshot()").fetchone()[0])
        finally:
            con.close()
    return History(lake=lake, scheme=config.scheme,
                   start=crawl_date - timedelta(days=config.window_days), end=crawl_date,
                   snapshot=snapshot, same_day_except=same_day_except)
