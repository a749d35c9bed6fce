"""The durable frontier and the feed state, kept in the lake's DuckLake catalog.

- :func:`commit_poll` commits one poll in ONE transaction: the new entries (``frontier``,
  state ``pending``; an entry whose canonical URL is already in the frontier is not added
  again), every polled feed's new ``feed_state`` row and the feed requests' ``fetch_log``
  rows. Killed before the commit, the poll left nothing: the feed state still lists the old
  entries, so the next poll finds the same entries new again (nothing lost); killed after,
  the entries are pending until a batch takes them (nothing lost, nothing twice).
- :func:`claim` marks the pending entries of one day as taken by a micro-batch (one
  transaction); a claim older than :data:`CLAIM_LEASE` (its batch died) may be taken over.
  Claiming again with the same batch id returns the same entries (a re-run).
- :func:`complete` publishes the batch's tables (producer ``batch-<id>``, replacing that
  producer's rows of the day) AND marks its entries ``published`` or ``failed`` in one
  commit, after checking that the batch still holds every claim: a batch that lost its claim
  publishes nothing, so an entry is never processed into the lake twice.

``crawl_date`` of a frontier row, and of the articles it becomes, is the UTC day the entry
was first seen by a poll.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow as pa

from newslake.crawl.poll import FeedPoll, FrontierEntry
from newslake.crawl.schedule import FeedPollState
from newslake.exceptions import TerminalError
from newslake.lake import ducklake, schema
from newslake.sources import SourcesConfig

log = logging.getLogger(__name__)

PRODUCER = "feed_poll"
"""Producer of the frontier, feed_state and feed fetch_log rows."""
STATES = ("pending", "claimed", "published", "failed")
CLAIM_LEASE = timedelta(hours=2)
"""A claim this old belongs to a batch that died: another batch may take the entries."""
DEDUP_WINDOW = timedelta(days=30)
"""An entry seen again within this many days of its first sighting is not new."""

Hook = Callable[[str], None]
_L = ducklake.ALIAS


@dataclass(frozen=True)
class PollCommit:
    """What one :func:`commit_poll` wrote."""

    snapshot_id: int
    feeds: int
    new_entries: int


def _aware(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def read(lake: str, table: str, where: str = "", params: list | None = None) -> pa.Table:
    """Rows of a lake table (empty when the lake has no catalog yet)."""
    if not ducklake.exists(lake):
        return schema.empty(table)
    con = ducklake.connect(lake)
    try:
        sql = f"SELECT * FROM {_L}.{table}" + (f" WHERE {where}" if where else "")
        return con.execute(sql, params or []).fetch_arrow_table()
    finally:
        con.close()


def load_states(lake: str, config: SourcesConfig
                ) -> dict[str, tuple[FeedPollState, frozenset[str]]]:
    """Scheduler state and last listing of every enabled source (fresh when never polled
    or when its feed URL changed)."""
    rows = {r["source_id"]: r for r in read(lake, "feed_state").to_pylist()}
    names = {f.name for f in fields(FeedPollState)}
    out = {}
    for source in config.sources:
        if not source.enabled:
            continue
        row = rows.get(source.id)
        if row is None or row.get("feed_url") != source.url:
            out[source.id] = (FeedPollState(source.id, source.url), frozenset())
            continue
        values = {k: _aware(v) for k, v in row.items() if k in names and v is not None}
        out[source.id] = (FeedPollState(**values), frozenset(row.get("seen") or ()))
    return out


def _state_row(poll: FeedPoll) -> dict:
    row = asdict(poll.state)
    row["seen"] = list(poll.listed)
    return row


def _entry_row(entry: FrontierEntry, run_id: str) -> dict:
    return {"url": entry.url, "canonical_url": entry.canonical_url,
            "source_id": entry.source_id, "first_seen_at": entry.first_seen_at,
            "feed_title": entry.feed_title, "feed_published_at": entry.feed_published_at,
            "authors": list(entry.authors), "state": "pending", "poll_run": run_id}


def _insert(con: Any, table: str, rows: pa.Table) -> None:
    con.register("_newslake_rows", rows)
    try:
        con.execute(f"INSERT INTO {_L}.{table} BY NAME SELECT * FROM _newslake_rows")
    finally:
        con.unregister("_newslake_rows")


def commit_poll(lake: str, polls: Sequence[FeedPoll], run_id: str, now: datetime,
                hook: Hook | None = None) -> PollCommit:
    """Commit one poll (frontier entries, feed states, fetch_log rows) in one transaction."""
    step = hook or (lambda _name: None)
    day = now.astimezone(UTC).date()
    entries = [_entry_row(e, run_id) for p in polls for e in p.entries]
    frontier = ducklake.prepare("frontier", pa.Table.from_pylist(
        entries, schema=schema.FRONTIER), day, PRODUCER)
    states = ducklake.prepare("feed_state", schema.conform(
        "feed_state", [_state_row(p) for p in polls]), day, PRODUCER)
    fetch_log = ducklake.prepare("fetch_log", schema.conform(
        "fetch_log", [r for p in polls for r in p.fetch_log]), day, PRODUCER)
    since = day - DEDUP_WINDOW
    con = ducklake.connect(lake, read_only=False)

    def run() -> int:
        step("begin")
        con.execute("BEGIN")
        con.register("_newslake_new", frontier)
        try:
            added = con.execute(
                f"SELECT count(*) FROM _newslake_new n WHERE NOT EXISTS (SELECT 1 FROM "
                f"{_L}.frontier f WHERE f.canonical_url = n.canonical_url "
                f"AND f.crawl_date >= ?)", [since]).fetchone()[0]
            con.execute(
                f"INSERT INTO {_L}.frontier BY NAME SELECT * FROM _newslake_new n WHERE NOT "
                f"EXISTS (SELECT 1 FROM {_L}.frontier f WHERE f.canonical_url = "
                f"n.canonical_url AND f.crawl_date >= ?)", [since])
        finally:
            con.unregister("_newslake_new")
        step("frontier")
        ids = [p.source_id for p in polls]
        if ids:
            con.execute(f"DELETE FROM {_L}.feed_state WHERE source_id IN "
                        f"({', '.join('?' * len(ids))})", ids)
            _insert(con, "feed_state", states)
        step("feed_state")
        if fetch_log.num_rows:
            _insert(con, "fetch_log", fetch_log)
        ducklake._commit_message(con, "poll", {"run_id": run_id, "producer": PRODUCER,
                                               "crawl_date": day.isoformat(), "mode": "poll",
                                               "feeds": len(polls), "new": int(added)})
        step("commit")
        con.execute("COMMIT")
        step("committed")
        snapshot = con.execute(f"SELECT id FROM {_L}.current_snapshot()").fetchone()[0]
        return int(snapshot), int(added)

    try:
        snapshot, added = ducklake.retrying(run, f"poll commit {run_id}",
                                             lambda: ducklake._rollback(con))
    finally:
        con.close()
    return PollCommit(snapshot, len(polls), added)


def _entries(table: pa.Table) -> list[FrontierEntry]:
    return [FrontierEntry(
        url=r["url"], canonical_url=r["canonical_url"], source_id=r["source_id"],
        first_seen_at=_aware(r["first_seen_at"]), feed_title=r["feed_title"],
        feed_published_at=_aware(r["feed_published_at"]), authors=tuple(r["authors"] or ()))
        for r in table.to_pylist()]


def pending_days(lake: str, now: datetime) -> list[date]:
    """Days with entries a batch may take (pending, or claimed by a batch that died)."""
    if not ducklake.exists(lake):
        return []
    con = ducklake.connect(lake)
    try:
        rows = con.execute(
            f"SELECT DISTINCT crawl_date FROM {_L}.frontier WHERE state = 'pending' OR "
            f"(state = 'claimed' AND claimed_at < ?) ORDER BY 1", [now - CLAIM_LEASE]).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class DayFrontier:
    """The frontier of one crawl day at some time."""

    seen: int
    waiting: int
    """Entries a batch may take (pending, or claimed by a batch that died)."""
    held: dict[str, int]
    """Entries claimed by live batches, per batch id."""


def day_frontier(lake: str, crawl_date: date, now: datetime) -> DayFrontier:
    """How many entries were first seen on ``crawl_date``, wait for a batch, or are held."""
    if not ducklake.exists(lake):
        return DayFrontier(0, 0, {})
    con = ducklake.connect(lake)
    try:
        rows = con.execute(
            f"SELECT CASE WHEN state = 'pending' OR (state = 'claimed' AND claimed_at < ?) "
            f"THEN '' WHEN state = 'claimed' THEN batch_id END AS held, count(*) "
            f"FROM {_L}.frontier WHERE crawl_date = ? GROUP BY ALL",
            [now - CLAIM_LEASE, crawl_date]).fetchall()
    finally:
        con.close()
    counts = {key: int(n) for key, n in rows}
    held = {k: n for k, n in counts.items() if k}
    return DayFrontier(sum(counts.values()), counts.get("", 0), held)


def claim(lake: str, batch_id: str, crawl_date: date, now: datetime,
          hook: Hook | None = None) -> list[FrontierEntry]:
    """Take the day's pending entries for ``batch_id`` (or return those it already holds)."""
    step = hook or (lambda _name: None)
    con = ducklake.connect(lake, read_only=False)
    select = (f"SELECT * FROM {_L}.frontier WHERE batch_id = ? AND crawl_date = ? "
              f"ORDER BY first_seen_at, url")

    def run() -> pa.Table:
        con.execute("BEGIN")
        held = con.execute(select, [batch_id, crawl_date]).fetch_arrow_table()
        if held.num_rows:
            con.execute("ROLLBACK")
            return held
        con.execute(
            f"UPDATE {_L}.frontier SET state = 'claimed', batch_id = ?, claimed_at = ? "
            f"WHERE crawl_date = ? AND (state = 'pending' OR (state = 'claimed' AND "
            f"claimed_at < ?))", [batch_id, now, crawl_date, now - CLAIM_LEASE])
        ducklake._commit_message(con, "claim", {"run_id": batch_id, "producer": PRODUCER,
                                                "crawl_date": crawl_date.isoformat(),
                                                "mode": "claim"})
        step("commit")
        con.execute("COMMIT")
        step("committed")
        return con.execute(select, [batch_id, crawl_date]).fetch_arrow_table()

    try:
        return _entries(ducklake.retrying(run, f"claim {batch_id}",
                                           lambda: ducklake._rollback(con)))
    finally:
        con.close()


def complete(lake: str, batch_id: str, producer: str, crawl_date: date,
             tables: Mapping[str, pa.Table], outcomes: Mapping[str, str], now: datetime,
             run_id: str, hook: Hook | None = None) -> int:
    """Publish a batch's tables and settle its entries in one commit; the snapshot id.

    ``outcomes`` maps every claimed entry URL to ``published`` or a failure reason. Entries
    of a batch that failed a batch-level validation (``validation_failed``) go back to
    ``pending`` once, for a later batch with other pages; a second time they fail.
    """
    step = hook or (lambda _name: None)
    prepared = {t: ducklake.prepare(t, d, crawl_date, producer) for t, d in tables.items()}
    rows = {t: d.num_rows for t, d in prepared.items()}
    prepared["publish_log"] = ducklake.prepare("publish_log", pa.Table.from_pylist([{
        "run_id": run_id, "mode": "replace", "committed_at": now, "tables": sorted(rows),
        "rows_json": json.dumps(rows, sort_keys=True)}], schema=schema.PUBLISH_LOG),
        crawl_date, producer)
    settled = pa.Table.from_pylist(
        [{"url": u, "outcome": o} for u, o in outcomes.items()],
        schema=pa.schema([("url", pa.string()), ("outcome", pa.string())]))
    con = ducklake.connect(lake, read_only=False)

    def run() -> int:
        step("begin")
        con.execute("BEGIN")
        held = con.execute(
            f"SELECT url FROM {_L}.frontier WHERE batch_id = ? AND crawl_date = ?",
            [batch_id, crawl_date]).fetchall()
        lost = set(outcomes) - {r[0] for r in held}
        if lost:
            raise TerminalError(f"batch {batch_id} no longer holds {len(lost)} of its "
                                f"entries (e.g. {sorted(lost)[0]}): another batch took them")
        for table, data in prepared.items():
            con.execute(f"DELETE FROM {_L}.{table} WHERE crawl_date = ? AND producer = ?",
                        [crawl_date, producer])
            step(f"insert:{table}")
            if data.num_rows:
                _insert(con, table, data)
        con.register("_newslake_outcomes", settled)
        try:
            retry = (f"(o.outcome = 'validation_failed' AND {_L}.frontier.outcome IS NULL)")
            con.execute(
                f"UPDATE {_L}.frontier SET state = CASE WHEN o.outcome = 'published' THEN "
                f"'published' WHEN {retry} THEN 'pending' ELSE 'failed' END, "
                f"batch_id = CASE WHEN {retry} THEN NULL ELSE {_L}.frontier.batch_id END, "
                f"outcome = o.outcome, processed_at = ? "
                f"FROM _newslake_outcomes o WHERE {_L}.frontier.url = o.url "
                f"AND {_L}.frontier.batch_id = ? AND {_L}.frontier.crawl_date = ?",
                [now, batch_id, crawl_date])
        finally:
            con.unregister("_newslake_outcomes")
        ducklake._commit_message(con, "publish", {
            "run_id": run_id, "producer": producer, "crawl_date": crawl_date.isoformat(),
            "mode": "replace", "rows": rows, "batch_id": batch_id})
        step("commit")
        con.execute("COMMIT")
        step("committed")
        return int(con.execute(f"SELECT id FROM {_L}.current_snapshot()").fetchone()[0])

    try:
        return ducklake.retrying(run, f"batch commit {batch_id}",
                                  lambda: ducklake._rollback(con))
    except TerminalError:
        ducklake._rollback(con)
        raise
    finally:
        con.close()


FETCHED_OUTCOMES = ("published", "rejected", "validation_failed")
"""Outcomes of entries whose page was fetched (a failed fetch records its error class)."""

COMPLETENESS_SQL = f"""
SELECT source_id, crawl_date,
       count(*) AS seen,
       count(*) FILTER (WHERE outcome IN {FETCHED_OUTCOMES}) AS fetched,
       count(*) FILTER (WHERE state = 'published') AS published,
       count(*) FILTER (WHERE state = 'failed') AS failed,
       count(*) FILTER (WHERE state IN ('pending', 'claimed')) AS pending
FROM {_L}.frontier GROUP BY ALL ORDER BY crawl_date, source_id
"""
"""Per source and day (the UTC day entries were first seen): entries seen, fetched,
published, failed and still pending."""

FEED_HEALTH_SQL = f"""
SELECT source_id, feed_url, polls, not_modified, new_entries,
       round(rate_per_h, 2) AS new_per_hour, round(interval_s / 60, 1) AS interval_min,
       listed, last_poll_at, next_poll_at, error_streak, last_error, rollovers,
       rollovers > 0 AS rolls_over_faster_than_polled,
       error_streak >= 3 AS failing
FROM {_L}.feed_state ORDER BY rollovers DESC, error_streak DESC, source_id
"""
"""One row per feed. ``rolls_over_faster_than_polled``: some poll found every entry it
listed new, or its oldest entry newer than the previous poll: entries may have been missed
(lower the feed's ``poll.max_interval_s`` or ask the site for a longer feed)."""


def _query(lake: str, sql: str, table: str) -> pa.Table:
    if not ducklake.exists(lake):
        raise TerminalError(f"no lake at {lake}: nothing has been polled yet")
    con = ducklake.connect(lake)
    try:
        return con.execute(sql).fetch_arrow_table()
    finally:
        con.close()


def completeness(lake: str) -> pa.Table:
    """Entries seen, fetched, published, failed and pending per source and day."""
    return _query(lake, COMPLETENESS_SQL, "frontier")


def feed_health(lake: str) -> pa.Table:
    """The health of every polled feed (see :data:`FEED_HEALTH_SQL`)."""
    return _query(lake, FEED_HEALTH_SQL, "feed_state")


def entry_outcomes(entries: Sequence[FrontierEntry], fetch_log: pa.Table,
                   articles: pa.Table | None) -> dict[str, str]:
    """Per entry URL: ``published`` when it became a row of ``articles`` (by its URL, its
    canonical URL or where its fetch landed), else the error class of its page fetch
    (``not_fetched`` without one, ``rejected`` when fetched but not kept). ``articles`` is
    None when nothing was extracted."""
    kept: set[str] = set()
    if articles is not None:
        kept = set(articles["url"].to_pylist()) | set(articles["canonical_url"].to_pylist())
    final = {}
    for row in fetch_log.select(["url", "final_url", "error_class", "kind"]).to_pylist():
        if row["kind"] == "page":
            final[row["url"]] = (row["final_url"] or row["url"], row["error_class"])
    out = {}
    for entry in entries:
        landed, error = final.get(entry.url, (entry.url, "not_fetched"))
        if entry.url in kept or entry.canonical_url in kept or landed in kept:
            out[entry.url] = "published"
        else:
            out[entry.url] = error or "rejected"
    return out
