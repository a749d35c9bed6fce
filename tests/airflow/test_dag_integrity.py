"""Every DAG file imports cleanly, touches no database or network at parse time, and
carries tags, an owner and retries."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAG_FILES = sorted((REPO / "dags").glob("*.py"))

# Parses one DAG file with sockets and the metadata database made unusable, then reports
# the DAGs it defines. Any connection attempt raises, which the import surfaces.
_PARSE = r"""
import importlib.util, json, socket, sys
def refuse(*args, **kwargs):
    raise RuntimeError("DAG file opened a network connection at parse time")
socket.socket.connect = refuse
socket.create_connection = refuse
import sqlalchemy.engine.base as engine_base
def no_db(*args, **kwargs):
    raise RuntimeError("DAG file queried the database at parse time")
engine_base.Connection.__init__ = no_db
spec = importlib.util.spec_from_file_location("dagfile", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import gc
from airflow.sdk.definitions.dag import DAG
dags = [o for o in gc.get_objects() if type(o) is DAG]
out = []
for dag in dags:
    out.append({
        "dag_id": dag.dag_id,
        "tags": sorted(dag.tags or []),
        "tasks": [
            {"task_id": t.task_id, "owner": t.owner, "retries": t.retries}
            for t in dag.tasks
        ],
    })
print("DAGS=" + json.dumps(out))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(tmp_path / "airflow"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{tmp_path}/absent/never.db",
        PYTHONPATH=os.pathsep.join([str(REPO / "plugins"), str(REPO / "dags")]),
        PYTHONWARNINGS="ignore",
    )
    return env


def parse_dag_file(path: Path, tmp_path: Path) -> list[dict]:
    """Parse ``path`` in a fresh interpreter; return its DAGs' tags, owners and retries."""
    proc = subprocess.run(
        [sys.executable, "-c", _PARSE, str(path)],
        capture_output=True, text=True, env=_env(tmp_path), timeout=120,
    )
    assert proc.returncode == 0, f"{path.name} failed to import:\n{proc.stderr[-3000:]}"
    line = next(x for x in proc.stdout.splitlines() if x.startswith("DAGS="))
    return json.loads(line[len("DAGS="):])


def check_dag_policy(dag: dict) -> list[str]:
    """Problems with a parsed DAG's tags, owners and retries, as clear messages."""
    problems = []
    if not dag["tags"]:
        problems.append(f"{dag['dag_id']}: no tags")
    for t in dag["tasks"]:
        where = f"{dag['dag_id']}.{t['task_id']}"
        if not t["owner"] or t["owner"] == "airflow":
            problems.append(f"{where}: owner not set (default_args['owner'])")
        retries = t["retries"]
        if retries is None:
            problems.append(f"{where}: retries not set")
        elif retries < 2:
            problems.append(f"{where}: retries={retries}, needs >= 2")
    return problems


def test_there_are_dag_files():
    assert {p.name for p in DAG_FILES} >= {"news_ingest.py", "warc_import.py"}


@pytest.mark.slow  # imports Airflow in a subprocess per DAG file
@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_imports_offline_with_policy(path: Path, tmp_path: Path):
    dags = parse_dag_file(path, tmp_path)
    assert dags, f"{path.name} defines no DAG"
    problems = [p for dag in dags for p in check_dag_policy(dag)]
    assert not problems, "\n".join(problems)


def test_policy_check_reports_missing_values_clearly():
    bad = {"dag_id": "d", "tags": [], "tasks": [
        {"task_id": "a", "owner": "airflow", "retries": None},
        {"task_id": "b", "owner": "x", "retries": 1},
    ]}
    assert check_dag_policy(bad) == [
        "d: no tags",
        "d.a: owner not set (default_args['owner'])",
        "d.a: retries not set",
        "d.b: retries=1, needs >= 2",
    ]


@pytest.mark.slow  # parses the DAG folder with Airflow's DagBag in a subprocess
def test_dagbag_has_no_import_errors(tmp_path: Path, monkeypatch):
    for key, value in _env(tmp_path).items():
        monkeypatch.setenv(key, value)
    proc = subprocess.run(
        [sys.executable, "-c",
         "from airflow.dag_processing.dagbag import DagBag;"
         f"b = DagBag(dag_folder={str(REPO / 'dags')!r});"
         "print('ERRORS', b.import_errors); print('IDS', sorted(b.dag_ids))"],
        capture_output=True, text=True, env=_env(tmp_path), timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "ERRORS {}" in proc.stdout, proc.stdout
    assert "news_ingest" in proc.stdout and "warc_import" in proc.stdout
    assert "feed_poll" in proc.stdout and "frontier_batch" in proc.stdout


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.stem)
def test_doc_md_is_written_for_operators(path: Path) -> None:
    """Markdown an operator can act on: what it does, settings or params, what to do when it
    fails; no reStructuredText roles (they show raw in the UI)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
               and any(getattr(t, "id", None) == "DOC_MD" for t in node.targets))
    assert "**What it does.**" in doc and "**When it fails.**" in doc
    assert "**Params**" in doc or "No params" in doc or "no params" in doc
    assert not re.search(r":(mod|func|class|meth|data|attr):`", doc), doc
    assert "``" not in doc
    assert "doc_md=DOC_MD" in path.read_text(encoding="utf-8")


_EDGES = r"""
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("dagfile", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import gc
from airflow.sdk.definitions.dag import DAG
dag = next(o for o in gc.get_objects() if type(o) is DAG)
print("EDGES=" + json.dumps({t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks}))
"""

DATA_FLOW = {
    "news_ingest.py": {
        "context": [],
        "close_frontier": ["context"],
        "sources": ["close_frontier", "context"],
        "discover": ["context", "sources"],
        "plan": ["context", "discover"],
        "fetch": ["context", "plan"],
        "extract": ["context", "fetch"],
        "dedup": ["context", "extract"],
        "validate": ["context", "dedup", "discover", "fetch"],
        "publish": ["context", "validate"],
        "lake_updated": ["close_frontier", "publish"],
    },
    "warc_import.py": {
        "files": [],
        "context": ["files"],
        "extract": ["context", "files"],
        "dedup": ["context", "extract"],
        "validate": ["context", "dedup"],
        "publish": ["context", "validate"],
    },
}
"""Each task's upstream tasks: exactly the tasks whose step results (or run context) it
takes as arguments."""


@pytest.mark.slow  # imports Airflow in a subprocess per DAG file
@pytest.mark.parametrize("name", sorted(DATA_FLOW))
def test_task_dependencies_are_the_data_flow(name: str, tmp_path: Path):
    proc = subprocess.run([sys.executable, "-c", _EDGES, str(REPO / "dags" / name)],
                          capture_output=True, text=True, env=_env(tmp_path), timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("EDGES="))
    assert json.loads(line[len("EDGES="):]) == DATA_FLOW[name]
