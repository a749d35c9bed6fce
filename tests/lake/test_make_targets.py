"""``make notebook`` opens the research notebook in JupyterLab on 127.0.0.1, on the lake."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.timeout(900), pytest.mark.integration]
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_notebook_without_a_lake_says_so(tmp_path: Path) -> None:
    env = dict(os.environ, NEWSLAKE_LAKE=str(tmp_path / "nothing"))
    proc = subprocess.run(["make", "--no-print-directory", "notebook"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert f"no lake at {tmp_path / 'nothing'}: run make demo first" in proc.stderr


def test_make_notebook_serves_the_notebook_on_loopback(small_lake: Path) -> None:
    port = free_port()
    env = dict(os.environ, NEWSLAKE_LAKE=str(small_lake), NOTEBOOK_PORT=str(port),
               JUPYTER_RUNTIME_DIR=str(small_lake.parent / "jupyter-runtime"))
    proc = subprocess.Popen(["make", "--no-print-directory", "notebook"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        seen = []
        deadline = time.monotonic() + 600
        url = None
        while time.monotonic() < deadline and url is None:
            line = proc.stdout.readline()
            assert line, "make notebook stopped:\n" + "".join(seen)
            seen.append(line)
            match = re.search(rf"(http://127\.0\.0\.1:{port}/lab\S*\?token=\w+)", line)
            url = match.group(1) if match else None
        assert url, "".join(seen)
        assert f"research notebook on the lake {small_lake}" in "".join(seen)
        token = url.rsplit("token=", 1)[1]
        page = f"http://127.0.0.1:{port}/api/contents/include/notebooks/research.ipynb"
        for _ in range(120):  # the URL is printed as the server starts listening
            try:
                with urllib.request.urlopen(f"{page}?token={token}&content=0",
                                            timeout=60) as response:
                    assert response.status == 200
                    break
            except urllib.error.URLError:
                time.sleep(1)
        else:
            pytest.fail(f"nothing answers at {page}:\n" + "".join(seen))
        listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        ours = [r.split()[3] for r in listening.splitlines() if r.split()[3].endswith(f":{port}")]
        assert ours and all(a.startswith("127.0.0.1:") for a in ours), ours
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
