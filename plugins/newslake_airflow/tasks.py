"""Helpers for task bodies: resolve the run context once, rebuild it in later tasks, and
apply the retry policy.

Imported by DAG files at parse time, so this module imports nothing heavy; newslake
itself is imported inside the functions, at task run time.

Retry policy: wrap every task body in :func:`stage` (``@task`` above ``@stage``) and give the
DAG ``default_args=DEFAULT_ARGS``. What happens to an exception the body raises is decided
by the error tree of :mod:`newslake.exceptions`:

=========================================  ================================================
raised                                     the task
=========================================  ================================================
a ``TransientError`` (timeouts, 5xx, ...)  is retried with exponential backoff: up to
                                           ``retries`` (3) times, 5 s, 10 s, 20 s apart
                                           (at most ``max_retry_delay``, 10 min)
a ``TerminalError`` (``ConfigError``,      fails at once, no retry; the log line names the
``StageFailed``, ``FeedParseError``, ...)  bad input
anything else (``KeyError``, ``OSError``,  is a bug: the traceback is logged, the task is
an unmarked ``NewslakeError``, ...)        retried once (which also absorbs a one-off
                                           infrastructure hiccup), then fails with it
Airflow's own exceptions (skip, fail,      pass through unchanged
reschedule)
=========================================  ================================================

``StageFailed`` is terminal because a stage raises it after judging its whole input (no
enabled source, every source failed after the crawler's own per-request retries, the batch
failed validation); the same task run again reads the same input and reaches the same
verdict. Clear the task once the cause is fixed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from airflow.sdk.exceptions import AirflowException, AirflowFailException

if TYPE_CHECKING:
    from newslake.config import Settings
    from newslake.pipeline import RunContext
    from newslake.pipeline.results import StepResult

T = TypeVar("T")
log = logging.getLogger(__name__)

BUG_RETRIES = 1
"""Retries given to an exception outside the error tree before the task fails."""

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "newslake",
    "retries": 3,
    "retry_delay": timedelta(seconds=5),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
}
"""Task defaults of every newslake DAG: retries with exponential backoff."""


def settings() -> Settings:
    """The settings of this process's environment (``NEWSLAKE_LAKE``, ``NEWSLAKE_SOURCES``,
    ``NEWSLAKE_STAGING``, ``NEWSLAKE_CATALOG``; see :func:`newslake.config.resolve_settings`).

    A DAG of several tasks resolves them once, in its first task (:func:`run_context`),
    and passes them along; a one-task DAG resolves them in its task.
    """
    from newslake.config import resolve_settings

    return resolve_settings()


def run_context(producer: str = "ingest", crawl_date: date | None = None) -> dict[str, Any]:
    """The JSON form of the :class:`newslake.pipeline.RunContext` of the current DAG run:
    the settings resolved here, the day (``crawl_date``, else the logical date's), the
    producer and the Airflow run id. Called by the first task of a run."""
    from airflow.sdk import get_current_context
    from newslake.pipeline import RunContext

    context = get_current_context()
    logical = context.get("logical_date") or context["dag_run"].run_after
    return RunContext(settings(), crawl_date or logical.date(), producer=producer,
                      run_id=context["run_id"]).to_dict()


def fan_out(result: StepResult, name: str) -> list[Any]:
    """The list field ``name`` of a step result, for the mapped tasks that follow (Airflow
    maps over a task's whole return value only); the result itself is logged."""
    log.info("%s: %s", type(result).__name__, result.to_xcom())
    return list(getattr(result, name))


def dedup_extracted(ctx: dict[str, Any], extracted: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``dedup`` task of a run: its extracted batches deduplicated (a ``DedupStep``)."""
    from newslake.pipeline import stages
    from newslake.pipeline.results import ExtractStep

    steps = [ExtractStep.from_xcom(e) for e in extracted]
    return stages.stage_dedup(context_of(ctx), steps).to_xcom()


def publish_validated(ctx: dict[str, Any], validated: dict[str, Any]) -> dict[str, Any]:
    """The ``publish`` task of a run: its validated tables in one commit (a ``PublishStep``)."""
    from newslake.pipeline import stages
    from newslake.pipeline.results import ValidateStep

    return stages.stage_publish(context_of(ctx), ValidateStep.from_xcom(validated)).to_xcom()


def import_files(params: dict[str, Any]) -> list[dict[str, str]]:
    """The WARC files of the ``files`` param, each with its batch name (``0000``, ...);
    an empty list or a file that is not there fails, naming it."""
    from pathlib import Path

    from newslake.exceptions import ConfigError

    files = [str(f) for f in params.get("files") or []]
    if not files:
        raise ConfigError("warc_import: the param files lists no WARC file")
    missing = [f for f in files if "://" not in f and not Path(f).is_file()]
    if missing:
        raise ConfigError(f"warc_import: no such file: {', '.join(missing)}")
    return [{"name": f"{n:04d}", "path": path} for n, path in enumerate(files)]


def import_run_context(inputs: list[dict[str, str]], params: dict[str, Any]) -> dict[str, Any]:
    """The context of a WARC import of ``inputs`` (from :func:`import_files`) on the day of
    the ``date`` param (else of the first record), with the lease taken and staging clear."""
    from airflow.sdk import get_current_context
    from newslake.pipeline.runs import import_context

    day = date.fromisoformat(params["date"]) if params.get("date") else None
    ctx = import_context([i["path"] for i in inputs], settings(), crawl_date=day,
                         run_id=str(get_current_context()["run_id"]))
    ctx.hold()
    ctx.reset()
    return ctx.to_dict()


def settings_of(data: dict[str, Any]) -> Settings:
    """The settings a first task resolved (refused on a worker whose ``NEWSLAKE_CATALOG``
    names another catalog)."""
    from newslake.config import Settings

    resolved = Settings.from_dict(data)
    resolved.check_catalog()
    return resolved


def context_of(data: dict[str, Any]) -> RunContext:
    """The run context a first task resolved (refused on a worker whose
    ``NEWSLAKE_CATALOG`` names another catalog)."""
    from newslake.pipeline import RunContext

    ctx = RunContext.from_dict(data)
    ctx.settings.check_catalog()
    return ctx


def _try_number() -> int:
    """The running task instance's try (1 for the first), or 1 outside a task."""
    from airflow.sdk import get_current_context

    try:
        return int(get_current_context()["ti"].try_number)
    except Exception:  # noqa: BLE001 - called outside a running task
        return 1


def stage(func: Callable[..., T]) -> Callable[..., T]:
    """Run a newslake stage under the retry policy of this module's docstring."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        from newslake.exceptions import retry_policy

        try:
            return func(*args, **kwargs)
        except AirflowException:
            raise
        except Exception as exc:
            policy = retry_policy(exc)
            if policy == "transient":
                log.warning("transient failure, retried with backoff: %s: %s",
                            type(exc).__name__, exc)
                raise
            if policy == "terminal":
                raise AirflowFailException(f"{type(exc).__name__}: {exc}") from exc
            tries = _try_number()
            if tries <= BUG_RETRIES:
                log.error("unexpected %s (a bug?) on try %d: retried once",
                          type(exc).__name__, tries, exc_info=exc)
                raise
            raise AirflowFailException(
                f"unexpected {type(exc).__name__} on try {tries}, not retried again: {exc}"
            ) from exc

    return wrapper
