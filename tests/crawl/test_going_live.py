"""README's "Going live" commands, run as written."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _block() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text.split("## Going live", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return code.replace("\\\n", " ").strip().splitlines()


def test_going_live_commands(tmp_path):
    (tmp_path / "include").symlink_to(REPO / "include")
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    env = {k: v for k, v in os.environ.items() if k != "NEWSLAKE_CONTACT_URL"}
    make, refused, accepted = _block()
    assert subprocess.run(make, shell=True, cwd=tmp_path, env=env).returncode == 0
    out = subprocess.run(refused.split("#")[0], shell=True, cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "example contact URL" in lines[0], out.stderr
    where = r"^newslake sources: live-sources\.yaml:\d+: sources\[0\]\.url: "
    assert re.match(where, lines[0]), lines
    ok = subprocess.run(accepted.split("#")[0], shell=True, cwd=tmp_path, env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "7 sources, 7 enabled" in ok.stdout and "newsroom.my-university.edu" in ok.stdout
