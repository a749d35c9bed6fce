"""Run resolved suites over Arrow frames with Great Expectations Core (ephemeral context).

GX is imported inside :func:`run_suites` (the import takes seconds) with its INFO logging
silenced first. Nothing is stored outside memory except the Data Docs site, written under
the directory the caller names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from newslake.validate.derive import KEY_COLUMNS, ROW
from newslake.validate.suites import ExpectationSpec, Suite

log = logging.getLogger(__name__)

DOCS_SITE = "newslake_docs"
"""Name of our Data Docs site (the context is made without GX's temporary ``local_site``)."""
COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")


@dataclass
class Outcome:
    """The result of one expectation on one table."""

    suite: str
    spec: ExpectationSpec
    success: bool
    element_count: int = 0
    unexpected_count: int = 0
    unexpected_percent: float = 0.0
    rows: list[int] | None = None  # _row of every failing row (map expectations only)
    keys: list[Any] = field(default_factory=list)  # key column of the failing rows
    error: str | None = None  # the expectation could not be evaluated


def import_gx() -> Any:
    """Import ``great_expectations`` with its INFO logs silenced."""
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    # this module sets its own logger to INFO on import (one line per ephemeral context)
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    return gx


def make_context(docs_dir: Path | None) -> Any:
    """An ephemeral GX context without progress bars, with our Data Docs site if asked."""
    gx = import_gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    project = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
    )
    context = gx.get_context(mode="ephemeral", project_config=project)
    if docs_dir is not None:
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def run_suites(frames: dict[str, pa.Table], suites: dict[str, Suite], *, run_id: str,
               docs_dir: Path | None = None, crawl_date: date | None = None,
               ) -> tuple[list[Outcome], str | None]:
    """Validate each frame with the suite of the same name.

    Returns the outcome of every expectation and the Data Docs index path (when
    ``docs_dir`` is given).
    """
    gx = import_gx()
    from great_expectations.core.run_identifier import RunIdentifier

    context = make_context(docs_dir)
    source = context.data_sources.add_pandas("newslake_batch")
    gx_run = RunIdentifier(run_name=run_id, run_time=datetime.now().astimezone())
    outcomes: list[Outcome] = []
    for name, frame in frames.items():
        suite = suites[name]
        if not suite.expectations:
            continue
        key = KEY_COLUMNS.get(name, ROW)
        index_columns = [key, ROW] if key != ROW else [ROW]
        df = frame.select(_columns(suite, frame, index_columns)).to_pandas()
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
        gx_suite = context.suites.add(gx.ExpectationSuite(**suite.to_dict()))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{name}-{run_id}", data=batch, suite=gx_suite)
        )
        result = definition.run(
            batch_parameters={"dataframe": df},
            result_format={"result_format": "COMPLETE",
                           "unexpected_index_column_names": index_columns},
            run_id=gx_run,
        )
        outcomes.extend(_outcomes(suite, result))
    docs_index = None
    if docs_dir is not None:
        from newslake.validate.docs import add_summary

        context.build_data_docs(site_names=[DOCS_SITE])
        docs_index = str(add_summary(Path(docs_dir), run_id, outcomes, crawl_date))
    return outcomes, docs_index


def _columns(suite: Suite, frame: pa.Table, index_columns: list[str]) -> list[str]:
    wanted = list(index_columns)
    for spec in suite.expectations:
        for kwarg in COLUMN_KWARGS:
            value = spec.kwargs.get(kwarg)
            for column in value if isinstance(value, list) else [value]:
                if column and column not in wanted and column in frame.column_names:
                    wanted.append(column)
    return wanted


def _outcomes(suite: Suite, result: Any) -> list[Outcome]:
    by_name = {spec.name: spec for spec in suite.expectations}
    out: list[Outcome] = []
    for item in result.results:
        spec = by_name[item.expectation_config.meta["name"]]
        info = item.exception_info or {}
        error = info.get("exception_message") if info.get("raised_exception") else None
        res = item.result or {}
        index_list = res.get("unexpected_index_list")
        rows = None
        keys: list[Any] = []
        if isinstance(index_list, list):
            rows = [int(entry[ROW]) for entry in index_list]
            key = KEY_COLUMNS.get(suite.name)
            keys = [entry.get(key) for entry in index_list] if key else []
        out.append(Outcome(
            suite=suite.name,
            spec=spec,
            success=bool(item.success) and error is None,
            element_count=int(res.get("element_count") or 0),
            unexpected_count=int(res.get("unexpected_count") or 0),
            unexpected_percent=float(res.get("unexpected_percent") or 0.0),
            rows=rows,
            keys=keys,
            error=error,
        ))
    return out
