"""The ``newslake`` command as an analyst meets it: output formats, pipes, stdin, options
in either place, help texts, and a path that holds no lake."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from newslake.cli import build_parser, main
from newslake.cli.common import parse_date

pytestmark = [pytest.mark.timeout(120), pytest.mark.integration]
NEWSLAKE = Path(sys.executable).with_name("newslake")
TYPED = ("SELECT ['Jordan Wolman', 'A. N. Other'] AS authors, true AS ok, false AS bad, "
         "NULL::VARCHAR AS missing, 3 AS n, TIMESTAMPTZ '2022-04-01 10:00:00+00' AS posted, "
         "{'site': 'a.com', 'n': 2} AS info, 'say \"hi\", twice' AS text")


def run(*args: str, stdin: str | None = None, cwd: Path | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NEWSLAKE), *args], input=stdin, capture_output=True, text=True,
                          timeout=90, cwd=cwd, env=env)


def test_csv_reads_back_in_duckdb_and_pandas(small_lake: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", TYPED, "--format", "csv", "--lake", str(small_lake)]) == 0
    path = tmp_path / "out.csv"
    path.write_text(capsys.readouterr().out)

    frame = pd.read_csv(path)
    assert frame["ok"].dtype == bool and bool(frame["ok"][0]) and not bool(frame["bad"][0])
    assert json.loads(frame["authors"][0]) == ["Jordan Wolman", "A. N. Other"]
    assert json.loads(frame["info"][0]) == {"site": "a.com", "n": 2}
    assert pd.isna(frame["missing"][0]) and frame["n"][0] == 3
    assert frame["text"][0] == 'say "hi", twice'

    con = duckdb.connect()
    row = con.execute(
        "SELECT ok, bad, CAST(authors AS JSON)::VARCHAR[], missing, n, posted, info->>'site' "
        "FROM read_csv(?, header = true)", [str(path)]).fetchone()
    assert row[:5] == (True, False, ["Jordan Wolman", "A. N. Other"], None, 3)
    assert row[5].isoformat().startswith("2022-04-01T10:00:00") and row[6] == "a.com"


def test_table_shows_null_and_cuts_only_when_asked(small_lake: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT NULL AS nothing, repeat('x', 100) AS long, [1, 2] AS l, true AS b"
    assert main(["sql", query, "--lake", str(small_lake)]) == 0
    row = capsys.readouterr().out.splitlines()[2].split()
    assert row == ["NULL", "x" * 59 + "…", "[1,", "2]", "true"]
    assert main(["sql", query, "--wide", "--lake", str(small_lake)]) == 0
    assert "x" * 100 in capsys.readouterr().out
    assert main(["sql", query, "--max-width", "10", "--lake", str(small_lake)]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[1] == "x" * 9 + "…"


def test_query_from_standard_input(small_lake: Path) -> None:
    proc = run("sql", "-", "--format", "json", "--lake", str(small_lake),
               stdin="SELECT count(*) AS n\nFROM articles\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"n": 9}]


def test_global_options_before_or_after_the_command(small_lake: Path) -> None:
    query = "SELECT count(*) AS n FROM articles"
    for args in (["--lake", str(small_lake), "sql", query],
                 ["sql", query, "--lake", str(small_lake)],
                 ["-v", "sql", "-v", "--lake", str(small_lake), query]):
        proc = run(*args, "--format", "csv")
        assert (proc.returncode, proc.stdout) == (0, "n\n9\n"), (args, proc.stderr)


def test_piping_into_head_ends_quietly(small_lake: Path) -> None:
    proc = subprocess.run(
        f"'{NEWSLAKE}' sql --format csv --lake '{small_lake}' "
        "'SELECT * FROM range(200000)' | head -n 2",
        shell=True, capture_output=True, text=True, timeout=90)
    assert proc.stdout == "range\n0\n"
    assert proc.stderr == ""


@pytest.mark.parametrize("args", [
    ["sql", "SELECT 1"], ["search", "anything"], ["report"], ["catalog"],
    ["index-terms"], ["validate", "--date", "2022-04-01"], ["reextract", "--date", "2022-04-01"],
])
def test_no_lake_here_is_an_error_and_creates_nothing(tmp_path: Path, args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEWSLAKE_LAKE"}
    proc = run(*args, cwd=tmp_path, env=env)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"newslake {args[0]}: no lake at {tmp_path / 'lake'}\n"
    assert list(tmp_path.iterdir()) == []
    proc = run(*args, "--lake", str(tmp_path / "typo"), cwd=tmp_path, env=env)
    assert proc.stderr == f"newslake {args[0]}: no lake at {tmp_path / 'typo'}\n"
    assert list(tmp_path.iterdir()) == []


def _options() -> list[tuple[str, argparse.Action]]:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    found = [("newslake", a) for a in parser._actions]
    found += [(name, a) for name, sub in commands.items() for a in sub._actions]
    skip = argparse._HelpAction | argparse._VersionAction
    return [(name, a) for name, a in found if a.option_strings and not isinstance(a, skip)]


def test_every_option_says_its_default_and_every_date_its_format() -> None:
    options = _options()
    assert len(options) > 30
    silent = [f"{cmd} {a.option_strings[-1]}" for cmd, a in options
              if not a.required and "default" not in (a.help or "")]
    assert silent == []
    dates = [(cmd, a) for cmd, a in options
             if a.type is parse_date or "--date" in a.option_strings]
    assert len(dates) >= 8
    assert [f"{cmd} {a.option_strings[-1]}" for cmd, a in dates
            if "YYYY-MM-DD" not in (a.help or "") or a.metavar != "YYYY-MM-DD"] == []


def test_bad_date_says_the_expected_format() -> None:
    proc = run("search", "x", "--from", "1/4/2022")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        "newslake search: error: argument --from: invalid date '1/4/2022': expected YYYY-MM-DD")
    proc = run("ingest", "--date", "2022-02-30")
    assert proc.stderr.splitlines()[-1].endswith("invalid date '2022-02-30': expected YYYY-MM-DD")
