"""DAG integrity of the polling DAGs and the daily close: a few tasks whatever the number of
sources, the retry policy, and the lake asset updated once the day is closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_dag_integrity import REPO, check_dag_policy, parse_dag_file

pytestmark = pytest.mark.slow  # imports Airflow in a subprocess per DAG file


@pytest.mark.parametrize(("name", "tasks"), [
    ("feed_poll", ["poll"]),
    ("frontier_batch", ["context", "claim", "process"]),
])
def test_polling_dags_have_a_few_tasks_whatever_the_sources(name: str, tasks: list[str],
                                                         tmp_path: Path) -> None:
    dags = parse_dag_file(REPO / "dags" / f"{name}.py", tmp_path)
    assert [d["dag_id"] for d in dags] == [name]
    assert [t["task_id"] for t in dags[0]["tasks"]] == tasks
    assert check_dag_policy(dags[0]) == []
    assert "frontier" in dags[0]["tags"]


def test_news_ingest_closes_the_frontier_first_and_updates_the_lake_last(tmp_path: Path):
    dags = parse_dag_file(REPO / "dags" / "news_ingest.py", tmp_path)
    ids = [t["task_id"] for t in dags[0]["tasks"]]
    assert {"close_frontier", "sources", "publish", "lake_updated"} <= set(ids)
    assert check_dag_policy(dags[0]) == []
    text = (REPO / "dags" / "news_ingest.py").read_text()
    assert text.count("outlets=[LAKE_ASSET]") == 1
    assert "def lake_updated" in text.split("outlets=[LAKE_ASSET]", 1)[1].split("\n")[1]


def test_polls_and_batches_meet_on_the_utc_grid():
    from newslake_airflow.schedules import every_minutes_cron

    assert every_minutes_cron(10) == "0-59/10 * * * *"
    assert every_minutes_cron(60, 5) == "5 * * * *"
    assert every_minutes_cron(30, 5) == "5-59/30 * * * *"
    assert every_minutes_cron(120, 5) == "5 */2 * * *"
    for bad in ((45, 0), (60, 60), (0, 0), (7 * 60, 5)):
        with pytest.raises(ValueError):
            every_minutes_cron(*bad)


def test_ingest_end_date_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from newslake_airflow.schedules import INGEST_END_DATE_ENV, ingest_end_date

    monkeypatch.delenv(INGEST_END_DATE_ENV, raising=False)
    assert ingest_end_date() is None
    monkeypatch.setenv(INGEST_END_DATE_ENV, " ")
    assert ingest_end_date() is None
    monkeypatch.setenv(INGEST_END_DATE_ENV, "2022-04-03")
    assert ingest_end_date() == datetime(2022, 4, 3, tzinfo=UTC)
    monkeypatch.setenv(INGEST_END_DATE_ENV, "April 3rd")
    with pytest.raises(ValueError, match="NEWSLAKE_INGEST_END_DATE='April 3rd'"):
        ingest_end_date()


def test_news_ingest_with_an_end_date_schedules_no_later_day(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    """What the demo relies on: unpaused, the DAG gets no run for today."""
    import importlib.util
    from datetime import UTC, datetime

    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import TimeRestriction

    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("NEWSLAKE_INGEST_END_DATE", "2022-04-03")
    spec = importlib.util.spec_from_file_location("news_ingest_dag",
                                                  REPO / "dags" / "news_ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.news_ingest()
    assert dag.end_date == datetime(2022, 4, 3, tzinfo=UTC)
    timetable = coerce_to_core_timetable(dag.timetable)
    pinned = TimeRestriction(dag.start_date, dag.end_date, catchup=False)
    assert timetable.next_dagrun_info(last_automated_data_interval=None,
                                      restriction=pinned) is None
    open_ended = TimeRestriction(dag.start_date, None, catchup=False)
    assert timetable.next_dagrun_info(last_automated_data_interval=None,
                                      restriction=open_ended) is not None
