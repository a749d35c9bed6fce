"""The stages of a run, each a plain function over a :class:`RunContext`.

Every stage takes the step results of the stages before it (:mod:`newslake.pipeline.results`),
reads exactly the staged files they name, calls the domain (crawl, extract, dedup, validate,
lake), writes its own outputs to staging and returns its step result. No stage looks a file
up by convention: a named file that is missing fails the stage, naming the file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from newslake.exceptions import StageFailed
from newslake.lake import schema
from newslake.pipeline.results import (
    DedupStep,
    DiscoverStep,
    ExtractStep,
    FetchStep,
    PlanStep,
    PublishStep,
    SourcesStep,
    ValidateStep,
)
from newslake.pipeline.staging import (
    RunContext,
    concat,
    read_json,
    read_table,
    write_json,
    write_table,
)

log = logging.getLogger(__name__)


def stage_sources(ctx: RunContext) -> SourcesStep:
    """Ids of the enabled sources; takes the day's lease and starts a clean staging area."""
    config = ctx.sources()
    ids = tuple(s.id for s in config.sources if s.enabled) if config else ()
    if not ids:
        raise StageFailed("sources", f"no enabled source in {ctx.sources_path}")
    ctx.hold()
    ctx.reset()
    return SourcesStep(sources_file=str(ctx.sources_path), source_ids=ids)


def stage_discover(ctx: RunContext, source_id: str) -> DiscoverStep:
    """Fetch one source's feed and stage its candidate article URLs."""
    from newslake.crawl import discover_source

    ctx.hold()
    config = ctx.sources()
    source = config.source(source_id) if config else None
    if source is None:
        raise StageFailed("discover", f"no source {source_id!r} in {ctx.sources_path}")
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
    candidates = ctx.path("discover", f"{source_id}.json")
    write_json(candidates, result.candidates)
    fetch_log = ctx.path("discover", f"{source_id}.fetch_log.parquet")
    write_table(fetch_log, schema.conform("fetch_log", result.fetch_log))
    failed = any(row.get("error_class") not in (None, "not_modified") for row in result.fetch_log)
    return DiscoverStep(source_id=source_id, candidates_file=str(candidates),
                        fetch_log_file=str(fetch_log), candidates=len(result.candidates),
                        failed=failed)


def stage_plan(ctx: RunContext, discovered: Sequence[DiscoverStep]) -> PlanStep:
    """Merge the sources' candidates and split them into fetch batches.

    Fails the run only when every source failed.
    """
    from newslake.crawl.plan import merge_candidates

    ctx.hold()
    if discovered and all(d.failed for d in discovered):
        raise StageFailed("discover", f"all {len(discovered)} sources failed")
    read = tuple(d.candidates_file for d in discovered)
    candidates = merge_candidates(read_json(Path(p)) for p in read)
    return write_plan(ctx, candidates, read)


def write_plan(ctx: RunContext, candidates: list[dict[str, Any]],
               read: tuple[str, ...] = ()) -> PlanStep:
    """Cut ``candidates`` into fetch batches and stage one plan file per batch."""
    from newslake.crawl.plan import plan_batches

    batches = plan_batches(candidates)
    files = []
    for number, batch in enumerate(batches):
        path = ctx.path("plan", f"{number:04d}.json")
        write_json(path, batch)
        files.append(str(path))
    log.info("%d candidates in %d batches", len(candidates), len(batches))
    return PlanStep(read=read, plan_files=tuple(files), candidates=len(candidates))


def stage_fetch(ctx: RunContext, plan_file: str) -> FetchStep:
    """Fetch the pages of one plan file into the raw WARC archive."""
    from newslake.crawl import fetch_pages

    ctx.hold()
    batch = Path(plan_file).stem
    candidates = read_json(Path(plan_file))
    warc = ctx.raw_warc(batch)
    result = fetch_pages(candidates, ctx.sources(), warc_path=warc)
    fetch_log = ctx.path("fetch", f"{batch}.fetch_log.parquet")
    write_table(fetch_log, schema.conform("fetch_log", result.fetch_log))
    return FetchStep(batch=batch, plan_file=plan_file, warc_file=warc,
                     fetch_log_file=str(fetch_log), attempted=len(candidates), ok=result.ok)


def stage_extract(ctx: RunContext, fetched: FetchStep) -> ExtractStep:
    """Extract article rows from the planned pages of one fetched batch's WARC file."""
    from newslake.crawl.warc import iter_responses
    from newslake.extract import hints_factory

    ctx.hold()
    candidates = {c["url"]: c for c in read_json(Path(fetched.plan_file))}
    hints_for = hints_factory(ctx.sources(), candidates)
    # The batch's WARC also holds robots.txt and redirect hops: extract the planned pages.
    pages = (p for p in iter_responses(fetched.warc_file) if p.url in candidates)
    return extract_to_staging(ctx, fetched.batch, pages, hints_for,
                              read=(fetched.plan_file, fetched.warc_file))


def extract_to_staging(ctx: RunContext, name: str, items: Iterable, hints_for,
                       read: tuple[str, ...], records: dict[str, int] | None = None
                       ) -> ExtractStep:
    """Extract the pages among WARC ``items`` and stage the tables under ``extract/<name>.*``.

    ``records`` (a counter the caller's WARC reader fills) is recorded once ``items`` is read.
    """
    from newslake.extract import extract_records

    batch, unusable = extract_records(items, hints_for)
    files = {}
    for table in schema.EXTRACTED_TABLES:
        path = ctx.path("extract", f"{name}.{table}.parquet")
        write_table(path, getattr(batch, table))
        files[table] = str(path)
    return ExtractStep(name=name, read=read, files=files, articles=batch.articles.num_rows,
                       rejections=batch.rejections.num_rows,
                       skipped_non_html=batch.skipped_non_html, unusable_records=unusable,
                       records=dict(records or {}))


def _read_all(files: Iterable[str], table: str) -> pa.Table:
    return concat([read_table(Path(f), table) for f in files], table)


def stage_dedup(ctx: RunContext, extracted: Sequence[ExtractStep],
                window_days: int | None = None, same_day: bool = False) -> DedupStep:
    """Link syndicated copies to their originals and form stories over the extracted batches.

    With ``same_day`` the day's rows of other producers are history too (a micro-batch
    sees the day's earlier batches); without, only the days before ``ctx.crawl_date``.
    """
    from newslake.dedup import DedupConfig, assign_stories

    ctx.hold()
    config = ctx.sources()
    syndicator_sites = (
        frozenset(s.site for s in config.sources if s.syndicator) if config else frozenset()
    )
    staged = {t: [e.files[t] for e in extracted] for t in schema.EXTRACTED_TABLES}
    dedup_config = DedupConfig() if window_days is None else DedupConfig(window_days=window_days)
    result = assign_stories(
        _read_all(staged["articles"], "articles"),
        lake=ctx.lake,
        crawl_date=ctx.crawl_date,
        config=dedup_config,
        syndicator_sites=syndicator_sites,
        same_day_except=ctx.producer if same_day else None,
    )
    tables = {t: result.signatures if t == "dedup_index" else getattr(result, t)
              for t in schema.STORY_TABLES}
    tables["rejections"] = concat([_read_all(staged["rejections"], "rejections"),
                                   result.rejections], "rejections")
    for table in ("comments", "related", "quotes", "subjects"):
        tables[table] = _read_all(staged[table], table)
    files = {}
    for table, data in tables.items():
        path = ctx.path("dedup", f"{table}.parquet")
        write_table(path, schema.conform(table, data))
        files[table] = str(path)
    copies = result.articles.filter(pc.equal(result.articles["is_original"], False)).num_rows
    return DedupStep(read=tuple(f for t in schema.EXTRACTED_TABLES for f in staged[t]),
                     files=files, articles=result.articles.num_rows,
                     stories=result.stories.num_rows, syndicated_copies=copies,
                     duplicates=result.rejections.num_rows)


def configured_languages(ctx: RunContext) -> frozenset[str] | None:
    """Languages of the configured sources (``None``, any language, without a sources file)."""
    config = ctx.sources()
    if config is None:
        return None
    languages = frozenset(s.language for s in config.sources if s.language)
    return languages or None


def stage_validate(ctx: RunContext, deduped: DedupStep,
                   discovered: Sequence[DiscoverStep] = (), fetched: Sequence[FetchStep] = (),
                   restrict_languages: bool = True) -> ValidateStep:
    """Gate the batch with Great Expectations; failing rows go to quarantine.

    Reads the tables of ``deduped`` and, when the run crawled, the fetch_log files of
    ``discovered`` and ``fetched``. A batch-level failure records the validation log in the
    lake, publishes nothing else and raises :class:`StageFailed`. With
    ``restrict_languages`` the accepted languages are those of the configured sources;
    without, any language passes (WARC imports).
    """
    from newslake.lake import publish_day
    from newslake.validate import ValidationConfig, validate_batch

    ctx.hold()
    read = [deduped.files[t] for t in schema.RUN_TABLES if t in deduped.files]
    tables = {t: read_table(Path(deduped.files[t]), t)
              for t in schema.RUN_TABLES if t in deduped.files}
    logs = [d.fetch_log_file for d in discovered] + [f.fetch_log_file for f in fetched]
    if logs:
        tables["fetch_log"] = _read_all(logs, "fetch_log")
        read += logs
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
    out = {**result.tables, "quarantine": result.quarantine,
           "validation_log": result.validation_log}
    files = {}
    for table, data in out.items():
        path = ctx.path("validate", f"{table}.parquet")
        write_table(path, data)
        files[table] = str(path)
    checks = result.validation_log
    passed = pc.sum(pc.cast(checks["success"], pa.int64())).as_py() if checks.num_rows else 0
    return ValidateStep(read=tuple(read), files=files, quarantined=result.quarantine.num_rows,
                        checks=checks.num_rows, failed_checks=int(checks.num_rows - passed),
                        docs=result.docs_index)


def read_validated(validated: ValidateStep) -> dict[str, pa.Table]:
    """The staged tables a :class:`ValidateStep` names (a missing one fails, naming it)."""
    return {t: read_table(Path(path), t) for t, path in validated.files.items()}


def stage_publish(ctx: RunContext, validated: ValidateStep) -> PublishStep:
    """Commit every table of ``validated`` in ONE lake transaction, then free the day.

    The producer's rows of the day are replaced in each table; a table the run did not
    produce (``fetch_log`` of a WARC import) is left as it is. The validation log of an
    earlier failed attempt of the producer goes in the same commit.
    """
    from newslake.lake import publish_day

    ctx.hold()
    tables = read_validated(validated)
    info = publish_day(ctx.lake, ctx.crawl_date, tables, producer=ctx.producer,
                       run_id=ctx.run_id,
                       also_delete=[("validation_log", f"{ctx.producer}-failed")])
    counts = {t: data.num_rows for t, data in tables.items()}
    ctx.reset()
    ctx.release()
    return PublishStep(read=tuple(validated.files.values()),
                       crawl_date=ctx.crawl_date.isoformat(), rows=counts,
                       snapshot_id=info.snapshot_id)
