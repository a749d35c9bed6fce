"""Batch-level checks: a source whose pages mostly fail extraction fails the whole batch."""

from __future__ import annotations

import pytest
from newslake.exceptions import ConfigError
from newslake.validate import ValidationConfig, validate_batch
from validate_helpers import CRAWL_DATE, make_tables

pytestmark = pytest.mark.integration


def run(tables, tmp_path, config=None):
    return validate_batch(tables, lake=str(tmp_path / "lake"), crawl_date=CRAWL_DATE,
                          run_id="run-b", config=config or ValidationConfig(),
                          build_docs=False)


def test_source_with_80_percent_empty_bodies_fails_the_batch(tmp_path):
    # beta: 10 articles + 40 empty-body rejections = 80% rejected; alpha: 10 clean articles
    tables = make_tables(20, rejections=40, reject_source="beta")
    result = run(tables, tmp_path)
    assert result.batch_failed
    (failure,) = result.failures
    assert "rejected_share_below_ceiling" in failure
    assert "beta: 40 of 50 pages rejected (80%)" in failure
    assert "alpha" not in failure
    log = [r for r in result.validation_log.to_pylist() if r["table_name"] == "source_quality"]
    assert len(log) == 1 and log[0]["success"] is False
    assert log[0]["severity"] == "fail" and log[0]["unexpected_count"] == 1
    # nothing is quarantined for a batch-level failure: the rows are all still there
    assert result.quarantine.num_rows == 0


def test_share_below_the_ceiling_passes(tmp_path):
    tables = make_tables(20, rejections=5, reject_source="beta")  # 5 of 15 = 33%
    result = run(tables, tmp_path)
    assert not result.batch_failed, result.failures


def test_ceiling_and_minimum_pages_are_configurable(tmp_path):
    tables = make_tables(20, rejections=5, reject_source="beta")
    strict = run(tables, tmp_path, ValidationConfig(max_rejected_share=0.2))
    assert strict.batch_failed and "beta: 5 of 15" in strict.failures[0]
    few = run(tables, tmp_path, ValidationConfig(max_rejected_share=0.2, min_source_pages=16))
    assert not few.batch_failed


def test_only_counted_reasons_make_the_share(tmp_path):
    tables = make_tables(20, rejections=40, rejection_reason="duplicate_url")
    config = ValidationConfig(share_reasons={"empty_after_boilerplate", "too_short"})
    assert not run(tables, tmp_path, config).batch_failed
    assert run(tables, tmp_path).batch_failed  # by default every extract-stage reason counts


def test_batch_level_check_can_be_downgraded_to_a_warning(tmp_path):
    tables = make_tables(20, rejections=40)
    config = ValidationConfig(severity={"rejected_share_below_ceiling": "warn"})
    result = run(tables, tmp_path, config)
    assert not result.batch_failed
    assert any("beta: 40 of 50" in w for w in result.warnings)


@pytest.mark.parametrize("kwargs, message", [
    ({"severity": {"title_not_null": "maybe"}}, "severity"),
    ({"max_rejected_share": 1.5}, "max_rejected_share"),
    ({"languages": "en"}, "collection"),
    ({"min_source_pages": 0}, "min_source_pages"),
])
def test_invalid_configuration_is_refused(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        ValidationConfig(**kwargs)


def test_override_of_an_unknown_expectation_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="no_such_check"):
        run(make_tables(4), tmp_path, ValidationConfig(severity={"no_such_check": "warn"}))
