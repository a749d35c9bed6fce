"""The one HTTP client of newslake: async, pooled, polite, bounded, archived.

:class:`Crawler` fetches a URL and returns an :class:`Exchange` instead of raising:

- connect/read timeouts (httpx) and a total timeout per attempt (``asyncio.timeout``);
- the body is streamed and cut at ``max_body_bytes`` counted after content decoding, so a
  gzip bomb stops early; an advertised ``Content-Length`` over the limit is refused unread;
- redirects are followed by hand up to ``max_redirects``, a repeated URL is a loop;
- 429 and 503 honour ``Retry-After`` (up to ``max_retry_after_s``); timeouts, connection
  errors, 429 and 5xx (the transient :class:`~newslake.exceptions.FetchFailure` classes)
  are retried with exponential backoff; other failures are terminal;
- host names are resolved once per run and the connection is pinned to the checked address;
  every address that is not global unicast is refused (see :func:`_blocked`), except for the
  host names in ``private_hosts``: a source with ``allow_private`` passes its own feed host
  only, never the hosts its entries or redirects name (``connect_to`` maps host names like
  ``curl --connect-to``; the mapped address is the one checked);
- robots.txt is fetched once per host and obeyed (``Crawl-delay`` included) when asked;
- every request, response and failure is written to the WARC file.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import socket
import ssl
import time
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from newslake.crawl.exchange import Exchange, FetchFailure, exchange_row, retry_after_seconds
from newslake.crawl.politeness import HostGate
from newslake.crawl.robots import Robots, parse_robots
from newslake.crawl.warc import WarcWriter
from newslake.exceptions import TransientError
from newslake.sources import CrawlerSettings, Politeness

log = logging.getLogger(__name__)

_HOST_FAILURES = frozenset({"ssrf_blocked", "dns", "invalid_url", "tls", "timeout", "connect"})
"""robots.txt failures that pages of the host inherit (nothing is fetched from the host)."""


_V6_UNICAST = ipaddress.ip_network("2000::/3")
_V6_REFUSED = (ipaddress.ip_network("2002::/16"),   # 6to4: relays reach the embedded IPv4
               ipaddress.ip_network("2001::/32"),   # Teredo: tunnels to the embedded IPv4
               ipaddress.ip_network("fec0::/10"))   # site-local (deprecated, still routed)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_v4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, compatible, NAT64), if any."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr in _NAT64 or (addr in _V4_COMPATIBLE and int(addr) > 1):
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def _v4_blocked(addr: ipaddress.IPv4Address) -> bool:
    return (not addr.is_global or addr.is_multicast or addr.is_reserved
            or addr.is_unspecified or addr.is_loopback or addr.is_link_local
            or addr.is_private)


def _blocked(ip: str) -> bool:
    """True unless ``ip`` is a global unicast address (embedded IPv4 forms checked too).

    Refused: every IPv4 address that is not global (private, loopback, link-local,
    carrier-grade NAT 100.64.0.0/10, benchmarking, documentation, reserved, multicast), IPv6
    outside 2000::/3 unless it embeds a global IPv4 (mapped ``::ffff:a.b.c.d``, compatible
    ``::a.b.c.d``, NAT64 ``64:ff9b::/96``), 6to4 (2002::/16), Teredo (2001::/32),
    site-local (fec0::/10) and any IPv6 address Python does not call global.
    """
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(addr, ipaddress.IPv4Address):
        return _v4_blocked(addr)
    inner = _embedded_v4(addr)
    if inner is not None:
        return _v4_blocked(inner)
    if addr not in _V6_UNICAST or any(addr in net for net in _V6_REFUSED):
        return True
    return (not addr.is_global or addr.is_multicast or addr.is_reserved or addr.is_site_local
            or addr.is_private or addr.is_link_local or addr.is_loopback)


@functools.lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """The verifying TLS context shared by every client (loading CA certificates is slow)."""
    return httpx.create_ssl_context()


def host_key(url: str) -> str:
    """The politeness key of a URL: lower-case host plus non-default port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = 443 if parts.scheme == "https" else 80
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


class Crawler:
    """Async HTTP client with politeness, safety limits and a WARC archive.

    Use as ``async with Crawler(settings, writer) as crawler: await crawler.fetch(...)``.
    Rows of robots.txt fetches collect in :attr:`robots_log`. ``transport`` replaces the
    network for every host (``httpx.MockTransport`` in tests); the rest (addresses, SSRF
    guard, politeness, retries, limits, WARC) runs as it does against real sockets.
    """

    def __init__(self, settings: CrawlerSettings, writer: WarcWriter | None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.writer = writer
        self.transport = transport
        self.gate = HostGate(settings.politeness)
        self.robots_log: list[dict] = []
        self.agent_token = settings.user_agent.split("/", 1)[0].split()[0].lower()
        self._dns: dict[tuple[str, int], list[str]] = {}
        self._robots: dict[tuple[str, bool], asyncio.Future] = {}
        self._global = asyncio.Semaphore(settings.max_connections)
        self._clients: dict[str, httpx.AsyncClient] = {}

    async def __aenter__(self) -> Crawler:
        return self

    async def __aexit__(self, *exc: object) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client_for(self, host: str) -> httpx.AsyncClient:
        """The connection pool of one host (small pools: httpcore scans a pool per request)."""
        client = self._clients.get(host)
        if client is None:
            s = self.settings
            size = self.gate.concurrency_of(host)
            client = httpx.AsyncClient(
                verify=_ssl_context(),
                timeout=httpx.Timeout(connect=s.connect_timeout_s, read=s.read_timeout_s,
                                      write=s.read_timeout_s, pool=None),
                limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
                follow_redirects=False,
                headers={"User-Agent": s.effective_user_agent,
                         "Accept-Encoding": "gzip, deflate, br"},
                trust_env=False,
                transport=self.transport,
            )
            self._clients[host] = client
        return client

    def configure_host(self, url: str, politeness: Politeness) -> None:
        """Apply a source's politeness to the host of ``url``."""
        self.gate.configure(host_key(url), politeness)

    # -- addresses -----------------------------------------------------------------------
    async def _address(self, host: str, port: int, allow_private: bool) -> tuple[str, int]:
        name = host
        mapping = self.settings.connect_to
        target = mapping.get(host) or mapping.get(f"{host}:{port}") or mapping.get("*")
        if target:
            mapped_host, _, mapped_port = target.rpartition(":")
            if not mapped_host:
                mapped_host, mapped_port = target, str(port)
            host, port = mapped_host.strip("[]"), int(mapped_port)
        key = (host, port)
        if key not in self._dns:
            try:
                ipaddress.ip_address(host)
                self._dns[key] = [host]
            except ValueError:
                loop = asyncio.get_running_loop()
                try:
                    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                except (socket.gaierror, UnicodeError) as exc:
                    raise FetchFailure("dns", f"{host}: {exc}") from exc
                found = list(dict.fromkeys(info[4][0] for info in infos))
                found.sort(key=lambda ip: ":" in ip)  # IPv4 first: IPv6 routes are often missing
                self._dns[key] = found
        addresses = self._dns[key]
        if not allow_private:
            bad = [ip for ip in addresses if _blocked(ip)]
            if bad:
                raise FetchFailure("ssrf_blocked", f"{name} resolves to {bad[0]}"
                                   " (not a global address)")
        return addresses[0], port

    # -- one attempt ---------------------------------------------------------------------
    async def _attempt(self, url: str, headers: dict[str, str], private_hosts: frozenset[str],
                       source_id: str | None, requested: str, ex: Exchange) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchFailure("invalid_url", url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host_name = parts.hostname.lower()
        ip, port = await self._address(host_name, port, host_name in private_hosts)
        client = self._client_for(host_key(url))
        request = client.build_request("GET", url, headers=headers)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        request.url = request.url.copy_with(host=ip, port=port)
        request.headers["Host"] = netloc
        if parts.scheme == "https":
            request.extensions["sni_hostname"] = parts.hostname
        gate, host = self.gate, host_key(url)

        async def trace(event: str, info: dict) -> None:
            if event == "http11.send_request_headers.started":
                await gate.before_send(host)

        request.extensions["trace"] = trace
        when = datetime.now(UTC)
        record_id = None
        if self.writer is not None:
            record_id = self.writer.write_request(
                url, "GET", [(k, v) for k, v in request.headers.items()], when, source_id)
        try:
            await self._send(client, request, ex)
        except FetchFailure as failure:
            if self.writer is not None and ex.status is None:
                self.writer.write_failure(url, failure.error_class, failure.detail,
                                          datetime.now(UTC), source_id, record_id)
            if self.writer is not None and ex.status is not None:
                cut = {"too_large": "length", "timeout": "time"}.get(failure.error_class,
                                                                     "unspecified")
                self._archive(url, ex, source_id, requested, record_id, truncated=cut)
            raise
        if self.writer is not None:
            self._archive(url, ex, source_id, requested, record_id, truncated=None)

    def _archive(self, url: str, ex: Exchange, source_id: str | None, requested: str,
                 record_id: str | None, truncated: str | None) -> None:
        assert self.writer is not None
        self.writer.write_response(
            url, ex.status or 0, ex.reason, ex.headers, ex.body, ex.fetched_at, source_id,
            requested_url=requested, truncated=truncated, concurrent_to=record_id)

    async def _send(self, client: httpx.AsyncClient, request: httpx.Request,
                    ex: Exchange) -> None:
        limit = self.settings.max_body_bytes
        ex.status, ex.body, ex.headers = None, b"", []
        try:
            async with asyncio.timeout(self.settings.total_timeout_s):
                response = await client.send(request, stream=True)
                try:
                    ex.fetched_at = datetime.now(UTC)
                    ex.status = response.status_code
                    ex.reason = response.reason_phrase
                    ex.headers = [(k, v) for k, v in response.headers.multi_items()]
                    if response.status_code in (301, 302, 303, 307, 308, 304):
                        return
                    advertised = response.headers.get("content-length", "")
                    if advertised.isdigit() and int(advertised) > limit:
                        raise FetchFailure("too_large", f"Content-Length {advertised} > {limit}")
                    chunks: list[bytes] = []
                    size = 0
                    try:
                        async for chunk in response.aiter_bytes():
                            size += len(chunk)
                            if size > limit:
                                chunks.append(chunk[: len(chunk) - (size - limit)])
                                raise FetchFailure("too_large",
                                                   f"body over {limit} bytes (decoded)")
                            chunks.append(chunk)
                    finally:
                        ex.body = b"".join(chunks)  # what arrived, also when cut short
                finally:
                    await response.aclose()
        except FetchFailure:
            raise
        except TimeoutError as exc:
            limit_s = self.settings.total_timeout_s
            raise FetchFailure("timeout", f"total time over {limit_s}s") from exc
        except httpx.TimeoutException as exc:
            raise FetchFailure("timeout", f"{type(exc).__name__}: {exc}") from exc
        except httpx.DecodingError as exc:
            raise FetchFailure("decode_error", str(exc)) from exc
        except httpx.ConnectError as exc:
            text = str(exc)
            kind = "tls" if "SSL" in text or "certificate" in text.lower() else "connect"
            raise FetchFailure(kind, f"{type(exc).__name__}: {text}") from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise FetchFailure("invalid_url", str(exc)) from exc
        except (httpx.TransportError, OSError) as exc:
            raise FetchFailure("connect", f"{type(exc).__name__}: {exc}") from exc

    # -- public --------------------------------------------------------------------------
    async def robots_for(self, url: str, source_id: str | None,
                         private_hosts: frozenset[str] = frozenset()) -> Robots:
        """The robots.txt rules of ``url``'s host, fetched once per run.

        Raises :class:`FetchFailure` when the host itself is unusable (blocked address,
        unknown name, bad URL), so pages get that error class rather than a robots one.
        """
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
        key = (origin, (parts.hostname or "").lower() in private_hosts)
        if key not in self._robots:
            future: asyncio.Future = asyncio.get_running_loop().create_future()
            self._robots[key] = future
            ex = await self.fetch(origin + "/robots.txt", source_id=source_id,
                                  private_hosts=private_hosts, check_robots=False)
            self.robots_log.append(exchange_row(ex, source_id, "robots", self.warc_name))
            future.set_result((self._robots_rules(url, ex), ex))
        rules, ex = await self._robots[key]
        if ex.error_class in _HOST_FAILURES:
            raise FetchFailure(ex.error_class, f"robots.txt: {ex.error or ''}")
        if not rules.rules or rules.allowed(url):
            return rules
        if ex.status is None or ex.status >= 500:
            raise FetchFailure("robots_disallowed",
                               f"robots.txt unavailable ({ex.status or ex.error_class})")
        return rules

    def _robots_rules(self, url: str, ex: Exchange) -> Robots:
        if ex.error_class is None and ex.status and 200 <= ex.status < 300:
            rules = parse_robots(ex.body.decode("utf-8", "replace"), self.agent_token)
        elif ex.status is not None and 400 <= ex.status < 500:
            rules = Robots.allow_all()  # RFC 9309: unavailable means allowed
        else:
            rules = Robots.disallow_all()  # unreachable: assume complete disallow
        if rules.crawl_delay:
            delay = min(rules.crawl_delay, self.settings.max_crawl_delay_s)
            self.gate.raise_delay(host_key(url), delay)
        return rules

    @property
    def warc_name(self) -> str | None:
        return self.writer.uri if self.writer is not None else None

    async def fetch(self, url: str, *, source_id: str | None = None,
                    private_hosts: frozenset[str] = frozenset(),
                    headers: dict[str, str] | None = None, check_robots: bool = False,
                    retries: int | None = None) -> Exchange:
        """Fetch ``url``; never raises for a network or HTTP failure.

        Only hosts named in ``private_hosts`` may resolve to non-global addresses (each
        redirect hop is checked by its own host).
        """
        started = time.monotonic()
        ex = Exchange(url=url, final_url=url)
        try:
            await self._fetch(ex, source_id, private_hosts, headers or {}, check_robots,
                              self.settings.retries if retries is None else retries)
        except FetchFailure as failure:
            ex.error_class, ex.error = failure.error_class, failure.detail
        except Exception as exc:  # noqa: BLE001 - one URL must never fail the run
            log.exception("unexpected failure fetching %s", url)
            ex.error_class, ex.error = "other", f"{type(exc).__name__}: {exc}"
        ex.elapsed_ms = (time.monotonic() - started) * 1000
        return ex

    async def _fetch(self, ex: Exchange, source_id: str | None, private_hosts: frozenset[str],
                     headers: dict[str, str], check_robots: bool, retries: int) -> None:
        seen = {ex.url}
        current = ex.url
        for _hop in range(self.settings.max_redirects + 1):
            ex.final_url = current
            if check_robots and self.settings.obey_robots:
                rules = await self.robots_for(current, source_id, private_hosts)
                if not rules.allowed(current):
                    raise FetchFailure("robots_disallowed", f"robots.txt forbids {current}")
            await self._with_retries(current, headers, private_hosts, source_id, ex, retries)
            if ex.status not in (301, 302, 303, 307, 308):
                return
            location = ex.header("location")
            if not location:
                raise FetchFailure("invalid_url",
                                   f"{ex.status} without Location")
            nxt = urljoin(current, location.strip())
            if nxt in seen:
                raise FetchFailure("redirect_loop", f"{current} -> {nxt} was already visited")
            seen.add(nxt)
            current = nxt
        raise FetchFailure("redirect_loop", f"more than {self.settings.max_redirects} redirects")

    async def _with_retries(self, url: str, headers: dict[str, str],
                            private_hosts: frozenset[str],
                            source_id: str | None, ex: Exchange, retries: int) -> None:
        host = host_key(url)
        for attempt in range(retries + 1):
            ex.attempts += 1
            try:
                async with self.gate.slot(host), self._global:
                    dead = self.gate.given_up(host, self.settings.max_host_failures)
                    if dead:  # checked once a slot is free: earlier requests may just have failed
                        raise FetchFailure(dead[0], f"{host} skipped for this run after {dead[1]}")
                    self.gate.mark_started(host)
                    try:
                        await self._attempt(url, headers, private_hosts, source_id, ex.url, ex)
                    except FetchFailure as exc:
                        self.gate.record_outcome(host, exc.error_class, ex.status is not None)
                        raise
                    self.gate.record_outcome(host, None, True)
                failure = self._status_failure(ex)
                if failure is None:
                    return
            except FetchFailure as exc:
                failure = exc
            wait = self._backoff(attempt, failure)
            if not isinstance(failure, TransientError) or attempt >= retries or wait is None:
                raise failure
            self.gate.defer(host, wait)
            await asyncio.sleep(wait)

    def _status_failure(self, ex: Exchange) -> FetchFailure | None:
        status = ex.status or 0
        if status < 400:
            return None
        after = retry_after_seconds(ex.header("retry-after"))
        if status == 429:
            return FetchFailure("http_429", f"{status} {ex.reason}", after)
        if status >= 500:
            return FetchFailure("http_5xx", f"{status} {ex.reason}", after)
        return FetchFailure("http_4xx", f"{status} {ex.reason}")

    def _backoff(self, attempt: int, failure: FetchFailure) -> float | None:
        """Seconds before the next attempt; None when the server asks for too long a wait."""
        s = self.settings
        if failure.retry_after is not None:
            return None if failure.retry_after > s.max_retry_after_s else failure.retry_after
        return min(s.max_backoff_s, s.backoff_s * (2 ** attempt))
