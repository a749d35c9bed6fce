"""The staging area of one run: files that carry data between stages.

XCom (or the in-process runner) passes only the step results of
:mod:`newslake.pipeline.results`, which name the staged files; the rows stay in Parquet and
JSON files under ``<staging root>/<date>/<producer>/<run_id>/``: staging belongs to one run,
and a staged input that is missing is an error naming the file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from newslake.config import Settings
from newslake.exceptions import StageFailed
from newslake.lake import layout, schema

if TYPE_CHECKING:
    from newslake.sources import SourcesConfig

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_key(value: str) -> str:
    """A file-name-safe version of ``value`` (run ids contain ``:`` and ``+``)."""
    return _SAFE.sub("_", value).strip("_") or "run"


@dataclass(frozen=True)
class RunContext:
    """Where one run of one day reads and writes.

    ``settings`` are resolved once for the run (:func:`newslake.config.resolve_settings`)
    and travel with the context, so every stage of the run agrees on them. ``producer``
    names the rows this run replaces in the lake (its ``producer`` column), so re-running
    the same producer for the same day replaces exactly its own output. Only one run of a
    day and producer runs at a time (:meth:`hold`, a lease in the catalog).
    """

    settings: Settings
    crawl_date: date
    producer: str = "ingest"
    run_id: str = "manual"
    _sources: dict[tuple[str, int], Any] = field(
        default_factory=dict, compare=False, repr=False, hash=False)

    @property
    def lake(self) -> str:
        """The lake root."""
        return self.settings.lake

    @property
    def sources_path(self) -> str | None:
        """The sources file (``None``: a run without one)."""
        return self.settings.sources

    def sources(self) -> SourcesConfig | None:
        """The parsed sources file (``None`` without one), parsed once per context and
        again only when the file changes."""
        if not self.sources_path:
            return None
        from newslake.sources import load_sources

        try:
            key = (self.sources_path, os.stat(self.sources_path).st_mtime_ns)
        except OSError:
            return load_sources(self.sources_path)  # raises its one-line error naming the file
        if key not in self._sources:
            self._sources.clear()
            self._sources[key] = load_sources(self.sources_path)
        return self._sources[key]

    @property
    def staging(self) -> Path:
        """The run's staging directory under the settings' staging root."""
        return (self.settings.staging_root() / self.crawl_date.isoformat()
                / safe_key(self.producer) / safe_key(self.run_id))

    @property
    def interval(self) -> tuple[datetime, datetime]:
        """The data interval of the day: ``[D 00:00 UTC, D+1 00:00 UTC)``."""
        start = datetime.combine(self.crawl_date, time(0), tzinfo=UTC)
        return start, start + timedelta(days=1)

    def raw_warc(self, name: str) -> str:
        """Path of a WARC file of this run in the lake's raw archive."""
        run = f"{safe_key(self.producer)}-{safe_key(self.run_id)}"
        return layout.raw_warc(self.lake, self.crawl_date, f"{run}-{name}")

    def hold(self) -> None:
        """Take or renew this run's lease of its day (refused while another run holds it)."""
        from newslake.lake.lease import acquire

        acquire(self.lake, self.crawl_date, self.producer, self.run_id)

    def release(self) -> None:
        """Give the day's lease back."""
        from newslake.lake.lease import release

        release(self.lake, self.crawl_date, self.producer, self.run_id)

    def path(self, *parts: str) -> Path:
        """A path inside the staging directory, with its parent created."""
        target = self.staging.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def reset(self) -> None:
        """Remove what an earlier attempt of this run left in staging."""
        shutil.rmtree(self.staging, ignore_errors=True)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form (for XCom)."""
        return {
            "settings": self.settings.to_dict(),
            "crawl_date": self.crawl_date.isoformat(),
            "producer": self.producer,
            "run_id": self.run_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunContext:
        """Inverse of :meth:`to_dict`."""
        return cls(
            settings=Settings.from_dict(data["settings"]),
            crawl_date=date.fromisoformat(data["crawl_date"]),
            producer=data.get("producer", "ingest"),
            run_id=data.get("run_id", "manual"),
        )


def _atomic_target(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def write_table(path: Path, table: pa.Table) -> None:
    """Write ``table`` to ``path`` atomically (a retried task never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _atomic_target(path)
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def read_table(path: Path, table_name: str) -> pa.Table:
    """Read a staged table, conformed to its lake schema; a missing file is an error."""
    if not path.exists():
        raise StageFailed("staging", f"staged input missing: {path}")
    return schema.conform(table_name, pq.read_table(path))


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _atomic_target(path)
    tmp.write_text(json.dumps(data, default=_json_default, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    """Read a JSON file written by :func:`write_json` (a missing one is an error)."""
    if not path.exists():
        raise StageFailed("staging", f"staged input missing: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def concat(tables: list[pa.Table], table_name: str) -> pa.Table:
    """Concatenate staged tables of one schema (none gives an empty table)."""
    conformed = [schema.conform(table_name, t) for t in tables]
    return pa.concat_tables(conformed) if conformed else schema.empty(table_name)
