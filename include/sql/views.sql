-- Views over the base table views. The base views (one per lake table, named after it,
-- reading '<table>/crawl_date=*/*.parquet' with crawl_date as DATE) are generated from
-- newslake.lake.schema; the stories base view is named stories_history.

-- stories: the latest row of each story across days (a story seen again on a later
-- day is recomputed there, so the latest row has the current copy count).
CREATE OR REPLACE VIEW stories AS
SELECT * EXCLUDE (row_rank)
FROM (
    SELECT *,
           row_number() OVER (
               PARTITION BY story_id
               ORDER BY crawl_date DESC, updated_at DESC NULLS LAST
           ) AS row_rank
    FROM stories_history
)
WHERE row_rank = 1;
