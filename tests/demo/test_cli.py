"""``newslake serve-demo`` as a subprocess: prints its address first, stops on SIGTERM."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
from pathlib import Path


def test_serve_demo_port_zero(tmp_path: Path) -> None:
    port_file = tmp_path / "addr"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from newslake.cli import main; raise SystemExit(main())",
         "serve-demo", "--port", "0",
         "--port-file", str(port_file), "--as-of", "2022-04-02"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("serving demo web at http://127.0.0.1:"), line
        address = line.rsplit("/", 1)[1]
        assert port_file.read_text().strip() == address
        ip, port = address.split(":")
        conn = http.client.HTTPConnection(ip, int(port), timeout=5)
        conn.request("GET", "/rss.xml", headers={"Host": "www.lakesidegazette.com.au"})
        resp = conn.getresponse()
        assert resp.status == 200 and b"<rss" in resp.read()
        conn.request("GET", "/_clock", headers={"Host": address})
        assert json.loads(conn.getresponse().read()) == {"as_of": "2022-04-02"}
        conn.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stdout.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
