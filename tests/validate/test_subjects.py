"""The subjects table is validated like the other child tables of articles."""

from __future__ import annotations

from newslake.lake import schema
from newslake.validate import ValidationConfig, validate_batch
from validate_helpers import CRAWL_DATE, make_tables


def test_bad_subject_rows_are_quarantined_and_good_ones_published(tmp_path) -> None:
    tables = make_tables(4)
    first = tables["articles"]["article_id"][0].as_py()
    tables["subjects"] = schema.conform("subjects", [
        {"article_id": first, "position": 0, "name": "Ann Lee", "kind": "person",
         "source": "jsonld"},
        {"article_id": first, "position": 1, "name": "Harbour", "kind": "gremlin",
         "source": "tags"},
        {"article_id": "no-such-article", "position": 0, "name": "NATO",
         "kind": "organization", "source": "page"},
    ])
    result = validate_batch(tables, lake=str(tmp_path / "lake"), crawl_date=CRAWL_DATE,
                            run_id="run-1", config=ValidationConfig(languages={"en", "de"}),
                            build_docs=False)
    assert result.tables["subjects"]["name"].to_pylist() == ["Ann Lee"]
    failed = {r["row_json"].split('"name": "')[1].split('"')[0]: set(r["failed_expectations"])
              for r in result.quarantine.to_pylist() if r["table_name"] == "subjects"}
    assert failed == {"Harbour": {"kind_in_set"}, "NATO": {"article_id_in_articles"}}
    assert "subjects" in set(result.validation_log["table_name"].to_pylist())
