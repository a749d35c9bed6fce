"""``validate_batch``: the gate between a batch of tables and the lake.

Severity of a failed expectation (``meta.severity``, overridable per name):

* ``row``: the failing rows leave the good tables and go to ``quarantine``.
  Article rows keep their columns; rows of other tables keep ``article_id``/``url`` and the
  whole row as JSON (``row_json``). Comments, related links, quotes and syndication rows of
  a quarantined article follow it (``parent_article_quarantined``).
* ``fail``: the batch fails (``batch_failed``); nothing of the day should be published.
* ``warn``: recorded in ``validation_log`` only.

Tables without a suite file (``dedup_index``, ...) pass through unchanged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from newslake.lake import layout, schema
from newslake.validate import derive
from newslake.validate.config import ValidationConfig
from newslake.validate.gx_runner import Outcome, run_suites
from newslake.validate.suites import Suite, load_suite, suite_names

log = logging.getLogger(__name__)

PARENT_QUARANTINED = "parent_article_quarantined"
FOLLOWERS = ("syndication", "comments", "related", "quotes", "subjects")
"""Tables whose rows follow their article into quarantine."""


@dataclass
class ValidationResult:
    """Good rows per table, quarantined rows, the log of every check, and the verdict."""

    tables: dict[str, pa.Table]
    quarantine: pa.Table
    validation_log: pa.Table
    batch_failed: bool
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    docs_index: str | None = None

    def summary(self) -> str:
        """One line for logs: verdict, rows kept and quarantined, docs path."""
        kept = ", ".join(f"{t}={d.num_rows}" for t, d in self.tables.items())
        verdict = "FAILED" if self.batch_failed else "passed"
        docs = f"; Data Docs: {self.docs_index}" if self.docs_index else ""
        return f"validation {verdict}: {kept}; quarantined={self.quarantine.num_rows}{docs}"


def validate_batch(tables: dict[str, pa.Table], *, lake: str, crawl_date: date, run_id: str,
                   config: ValidationConfig, build_docs: bool = True) -> ValidationResult:
    """Validate a day's batch with the suites of ``config.expectations_dir``.

    ``tables`` holds at least ``articles`` (with ``story_id``) and usually ``stories``,
    ``syndication``, ``fetch_log``, ``rejections``. Article ids are also checked against
    the articles published on other days of ``lake``. Data Docs go to ``<lake>/_docs``.
    """
    data = {n: schema.conform(n, t) if n in schema.TABLES else t for n, t in tables.items()}
    available = set(suite_names(config))
    frames = _frames(data, available, lake, crawl_date, config)
    suites: dict[str, Suite] = {name: load_suite(name, config) for name in frames}
    docs_dir = _docs_dir(lake) if build_docs else None
    outcomes, docs_index = run_suites(frames, suites, run_id=run_id, docs_dir=docs_dir,
                                      crawl_date=crawl_date)

    failures: list[str] = []
    warnings: list[str] = []
    failed_rows: dict[str, dict[int, list[str]]] = {}
    for outcome in outcomes:
        if outcome.success:
            continue
        message = _describe(outcome, frames[outcome.suite], config)
        severity = outcome.spec.severity
        if outcome.error is not None or severity == "fail":
            failures.append(message)
        elif severity == "warn":
            warnings.append(message)
        elif outcome.rows is None or outcome.suite not in data:
            failures.append(f"{message} (failing rows cannot be named: batch-level)")
        else:
            rows = failed_rows.setdefault(outcome.suite, {})
            for row in outcome.rows:
                rows.setdefault(row, []).append(outcome.spec.name)
    for text in warnings:
        log.warning("validation warning: %s", text)

    good, quarantine = _split(data, failed_rows, run_id)
    result = ValidationResult(
        tables=good,
        quarantine=quarantine,
        validation_log=_log_table(outcomes, run_id),
        batch_failed=bool(failures),
        failures=failures,
        warnings=warnings,
        docs_index=docs_index,
    )
    log.info("%s", result.summary())
    return result


def _frames(data: dict[str, pa.Table], available: set[str], lake: str, crawl_date: date,
            config: ValidationConfig) -> dict[str, pa.Table]:
    articles, stories = data.get("articles"), data.get("stories")
    frames: dict[str, pa.Table] = {}
    for name, table in data.items():
        if name not in available:
            continue
        if name == "articles":
            frames[name] = derive.derive_articles(
                table, stories, published_ids(lake, crawl_date, table["article_id"]))
        elif name == "stories":
            frames[name] = derive.derive_stories(table, articles)
        elif name in FOLLOWERS:
            frames[name] = derive.derive_children(table, articles, stories)
        else:
            frames[name] = derive.with_row_numbers(table)
    if "source_quality" in available and "source_quality" not in data:
        frames["source_quality"] = derive.source_quality(
            articles, data.get("rejections"),
            min_pages=config.min_source_pages, reasons=config.share_reasons,
        )
    return frames


def published_ids(lake: str, crawl_date: date, ids: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Those of ``ids`` whose articles are published in ``lake`` on days other than
    ``crawl_date`` (distinct)."""
    from newslake.lake.seen import seen_article_ids

    return seen_article_ids(lake, ids, crawl_date)


def _docs_dir(lake: str) -> Path | None:
    if "://" in lake:
        log.warning("Data Docs are built only for a local lake, not %s", lake)
        return None
    return Path(layout.docs_dir(lake))


def _describe(outcome: Outcome, frame: pa.Table, config: ValidationConfig) -> str:
    spec = outcome.spec
    if outcome.error is not None:
        return f"{outcome.suite}.{spec.name}: could not be evaluated: {outcome.error}"
    if outcome.suite == "source_quality" and outcome.rows:
        parts = []
        for row in outcome.rows:
            rec = frame.slice(row, 1).to_pylist()[0]
            parts.append(f"{rec['source_id']}: {rec['rejected']} of {rec['pages']} pages "
                         f"rejected ({rec['rejected_share']:.0%})")
        return (f"source_quality.{spec.name}: rejected share above the ceiling "
                f"{config.max_rejected_share:.0%} for " + "; ".join(parts))
    sample = ", ".join(str(k) for k in outcome.keys[:5])
    named = f" (e.g. {sample})" if sample else ""
    return (f"{outcome.suite}.{spec.name} failed for {outcome.unexpected_count} of "
            f"{outcome.element_count} rows ({outcome.unexpected_percent:.1f}%){named}: "
            f"{spec.meta.get('notes', spec.type)}")


def _split(data: dict[str, pa.Table], failed_rows: dict[str, dict[int, list[str]]],
           run_id: str) -> tuple[dict[str, pa.Table], pa.Table]:
    """Good tables and the quarantine (articles first, then followers, then the rest)."""
    reasons = {name: dict(rows) for name, rows in failed_rows.items()}
    articles = data.get("articles")
    if articles is not None and reasons.get("articles"):
        bad_ids = pa.array(
            sorted({articles["article_id"][r].as_py() for r in reasons["articles"]} - {None}),
            pa.string(),
        )
        for name in FOLLOWERS:
            table = data.get(name)
            if table is None or not table.num_rows:
                continue
            follows = pc.is_in(table["article_id"], bad_ids).to_pylist()
            rows = reasons.setdefault(name, {})
            for row, hit in enumerate(follows):
                if hit:
                    rows.setdefault(row, []).append(PARENT_QUARANTINED)
    good: dict[str, pa.Table] = {}
    parts: list[pa.Table] = []
    for name, table in data.items():
        bad = reasons.get(name)
        if not bad:
            good[name] = table
            continue
        keep = pa.array([i not in bad for i in range(table.num_rows)], pa.bool_())
        good[name] = table.filter(keep)
        positions = sorted(bad)
        failing = table.take(pa.array(positions, pa.int64()))
        names = [sorted(set(bad[p])) for p in positions]
        parts.append(_quarantine_rows(name, failing, names, run_id))
    quarantine = pa.concat_tables(parts) if parts else schema.empty("quarantine")
    return good, quarantine


def _quarantine_rows(name: str, rows: pa.Table, names: list[list[str]],
                     run_id: str) -> pa.Table:
    count = rows.num_rows
    extra = {
        "failed_expectations": pa.array(names, pa.list_(pa.string())),
        "run_id": pa.array([run_id] * count, pa.string()),
        "table_name": pa.array([name] * count, pa.string()),
    }
    if name == "articles":
        base = rows
    else:
        records = rows.to_pylist()
        base = pa.table({
            "article_id": [r.get("article_id") or "" for r in records],
            "url": [r.get("url") or r.get("original_url") or "" for r in records],
        })
        extra["row_json"] = pa.array(
            [json.dumps(r, default=str, ensure_ascii=False) for r in records], pa.string()
        )
    for column, values in extra.items():
        base = base.append_column(column, values)
    return schema.conform("quarantine", base)


def _log_table(outcomes: list[Outcome], run_id: str) -> pa.Table:
    now = datetime.now(UTC)
    return schema.conform("validation_log", [
        {
            "run_id": run_id,
            "table_name": o.suite,
            "suite": o.suite,
            "expectation": o.spec.name,
            "column_name": o.spec.column,
            "severity": o.spec.severity,
            "success": o.success,
            "unexpected_count": o.unexpected_count,
            "unexpected_percent": o.unexpected_percent,
            "element_count": o.element_count,
            "validated_at": now,
        }
        for o in outcomes
    ])
