"""The staging area of one run: files that carry data between stages.

XCom (or the in-process runner) passes only the small dicts these helpers return;
the rows stay in Parquet and JSON files under ``<lake>/_staging/<date>/<producer>/<run_id>/``:
staging belongs to one run, and a staged input that is missing is an error naming the file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newslake.exceptions import ConfigError, StageFailed
from newslake.lake import layout, schema

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_key(value: str) -> str:
    """A file-name-safe version of ``value`` (run ids contain ``:`` and ``+``)."""
    return _SAFE.sub("_", value).strip("_") or "run"


@dataclass(frozen=True)
class RunContext:
    """Where one run of one day reads and writes.

    ``producer`` names the rows this run replaces in the lake (its ``producer`` column), so
    re-running the same producer for the same day replaces exactly its own output. Only one
    run of a day and producer runs at a time (:meth:`hold`, a lease in the catalog).
    """

    lake: str
    crawl_date: date
    sources_path: str
    producer: str = "ingest"
    run_id: str = "manual"

    @property
    def staging(self) -> Path:
        """The run's staging directory: under ``$NEWSLAKE_STAGING`` when set (a directory
        every worker shares), else under ``<lake>/_staging`` (local lakes only)."""
        root = os.environ.get("NEWSLAKE_STAGING")
        if root:
            base = Path(root)
        elif "://" in self.lake:
            raise ConfigError(
                f"lake {self.lake} is not a local directory: set NEWSLAKE_STAGING to a "
                "directory shared by every worker for the files passed between stages"
            )
        else:
            base = Path(layout.staging_root(self.lake))
        return (base / self.crawl_date.isoformat() / safe_key(self.producer)
                / safe_key(self.run_id))

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

    def to_dict(self) -> dict[str, str]:
        """A JSON-safe form (for XCom)."""
        return {
            "lake": self.lake,
            "crawl_date": self.crawl_date.isoformat(),
            "sources_path": self.sources_path,
            "producer": self.producer,
            "run_id": self.run_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> RunContext:
        """Inverse of :meth:`to_dict`."""
        return cls(
            lake=data["lake"],
            crawl_date=date.fromisoformat(data["crawl_date"]),
            sources_path=data["sources_path"],
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
