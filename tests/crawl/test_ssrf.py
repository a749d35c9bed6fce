"""SSRF guard: every address that is not global unicast is refused (embedded IPv4 forms
included) unless it is the host of a source with ``allow_private``; refusal happens before
any connection."""

from __future__ import annotations

import pytest
from mock_web import MockWeb, html
from newslake.crawl import fetch_pages
from newslake.crawl.http import _blocked
from newslake.sources import parse_sources


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                "169.254.169.254", "224.0.0.1", "0.0.0.0", "::1", "fe80::1",
                                "ff02::1", "fc00::1", "::ffff:127.0.0.1",
                                # carrier-grade NAT, benchmarking, documentation, class E
                                "100.64.0.1", "100.100.100.200", "198.18.0.1", "192.0.2.1",
                                "240.0.0.1", "255.255.255.255",
                                # 6to4 (2002::/16) wrapping loopback / metadata, and any 6to4
                                "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2002:808:808::1",
                                # site-local, Teredo, IPv4-compatible, NAT64 wrapping private
                                "fec0::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                                "::127.0.0.1", "::169.254.169.254", "64:ff9b::a9fe:a9fe",
                                "64:ff9b::10.0.0.1", "64:ff9b:1::1", "::ffff:100.64.0.1",
                                "::", "100::1", "2001:db8::1", "ff0e::1", "fe80::1%eth0",
                                "not-an-ip"])
def test_blocked_addresses(ip):
    assert _blocked(ip)


@pytest.mark.parametrize("ip", ["93.184.216.34", "8.8.8.8", "2606:4700::1111",
                                "::ffff:8.8.8.8", "64:ff9b::8.8.8.8"])
def test_public_addresses(ip):
    assert not _blocked(ip)


def test_direct_private_urls_refused_without_traffic(tmp_path):
    config = parse_sources("""
crawler: {retries: 0}
sources:
  - {id: s, url: "http://example.org/feed"}
""")
    urls = ["http://127.0.0.1:9/x", "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1/", "http://[::1]:9/", "http://224.0.0.1/"]
    result = fetch_pages([{"url": u, "source_id": "s"} for u in urls], config,
                         warc_path=str(tmp_path / "s.warc.gz"))
    pages = [r for r in result.fetch_log if r["kind"] == "page"]
    assert [r["error_class"] for r in pages] == ["ssrf_blocked"] * len(urls)
    assert all(r["status"] is None for r in result.fetch_log)


def test_allow_private_is_per_source(tmp_path, make_config):
    web = MockWeb()
    for host in ("faults.test", "public.test", "unknown.test"):
        web.add(f"http://{host}/article/7", html())
    config = make_config("127.0.0.1:9")  # every host maps to loopback
    result = fetch_pages(
        [{"url": "http://faults.test/article/7", "source_id": "faults"},
         {"url": "http://public.test/article/7", "source_id": "public-only"},
         {"url": "http://unknown.test/article/7", "source_id": "not-in-config"}],
        config, warc_path=str(tmp_path / "a.warc.gz"), transport=web.transport)
    by_url = {r["url"]: r["error_class"] for r in result.fetch_log if r["kind"] == "page"}
    assert by_url == {"http://faults.test/article/7": None,
                      "http://public.test/article/7": "ssrf_blocked",
                      "http://unknown.test/article/7": "ssrf_blocked"}
    assert set(web.requests) == {"faults.test"}  # nothing was sent to the refused hosts


def test_names_resolving_to_private_addresses(monkeypatch, tmp_path):
    """Resolution is checked before connecting; an unknown name is a dns row."""
    import socket

    def fake_getaddrinfo(host, port, *args, **kwargs):
        if host == "intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]
        if host == "mixed.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.9", port))]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    config = parse_sources("crawler: {retries: 0}\nsources:\n  - {id: s, url: 'http://e.test/'}\n")
    urls = ["http://intranet.example/a", "http://mixed.example/a", "http://gone.example/a"]
    result = fetch_pages([{"url": u, "source_id": "s"} for u in urls], config,
                         warc_path=str(tmp_path / "d.warc.gz"))
    by_url = {r["url"]: r["error_class"] for r in result.fetch_log if r["kind"] == "page"}
    assert by_url == {"http://intranet.example/a": "ssrf_blocked",
                      "http://mixed.example/a": "ssrf_blocked",
                      "http://gone.example/a": "dns"}


def test_allow_private_covers_the_source_host_only(server, tmp_path, make_config):
    """Entries and redirects naming another host are checked as if no source allowed them."""
    config = make_config(server.address)
    result = fetch_pages(
        [{"url": "http://faults.test/article/8", "source_id": "faults"},
         {"url": "http://elsewhere.test/article/8", "source_id": "faults"},
         {"url": "http://faults.test/redirect?to=http://metadata.test/latest",
          "source_id": "faults"}],
        config, warc_path=str(tmp_path / "h.warc.gz"))
    pages = {r["url"]: r for r in result.fetch_log if r["kind"] == "page"}
    assert pages["http://faults.test/article/8"]["error_class"] is None
    assert pages["http://elsewhere.test/article/8"]["error_class"] == "ssrf_blocked"
    hop = pages["http://faults.test/redirect?to=http://metadata.test/latest"]
    assert hop["error_class"] == "ssrf_blocked" and "metadata.test" in hop["error"]
    assert server.stats.requests.get("metadata.test") is None
