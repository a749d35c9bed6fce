"""The ``newslake sources`` and ``newslake fetch`` sub-commands."""

from __future__ import annotations

import json

from newslake.cli import main
from newslake.config import DEFAULT_SOURCES


def test_sources_lists_the_file(capsys):
    assert main(["sources", "--sources", str(DEFAULT_SOURCES)]) == 0
    out = capsys.readouterr().out
    assert "bbc-world" in out and "0 enabled" in out


def test_sources_reports_key_and_line(tmp_path, capsys):
    bad = tmp_path / "s.yaml"
    bad.write_text("sources:\n  - id: a\n    url: http://a.test/\n    kind: podcast\n")
    assert main(["sources", "--sources", str(bad)]) == 1
    assert f"{bad}:4: sources[0].kind" in capsys.readouterr().err


def test_fetch_prints_rows_and_writes_warc(server, tmp_path, capsys):
    config = tmp_path / "s.yaml"
    config.write_text(f"""crawler:
  connect_to: {{"*": "{server.address}"}}
  politeness: {{min_delay_s: 0, max_concurrency: 2}}
sources:
  - {{id: t, url: "http://cli.test/feed.xml", allow_private: true}}
""")
    warc = tmp_path / "out" / "f.warc.gz"
    code = main(["fetch", "http://cli.test/article/1", "http://cli.test/404",
                 "--sources", str(config), "--source-id", "t", "--warc", str(warc)])
    assert code == 1  # one of two failed
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines if line.startswith("{")]
    pages = {r["url"]: r["error_class"] for r in rows if r["kind"] == "page"}
    assert pages == {"http://cli.test/article/1": None, "http://cli.test/404": "http_4xx"}
    assert warc.exists() and lines[-1].startswith("1/2 pages ok")
