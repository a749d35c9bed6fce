"""A plain-text report of what landed in the lake, for the operator."""

from __future__ import annotations

from pathlib import Path

from newslake.lake import layout

REPORT_QUERIES: list[tuple[str, str]] = [
    (
        "Articles and stories per day",
        """
        SELECT a.crawl_date,
               count(*) AS articles,
               count(DISTINCT a.story_id) AS stories,
               count(*) FILTER (WHERE NOT a.is_original) AS syndicated_copies,
               (SELECT count(*) FROM quarantine q WHERE q.crawl_date = a.crawl_date) AS quarantined,
               (SELECT count(*) FROM rejections r WHERE r.crawl_date = a.crawl_date) AS rejected
        FROM articles a GROUP BY ALL ORDER BY 1
        """,
    ),
    (
        "Articles per site and day",
        """
        PIVOT (SELECT site, strftime(crawl_date, '%m-%d') AS day FROM articles)
        ON day USING count(*) GROUP BY site ORDER BY site
        """,
    ),
    (
        "Syndicated copies found (copy -> original)",
        """
        SELECT c.crawl_date, c.site AS copy_site, o.site AS original_site,
               left(o.title, 50) AS title, round(s.lag_minutes) AS lag_min
        FROM articles c
        JOIN articles o ON o.story_id = c.story_id AND o.is_original
        LEFT JOIN syndication s ON s.article_id = c.article_id
        WHERE NOT c.is_original ORDER BY 1, 2, 4
        """,
    ),
    (
        "Fetch results per day",
        """
        SELECT crawl_date, coalesce(error_class, 'ok') AS result, count(*) AS fetches
        FROM fetch_log GROUP BY ALL ORDER BY 1, 3 DESC
        """,
    ),
    (
        "Validation results per day",
        """
        SELECT crawl_date, count(DISTINCT suite) AS suites, count(*) AS checks,
               count(*) FILTER (WHERE NOT success) AS failed,
               coalesce(string_agg(DISTINCT table_name || '.' || expectation, ', ')
                        FILTER (WHERE NOT success), '') AS failed_checks
        FROM validation_log GROUP BY ALL ORDER BY 1
        """,
    ),
    (
        "Quarantined rows",
        """
        SELECT crawl_date, table_name, left(url, 70) AS url,
               array_to_string(failed_expectations, ', ') AS failed_expectations
        FROM quarantine ORDER BY 1, 3
        """,
    ),
]


def lake_report(lake: str) -> str:
    """Tables of articles, stories, copies, fetches and validation results, as text."""
    from newslake.lake.catalog import connect

    con = connect(lake)
    try:
        sections = []
        for heading, query in REPORT_QUERIES:
            relation = con.sql(query)
            rows = relation.fetchall()
            body = _format(relation.columns, rows) if rows else "(none)"
            sections.append(f"== {heading}\n{body}")
    finally:
        con.close()
    docs = Path(layout.docs_index(lake))
    sections.append(f"== Data Docs\n{docs if docs.exists() else '(not built)'}")
    return "\n\n".join(sections)


def _format(columns: list[str], rows: list[tuple]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body])
