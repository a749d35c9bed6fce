"""What newslake adds to GX's Data Docs: a run summary, an index of past runs, the crawl
date and run on every page, and scripts and styles served from the docs folder.

The summary on top of ``index.html`` is plain HTML: every suite of the run, its verdict, the
expectations that failed (by name, with counts and severity) and links to GX's validation and
suite pages. GX's own index lists only the latest run and a later build drops the pages of
earlier ones, so each run's result pages are kept under ``runs/<run>/``; ``runs.jsonl`` keeps
every run (crawl date, run id, verdict, result pages) and the summary lists them, newest
first. Every page the run wrote carries a banner naming its crawl date and run, and loads its
assets locally (:mod:`newslake.validate.docs_assets`).
"""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

from newslake.validate.docs_assets import localize
from newslake.validate.gx_runner import Outcome

RUNS_FILE = "runs.jsonl"
BANNER_START = "<!-- newslake-banner:start -->"
BANNER_END = "<!-- newslake-banner:end -->"
BANNER_STYLE = ("font-family:sans-serif;padding:.4em 1em;background:#263238;color:#fff;"
                "font-size:14px")

MARK_START = "<!-- newslake-summary:start -->"
MARK_END = "<!-- newslake-summary:end -->"
STYLE = ("font-family:sans-serif;margin:1em;padding:1em;border:1px solid #ccc;"
         "border-radius:6px;background:#fafafa")


def add_summary(docs_dir: Path, run_id: str, outcomes: Sequence[Outcome],
                crawl_date: date | None = None) -> Path:
    """Record the run, then write the summary and past runs at the top of ``index.html``,
    a banner on every page of the run, and local assets into those pages."""
    archived = archive_run(docs_dir, run_id)
    runs = record_run(docs_dir, run_id, crawl_date, outcomes)
    index = docs_dir / "index.html"
    block = render_summary(docs_dir, run_id, outcomes, crawl_date) + render_runs(runs)
    _insert(index, MARK_START, MARK_END, block)
    pages = run_pages(docs_dir, run_id)
    banner = (f'<div id="newslake-run" style="{BANNER_STYLE}">newslake &middot; '
              f"crawl date {html.escape(str(crawl_date or '-'))} &middot; run "
              f"{html.escape(run_id)}</div>")
    for page in [*pages, *archived]:
        _insert(page, BANNER_START, BANNER_END, banner)
    localize(docs_dir, [*pages, *archived])
    return index


def archive_run(docs_dir: Path, run_id: str) -> list[Path]:
    """Copy the run's result pages to ``runs/<run>/<suite>/...``, where later builds (which
    drop earlier runs' pages from ``validations/``) leave them; same depth, so their
    relative links still resolve."""
    copied = []
    for suite_dir in sorted((docs_dir / "validations").glob("*")):
        for page in sorted((suite_dir / run_id).rglob("*.html")):
            relative = page.relative_to(suite_dir / run_id)
            target = docs_dir / "runs" / run_id / suite_dir.name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, target)
            copied.append(target)
    return copied


def run_pages(docs_dir: Path, run_id: str) -> list[Path]:
    """The pages GX wrote for ``run_id``: the index, the suites and the run's results."""
    pages = [docs_dir / "index.html", *sorted((docs_dir / "expectations").glob("*.html"))]
    for suite_dir in sorted((docs_dir / "validations").glob("*")):
        pages += sorted((suite_dir / run_id).rglob("*.html"))
    return [p for p in pages if p.is_file()]


def _insert(page: Path, start_mark: str, end_mark: str, block: str) -> None:
    """Put ``block`` first in the page's body, replacing an earlier one."""
    text = page.read_text(encoding="utf-8")
    if start_mark in text:
        start, end = text.index(start_mark), text.index(end_mark) + len(end_mark)
        text = text[:start] + text[end:]
    at = text.find(">", text.find("<body")) + 1 if "<body" in text else 0
    page.write_text(text[:at] + start_mark + block + end_mark + text[at:], encoding="utf-8")


def record_run(docs_dir: Path, run_id: str, crawl_date: date | None,
               outcomes: Sequence[Outcome]) -> list[dict]:
    """Append the run to ``runs.jsonl`` (a rerun of a run id replaces it); returns every run."""
    path = docs_dir / RUNS_FILE
    runs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()] if path.exists() else []
    failed = [o for o in outcomes if not o.success]
    suites = sorted({o.suite for o in outcomes})
    runs = [r for r in runs if r.get("run_id") != run_id] + [{
        "run_id": run_id, "crawl_date": crawl_date.isoformat() if crawl_date else None,
        "validated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "success": not failed, "expectations": len(outcomes), "failed": len(failed),
        "results": {s: p for s in suites if (p := _archived_page(docs_dir, s, run_id))},
    }]
    temp = path.with_suffix(".tmp")
    temp.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in runs),
                    encoding="utf-8")
    temp.replace(path)
    return runs


def render_runs(runs: Sequence[dict]) -> str:
    """Every recorded run, newest crawl date first, with links to its result pages."""
    esc = html.escape
    rows = []
    for run in sorted(runs, key=lambda r: (r.get("crawl_date") or "", r["validated_at"]),
                      reverse=True):
        verdict = ('<b style="color:#2e7d32">Success</b>' if run["success"]
                   else '<b style="color:#c62828">Failed</b>')
        links = " ".join(f'<a href="{esc(page)}">{esc(suite)}</a>'
                         for suite, page in sorted(run["results"].items()))
        rows.append(f"<tr><td>{esc(run.get('crawl_date') or '-')}</td><td>{esc(run['run_id'])}"
                    f"</td><td>{esc(run['validated_at'])}</td><td>{verdict}</td>"
                    f"<td>{run['failed']} of {run['expectations']}</td><td>{links}</td></tr>")
    return (f'<section id="newslake-runs" style="{STYLE}"><h2>Past runs</h2>'
            '<table border="1" cellpadding="4" style="border-collapse:collapse">'
            "<tr><th>Crawl date</th><th>Run</th><th>Validated at (UTC)</th><th>Status</th>"
            "<th>Failed expectations</th><th>Results</th></tr>" + "".join(rows)
            + "</table></section>")


def render_summary(docs_dir: Path, run_id: str, outcomes: Sequence[Outcome],
                   crawl_date: date | None = None) -> str:
    """The summary block as HTML."""
    esc = html.escape
    suites: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        suites.setdefault(outcome.suite, []).append(outcome)
    rows = []
    for suite, items in suites.items():
        failed = [o for o in items if not o.success]
        verdict = "Success" if not failed else "Failed"
        color = "#2e7d32" if not failed else "#c62828"
        detail = "<br>".join(
            f"{esc(o.spec.name)} ({esc(o.spec.severity)}): {o.unexpected_count} of "
            f"{o.element_count} rows" + (f" &mdash; {esc(o.error)}" if o.error else "")
            for o in failed
        ) or "&mdash;"
        links = [f'<a href="expectations/{esc(suite)}.html">suite</a>']
        page = _validation_page(docs_dir, suite, run_id)
        if page:
            links.insert(0, f'<a href="{esc(page)}">results</a>')
        rows.append(
            f"<tr><td>{esc(suite)}</td><td style=\"color:{color}\"><b>{verdict}</b></td>"
            f"<td>{len(items) - len(failed)} of {len(items)}</td><td>{detail}</td>"
            f"<td>{' | '.join(links)}</td></tr>"
        )
    return (
        f'<section id="newslake-summary" style="{STYLE}">'
        f"<h2>newslake validation &mdash; crawl date {esc(str(crawl_date or '-'))}, "
        f"run {esc(run_id)}</h2>"
        '<table border="1" cellpadding="4" style="border-collapse:collapse">'
        "<tr><th>Suite</th><th>Status</th><th>Expectations passed</th>"
        "<th>Failed expectations</th><th>Pages</th></tr>"
        + "".join(rows)
        + "</table></section>"
    )


def _archived_page(docs_dir: Path, suite: str, run_id: str) -> str | None:
    return _latest_page(docs_dir, docs_dir / "runs" / run_id / suite)


def _validation_page(docs_dir: Path, suite: str, run_id: str) -> str | None:
    return _latest_page(docs_dir, docs_dir / "validations" / suite / run_id)


def _latest_page(docs_dir: Path, run_dir: Path) -> str | None:
    """The run's latest result page under ``run_dir``, as a link relative to the index."""
    pages = sorted(run_dir.glob("*/*.html")) if run_dir.is_dir() else []
    return quote(pages[-1].relative_to(docs_dir).as_posix()) if pages else None
