"""The newslake command: every sub-command takes --lake; errors are messages, not tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newslake.cli import build_parser
from newslake.config import resolve_lake

NEWSLAKE = Path(sys.executable).with_name("newslake")


def test_every_command_takes_lake():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert {"ingest", "import-warc", "reextract", "report", "sql", "serve-demo"} <= set(commands)
    missing = [name for name, sub in commands.items()
               if not any("--lake" in a.option_strings for a in sub._actions)]
    assert missing == []


def test_lake_defaults_to_env_then_local_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSLAKE_LAKE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_lake(None) == str(tmp_path / "lake")
    monkeypatch.setenv("NEWSLAKE_LAKE", str(tmp_path / "elsewhere"))
    assert resolve_lake(None) == str(tmp_path / "elsewhere")
    assert resolve_lake("s3://bucket/lake/") == "s3://bucket/lake"


def test_import_warc_missing_file_is_a_message(tmp_path):
    proc = subprocess.run([str(NEWSLAKE), "import-warc", str(tmp_path / "none.warc.gz"),
                           "--lake", str(tmp_path / "lake")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_reextract_without_raw_files_is_a_message(tmp_path):
    lake = tmp_path / "lake"
    (lake / "articles").mkdir(parents=True)
    proc = subprocess.run([str(NEWSLAKE), "reextract", "--date", "2022-04-01",
                           "--lake", str(lake)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "no WARC files" in proc.stderr and "Traceback" not in proc.stderr


def test_reextract_where_no_lake_is(tmp_path):
    proc = subprocess.run([str(NEWSLAKE), "reextract", "--date", "2022-04-01",
                           "--lake", str(tmp_path / "lake")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr == f"newslake reextract: no lake at {tmp_path / 'lake'}\n"
