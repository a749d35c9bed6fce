"""Step results: JSON round trips, stages reading exactly the files their inputs name, and
one parse of the sources file per run context."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from newslake.config import Settings
from newslake.exceptions import StageFailed
from newslake.lake import schema
from newslake.pipeline import stages
from newslake.pipeline.results import (
    STEP_RESULTS,
    ClaimStep,
    DedupStep,
    DiscoverStep,
    ExtractStep,
    FetchStep,
    MicroBatchStep,
    PlanStep,
    PublishStep,
    SourcesStep,
    StepResult,
    ValidateStep,
)
from newslake.pipeline.staging import RunContext, write_json, write_table

DAY = date(2022, 4, 3)

SAMPLES: dict[type[StepResult], StepResult] = {
    SourcesStep: SourcesStep("/s/sources.yaml", ("politico", "newsbreak")),
    DiscoverStep: DiscoverStep("politico", "/st/discover/politico.json",
                               "/st/discover/politico.fetch_log.parquet", 12, False),
    PlanStep: PlanStep(("/st/discover/politico.json",), ("/st/plan/0000.json",), 12),
    FetchStep: FetchStep("0000", "/st/plan/0000.json", "s3://b/raw/x-0000.warc.gz",
                         "/st/fetch/0000.fetch_log.parquet", 12, 11),
    ExtractStep: ExtractStep("0000", ("/st/plan/0000.json", "/raw/x.warc.gz"),
                             {"articles": "/st/extract/0000.articles.parquet"}, 9, 2,
                             skipped_non_html=1, unusable_records=1,
                             records={"records": 30, "skipped:invalid_url": 1}),
    DedupStep: DedupStep(("/st/extract/0000.articles.parquet",),
                         {"articles": "/st/dedup/articles.parquet"}, 9, 7, 2, 0),
    ValidateStep: ValidateStep(("/st/dedup/articles.parquet",),
                               {"articles": "/st/validate/articles.parquet"}, 1, 40, 1,
                               docs="/lake/_docs/index.html"),
    PublishStep: PublishStep(("/st/validate/articles.parquet",), "2022-04-03",
                             {"articles": 8, "quarantine": 1}, 17),
    ClaimStep: ClaimStep("scheduled__2022-04-03T01_05_00_00_00", "2022-04-03", 12),
    MicroBatchStep: MicroBatchStep("scheduled__2022-04-03T01_05_00_00_00", "2022-04-03", 12,
                                   11, 9, {"published": 9, "rejected": 2, "not_fetched": 1}),
}


def test_every_step_result_has_a_sample():
    assert set(SAMPLES) == set(STEP_RESULTS)


@pytest.mark.parametrize("cls", STEP_RESULTS, ids=lambda c: c.__name__)
def test_step_results_round_trip_through_json(cls):
    sample = SAMPLES[cls]
    data = json.loads(json.dumps(sample.to_xcom()))
    back = cls.from_xcom(data)
    assert back == sample and type(back) is cls


def test_a_result_with_unknown_or_missing_keys_is_refused():
    data = SAMPLES[FetchStep].to_xcom()
    with pytest.raises(ValueError, match="unknown keys \\['extra'\\]"):
        FetchStep.from_xcom({**data, "extra": 1})
    del data["warc_file"]
    with pytest.raises(ValueError, match="missing keys \\['warc_file'\\]"):
        FetchStep.from_xcom(data)


def _ctx(tmp_path: Path, sources: str | None = None) -> RunContext:
    return RunContext(Settings(str(tmp_path / "lake"), sources), DAY, run_id="r1")


def _extracted(ctx: RunContext, name: str, rows: list[dict]) -> ExtractStep:
    files = {}
    for table in schema.EXTRACTED_TABLES:
        files[table] = str(ctx.path("extract", f"{name}.{table}.parquet"))
        write_table(Path(files[table]), schema.conform(table, rows if table == "articles"
                                                       else []))
    return ExtractStep(name=name, read=(), files=files, articles=len(rows), rejections=0)


def test_dedup_fails_naming_a_missing_file_its_input_names(tmp_path):
    ctx = _ctx(tmp_path)
    first = _extracted(ctx, "0000", [])
    second = _extracted(ctx, "0001", [])
    Path(second.files["quotes"]).unlink()
    with pytest.raises(StageFailed, match="0001.quotes.parquet"):
        stages.stage_dedup(ctx, [first, second])


def test_dedup_reads_only_the_batches_it_is_given(tmp_path):
    from dedup_rows import article, random_body

    ctx = _ctx(tmp_path)
    given = _extracted(ctx, "0000", [article("https://a.example/x", random_body(1, 300))])
    _extracted(ctx, "0001", [article("https://b.example/y", random_body(2, 300))])  # not given
    deduped = stages.stage_dedup(ctx, [given])
    assert deduped.articles == 1
    assert deduped.read == tuple(given.files[t] for t in schema.EXTRACTED_TABLES)


def test_validate_fails_naming_a_missing_fetch_log_file(tmp_path):
    ctx = _ctx(tmp_path)
    deduped = stages.stage_dedup(ctx, [_extracted(ctx, "0000", [])])
    fetched = FetchStep("0000", "/nowhere/plan.json", "/nowhere/x.warc.gz",
                        str(ctx.staging / "fetch" / "0000.fetch_log.parquet"), 0, 0)
    with pytest.raises(StageFailed, match="0000.fetch_log.parquet"):
        stages.stage_validate(ctx, deduped, fetched=[fetched])


def test_publish_fails_naming_a_missing_validated_file(tmp_path):
    ctx = _ctx(tmp_path)
    validated = ValidateStep((), {"articles": str(ctx.staging / "validate" / "articles.parquet")},
                             0, 0, 0)
    with pytest.raises(StageFailed, match="validate/articles.parquet"):
        stages.stage_publish(ctx, validated)
    from newslake.lake import ducklake

    assert not ducklake.exists(ctx.lake) or not ducklake.connect(ctx.lake).execute(
        "SELECT count(*) FROM lake.articles").fetchone()[0]


def test_extract_fails_naming_a_missing_plan_file(tmp_path):
    ctx = _ctx(tmp_path)
    fetched = FetchStep("0003", str(ctx.staging / "plan" / "0003.json"), "/x.warc.gz",
                        "/x.parquet", 1, 1)
    with pytest.raises(StageFailed, match="plan/0003.json"):
        stages.stage_extract(ctx, fetched)


def test_plan_reads_the_candidate_files_of_its_inputs(tmp_path):
    ctx = _ctx(tmp_path)
    files = []
    for source, urls in (("a", ["https://a.example/1", "https://a.example/2"]),
                         ("b", ["https://b.example/1", "https://a.example/1?utm_source=x"])):
        path = ctx.path("discover", f"{source}.json")
        write_json(path, [{"url": u, "source_id": source} for u in urls])
        files.append(DiscoverStep(source, str(path), "/unused", len(urls), False))
    planned = stages.stage_plan(ctx, files)
    assert planned.read == (files[0].candidates_file, files[1].candidates_file)
    assert planned.candidates == 3 and len(planned.plan_files) == 1
    Path(files[1].candidates_file).unlink()
    with pytest.raises(StageFailed, match="discover/b.json"):
        stages.stage_plan(ctx, files)


def test_the_sources_file_is_parsed_once_per_context(tmp_path, monkeypatch):
    import os

    import newslake.sources as sources_module

    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - id: a\n    url: https://a.example/feed.xml\n"
                    "    site: a.example\n    language: fr\n    enabled: false\n",
                    encoding="utf-8")
    calls = []
    real = sources_module.load_sources
    monkeypatch.setattr(sources_module, "load_sources",
                        lambda p: calls.append(p) or real(p))
    ctx = _ctx(tmp_path, str(path))
    assert ctx.sources() is ctx.sources()
    assert stages.configured_languages(ctx) == frozenset({"fr"})
    assert len(calls) == 1
    os.utime(path, ns=(0, 0))  # the file changed: parsed again
    ctx.sources()
    assert len(calls) == 2
