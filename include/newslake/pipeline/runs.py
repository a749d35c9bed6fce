"""Whole runs in one process: the same stages the DAGs wire, called in order."""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from newslake.config import Settings, resolve_settings
from newslake.exceptions import TerminalError
from newslake.pipeline import stages
from newslake.pipeline.results import (
    DedupStep,
    DiscoverStep,
    ExtractStep,
    FetchStep,
    PlanStep,
    PublishStep,
    ValidateStep,
)
from newslake.pipeline.staging import RunContext
from newslake.progress import Progress

log = logging.getLogger(__name__)


@dataclass
class RunInfo:
    """What a run did, stage by stage (the step results the stages returned)."""

    crawl_date: date
    producer: str
    discover: list[DiscoverStep] = field(default_factory=list)
    plan: PlanStep | None = None
    fetch: list[FetchStep] = field(default_factory=list)
    extract: list[ExtractStep] = field(default_factory=list)
    dedup: DedupStep | None = None
    validate: ValidateStep | None = None
    publish: PublishStep | None = None

    def summary(self) -> str:
        """One line for an operator."""
        published = self.publish.rows if self.publish else {}
        return (
            f"{self.crawl_date}: {published.get('articles', 0)} articles, "
            f"{published.get('stories', 0)} stories, "
            f"{published.get('quarantine', 0)} quarantined, "
            f"{published.get('rejections', 0)} rejected"
        )


def default_run_id(producer: str) -> str:
    """A run id for runs started outside Airflow."""
    return f"{producer}__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"


def ingest_day(settings: Settings | str, crawl_date: date, sources_path: str | None = None,
               run_id: str | None = None) -> RunInfo:
    """Crawl, extract, deduplicate, validate and publish one day, in this process.

    ``settings`` are the run's resolved settings, or a lake root (the sources file is then
    ``sources_path``, the rest resolved from the environment).
    """
    if not isinstance(settings, Settings):
        settings = resolve_settings(lake=settings, sources=sources_path)
    ctx = RunContext(settings, crawl_date, producer="ingest",
                     run_id=run_id or default_run_id("ingest"))
    info = RunInfo(crawl_date, ctx.producer)
    sources = stages.stage_sources(ctx)
    info.discover = [stages.stage_discover(ctx, sid) for sid in sources.source_ids]
    info.plan = stages.stage_plan(ctx, info.discover)
    info.fetch = [stages.stage_fetch(ctx, plan) for plan in info.plan.plan_files]
    info.extract = [stages.stage_extract(ctx, fetched) for fetched in info.fetch]
    return _finish(ctx, info)


def _finish(ctx: RunContext, info: RunInfo, restrict_languages: bool = True) -> RunInfo:
    info.dedup = stages.stage_dedup(ctx, info.extract)
    info.validate = stages.stage_validate(ctx, info.dedup, info.discover, info.fetch,
                                          restrict_languages)
    info.publish = stages.stage_publish(ctx, info.validate)
    log.info(info.summary())
    return info


def warc_producer(files: Sequence[str]) -> str:
    """A stable producer name for an import of ``files`` (re-importing replaces it)."""
    digest = hashlib.sha1("\n".join(sorted(Path(f).name for f in files)).encode()).hexdigest()
    return f"warc-{digest[:12]}"


def import_context(files: Sequence[str], settings: Settings, crawl_date: date | None = None,
                   run_id: str | None = None, producer: str | None = None) -> RunContext:
    """The run context of an import of ``files``: its producer, and its day (without
    ``crawl_date``, the day of the first response record)."""
    if not files:
        raise ValueError("import_warc needs at least one WARC file")
    producer = producer or warc_producer(files)
    day = crawl_date or _first_record_day(files)
    return RunContext(settings, day, producer=producer, run_id=run_id or default_run_id(producer))


def extract_warc(ctx: RunContext, name: str, path: str,
                 page_types: frozenset[str] | None = frozenset({"article"}),
                 progress: Progress | None = None, offset: int = 0) -> ExtractStep:
    """Extract the pages of one imported WARC file into staging (its records counted)."""
    from newslake.crawl.warc import iter_records
    from newslake.extract import hints_factory

    records: Counter[str] = Counter()
    moved = (lambda pos: progress.position(offset + pos)) if progress else None
    items = iter_records(str(path), records, moved)
    if progress:
        items = progress.counted(items)
    hints_for = hints_factory(ctx.sources(), {}, page_types)
    return stages.extract_to_staging(ctx, name, items, hints_for, read=(str(path),),
                                     records=records)


def import_warc(
    files: Sequence[str],
    lake: Settings | str,
    crawl_date: date | None = None,
    sources_path: str | None = None,
    run_id: str | None = None,
    producer: str | None = None,
    page_types: frozenset[str] | None = frozenset({"article"}),
) -> RunInfo:
    """Extract, deduplicate, validate and publish the HTML responses of WARC files.

    ``lake`` is the run's settings, or a lake root (then ``sources_path``, or none, gives
    the sources). Without ``crawl_date`` the day of the first response record is used.
    Every language is accepted; the sources only give extraction hints (adapters,
    expected language). Pages of other types than ``page_types`` (None: any) become
    ``not_article`` rejections. On a terminal, stderr shows the records done, their rate
    and the time left.
    """
    settings = lake if isinstance(lake, Settings) else replace(
        resolve_settings(lake=lake), sources=str(sources_path) if sources_path else None)
    ctx = import_context(files, settings, crawl_date, run_id, producer)
    ctx.hold()
    ctx.reset()
    info = RunInfo(ctx.crawl_date, ctx.producer)
    progress = Progress(f"{ctx.producer} {ctx.crawl_date}", total_bytes=_total_size(files))
    for n, path in enumerate(files):
        info.extract.append(extract_warc(ctx, f"{n:04d}", path, page_types, progress,
                                         _total_size(files[:n]) or 0))
    progress.close()
    # Imported pages come from anywhere: any language passes (the sources give only hints).
    return _finish(ctx, info, restrict_languages=False)


def committed_warc_files(lake: str, crawl_date: date, producer: str = "ingest") -> list[str]:
    """The page WARC files that the day's committed ``fetch_log`` of ``producer`` references."""
    from newslake.lake import ducklake

    if not ducklake.exists(lake):
        return []
    con = ducklake.connect(lake)
    try:
        rows = con.execute(
            "SELECT DISTINCT warc_file FROM lake.fetch_log WHERE crawl_date = ? AND "
            "producer = ? AND kind = 'page' AND warc_file IS NOT NULL ORDER BY 1",
            [crawl_date, producer]).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def _total_size(files: Sequence[str]) -> int | None:
    """Bytes of the local files (``None`` when one is remote)."""
    try:
        return sum(os.path.getsize(f) for f in files)
    except OSError:
        return None


def reextract_day(lake: str, crawl_date: date, sources_path: str | None = None,
                  run_id: str | None = None) -> RunInfo:
    """Rebuild a day's articles from exactly the raw WARC files its committed fetch_log
    references, with no network (the day's fetch_log itself is kept)."""
    from newslake.lake import ducklake
    from newslake.lake.check import check_lake, detach_damaged
    from newslake.lake.storage import open_lake

    _, damaged = check_lake(lake, {crawl_date}) if ducklake.exists(lake) else (0, [])
    if any(d.table == "fetch_log" for d in damaged):
        raise TerminalError(f"the fetch_log of {crawl_date} is damaged, so its WARC files are "
                            f"unknown: {next(d for d in damaged if d.table == 'fetch_log')}")
    files = committed_warc_files(lake, crawl_date)
    if not files:
        raise TerminalError(f"no committed fetch_log of {crawl_date} references a WARC file")
    store = open_lake(lake)
    missing = [f for f in files if not _exists(store, f)]
    if missing:
        raise TerminalError(f"WARC file of {crawl_date} is gone (retention?): {missing[0]}")
    run_id = run_id or default_run_id("ingest")
    for damage in detach_damaged(lake, crawl_date, run_id, damaged) if damaged else []:
        log.warning("%s: taken out of the lake; the day is rebuilt from its WARC files", damage)
    return import_warc(files, lake, crawl_date=crawl_date, sources_path=sources_path,
                       producer="ingest", run_id=run_id)


def _exists(store, uri: str) -> bool:
    import pyarrow.fs as pafs

    path = uri.removeprefix("s3://") if uri.startswith("s3://") else uri
    return store.fs.get_file_info(path).type == pafs.FileType.File


def _first_record_day(files: Sequence[str]) -> date:
    from newslake.crawl.warc import iter_responses

    for path in files:
        for page in iter_responses(str(path)):
            return page.fetched_at.astimezone(UTC).date()
    return datetime.now(UTC).date()
