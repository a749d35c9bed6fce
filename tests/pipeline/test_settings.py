"""One settings object: argument > environment > default, resolved once per run."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from newslake.config import DEFAULT_SOURCES, Settings, resolve_settings
from newslake.exceptions import ConfigError


def test_arguments_win_over_the_environment_which_wins_over_defaults(tmp_path, monkeypatch):
    for key in ("NEWSLAKE_LAKE", "NEWSLAKE_SOURCES", "NEWSLAKE_STAGING", "NEWSLAKE_CATALOG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    default = resolve_settings()
    assert default == Settings(lake=str(tmp_path / "lake"), sources=str(DEFAULT_SOURCES))
    env = {"NEWSLAKE_LAKE": "s3://bucket/lake/", "NEWSLAKE_SOURCES": "env.yaml",
           "NEWSLAKE_STAGING": str(tmp_path / "stage"), "NEWSLAKE_CATALOG": "postgres:db=x"}
    from_env = resolve_settings(environ=env)
    assert from_env == Settings("s3://bucket/lake", "env.yaml", str(tmp_path / "stage"),
                                "postgres:db=x")
    given = resolve_settings(lake="here", sources="arg.yaml", staging="st",
                             catalog="sqlite:/c.sqlite", environ=env)
    assert given == Settings(str(tmp_path / "here"), "arg.yaml", str(tmp_path / "st"),
                             "sqlite:/c.sqlite")
    assert Settings.from_dict(given.to_dict()) == given


def test_an_object_store_lake_needs_a_staging_root():
    with pytest.raises(ConfigError, match="NEWSLAKE_STAGING"):
        Settings("s3://b/lake", None).staging_root()
    assert Settings("s3://b/lake", None, staging="/shared").staging_root() == Path("/shared")


def test_a_worker_with_another_catalog_is_refused():
    settings = Settings("/lake", None, catalog="postgres:dbname=a")
    settings.check_catalog({"NEWSLAKE_CATALOG": "postgres:dbname=a"})
    with pytest.raises(ConfigError, match="same catalog"):
        settings.check_catalog({"NEWSLAKE_CATALOG": "postgres:dbname=b"})
    with pytest.raises(ConfigError, match="same catalog"):
        settings.check_catalog({})


def test_the_lake_default_is_the_same_for_the_cli_and_the_airflow_glue(tmp_path, monkeypatch):
    from newslake.cli import main
    from newslake_airflow.tasks import settings as airflow_settings

    monkeypatch.delenv("NEWSLAKE_LAKE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert airflow_settings().lake == str(tmp_path / "lake")
    assert main(["report"]) == 1  # no lake there yet: named in the one-line error
    assert not (tmp_path / "lake").exists()


def test_ingest_sources_default_to_the_environment(monkeypatch, tmp_path):
    from newslake.cli import main

    missing = tmp_path / "from-env.yaml"
    monkeypatch.setenv("NEWSLAKE_SOURCES", str(missing))
    assert main(["ingest", "--date", "2022-04-03", "--lake", str(tmp_path / "lake")]) == 1
    assert not os.path.exists(tmp_path / "lake" / "_staging" / str(date(2022, 4, 3)))


@pytest.mark.integration
def test_one_in_process_run_parses_its_sources_file_once(demo_address, tmp_path, monkeypatch):
    import newslake.sources as sources_module
    from newslake.pipeline import ingest_day
    from newslake_demo.sources import SOURCES as DEMO_SOURCES

    calls = []
    real = sources_module.load_sources
    monkeypatch.setattr(sources_module, "load_sources", lambda p: calls.append(p) or real(p))
    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", demo_address)
    info = ingest_day(str(tmp_path / "lake"), date(2022, 4, 2), str(DEMO_SOURCES))
    assert len(info.discover) > 1 and info.plan and info.plan.plan_files
    assert info.publish and info.publish.rows["articles"] > 0
    assert calls == [str(DEMO_SOURCES)]
