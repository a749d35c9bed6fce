"""What each stage of a run read, wrote and counted: the values passed along the DAG edges.

Every stage returns one of these frozen records; the next stage takes it and reads exactly
the staged files it names (a named file that is missing fails the stage, naming the file).
``to_xcom()`` gives a JSON-safe dict (what an Airflow task returns) and ``from_xcom(d)``
rebuilds the record (what the next task does with its input).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

R = TypeVar("R", bound="StepResult")


@dataclass(frozen=True)
class StepResult:
    """Base of the step results: the JSON form of the fields, and back."""

    _tuples: ClassVar[tuple[str, ...]] = ()
    """Fields held as tuples (lists in JSON)."""

    def to_xcom(self) -> dict[str, Any]:
        """A JSON-safe dict of every field (tuples as lists, dicts copied)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_xcom(cls: type[R], data: dict[str, Any]) -> R:
        """Inverse of :meth:`to_xcom`; a missing or unknown key is an error."""
        names = {f.name for f in dataclasses.fields(cls)}
        required = {f.name for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING}
        unknown, missing = set(data) - names, required - set(data)
        if unknown or missing:
            raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}, "
                             f"missing keys {sorted(missing)}")
        return cls(**{k: tuple(v) if k in cls._tuples else v for k, v in data.items()})


@dataclass(frozen=True)
class SourcesStep(StepResult):
    """The run's enabled sources (the lease is taken, staging is clean)."""

    _tuples: ClassVar[tuple[str, ...]] = ("source_ids",)

    sources_file: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class DiscoverStep(StepResult):
    """One source's feed read: its candidate URLs and its fetch_log rows, staged."""

    source_id: str
    candidates_file: str
    fetch_log_file: str
    candidates: int
    failed: bool


@dataclass(frozen=True)
class PlanStep(StepResult):
    """The candidates of every source merged and cut into fetch batches (one file each)."""

    _tuples: ClassVar[tuple[str, ...]] = ("read", "plan_files")

    read: tuple[str, ...]
    plan_files: tuple[str, ...]
    candidates: int


@dataclass(frozen=True)
class FetchStep(StepResult):
    """One batch fetched: the pages in a WARC file, every attempt in a fetch_log file."""

    batch: str
    plan_file: str
    warc_file: str
    fetch_log_file: str
    attempted: int
    ok: int


@dataclass(frozen=True)
class ExtractStep(StepResult):
    """One batch of pages (or one imported WARC file) extracted into staged tables."""

    _tuples: ClassVar[tuple[str, ...]] = ("read",)

    name: str
    read: tuple[str, ...]
    files: dict[str, str]
    articles: int
    rejections: int
    skipped_non_html: int = 0
    unusable_records: int = 0
    records: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DedupStep(StepResult):
    """Stories formed and copies linked over the extracted batches: the staged tables."""

    _tuples: ClassVar[tuple[str, ...]] = ("read",)

    read: tuple[str, ...]
    files: dict[str, str]
    articles: int
    stories: int
    syndicated_copies: int
    duplicates: int


@dataclass(frozen=True)
class ValidateStep(StepResult):
    """The batch validated: the good rows, the quarantine and the validation log, staged."""

    _tuples: ClassVar[tuple[str, ...]] = ("read",)

    read: tuple[str, ...]
    files: dict[str, str]
    quarantined: int
    checks: int
    failed_checks: int
    docs: str | None = None


@dataclass(frozen=True)
class PublishStep(StepResult):
    """The validated tables committed to the lake in one snapshot."""

    _tuples: ClassVar[tuple[str, ...]] = ("read",)

    read: tuple[str, ...]
    crawl_date: str
    rows: dict[str, int]
    snapshot_id: int | None


@dataclass(frozen=True)
class ClaimStep(StepResult):
    """One crawl day's pending frontier entries, claimed by a micro-batch."""

    batch_id: str
    crawl_date: str
    entries: int


@dataclass(frozen=True)
class MicroBatchStep(StepResult):
    """A claimed day processed and committed with the outcome of every entry."""

    batch_id: str
    crawl_date: str
    entries: int
    fetched: int
    articles: int
    outcomes: dict[str, int]
    """Entries per outcome: ``published`` or the reason it was not."""

    @property
    def published(self) -> int:
        """Entries that became articles."""
        return self.outcomes.get("published", 0)


STEP_RESULTS: tuple[type[StepResult], ...] = (
    SourcesStep, DiscoverStep, PlanStep, FetchStep, ExtractStep, DedupStep, ValidateStep,
    PublishStep, ClaimStep, MicroBatchStep,
)
"""Every step result: a daily run's, then a micro-batch's."""
