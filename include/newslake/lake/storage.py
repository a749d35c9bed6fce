"""Where the lake lives: a local directory or an ``s3://bucket/prefix`` URL.

Both are reached through :mod:`pyarrow.fs`. S3 settings come from the standard AWS
environment variables (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_SESSION_TOKEN``, ``AWS_REGION`` / ``AWS_DEFAULT_REGION`` and ``AWS_ENDPOINT_URL``);
nothing is hard-coded.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

import pyarrow.fs as pafs

from newslake.exceptions import ConfigError
from newslake.lake import layout

PARTITION_RE = layout.PARTITION_RE
TEMP_PREFIX = ".tmp-"
TEMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class S3Settings:
    """S3 connection settings read from the standard AWS environment variables."""

    region: str
    endpoint_url: str | None
    access_key: str | None
    secret_key: str | None
    session_token: str | None

    @classmethod
    def from_env(cls) -> S3Settings:
        """Settings from ``AWS_*`` variables (region defaults to ``us-east-1``)."""
        env = os.environ
        return cls(
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None,
            access_key=env.get("AWS_ACCESS_KEY_ID") or None,
            secret_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
            session_token=env.get("AWS_SESSION_TOKEN") or None,
        )

    def filesystem(self) -> pafs.S3FileSystem:
        """A pyarrow S3 filesystem for these settings."""
        kwargs: dict[str, object] = {"region": self.region}
        if self.endpoint_url:
            parsed = urlparse(self.endpoint_url)
            kwargs["endpoint_override"] = parsed.netloc or parsed.path
            kwargs["scheme"] = parsed.scheme or "https"
        if self.access_key and self.secret_key:
            kwargs["access_key"] = self.access_key
            kwargs["secret_key"] = self.secret_key
            if self.session_token:
                kwargs["session_token"] = self.session_token
        return pafs.S3FileSystem(**kwargs)


@dataclass(frozen=True)
class Lake:
    """A lake root: its filesystem and the root path inside it."""

    uri: str
    fs: pafs.FileSystem
    root: str  # path inside ``fs`` (no trailing slash)
    is_local: bool

    def path(self, *parts: str) -> str:
        """Join ``parts`` under the root."""
        return "/".join([self.root, *[p.strip("/") for p in parts if p]])

    def uri_of(self, *parts: str) -> str:
        """The URI (local path or ``s3://``) of ``parts`` under the root."""
        return "/".join([self.uri.rstrip("/"), *[p.strip("/") for p in parts if p]])

    def partition(self, table: str, crawl_date: date) -> str:
        """Directory of one table's partition."""
        return self.path(table, layout.partition(crawl_date))

    def listdir(self, path: str) -> list[pafs.FileInfo]:
        """Entries directly under ``path`` (empty when it does not exist)."""
        try:
            return self.fs.get_file_info(pafs.FileSelector(path, allow_not_found=True))
        except FileNotFoundError:
            return []

    def partitions(self, table: str) -> dict[date, str]:
        """Partition directories of ``table`` by crawl date."""
        found: dict[date, str] = {}
        for info in self.listdir(self.path(table)):
            match = PARTITION_RE.match(info.base_name)
            if match and info.type == pafs.FileType.Directory:
                found[date.fromisoformat(match.group(1))] = info.path
        return dict(sorted(found.items()))

    def data_files(self, partition_dir: str) -> list[pafs.FileInfo]:
        """Published Parquet files of a partition (temporary files excluded)."""
        return sorted(
            (
                info
                for info in self.listdir(partition_dir)
                if info.type == pafs.FileType.File
                and info.base_name.endswith(".parquet")
                and not info.base_name.startswith(".")
            ),
            key=lambda info: info.base_name,
        )

    def delete(self, path: str) -> None:
        """Delete a file; a missing file is not an error."""
        with contextlib.suppress(FileNotFoundError):
            self.fs.delete_file(path)


LOCK_DIR = layout.LOCK_DIR


@contextlib.contextmanager
def partition_lock(store: Lake, table: str, crawl_date: date) -> Iterator[None]:
    """Serialise writers of one partition (readers never lock).

    Local lakes use an ``fcntl`` lock file under ``_state/locks``; on S3 each write is one
    atomic PUT and the orchestrator runs one writer per day, so no lock is taken.
    """
    if not store.is_local:
        yield
        return
    directory = os.path.join(store.root, LOCK_DIR)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{table}.{crawl_date.isoformat()}.lock")
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def open_lake(lake: str) -> Lake:
    """Resolve a lake root (local path or ``s3://bucket/prefix``) to a :class:`Lake`."""
    lake = str(lake)
    if lake.startswith("s3://"):
        parsed = urlparse(lake)
        if not parsed.netloc:
            raise ConfigError(f"lake URL has no bucket: {lake!r}")
        root = f"{parsed.netloc}/{parsed.path.strip('/')}".rstrip("/")
        return Lake(uri=lake.rstrip("/"), fs=S3Settings.from_env().filesystem(), root=root,
                    is_local=False)
    if "://" in lake and not lake.startswith("file://"):
        raise ConfigError(f"unsupported lake URL scheme: {lake!r} (use a path or s3://)")
    path = os.path.abspath(lake.removeprefix("file://"))
    return Lake(uri=path, fs=pafs.LocalFileSystem(), root=path.rstrip("/") or "/", is_local=True)
