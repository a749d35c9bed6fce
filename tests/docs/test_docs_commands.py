"""Every shell command and DuckDB example of README.md and docs/*.md runs against the demo
lake (the lake ``make demo`` builds) as shown.

Commands run from a scratch copy of the repository layout whose ``./lake`` is a copy of the
demo lake, with ``.venv/bin`` on PATH and the demo web served. A query that prints no rows
fails: an example must show something. Transcripts of the ``duckdb`` CLI are run query by
query and their output compared with what the document shows; ``NEWSLAKE_DOCS_REGEN=1``
rewrites the documents' transcripts from the run instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from doc_blocks import (
    DOC_FILES,
    REPO,
    SHELL_TAGS,
    Block,
    blocks,
    commands,
    is_transcript,
    replace_outputs,
    transcript,
)
from newslake.lake.catalog import write_catalog

pytestmark = pytest.mark.timeout(900)

NOT_RUN: dict[str, str] = {
    "make demo": "backfills the news_ingest DAG through Airflow for three days (minutes); "
                 "tests/airflow/test_airflow_ui.py runs it and reads its runs in make airflow",
    "make test": "the test suite itself",
    "make check": "ruff and the tests not marked slow: this suite runs both (tests/"
                  "test_style.py runs ruff)",
    "make notebook": "serves Jupyter until stopped; tests/lake/test_notebook.py executes the "
                     "notebook and tests/lake/test_make_targets.py checks the target",
    "make airflow": "serves Airflow until stopped; tests/airflow/test_airflow_ui.py starts the "
                    "same services and browses them",
    ".venv/bin/python bench/": "a benchmark (minutes on the full data), not a test",
    "bash deploy/make-env.sh": "prepares the Docker Compose deployment, which needs a Docker "
                               "engine; tests/distributed/test_compose.py checks the files",
    "docker compose": "needs a Docker engine; tests/distributed/test_compose.py validates the "
                      "compose file",
    "TOKEN=$(curl": "talks to the Compose deployment's api-server on localhost:8080",
    "curl -s -X PATCH localhost:8080": "talks to the Compose deployment's api-server",
    "curl -s -X POST localhost:8080": "talks to the Compose deployment's api-server",
    "set -a; . ./.env": "reads the Compose deployment's .env (MinIO credentials)",
    "export AWS_ENDPOINT_URL=http://localhost:9000": "points at the Compose deployment's MinIO",
    "newslake sql --lake s3://newslake/lake": "reads the Compose deployment's MinIO lake",
    "NEWSLAKE_LAKE=/tmp/lake NEWSLAKE_SOURCES=include/newslake_demo/sources.yaml \\\n"
    "  .venv/bin/python deploy/cluster.py up": "starts a Celery cluster until stopped; "
                                               "tests/distributed start the same cluster",
}
"""Commands not run here, by their beginning, with the reason (and where they are tested)."""

LAYOUT = (".venv", "include", "dags", "plugins", "scripts", "bench", "deploy", "docs", "tests",
          "tools", "pyproject.toml", "Makefile", "requirements.lock")


def _not_run(command: str) -> str | None:
    return next((why for start, why in NOT_RUN.items() if command.startswith(start)), None)


def _shell_blocks() -> list[Block]:
    return [b for path in DOC_FILES for b in blocks(path) if b.tag in SHELL_TAGS]


def _transcripts() -> list[Block]:
    return [b for path in DOC_FILES for b in blocks(path) if is_transcript(b)]


@pytest.fixture
def workdir(demo_lake: Path, demo_address: str, tmp_path: Path):
    """A scratch checkout: the repository's files linked, ``./lake`` a copy of the demo lake.

    The demo web is shared by the session: a block that sets its clock (docs/DEMO.md) would
    change what later tests crawl, so the clock is reset after every block."""
    yield _workdir(demo_lake, demo_address, tmp_path)
    import urllib.request

    reset = urllib.request.Request(f"http://{demo_address}/_clock", data=b"", method="POST")
    with urllib.request.urlopen(reset, timeout=30) as response:
        assert response.status == 200


def _workdir(demo_lake: Path, demo_address: str, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    for name in LAYOUT:
        (tmp_path / name).symlink_to(REPO / name)
    shutil.copytree(demo_lake, tmp_path / "lake")
    write_catalog(str(tmp_path / "lake"))  # as make demo does: lake/newslake.sql
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSLAKE_", "AIRFLOW"))}
    env.update(PATH=f"{tmp_path / '.venv' / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}",
               NEWSLAKE_DEMO_ADDR=demo_address, NEWSLAKE_SOURCES=str(REPO / "include" / "demo"
                                                                      / "sources.yaml"))
    return tmp_path, env


def test_documents_have_commands_and_every_skip_is_used() -> None:
    every = [c for b in _shell_blocks() for c in commands(b)]
    assert len(every) >= 20
    unused = [start for start in NOT_RUN if not any(c.startswith(start) for c in every)]
    assert unused == [], "NOT_RUN lists commands no document shows any more"
    untagged = [b.where for path in DOC_FILES for b in blocks(path)
                if b.tag == "" and not is_transcript(b) and b.lines
                and b.lines[0].split()[0] in ("newslake", "make", "curl", "duckdb", "cd")]
    assert untagged == [], "a block of commands without a sh tag would not be run"


@pytest.mark.parametrize("block", _shell_blocks(), ids=lambda b: b.where)
def test_shell_block_runs(block: Block, workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    runnable = [c for c in commands(block) if _not_run(c) is None]
    if not runnable:
        pytest.skip("; ".join(sorted({_not_run(c) or "" for c in commands(block)})))
    for command in runnable:  # each from the checkout's root, as a reader types them
        proc = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=600, stdin=subprocess.DEVNULL)
        assert "Traceback" not in proc.stderr, proc.stderr
        shown = next((line for line in block.lines if line.startswith(command)), "")
        if "# refused" in shown:  # shown to fail: one line saying why, exit 1
            assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, (
                f"{block.where}:\n{command}\n{proc.stdout}\n{proc.stderr}")
            continue
        assert proc.returncode == 0, f"{block.where}:\n{command}\n{proc.stdout}\n{proc.stderr}"
        assert "(0 rows)" not in proc.stdout, f"{block.where}: {command} found nothing"


@pytest.mark.parametrize("block", _transcripts(), ids=lambda b: b.where)
def test_duckdb_transcript_shows_what_duckdb_prints(block: Block,
                                                    workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    opener, queries = transcript(block)
    assert opener == "duckdb -init lake/newslake.sql", opener
    assert queries
    outputs = []
    for query in queries:
        proc = subprocess.run(["duckdb", "-init", "lake/newslake.sql", "-c", query.sql],
                              cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)
        errors = [line for line in proc.stderr.splitlines() if not line.startswith("-- Loading")]
        assert proc.returncode == 0 and not errors, f"{query.sql}\n{proc.stderr}"
        assert "0 rows" not in proc.stdout, f"{block.where}: {query.sql} found nothing"
        outputs.append(proc.stdout.rstrip("\n"))
    if os.environ.get("NEWSLAKE_DOCS_REGEN"):
        replace_outputs(block, outputs)
        return
    for query, output in zip(queries, outputs, strict=True):
        assert output == query.shown, f"{block.where}: {query.sql}"
