"""Data Docs under <lake>/_docs, read in headless Chromium; quiet GX; no stray GX state."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote

import pytest
from newslake.validate import ValidationConfig, validate_batch
from validate_helpers import CRAWL_DATE, make_tables, replace_row

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "validate"
CHROMIUM = shutil.which("chromium")
# file:// pages only: every host name fails to resolve, so the CDN links of GX's pages
# cause no traffic.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium(page: Path, profile: Path, *extra: str) -> str:
    done = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    root = tmp_path_factory.mktemp("docs")
    cwd = root / "cwd"
    cwd.mkdir()
    tables = make_tables(12)
    tables["articles"] = replace_row(tables["articles"], 4, title=None)
    tables["articles"] = replace_row(tables["articles"], 7, language="xx")
    lake = root / "lake"
    previous = Path.cwd()
    try:
        import os

        os.chdir(cwd)
        result = validate_batch(tables, lake=str(lake), crawl_date=CRAWL_DATE,
                                run_id="docs-run", config=ValidationConfig(languages={"en"}))
    finally:
        os.chdir(previous)
    return root, lake, cwd, result


def test_docs_are_built_under_the_lake_and_nowhere_else(docs):
    root, lake, cwd, result = docs
    assert result.docs_index == str(lake / "_docs" / "index.html")
    assert Path(result.docs_index).is_file()
    assert list(cwd.iterdir()) == []  # no gx/ project or other state in the working dir
    assert sorted(p.name for p in lake.iterdir()) == ["_docs"]
    suites = {p.stem for p in (lake / "_docs" / "expectations").glob("*.html")}
    assert suites == {"articles", "stories", "syndication", "comments", "fetch_log",
                      "rejections", "source_quality"}


@pytest.mark.slow  # headless Chromium
@pytest.mark.skipif(CHROMIUM is None,
                    reason="Debian's chromium is not installed (make chromium installs it)")
def test_index_shows_suites_and_results_in_chromium(docs, tmp_path):
    _root, lake, _cwd, _result = docs
    index = lake / "_docs" / "index.html"
    dom = chromium(index, tmp_path / "profile", "--dump-dom")
    summary = dom[dom.index('id="newslake-summary"'):]
    summary = summary[:summary.index("</section>")]
    for suite in ("articles", "stories", "syndication", "comments", "fetch_log",
                  "rejections", "source_quality"):
        assert f"<td>{suite}</td>" in summary, suite
    assert "run docs-run" in summary
    assert "title_not_null (row): 1 of 12 rows" in summary
    assert "language_in_set (row): 1 of 12 rows" in summary
    assert summary.count("<b>Failed</b>") == 1 and summary.count("<b>Success</b>") == 6
    assert "Expectation Suites" in dom and "Validation Results" in dom

    # the articles results page names the failing row by article_id
    link = summary.split('href="', 1)[1].split('"', 1)[0]
    assert link.startswith("validations/articles/docs-run/")
    page = chromium(lake / "_docs" / unquote(link), tmp_path / "profile", "--dump-dom")
    assert "Expectation Validation Result" in page
    assert "unexpected" in page and "article_id" in page

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "data_docs_index.png"
    shot.unlink(missing_ok=True)
    chromium(index, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_gx_import_and_validation_do_not_flood_the_logs(tmp_path):
    script = textwrap.dedent(f"""
        import logging, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        logging.basicConfig(level=logging.INFO, stream=sys.stderr)
        from validate_helpers import CRAWL_DATE, make_tables
        from newslake.validate import ValidationConfig, validate_batch
        validate_batch(make_tables(4), lake={str(tmp_path / "lake")!r}, crawl_date=CRAWL_DATE,
                       run_id="quiet", config=ValidationConfig(), build_docs=False)
    """)
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", script], capture_output=True,
                          text=True, timeout=120, check=True)
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert not [ln for ln in lines if "great_expectations" in ln], lines[:5]
    assert "Calculating Metrics" not in done.stderr
    assert len(lines) <= 3, lines


def _loads(page: Path) -> list[str]:
    """Addresses of the scripts, styles and images a page loads."""
    import re

    text = page.read_text(encoding="utf-8")
    return [m.group(2) for m in re.finditer(
        r"<(script|link|img)\b[^>]*?(?:src|href)=\"([^\"]+)\"", text)
        if m.group(1) != "link" or "stylesheet" in m.group(0)]


def test_every_page_of_a_run_loads_its_assets_from_the_docs_folder(docs):
    from newslake.validate.docs import run_pages
    from newslake.validate.docs_assets import assets_dir

    if assets_dir() is None:
        pytest.fail("the Data Docs assets are not installed: make env installs them with npm")
    _root, lake, _cwd, _result = docs
    pages = run_pages(lake / "_docs", "docs-run")
    assert len(pages) > 10
    for page in pages:
        loads = _loads(page)
        assert loads, page
        remote = [u for u in loads if "://" in u or u.startswith("//")]
        assert remote == [], (page, remote)
        missing = [u for u in loads if not (page.parent / u.split("?")[0]).is_file()]
        assert missing == [], (page, missing)
        text = page.read_text(encoding="utf-8")
        assert "integrity=" not in text
        assert f"crawl date {CRAWL_DATE} &middot; run docs-run" in text, page
    fonts = lake / "_docs" / "static" / "vendor" / "@fortawesome" / "fontawesome-free"
    assert (fonts / "webfonts").is_dir()  # the styles' own references resolve too


def test_past_runs_are_kept_in_the_index(docs, tmp_path):
    import json
    from datetime import timedelta

    root, lake, _cwd, _result = docs
    copy = tmp_path / "lake"
    shutil.copytree(lake, copy)
    later = CRAWL_DATE + timedelta(days=1)
    for run_id in ("second-run", "second-run"):  # a rerun of a run id replaces its entry
        validate_batch(make_tables(6), lake=str(copy), crawl_date=later, run_id=run_id,
                       config=ValidationConfig(languages={"en"}))
    runs = [json.loads(line) for line in (copy / "_docs" / "runs.jsonl").read_text()
            .splitlines()]
    assert [(r["run_id"], r["crawl_date"], r["success"]) for r in runs] == [
        ("docs-run", str(CRAWL_DATE), False), ("second-run", str(later), True)]
    index = (copy / "_docs" / "index.html").read_text(encoding="utf-8")
    past = index[index.index('id="newslake-runs"'):]
    assert past.index("second-run") < past.index("docs-run")  # newest first
    for run in runs:
        for page in run["results"].values():
            assert (copy / "_docs" / unquote(page)).is_file()
    assert index.count('id="newslake-summary"') == 1 and index.count('id="newslake-runs"') == 1


@pytest.mark.slow  # headless Chromium
@pytest.mark.skipif(CHROMIUM is None,
                    reason="Debian's chromium is not installed (make test-tools installs it)")
def test_index_scripts_run_offline_in_chromium(docs, tmp_path):
    _root, lake, _cwd, _result = docs
    dom = chromium(lake / "_docs" / "index.html", tmp_path / "profile", "--dump-dom",
                   "--virtual-time-budget=5000")
    # bootstrap-table (loaded with jQuery from the docs folder, every host unresolvable)
    # wraps GX's tables at run time
    assert 'class="bootstrap-table' in dom
