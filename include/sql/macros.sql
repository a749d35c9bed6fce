-- Table macros an analyst needs on day one. Every macro takes a crawl-date range
-- (inclusive), so DuckDB reads only the partitions of those days.

-- Articles CRAWLED between two days (crawl_date, the partition), whatever their publication
-- date; for publication time filter published_at or published_date yourself.
--   SELECT title, site FROM articles_between('2022-04-01', '2022-04-03');
CREATE OR REPLACE MACRO articles_between(date_from, date_to) AS TABLE
SELECT *
FROM articles
WHERE crawl_date BETWEEN CAST(date_from AS DATE) AND CAST(date_to AS DATE);

-- Stories with more than one article in the range, their original and every copy:
-- articles counts the original, copies does not (as the stories table's columns).
--   SELECT story_id, articles, copies, sites FROM stories_with_copies('2022-04-01', '2022-04-03');
CREATE OR REPLACE MACRO stories_with_copies(date_from, date_to) AS TABLE
SELECT a.story_id,
       any_value(s.title) AS title,
       any_value(s.original_site) AS original_site,
       any_value(s.original_url) AS original_url,
       min(a.published_at) AS first_published_at,
       count(*) AS articles,
       count(*) FILTER (WHERE NOT coalesce(a.is_original, false)) AS copies,
       list(DISTINCT a.site ORDER BY a.site) AS sites,
       list(struct_pack(site := a.site, url := a.url, published_at := a.published_at,
                        is_original := a.is_original)
            ORDER BY a.published_at NULLS LAST, a.url) AS members
FROM articles a
LEFT JOIN stories s USING (story_id)
WHERE a.crawl_date BETWEEN CAST(date_from AS DATE) AND CAST(date_to AS DATE)
  AND a.story_id IS NOT NULL
GROUP BY a.story_id
HAVING count(*) > 1
ORDER BY articles DESC, a.story_id;

-- Syndication lag (minutes from the original's publication to the copy's) by copying site.
--   SELECT * FROM syndication_lag('2022-04-01', '2022-04-03');
CREATE OR REPLACE MACRO syndication_lag(date_from, date_to) AS TABLE
SELECT site,
       count(*) AS copies,
       count(DISTINCT original_site) AS original_sites,
       round(median(lag_minutes), 1) AS median_lag_min,
       round(quantile_cont(lag_minutes, 0.9), 1) AS p90_lag_min,
       round(avg(lag_minutes), 1) AS mean_lag_min,
       round(min(lag_minutes), 1) AS min_lag_min,
       round(max(lag_minutes), 1) AS max_lag_min
FROM syndication
WHERE crawl_date BETWEEN CAST(date_from AS DATE) AND CAST(date_to AS DATE)
  AND lag_minutes IS NOT NULL
GROUP BY site
ORDER BY copies DESC, site;

-- Sites by number of articles in the range, with their share of all articles.
--   SELECT * FROM top_sites('2022-04-01', '2022-04-03', n := 5);
CREATE OR REPLACE MACRO top_sites(date_from, date_to, n := 10) AS TABLE
SELECT site,
       count(*) AS articles,
       count(*) FILTER (WHERE coalesce(is_original, true)) AS originals,
       round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS share_pct,
       min(published_at) AS first_published_at,
       max(published_at) AS last_published_at
FROM articles
WHERE crawl_date BETWEEN CAST(date_from AS DATE) AND CAST(date_to AS DATE)
GROUP BY site
ORDER BY articles DESC, site
LIMIT n;

-- Coverage of a keyword (case-insensitive substring, in title or body) per crawl day.
-- A keyword of letters, digits and underscores is looked up in the terms index (words that
-- contain it), which reads a few MB per day instead of every body. Days listed in
-- terms_missing (articles without their terms index) and keywords with other characters
-- scan the text with a case-insensitive regular expression instead; both give the same
-- counts.
--   SELECT * FROM keyword_coverage('election', '2022-04-01', '2022-04-03');
CREATE OR REPLACE MACRO keyword_coverage(keyword, date_from, date_to) AS TABLE
WITH per_day AS (
    SELECT crawl_date, count(*) AS articles
    FROM articles
    WHERE crawl_date BETWEEN CAST(date_from AS DATE) AND CAST(date_to AS DATE)
    GROUP BY crawl_date
), scanned AS (
    SELECT crawl_date,
           count(*) FILTER (WHERE regexp_matches(title, '(?i)' || regexp_escape(keyword))
                               OR regexp_matches(body, '(?i)' || regexp_escape(keyword)))
               AS matching
    FROM articles
    WHERE crawl_date BETWEEN CAST(date_from AS DATE) AND CAST(date_to AS DATE)
      AND (NOT regexp_full_match(keyword, '[\p{L}\p{N}_]+')
           OR crawl_date IN (SELECT crawl_date FROM terms_missing))
    GROUP BY crawl_date
), hits AS (
    SELECT crawl_date, count(DISTINCT struct_pack(p := producer, d := doc)) AS matching
    FROM (
        SELECT crawl_date, producer, unnest(docs) AS doc
        FROM terms
        WHERE crawl_date BETWEEN CAST(date_from AS DATE) AND CAST(date_to AS DATE)
          AND regexp_full_match(keyword, '[\p{L}\p{N}_]+')
          AND term <> '' AND contains(term, lower(keyword))
    )
    GROUP BY crawl_date
)
SELECT p.crawl_date AS day,
       p.articles,
       coalesce(s.matching, h.matching, 0) AS matching,
       round(100.0 * coalesce(s.matching, h.matching, 0) / p.articles, 2) AS share_pct
FROM per_day AS p
LEFT JOIN scanned AS s USING (crawl_date)
LEFT JOIN hits AS h USING (crawl_date)
ORDER BY day;
