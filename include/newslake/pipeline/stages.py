"""The stages of a daily run, each a plain function over a :class:`RunContext`.

Every stage reads its inputs from staging (or the lake), writes its outputs to staging and
returns a small JSON-safe dict of counts and paths: exactly what an orchestrator passes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from newslake.exceptions import StageFailed
from newslake.lake import schema
from newslake.pipeline.staging import (
    RunContext,
    concat,
    read_json,
    read_table,
    write_json,
    write_table,
)

log = logging.getLogger(__name__)

EXTRACT_TABLES = ("articles", "comments", "related", "quotes", "subjects", "rejections")
MIN_BATCH_SIZE = 25
"""Fewest URLs in a fetch batch: smaller batches cost more in task overhead than they save."""
MAX_BATCHES = 32
"""Most fetch batches of a run: beyond this, batches grow instead (bounded task count)."""


def batch_size(candidates: int) -> int:
    """URLs per fetch batch: at least ``MIN_BATCH_SIZE``, and at most ``MAX_BATCHES`` batches."""
    return max(MIN_BATCH_SIZE, -(-candidates // MAX_BATCHES))


def _sources(ctx: RunContext):
    from newslake.sources import load_sources

    return load_sources(ctx.sources_path)


def stage_sources(ctx: RunContext) -> list[str]:
    """Ids of the enabled sources; takes the day's lease and starts a clean staging area."""
    config = _sources(ctx)
    ids = [s.id for s in config.sources if s.enabled]
    if not ids:
        raise StageFailed("sources", f"no enabled source in {ctx.sources_path}")
    ctx.hold()
    ctx.reset()
    write_json(ctx.path("sources.json"), ids)
    return ids


def stage_discover(ctx: RunContext, source_id: str) -> dict[str, Any]:
    """Fetch one source's feed and stage its candidate article URLs."""
    from newslake.crawl import discover_source

    ctx.hold()
    config = _sources(ctx)
    source = next(s for s in config.sources if s.id == source_id)
    start, end = ctx.interval
    result = discover_source(
        source,
        config,
        lake=ctx.lake,
        crawl_date=ctx.crawl_date,
        interval_start=start,
        interval_end=end,
        warc_path=ctx.raw_warc(f"feed-{source_id}"),
    )
    write_json(ctx.path("discover", f"{source_id}.json"), result.candidates)
    write_table(
        ctx.path("discover", f"{source_id}.fetch_log.parquet"),
        schema.conform("fetch_log", result.fetch_log),
    )
    failed = any(row.get("error_class") not in (None, "not_modified") for row in result.fetch_log)
    return {"source_id": source_id, "candidates": len(result.candidates), "failed": failed}


def stage_plan(ctx: RunContext, discovered: Iterable[dict[str, Any]]) -> list[int]:
    """Merge the sources' candidates, drop repeats, and split them into fetch batches.

    Fails the run only when every source failed; returns the batch numbers to fetch.
    """
    from newslake.dedup import canonicalize_url

    ctx.hold()
    discovered = list(discovered)
    if discovered and all(d["failed"] for d in discovered):
        raise StageFailed("discover", f"all {len(discovered)} sources failed")
    seen: set[str] = set()
    candidates: list[dict[str, Any]] = []
    for item in discovered:
        for candidate in read_json(ctx.path("discover", f"{item['source_id']}.json")):
            key = canonicalize_url(candidate["url"])
            if key not in seen:
                seen.add(key)
                candidates.append(candidate)
    candidates = interleave_by_host(candidates)
    size = batch_size(len(candidates))
    batches = [candidates[i : i + size] for i in range(0, len(candidates), size)]
    for number, batch in enumerate(batches):
        write_json(ctx.path("plan", f"{number:04d}.json"), batch)
    write_batches(ctx, [f"{n:04d}" for n in range(len(batches))])
    log.info("%d candidates in %d batches", len(candidates), len(batches))
    return list(range(len(batches)))


def interleave_by_host(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Round-robin the candidates over their hosts, so every batch spreads over many hosts
    and per-host politeness does not serialise a batch."""
    from itertools import chain, zip_longest

    from newslake.ids import registered_site

    per_host: dict[str, list[dict[str, Any]]] = {}
    for candidate in candidates:
        per_host.setdefault(registered_site(candidate["url"]), []).append(candidate)
    rounds = zip_longest(*per_host.values())
    return [c for c in chain.from_iterable(rounds) if c is not None]


def stage_fetch(ctx: RunContext, batch: int) -> dict[str, Any]:
    """Fetch one batch of pages into the raw WARC archive."""
    from newslake.crawl import fetch_pages

    ctx.hold()
    candidates = read_json(ctx.path("plan", f"{batch:04d}.json"))
    warc = ctx.raw_warc(f"{batch:04d}")
    result = fetch_pages(candidates, _sources(ctx), warc_path=warc)
    write_table(
        ctx.path("fetch", f"{batch:04d}.fetch_log.parquet"),
        schema.conform("fetch_log", result.fetch_log),
    )
    return {"batch": batch, "ok": result.ok, "attempted": len(candidates), "warc": warc}


def stage_extract(ctx: RunContext, batch: int) -> dict[str, Any]:
    """Extract article rows from one fetched batch's WARC file."""
    from newslake.crawl.warc import iter_responses

    ctx.hold()
    candidates = {c["url"]: c for c in read_json(ctx.path("plan", f"{batch:04d}.json"))}
    hints_for = hints_factory(_sources(ctx), candidates)
    # The batch's WARC also holds robots.txt and redirect hops: extract the planned pages.
    pages = (p for p in iter_responses(ctx.raw_warc(f"{batch:04d}")) if p.url in candidates)
    return extract_to_staging(ctx, f"{batch:04d}", pages, hints_for)


def hints_factory(
    config,
    candidates: dict[str, dict[str, Any]],
    page_types: frozenset[str] | None = frozenset({"article"}),
):
    """A function giving the extraction hints of a page from its source and feed entry.

    A page of a configured source accepts that source's ``page_types``; any other page
    accepts ``page_types`` (None: every page type).
    """
    from newslake.extract import Hints

    by_id = {s.id: s for s in config.sources} if config is not None else {}

    def hints_for(page) -> Hints:
        entry = candidates.get(page.url, {})
        source = by_id.get(entry.get("source_id") or page.source_id or "")
        return Hints(
            source_id=entry.get("source_id") or page.source_id,
            site=source.site if source else None,
            language=source.language if source else None,
            syndicator=source.syndicator if source else None,
            feed_title=entry.get("feed_title"),
            feed_published_at=_parse_dt(entry.get("feed_published_at")),
            feed_authors=list(entry.get("feed_authors") or []),
            accepted_languages=None,
            accepted_page_types=source.page_types if source else page_types,
        )

    return hints_for


def _parse_dt(value: Any):
    from datetime import datetime

    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def extract_to_staging(ctx: RunContext, name: str, pages: Iterable, hints_for) -> dict[str, Any]:
    """Run extraction over ``pages`` and stage its tables under ``extract/<name>.*``."""
    from newslake.crawl.warc import SkippedRecord
    from newslake.extract import extract_pages

    unusable: list[dict[str, Any]] = []

    def ok_pages() -> Iterable:
        for item in pages:
            if isinstance(item, SkippedRecord):  # a WARC record that is no page: a rejection
                unusable.append(
                    {
                        "url": item.url,
                        "reason": item.reason,
                        "detail": f"{item.detail} ({item.warc_file})",
                        "fetched_at": item.fetched_at,
                        "stage": "import",
                    }
                )
            elif item.status is not None and 200 <= item.status < 300:
                yield item

    result = extract_pages(ok_pages(), hints_for)
    if unusable:
        rows = schema.conform("rejections", unusable)
        result.rejections = concat([result.rejections, rows], "rejections")
    for table in EXTRACT_TABLES:
        write_table(ctx.path("extract", f"{name}.{table}.parquet"), getattr(result, table))
    return {
        "name": name,
        "articles": result.articles.num_rows,
        "rejections": result.rejections.num_rows,
        "skipped_non_html": result.skipped_non_html,
        "unusable_records": len(unusable),
    }


def write_batches(ctx: RunContext, names: list[str]) -> None:
    """Record the names of the run's extraction batches (what later stages must find)."""
    write_json(ctx.path("plan", "batches.json"), names)


def _staged(ctx: RunContext, stage: str, table: str) -> pa.Table:
    """Every batch's staged ``table``; a batch whose file is missing fails the stage."""
    names = read_json(ctx.staging.joinpath("plan", "batches.json"))
    return concat([read_table(ctx.staging.joinpath(stage, f"{n}.{table}.parquet"), table)
                   for n in names], table)


def stage_dedup(ctx: RunContext, window_days: int | None = None,
                same_day: bool = False) -> dict[str, Any]:
    """Link syndicated copies to their originals and form stories.

    With ``same_day`` the day's rows of other producers are history too (a micro-batch
    sees the day's earlier batches); without, only the days before ``ctx.crawl_date``.
    """
    from newslake.dedup import DedupConfig, assign_stories

    ctx.hold()
    config = _sources(ctx) if ctx.sources_path else None
    syndicator_sites = (
        frozenset(s.site for s in config.sources if s.syndicator) if config else frozenset()
    )
    dedup_config = DedupConfig() if window_days is None else DedupConfig(window_days=window_days)
    result = assign_stories(
        _staged(ctx, "extract", "articles"),
        lake=ctx.lake,
        crawl_date=ctx.crawl_date,
        config=dedup_config,
        syndicator_sites=syndicator_sites,
        same_day_except=ctx.producer if same_day else None,
    )
    for table in ("articles", "stories", "syndication", "dedup_index"):
        data = result.signatures if table == "dedup_index" else getattr(result, table)
        write_table(ctx.path("dedup", f"{table}.parquet"), schema.conform(table, data))
    rejections = concat([_staged(ctx, "extract", "rejections"), result.rejections], "rejections")
    write_table(ctx.path("dedup", "rejections.parquet"), rejections)
    for table in ("comments", "related", "quotes", "subjects"):
        write_table(ctx.path("dedup", f"{table}.parquet"), _staged(ctx, "extract", table))
    copies = result.articles.filter(pc.equal(result.articles["is_original"], False)).num_rows
    return {
        "articles": result.articles.num_rows,
        "stories": result.stories.num_rows,
        "syndicated_copies": copies,
        "duplicates": result.rejections.num_rows,
    }


VALIDATED_TABLES = (
    "articles",
    "stories",
    "syndication",
    "comments",
    "related",
    "quotes",
    "subjects",
    "rejections",
    "dedup_index",
    "fetch_log",
)


def _staged_fetch_log(ctx: RunContext) -> pa.Table:
    sources = read_json(ctx.staging.joinpath("sources.json"))
    batches = read_json(ctx.staging.joinpath("plan", "batches.json"))
    parts = [ctx.staging.joinpath("discover", f"{s}.fetch_log.parquet") for s in sources]
    parts += [ctx.staging.joinpath("fetch", f"{b}.fetch_log.parquet") for b in batches]
    return concat([read_table(p, "fetch_log") for p in parts], "fetch_log")


def configured_languages(ctx: RunContext) -> frozenset[str] | None:
    """Languages of the configured sources (``None``, any language, without a sources file)."""
    if not ctx.sources_path:
        return None
    languages = frozenset(s.language for s in _sources(ctx).sources if s.language)
    return languages or None


def stage_validate(ctx: RunContext, restrict_languages: bool = True) -> dict[str, Any]:
    """Gate the batch with Great Expectations; failing rows go to quarantine.

    A batch-level failure records the validation log in the lake, publishes nothing else
    and raises :class:`StageFailed`. With ``restrict_languages`` the accepted languages are
    those of the configured sources; without, any language passes (WARC imports).
    """
    from newslake.lake import publish_day
    from newslake.validate import ValidationConfig, validate_batch

    ctx.hold()
    tables = {
        t: read_table(ctx.path("dedup", f"{t}.parquet"), t)
        for t in VALIDATED_TABLES
        if t != "fetch_log"
    }
    if ctx.staging.joinpath("sources.json").exists():
        tables["fetch_log"] = _staged_fetch_log(ctx)
    result = validate_batch(
        tables,
        lake=ctx.lake,
        crawl_date=ctx.crawl_date,
        run_id=ctx.run_id,
        config=ValidationConfig(
            languages=configured_languages(ctx) if restrict_languages else None
        ),
    )
    if result.batch_failed:
        publish_day(
            ctx.lake,
            ctx.crawl_date,
            {"validation_log": result.validation_log},
            producer=f"{ctx.producer}-failed",
            run_id=ctx.run_id,
        )
        ctx.release()
        raise StageFailed("validate", "; ".join(result.failures) or "batch failed validation")
    for table, data in result.tables.items():
        write_table(ctx.path("validate", f"{table}.parquet"), data)
    write_table(ctx.path("validate", "quarantine.parquet"), result.quarantine)
    write_table(ctx.path("validate", "validation_log.parquet"), result.validation_log)
    write_json(ctx.path("validate", "tables.json"),
               sorted({*result.tables, "quarantine", "validation_log"}))
    return {
        "quarantined": result.quarantine.num_rows,
        "checks": result.validation_log.num_rows,
        "failed_checks": int(
            result.validation_log.num_rows
            - pc.sum(pc.cast(result.validation_log["success"], pa.int64())).as_py()
        )
        if result.validation_log.num_rows
        else 0,
        "docs": result.docs_index,
    }


PUBLISHED_TABLES = (*VALIDATED_TABLES, "quarantine", "validation_log")


def stage_publish(ctx: RunContext) -> dict[str, Any]:
    """Commit every table this run produced in ONE lake transaction, then free the day.

    The producer's rows of the day are replaced in each table; a table the run did not
    produce (``fetch_log`` of a WARC import) is left as it is. The validation log of an
    earlier failed attempt of the producer goes in the same commit.
    """
    from newslake.lake import publish_day

    ctx.hold()
    names = read_json(ctx.staging.joinpath("validate", "tables.json"))
    tables = {t: read_table(ctx.staging.joinpath("validate", f"{t}.parquet"), t)
              for t in names}
    info = publish_day(ctx.lake, ctx.crawl_date, tables, producer=ctx.producer,
                       run_id=ctx.run_id,
                       also_delete=[("validation_log", f"{ctx.producer}-failed")])
    counts = {t: data.num_rows for t, data in tables.items()}
    ctx.reset()
    ctx.release()
    return {"crawl_date": ctx.crawl_date.isoformat(), "rows": counts,
            "snapshot_id": info.snapshot_id}
