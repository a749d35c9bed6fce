"""Settings resolved from arguments and environment, never at import time.

:func:`resolve_settings` is the one place a run's settings come from: each value is the
argument when given, else its environment variable, else its default. A run resolves them
once and carries the :class:`Settings` along (in its ``RunContext``), so every stage of the
run, on whichever worker, uses the same lake, sources file, staging root and catalog.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INCLUDE_DIR = PROJECT_ROOT / "include"
DEFAULT_SOURCES = INCLUDE_DIR / "sources.yaml"
EXPECTATIONS_DIR = INCLUDE_DIR / "expectations"
SQL_DIR = INCLUDE_DIR / "sql"
SHARED_DIR = PROJECT_ROOT.parent / "shared"

DEFAULT_LAKE = "lake"
"""The lake when neither ``--lake`` nor ``$NEWSLAKE_LAKE`` names one: ``./lake``."""
LAKE_ENV = "NEWSLAKE_LAKE"
SOURCES_ENV = "NEWSLAKE_SOURCES"
STAGING_ENV = "NEWSLAKE_STAGING"
CATALOG_ENV = "NEWSLAKE_CATALOG"


def resolve_lake(lake: str | os.PathLike[str] | None = None,
                 environ: Mapping[str, str] | None = None) -> str:
    """Return the lake root: the argument, else ``$NEWSLAKE_LAKE``, else ``./lake``.

    Local paths are made absolute; ``s3://`` URLs are returned as given.
    """
    env = os.environ if environ is None else environ
    value = str(lake) if lake else env.get(LAKE_ENV) or DEFAULT_LAKE
    if "://" in value:
        return value.rstrip("/")
    return str(Path(value).expanduser().resolve())


def resolve_sources(sources: str | os.PathLike[str] | None = None,
                    environ: Mapping[str, str] | None = None) -> str:
    """Return the sources file: the argument, else ``$NEWSLAKE_SOURCES``, else the bundled
    ``include/sources.yaml``."""
    env = os.environ if environ is None else environ
    return str(sources) if sources else env.get(SOURCES_ENV) or str(DEFAULT_SOURCES)


@dataclass(frozen=True)
class Settings:
    """Where a run reads and writes: resolved once, then passed along (JSON-safe).

    ``sources`` is the sources file (``None``: a run without one, such as a WARC import
    without hints); ``staging`` is the root shared by every worker for the files passed
    between stages (``None``: ``<lake>/_staging``, local lakes only); ``catalog`` is the
    DuckLake catalog (``None``: ``<lake>/catalog.sqlite``).
    """

    lake: str
    sources: str | None
    staging: str | None = None
    catalog: str | None = None

    def staging_root(self) -> Path:
        """The directory holding every run's staging area."""
        from newslake.exceptions import ConfigError

        if self.staging:
            return Path(self.staging)
        if "://" in self.lake:
            raise ConfigError(
                f"lake {self.lake} is not a local directory: set {STAGING_ENV} to a "
                "directory shared by every worker for the files passed between stages"
            )
        from newslake.lake import layout

        return Path(layout.staging_root(self.lake))

    def check_catalog(self, environ: Mapping[str, str] | None = None) -> None:
        """Fail when this process would open another catalog than the run resolved
        (``$NEWSLAKE_CATALOG`` differs between workers)."""
        from newslake.exceptions import ConfigError

        env = os.environ if environ is None else environ
        here = env.get(CATALOG_ENV, "").strip() or None
        if here != self.catalog:
            raise ConfigError(f"{CATALOG_ENV} is {here!r} here but {self.catalog!r} for the "
                              "run: every worker of a run must use the same catalog")

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-safe form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, str | None]) -> Settings:
        """Inverse of :meth:`to_dict`."""
        return cls(lake=str(data["lake"]), sources=data.get("sources") or None,
                   staging=data.get("staging"), catalog=data.get("catalog"))


def resolve_settings(lake: str | os.PathLike[str] | None = None,
                     sources: str | os.PathLike[str] | None = None,
                     staging: str | os.PathLike[str] | None = None,
                     catalog: str | None = None,
                     environ: Mapping[str, str] | None = None) -> Settings:
    """The run's settings: each argument when given, else its environment variable
    (``NEWSLAKE_LAKE``, ``NEWSLAKE_SOURCES``, ``NEWSLAKE_STAGING``, ``NEWSLAKE_CATALOG``),
    else its default (``./lake``, the bundled sources file, ``<lake>/_staging``, the
    catalog inside the lake)."""
    env = os.environ if environ is None else environ
    staging_value = str(staging) if staging else env.get(STAGING_ENV) or None
    if staging_value:
        staging_value = str(Path(staging_value).expanduser().resolve())
    return Settings(
        lake=resolve_lake(lake, env),
        sources=resolve_sources(sources, env),
        staging=staging_value,
        catalog=catalog or env.get(CATALOG_ENV, "").strip() or None,
    )
