"""A static summary on top of the Data Docs index.

GX renders its index tables with JavaScript loaded from CDNs; on a machine without internet
access the index would look empty. The summary written here is plain HTML: every suite of the
run, its verdict, the expectations that failed (by name, with counts and severity) and links
to GX's validation and suite pages, which render without scripts.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from newslake.validate.gx_runner import Outcome

MARK_START = "<!-- newslake-summary:start -->"
MARK_END = "<!-- newslake-summary:end -->"
STYLE = ("font-family:sans-serif;margin:1em;padding:1em;border:1px solid #ccc;"
         "border-radius:6px;background:#fafafa")


def add_summary(docs_dir: Path, run_id: str, outcomes: Sequence[Outcome]) -> Path:
    """Insert (or replace) the run summary at the top of ``docs_dir/index.html``."""
    index = docs_dir / "index.html"
    page = index.read_text(encoding="utf-8")
    if MARK_START in page:
        start, end = page.index(MARK_START), page.index(MARK_END) + len(MARK_END)
        page = page[:start] + page[end:]
    block = render_summary(docs_dir, run_id, outcomes)
    at = page.find(">", page.find("<body")) + 1 if "<body" in page else 0
    index.write_text(page[:at] + block + page[at:], encoding="utf-8")
    return index


def render_summary(docs_dir: Path, run_id: str, outcomes: Sequence[Outcome]) -> str:
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
        f'{MARK_START}<section id="newslake-summary" style="{STYLE}">'
        f"<h2>newslake validation &mdash; run {esc(run_id)}</h2>"
        '<table border="1" cellpadding="4" style="border-collapse:collapse">'
        "<tr><th>Suite</th><th>Status</th><th>Expectations passed</th>"
        "<th>Failed expectations</th><th>Pages</th></tr>"
        + "".join(rows)
        + f"</table></section>{MARK_END}"
    )


def _validation_page(docs_dir: Path, suite: str, run_id: str) -> str | None:
    run_dir = docs_dir / "validations" / suite / run_id
    pages = sorted(run_dir.glob("*/*.html")) if run_dir.is_dir() else []
    return quote(pages[-1].relative_to(docs_dir).as_posix()) if pages else None
