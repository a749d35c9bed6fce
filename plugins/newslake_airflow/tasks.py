"""Helpers for task bodies: build the run context and translate errors.

Imported by DAG files at parse time, so this module imports nothing heavy; newslake
itself is imported inside the functions, at task run time.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from airflow.sdk.exceptions import AirflowFailException

T = TypeVar("T")

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "newslake",
    "retries": 3,
    "retry_delay": timedelta(seconds=5),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
}
"""Task defaults of every newslake DAG: retries with exponential backoff."""


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def lake_path() -> str:
    """The lake root from ``$NEWSLAKE_LAKE`` (else ``./lake`` beside the project)."""
    from newslake.config import resolve_lake

    return resolve_lake(os.environ.get("NEWSLAKE_LAKE") or str(_repo_root() / "lake"))


def sources_path() -> str:
    """The sources file from ``$NEWSLAKE_SOURCES`` (else ``include/sources.yaml``)."""
    return os.environ.get("NEWSLAKE_SOURCES") or str(_repo_root() / "include" / "sources.yaml")


def run_context(producer: str = "ingest") -> dict[str, str]:
    """The JSON form of the :class:`newslake.pipeline.RunContext` of the current task."""
    from airflow.sdk import get_current_context
    from newslake.pipeline import RunContext

    context = get_current_context()
    logical = context.get("logical_date") or context["dag_run"].run_after
    return RunContext(
        lake=lake_path(),
        crawl_date=logical.date(),
        sources_path=sources_path(),
        producer=producer,
        run_id=context["run_id"],
    ).to_dict()


def stage(func: Callable[..., T]) -> Callable[..., T]:
    """Run a newslake stage; terminal errors fail the task at once, without retries."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        from newslake.exceptions import StageFailed, TerminalError

        try:
            return func(*args, **kwargs)
        except (TerminalError, StageFailed) as exc:
            raise AirflowFailException(str(exc)) from exc

    return wrapper
