"""sources.yaml as an attacker writes it: each refusal is one line naming file and line,
never echoes a secret, and costs no more than reading the file."""

from __future__ import annotations

import time

import pytest
from newslake.exceptions import ConfigError
from newslake.sources import MAX_NODES, load_sources, parse_sources

HEAD = "crawler: {user_agent: t}\nsources:\n"


def _error(text: str, path: str = "s.yaml") -> str:
    with pytest.raises(ConfigError) as info:
        parse_sources(text, path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}:")
    return message


@pytest.mark.parametrize(("text", "line", "needle"), [
    (HEAD + "  - {id: a, url: 'http://a.test/'}\n  - id: b\n    url: 'http://b.test/'\n"
            "    url: 'http://c.test/'\n", 6, "sources[1].url: duplicate key (first at line 5)"),
    ("crawler:\n  retries: 1\n  retries: 9\nsources: []\n", 3, "crawler.retries: duplicate key"),
    ("crawler: {}\ncrawler: {}\n", 2, "crawler: duplicate key"),
    (HEAD + "  - {id: a, url: 'http://a.test/', syndicator: aggregatorx}\n", 3,
     "unknown syndicator adapter 'aggregatorx'"),
    ("crawler: {connect_timeout_s: .nan}\n", 1, "crawler.connect_timeout_s: expected a finite"),
    ("crawler:\n  total_timeout_s: .inf\n", 2, "crawler.total_timeout_s: expected a finite"),
    ("crawler:\n  politeness: {min_delay_s: -.inf}\n", 2, "expected a finite number"),
    (HEAD + "  - {id: a, url: 'http://a.test:99999/feed'}\n", 3, "port out of range 1-65535"),
    (HEAD + "  - {id: a, url: 'http://a.test:0/feed'}\n", 3, "port out of range 1-65535"),
    ("crawler: {connect_to: {'*': '127.0.0.1:70000'}}\n", 1, "port out of range 1-65535"),
    ("crawler:\n  poll: {min_interval_s: 900, max_interval_s: 60}\n", 2,
     "crawler.poll.min_interval_s: must be <= max_interval_s"),
    (HEAD + "  - {id: a, url: 'http://a.test/', poll: {max_interval_s: .nan}}\n", 3,
     "sources[0].poll.max_interval_s: expected a finite number"),
])
def test_refusals_name_file_and_line(text, line, needle):
    message = _error(text)
    assert message.startswith(f"s.yaml:{line}: "), message
    assert needle in message


@pytest.mark.parametrize("url", ["http://alice:hunter2@a.test/feed",
                                 "https://token-hunter2@a.test/feed",
                                 "ftp://alice:hunter2@a.test/feed"])
def test_credentials_in_urls_are_refused_and_never_echoed(url):
    message = _error(HEAD + f"  - {{id: a, url: '{url}'}}\n")
    assert message.startswith("s.yaml:3: sources[0].url: credentials in the URL")
    assert "hunter2" not in message and "alice" not in message and "***@a.test" in message


def test_contact_url_with_credentials_refused():
    message = _error("crawler: {contact_url: 'https://me:hunter2@example.net/'}\n")
    assert message.startswith("s.yaml:1: crawler.contact_url:") and "hunter2" not in message


def test_alias_bomb_is_refused_cheaply():
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    text = "\n".join(levels) + "\ncrawler: {user_agent: *a9}\n"
    started = time.perf_counter()
    message = _error(text)
    assert time.perf_counter() - started < 1.0
    assert "YAML aliases expand to more than" in message
    assert message.startswith("s.yaml:5: ")  # a4 (111,111 nodes) is the first level past it


def test_small_aliases_still_work():
    config = parse_sources(
        "crawler: {politeness: &p {min_delay_s: 3.0, max_concurrency: 1}}\n"
        "sources:\n  - {id: a, url: 'http://a.test/', politeness: *p, enabled: false}\n")
    assert config.sources[0].politeness.min_delay_s == 3.0
    assert MAX_NODES >= 10_000


def test_recursive_alias_refused():
    message = _error("crawler: &c {user_agent: *c}\n")
    assert "s.yaml:1" in message


EXAMPLE = """\
crawler:
  contact_url: "${NEWSLAKE_CONTACT_URL:-https://example.org/newslake}"
  connect_to: {"*": "%s"}
sources:
  - {id: bbc, url: "https://feeds.bbci.co.uk/news/world/rss.xml", enabled: %s}
"""


def test_live_source_with_example_contact_is_refused(monkeypatch):
    monkeypatch.delenv("NEWSLAKE_CONTACT_URL", raising=False)
    text = EXAMPLE.replace('  connect_to: {"*": "%s"}\n', "") % "true"
    message = _error(text, "live.yaml")
    assert message.startswith("live.yaml:4: sources[0].url: enabled source")
    assert "example contact URL https://example.org/newslake" in message
    assert "NEWSLAKE_CONTACT_URL" in message
    monkeypatch.setenv("NEWSLAKE_CONTACT_URL", "")  # empty is unset, as in the shell
    _error(text, "live.yaml")
    monkeypatch.setenv("NEWSLAKE_CONTACT_URL", "https://newsroom-lab.university.edu/crawler")
    assert parse_sources(text).sources[0].enabled
    monkeypatch.delenv("NEWSLAKE_CONTACT_URL")
    assert not parse_sources(text.replace("enabled: true", "enabled: false")).sources[0].enabled


@pytest.mark.parametrize(("target", "refused"), [
    ("127.0.0.1:8081", False), ("[::1]:8081", False), ("localhost:80", False),
    ("demo-web:8081", False), ("10.0.0.7:80", False), ("93.184.216.34:443", True),
    ("mirror.example.net:443", True),
])
def test_example_contact_allowed_only_for_local_targets(target, refused, monkeypatch):
    monkeypatch.delenv("NEWSLAKE_CONTACT_URL", raising=False)
    text = EXAMPLE % (target, "true")
    if refused:
        _error(text)
    else:
        assert parse_sources(text).sources[0].enabled


def test_bundled_file_with_a_source_enabled_is_refused(tmp_path, monkeypatch):
    from newslake.config import DEFAULT_SOURCES

    monkeypatch.delenv("NEWSLAKE_CONTACT_URL", raising=False)
    text = DEFAULT_SOURCES.read_text().replace("enabled: false", "enabled: true", 1)
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=r"sources\.yaml:\d+: sources\[0\]\.url: enabled"):
        load_sources(path)
