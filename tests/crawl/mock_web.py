"""Virtual hosts answered in-process through ``httpx.MockTransport``: no socket, no server.

``web = MockWeb(); web.add("http://a.test/x", body=b"...")``, then pass
``transport=web.transport`` to ``fetch_pages`` or ``discover_source`` with a config whose
hosts map to 127.0.0.1 (``connect_to``) and allow private addresses. The crawler still
resolves and checks the address, applies politeness, retries and limits and writes the WARC;
only the bytes on the wire come from here. Requests are routed by their ``Host`` header.

A route is a :class:`Reply`, a list of them (one per request, the last one repeating), or a
function of the request returning an ``httpx.Response`` (or raising an httpx error).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

Handler = Callable[[httpx.Request], httpx.Response]


class _Body(httpx.AsyncByteStream):
    """A body streamed in chunks, as from a socket (content decoding happens while reading)."""

    def __init__(self, body: bytes, chunk: int = 65_536) -> None:
        self.body, self.chunk = body, chunk

    async def __aiter__(self):
        for i in range(0, len(self.body), self.chunk):
            yield self.body[i:i + self.chunk]


@dataclass(frozen=True)
class Reply:
    """One canned answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "text/html"})

    def response(self) -> httpx.Response:
        headers = {"content-length": str(len(self.body)), **self.headers}
        return httpx.Response(self.status, headers=headers, stream=_Body(self.body))


def html(text: str = "<html><body><p>hello</p></body></html>", **headers: str) -> Reply:
    """A 200 HTML reply."""
    return Reply(200, text.encode(), {"content-type": "text/html; charset=utf-8", **headers})


class MockWeb:
    """Routes (host, path?query) to replies; 404 for anything else (robots.txt included)."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Reply | list[Reply] | Handler] = {}
        self.requests: dict[str, list[tuple[str, float, httpx.Request]]] = defaultdict(list)
        self.transport = httpx.MockTransport(self._handle)

    def add(self, url: str, reply: Reply | list[Reply] | Handler | None = None,
            **kwargs: object) -> MockWeb:
        """Answer ``url`` with ``reply`` (or ``Reply(**kwargs)``)."""
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.routes[(parts.netloc, target)] = reply if reply is not None else Reply(**kwargs)
        return self

    def hits(self, url: str) -> int:
        """How many requests reached ``url``."""
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return sum(1 for t, _, _ in self.requests[parts.netloc] if t == target)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        host = request.headers["host"]
        target = request.url.raw_path.decode("ascii")
        seen = sum(1 for t, _, _ in self.requests[host] if t == target)
        self.requests[host].append((target, time.monotonic(), request))
        route = self.routes.get((host, target))
        if route is None:
            return httpx.Response(404, headers={"content-type": "text/plain"}, content=b"")
        if isinstance(route, Reply):
            return route.response()
        if isinstance(route, list):
            return route[min(seen, len(route) - 1)].response()
        return route(request)
