"""sources.yaml: the demo shape loads, env vars expand, errors name the key and the line."""

from __future__ import annotations

import pytest
from newslake.config import DEFAULT_SOURCES
from newslake.exceptions import ConfigError
from newslake.sources import Politeness, load_sources, parse_sources
from newslake_demo.sources import SOURCES as DEMO_SOURCES

DEMO_SHAPE = """\
crawler:
  user_agent: "newslake/0.1 (+https://example.org/newslake)"
  connect_to: {"*": "${NEWSLAKE_DEMO_ADDR}"}
sources:
  - id: politico
    url: http://www.politico.com/rss/politics.xml
    kind: rss
    site: politico.com
    language: en
    syndicator: null
    enabled: true
    allow_private: true
    politeness: {min_delay_s: 0.0, max_concurrency: 4}
  - id: yahoo
    url: https://news.yahoo.com/rss/
    syndicator: yahoo
"""


def test_demo_shape(monkeypatch):
    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", "127.0.0.1:8765")
    config = parse_sources(DEMO_SHAPE)
    assert config.crawler.connect_to == {"*": "127.0.0.1:8765"}
    assert config.crawler.effective_user_agent == "newslake/0.1 (+https://example.org/newslake)"
    politico, yahoo = config.sources
    assert (politico.id, politico.kind, politico.site, politico.language) == (
        "politico", "rss", "politico.com", "en")
    assert politico.syndicator is None and politico.allow_private and politico.enabled
    assert politico.politeness == Politeness(0.0, 4)
    assert (yahoo.kind, yahoo.site, yahoo.syndicator, yahoo.allow_private) == (
        "auto", "news.yahoo.com", "yahoo", False)
    assert yahoo.politeness == config.crawler.politeness
    assert config.source("yahoo") is yahoo and config.source("nope") is None


def test_env_default_and_contact(monkeypatch):
    monkeypatch.delenv("NL_CONTACT", raising=False)
    config = parse_sources('crawler:\n  contact_url: "${NL_CONTACT:-https://x.test/c}"\n'
                           '  user_agent: "ua/1"\nsources: []\n')
    assert config.crawler.effective_user_agent == "ua/1 (+https://x.test/c)"


@pytest.mark.parametrize(("text", "line", "key"), [
    ("crawler:\n  conect_timeout_s: 3\n", 2, "crawler.conect_timeout_s"),
    ("crawler:\n  retries: many\n", 2, "crawler.retries"),
    ("crawler:\n  max_body_bytes: -1\n", 2, "crawler.max_body_bytes"),
    ("crawler:\n  connect_to: {'*': 'http://x'}\n", 2, "crawler.connect_to.*"),
    ("sources:\n  - id: a\n    url: http://a.test/\n    kind: rdf\n", 4, "sources[0].kind"),
    ("sources:\n  - id: a\n    url: ftp://a.test/\n", 3, "sources[0].url"),
    ("sources:\n  - id: a\n    url: http://a.test/\n  - id: b\n    uri: http://b.test/\n",
     5, "sources[1].uri"),
    ("sources:\n  - id: a\n    url: http://a.test/\n  - id: a\n    url: http://b.test/\n",
     4, "sources[1].id"),
    ("sources:\n  - id: a\n    url: http://a.test/\n    enabled: yes-please\n", 4,
     "sources[0].enabled"),
    ("sources:\n  - id: a\n    url: http://a.test/\n    politeness: {max_concurrency: 0}\n",
     4, "sources[0].politeness.max_concurrency"),
    ("sources:\n  - id: a\n    url: http://a.test/\n    language: english\n", 4,
     "sources[0].language"),
    ("sources:\n  - url: http://a.test/\n", 2, "sources[0]"),
    ("sources:\n  - id: a\n    url: ${NL_SURELY_UNSET_VAR}\n", 3, "sources[0].url"),
    ("feeds: []\n", 1, "feeds"),
])
def test_errors_name_key_and_line(text, line, key):
    with pytest.raises(ConfigError) as info:
        parse_sources(text, "s.yaml")
    message = str(info.value)
    assert message.startswith(f"s.yaml:{line}: {key}:"), message


def test_yaml_syntax_error_has_line():
    with pytest.raises(ConfigError, match=r"s.yaml:3: invalid YAML"):
        parse_sources("sources:\n  - id: a\n   url: [\n", "s.yaml")


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "absent.yaml")


def test_production_example_loads():
    config = load_sources(DEFAULT_SOURCES)
    assert len(config.sources) >= 5
    assert all(s.url.startswith("https://") and not s.allow_private for s in config.sources)
    assert "+http" in config.crawler.effective_user_agent


def test_demo_file_loads(monkeypatch):
    if not DEMO_SOURCES.exists():
        pytest.skip(f"{DEMO_SOURCES} not present")
    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", "127.0.0.1:1")
    config = load_sources(DEMO_SOURCES)
    assert config.sources and all(s.allow_private for s in config.sources if s.enabled)
