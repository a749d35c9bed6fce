"""Long work shows progress on a terminal and stays quiet in logs and pipes."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from newslake.progress import Progress

pytestmark = pytest.mark.timeout(600)
NEWSLAKE = Path(sys.executable).with_name("newslake")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_gives_records_rate_share_and_time_left(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    out = Terminal()
    progress = Progress("import", total_bytes=4_000_000, stream=out, interval=0)
    progress.started -= 10  # ten seconds in
    progress.position(1_000_000)
    progress.update(250)
    progress.close()
    text = out.getvalue()
    assert "import: 250 records, 25/s, 25% of 4.0 MB, ~30s left" in text
    assert text.endswith("\n")


def test_quiet_when_not_a_terminal_or_in_ci(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    plain = io.StringIO()
    progress = Progress("import", stream=plain, interval=0)
    progress.update(5)
    progress.close()
    assert plain.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    terminal = Terminal()
    progress = Progress("import", stream=terminal, interval=0)
    progress.update(5)
    progress.close()
    assert terminal.getvalue() == ""


def test_import_warc_shows_progress_only_on_a_terminal(demo_lake: Path, tmp_path: Path) -> None:
    warcs = sorted(str(p) for p in (demo_lake / "raw").rglob("ingest-*.warc.gz")
                   if "-feed-" not in p.name)[:2]
    assert warcs
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    args = [str(NEWSLAKE), "import-warc", *warcs, "--lake", str(tmp_path / "a")]

    piped = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""

    leader, follower = pty.openpty()
    proc = subprocess.Popen([*args[:-1], str(tmp_path / "b")], env=env, stdout=subprocess.PIPE,
                            stderr=follower, text=True)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    text = shown.decode()
    assert " records, " in text and "/s" in text and "% of " in text and "left" in text, text


def test_progress_by_count_for_work_of_known_size(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    out = Terminal()
    progress = Progress("migrate-lake", total=40, unit="day/producer parts", stream=out,
                        interval=0)
    progress.started -= 20
    progress.update(10)
    assert progress.line().startswith(
        "migrate-lake: 10 day/producer parts, 0.5/s, 25% of 40, ~1m00s left")
