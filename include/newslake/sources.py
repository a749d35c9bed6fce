"""``sources.yaml``: the crawler's settings and the list of feeds and sitemaps to crawl.

Loaded by :func:`load_sources`, which expands ``${VAR}`` (and ``${VAR:-default}``) from the
environment and validates every key; an error raises :class:`ConfigError` naming the key
and its line. Refused as well: duplicate mapping keys, documents whose aliases expand past
:data:`MAX_NODES` nodes (measured on the composed graph, before anything is expanded),
non-finite numbers, ports outside 1-65535, credentials in URLs (never echoed) and unknown
syndicator adapters; an enabled source that would reach the internet with the example
contact URL is refused too (see :func:`check_live_contact`).
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from newslake.exceptions import ConfigError
from newslake.extract.page_type import PAGE_TYPES

SOURCE_KINDS = ("rss", "atom", "jsonfeed", "sitemap", "sitemap_index", "news_sitemap", "auto")
"""Values of ``sources[].kind``; ``auto`` sniffs the body."""

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
MAX_NODES = 100_000
"""Most YAML nodes a sources file may expand to (aliases counted at every use)."""
EXAMPLE_CONTACT_HOSTS = ("example.org", "example.com", "example.net")
"""Contact URLs on these hosts (or under .example) are placeholders, not a way to reach you."""


@dataclass(frozen=True)
class Politeness:
    """Per-host limits: minimum gap between request starts and parallel requests."""

    min_delay_s: float = 1.0
    max_concurrency: int = 2


@dataclass(frozen=True)
class PollPolicy:
    """How often a feed is polled (see :mod:`newslake.crawl.schedule`)."""

    min_interval_s: float = 300.0
    max_interval_s: float = 86400.0
    target_new_per_poll: float = 0.5


@dataclass(frozen=True)
class CrawlerSettings:
    """How the crawler behaves; every field has a production-safe default."""

    user_agent: str = "newslake/0.1 (news-monitoring crawler)"
    contact_url: str | None = None
    connect_to: dict[str, str] = field(default_factory=dict)
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    total_timeout_s: float = 60.0
    max_body_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 2
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    max_retry_after_s: float = 60.0
    max_connections: int = 64
    obey_robots: bool = True
    max_crawl_delay_s: float = 30.0
    max_pages_per_source: int = 500
    max_sitemaps: int = 20
    max_host_failures: int = 5
    politeness: Politeness = field(default_factory=Politeness)
    poll: PollPolicy = field(default_factory=PollPolicy)

    @property
    def effective_user_agent(self) -> str:
        """The User-Agent header: the configured one plus the contact URL when missing."""
        if self.contact_url and self.contact_url not in self.user_agent:
            return f"{self.user_agent} (+{self.contact_url})"
        return self.user_agent


@dataclass(frozen=True)
class Source:
    """One feed or sitemap to crawl."""

    id: str
    url: str
    kind: str = "auto"
    site: str = ""
    language: str | None = None
    syndicator: str | None = None
    page_types: frozenset[str] = frozenset({"article"})  # accepted page types
    enabled: bool = True
    allow_private: bool = False
    politeness: Politeness = field(default_factory=Politeness)
    poll: PollPolicy = field(default_factory=PollPolicy)

    @property
    def private_hosts(self) -> frozenset[str]:
        """Host names allowed to resolve to non-global addresses: the feed's own host when
        ``allow_private`` is set, never the hosts its entries or redirects name."""
        host = (urlsplit(self.url).hostname or "").lower()
        return frozenset({host}) if self.allow_private and host else frozenset()


@dataclass(frozen=True)
class SourcesConfig:
    """The whole ``sources.yaml``."""

    crawler: CrawlerSettings
    sources: list[Source]

    def source(self, source_id: str | None) -> Source | None:
        """The source with id ``source_id``, or None."""
        return next((s for s in self.sources if s.id == source_id), None)

    def politeness_for(self, source: Source | None) -> Politeness:
        """The politeness of ``source``, else the crawler default."""
        return source.politeness if source else self.crawler.politeness


class _Lines:
    """Line numbers (1-based) of every key path in a YAML document."""

    def __init__(self, root: yaml.Node | None, path: str) -> None:
        self.path = path
        self.lines: dict[tuple, int] = {}
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, at: tuple) -> None:
        self.lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key, value in node.value:
                if key.value in first and isinstance(key, yaml.ScalarNode):
                    raise ConfigError(
                        f"{self.path}:{key.start_mark.line + 1}: {_dotted((*at, key.value))}: "
                        f"duplicate key (first at line {first[key.value]})")
                first[key.value] = key.start_mark.line + 1
                child = (*at, key.value)
                self.lines[child] = key.start_mark.line + 1
                self._walk(value, child)
                self.lines[child] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*at, i))

    def error(self, at: tuple, message: str) -> ConfigError:
        probe = at
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe)
        key = _dotted(at)
        where = f"{self.path}:{line}" if line else self.path
        return ConfigError(f"{where}: {key}: {message}")


def _bounded(root: yaml.Node | None, path: str) -> None:
    """Refuse a document whose aliases expand past :data:`MAX_NODES` (or refer to
    themselves), counting on the composed graph so the cost is its size, not its expansion."""
    if root is None:
        return
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise ConfigError(f"{path}:{node.start_mark.line + 1}: recursive YAML alias")
        open_.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
                if total > MAX_NODES:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
                if total > MAX_NODES:
                    break
        open_.discard(key)
        sizes[key] = total
        return total

    if size(root) <= MAX_NODES:
        return
    node = root  # the smallest node still over the bound names the line
    while True:
        children = (node.value if isinstance(node, yaml.SequenceNode)
                    else [v for _, v in node.value] if isinstance(node, yaml.MappingNode)
                    else [])
        big = [c for c in children if sizes.get(id(c), 0) > MAX_NODES]
        if not big:
            break
        node = big[0]
    raise ConfigError(f"{path}:{node.start_mark.line + 1}: YAML aliases expand to more than "
                      f"{MAX_NODES} nodes; refused")


def _redact(url: str) -> str:
    """``url`` with any ``user:pass@`` replaced by ``***@`` (never echo a secret)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()


def _check_url(url: str, at: tuple, lines: _Lines) -> tuple[str, int]:
    """Validate an http(s) URL; return its lower-case host and port."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise lines.error(at, f"invalid URL {_redact(url)!r}: {exc}") from None
    if "@" in parts.netloc:
        raise lines.error(at, f"credentials in the URL are not allowed ({_redact(url)!r})")
    if parts.scheme not in ("http", "https") or not host:
        raise lines.error(at, f"expected an http(s) URL, got {url!r}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 0 < port <= 65535:
        raise lines.error(at, f"port out of range 1-65535 in {url!r}")
    return host.lower(), port or (443 if parts.scheme == "https" else 80)


def _is_local_target(host: str) -> bool:
    """Whether ``host`` (after ``connect_to``) stays on this machine or its private network:
    localhost, a non-global IP literal, or a single-label name such as a compose service."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost") or "." not in host and ":" not in host:
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not addr.is_global or addr.is_loopback


def is_example_contact(url: str | None) -> bool:
    """Whether ``url`` is a placeholder contact URL (example.org/.com/.net, *.example)."""
    host = (urlsplit(url or "").hostname or "").lower()
    return host.endswith(".example") or any(
        host == h or host.endswith("." + h) for h in EXAMPLE_CONTACT_HOSTS)


def _dotted(at: tuple) -> str:
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<document>"


def _expand(value: Any, at: tuple, lines: _Lines) -> Any:
    if isinstance(value, str):
        def sub(match: re.Match) -> str:
            name, default = match.group(1), match.group(2)
            value = os.environ.get(name)
            if default is not None and not value:  # as in the shell: unset or empty
                return default
            if value is not None:
                return value
            raise lines.error(at, f"environment variable {name} is not set")

        return _ENV.sub(sub, value)
    if isinstance(value, dict):
        return {k: _expand(v, (*at, k), lines) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, (*at, i), lines) for i, v in enumerate(value)]
    return value


def _check_type(value: Any, expected: type | tuple, at: tuple, lines: _Lines) -> Any:
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    ok = isinstance(value, expected) and not (
        isinstance(value, bool) and expected in (int, float, (int, float))
    )
    if not ok:
        names = expected.__name__ if isinstance(expected, type) else "/".join(
            t.__name__ for t in expected
        )
        raise lines.error(at, f"expected {names}, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise lines.error(at, f"expected a finite number, got {value!r}")
    return value


def _politeness(raw: Any, at: tuple, lines: _Lines, base: Politeness) -> Politeness:
    if not isinstance(raw, dict):
        raise lines.error(at, "expected a mapping {min_delay_s, max_concurrency}")
    unknown = set(raw) - {"min_delay_s", "max_concurrency"}
    if unknown:
        key = sorted(unknown)[0]
        raise lines.error((*at, key), "unknown key (allowed: min_delay_s, max_concurrency)")
    delay = _check_type(raw.get("min_delay_s", base.min_delay_s), float, (*at, "min_delay_s"),
                        lines)
    conc = _check_type(raw.get("max_concurrency", base.max_concurrency), int,
                       (*at, "max_concurrency"), lines)
    if delay < 0:
        raise lines.error((*at, "min_delay_s"), "must be >= 0")
    if conc < 1:
        raise lines.error((*at, "max_concurrency"), "must be >= 1")
    return Politeness(min_delay_s=delay, max_concurrency=conc)


def _poll(raw: Any, at: tuple, lines: _Lines, base: PollPolicy) -> PollPolicy:
    keys = [f.name for f in fields(PollPolicy)]
    if not isinstance(raw, dict):
        raise lines.error(at, f"expected a mapping {{{', '.join(keys)}}}")
    for key in raw:
        if key not in keys:
            raise lines.error((*at, key), f"unknown key (allowed: {', '.join(keys)})")
    values = {k: _check_type(raw.get(k, getattr(base, k)), float, (*at, k), lines) for k in keys}
    for key, value in values.items():
        if value <= 0:
            raise lines.error((*at, key), "must be > 0")
    if values["min_interval_s"] > values["max_interval_s"]:
        raise lines.error((*at, "min_interval_s"), "must be <= max_interval_s")
    return PollPolicy(**values)


def _crawler(raw: Any, lines: _Lines) -> CrawlerSettings:
    at = ("crawler",)
    if raw is None:
        return CrawlerSettings()
    if not isinstance(raw, dict):
        raise lines.error(at, "expected a mapping")
    defaults = CrawlerSettings()
    known = {f.name: f for f in fields(CrawlerSettings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        here = (*at, key)
        if key not in known:
            raise lines.error(here, f"unknown key (allowed: {', '.join(sorted(known))})")
        default = getattr(defaults, key)
        if key == "politeness":
            values[key] = _politeness(value, here, lines, defaults.politeness)
        elif key == "poll":
            values[key] = _poll(value, here, lines, defaults.poll)
        elif key == "connect_to":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise lines.error(here, "expected a mapping of host -> host:port")
            for host, target in value.items():
                match = (re.match(r"^[^:/\s@]+(?::(\d+))?$", target)
                         or re.match(r"^\[[0-9a-fA-F:]+\](?::(\d+))?$", target))
                if not match:
                    raise lines.error((*here, host), f"expected host:port, got {target!r}")
                if match.group(1) is not None and not 0 < int(match.group(1)) <= 65535:
                    raise lines.error((*here, host), f"port out of range 1-65535 in {target!r}")
            values[key] = {k.lower(): v for k, v in value.items()}
        elif key == "contact_url":
            values[key] = None if value is None else _check_type(value, str, here, lines)
            if value is not None:
                _check_url(value, here, lines)
        else:
            values[key] = _check_type(value, type(default), here, lines)
            if isinstance(default, (int, float)) and not isinstance(default, bool) and value < 0:
                raise lines.error(here, "must be >= 0")
    settings = CrawlerSettings(**values)
    for key in ("max_connections", "max_body_bytes", "total_timeout_s"):
        if getattr(settings, key) <= 0:
            raise lines.error((*at, key), "must be > 0")
    return settings


_SOURCE_KEYS = {f.name for f in fields(Source)}


def _source(raw: Any, i: int, lines: _Lines, default: Politeness,
            default_poll: PollPolicy) -> Source:
    at = ("sources", i)
    if not isinstance(raw, dict):
        raise lines.error(at, "expected a mapping")
    for key in raw:
        if key not in _SOURCE_KEYS:
            allowed = ", ".join(sorted(_SOURCE_KEYS))
            raise lines.error((*at, key), f"unknown key (allowed: {allowed})")
    for key in ("id", "url"):
        if key not in raw:
            raise lines.error(at, f"missing required key {key!r}")
    sid = _check_type(raw["id"], str, (*at, "id"), lines)
    if not _ID.match(sid):
        raise lines.error((*at, "id"), f"invalid id {sid!r} (letters, digits, _ . -)")
    url = _check_type(raw["url"], str, (*at, "url"), lines)
    host, _port = _check_url(url, (*at, "url"), lines)
    kind = _check_type(raw.get("kind", "auto"), str, (*at, "kind"), lines)
    if kind not in SOURCE_KINDS:
        raise lines.error((*at, "kind"), f"{kind!r} is not one of {', '.join(SOURCE_KINDS)}")
    site = raw.get("site") or (host[4:] if host.startswith("www.") else host)
    site = _check_type(site, str, (*at, "site"), lines)
    language = raw.get("language")
    if language is not None:
        language = _check_type(language, str, (*at, "language"), lines).lower()
        if not re.match(r"^[a-z]{2,3}(-[a-z0-9]+)?$", language):
            raise lines.error((*at, "language"), f"expected an ISO 639-1 code, got {language!r}")
    syndicator = raw.get("syndicator")
    if syndicator is not None:
        from newslake.extract.adapters import ADAPTERS

        syndicator = _check_type(syndicator, str, (*at, "syndicator"), lines)
        if syndicator.lower() not in ADAPTERS:
            raise lines.error((*at, "syndicator"), f"unknown syndicator adapter {syndicator!r} "
                                                   f"(known: {', '.join(sorted(ADAPTERS))})")
        syndicator = syndicator.lower()
    page_types = _page_types(raw.get("page_types"), (*at, "page_types"), lines)
    politeness = default
    if raw.get("politeness") is not None:
        politeness = _politeness(raw["politeness"], (*at, "politeness"), lines, default)
    poll = default_poll
    if raw.get("poll") is not None:
        poll = _poll(raw["poll"], (*at, "poll"), lines, default_poll)
    return Source(
        id=sid,
        url=url,
        kind=kind,
        site=site.lower(),
        language=language,
        syndicator=syndicator,
        page_types=page_types,
        enabled=_check_type(raw.get("enabled", True), bool, (*at, "enabled"), lines),
        allow_private=_check_type(raw.get("allow_private", False), bool,
                                  (*at, "allow_private"), lines),
        politeness=politeness,
        poll=poll,
    )


def _page_types(raw: Any, at: tuple, lines: _Lines) -> frozenset[str]:
    """Accepted page types: a list of ``PAGE_TYPES`` names (default: articles only)."""
    if raw is None:
        return frozenset({"article"})
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise lines.error(at, f"expected a list of page types ({', '.join(PAGE_TYPES)})")
    for item in raw:
        if item not in PAGE_TYPES:
            raise lines.error(at, f"{item!r} is not one of {', '.join(PAGE_TYPES)}")
    return frozenset(raw)


def _contact_of(settings: CrawlerSettings) -> str | None:
    if settings.contact_url:
        return settings.contact_url
    found = re.search(r"https?://[^\s)]+", settings.user_agent)
    return found.group(0) if found else None


def check_live_contact(config: SourcesConfig, lines: _Lines | None = None) -> None:
    """Refuse an enabled source whose requests would leave this machine while the crawler
    identifies itself with the example contact URL (site owners could not reach you)."""
    contact = _contact_of(config.crawler)
    if not is_example_contact(contact):
        return
    mapping = config.crawler.connect_to
    for i, source in enumerate(config.sources):
        if not source.enabled:
            continue
        parts = urlsplit(source.url)
        host = (parts.hostname or "").lower()
        target = mapping.get(host) or mapping.get(f"{host}:{parts.port}") or mapping.get("*")
        if target:  # "addr:port", "[v6]:port" or "addr"
            host = (target.split("]", 1)[0].lstrip("[") if target.startswith("[")
                    else target.split(":", 1)[0])
        if _is_local_target(host):
            continue
        message = (f"enabled source {source.url!r} would be crawled with the example contact "
                   f"URL {contact}: set crawler.contact_url (or NEWSLAKE_CONTACT_URL) to a page "
                   "saying who runs this crawler and how to reach you")
        if lines is None:
            raise ConfigError(f"{source.id}: {message}")
        raise lines.error(("sources", i, "url"), message)


def parse_sources(text: str, path: str = "<string>") -> SourcesConfig:
    """Parse and validate the text of a ``sources.yaml``."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        _bounded(node, path)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}{line}: invalid YAML: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{path}: YAML nested too deeply; refused") from None
    lines = _Lines(node, path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise lines.error((), "expected a mapping with keys crawler and sources")
    for key in data:
        if key not in ("crawler", "sources"):
            raise lines.error((key,), "unknown top-level key (allowed: crawler, sources)")
    data = _expand(data, (), lines)
    crawler = _crawler(data.get("crawler"), lines)
    raw_sources = data.get("sources") or []
    if not isinstance(raw_sources, list):
        raise lines.error(("sources",), "expected a list of sources")
    sources = [_source(raw, i, lines, crawler.politeness, crawler.poll)
               for i, raw in enumerate(raw_sources)]
    seen: dict[str, int] = {}
    for i, source in enumerate(sources):
        if source.id in seen:
            raise lines.error(("sources", i, "id"), f"duplicate id {source.id!r}")
        seen[source.id] = i
    config = SourcesConfig(crawler=crawler, sources=sources)
    check_live_contact(config, lines)
    return config


def load_sources(path: str | Path) -> SourcesConfig:
    """Load and validate ``sources.yaml`` at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc}") from exc
    return parse_sources(text, str(path))
