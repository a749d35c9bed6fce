"""``newslake serve-demo``: serve the offline demo web until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from newslake.cli.common import add_date_argument


def register(subparsers: Any) -> None:
    """Add the ``serve-demo`` sub-command."""
    parser = subparsers.add_parser(
        "serve-demo", help="serve the offline demo web on 127.0.0.1",
        description="Serve the generated demo news sites from one address, routed by Host.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0,
                        help="port to bind (default: 0, any free port)")
    parser.add_argument("--port-file", type=Path, default=None,
                        help="also write HOST:PORT to this file once serving (default: none)")
    add_date_argument(parser, "--as-of", default=None,
                      help="serve feeds as of the end of this day (default: all days; change "
                           "it later with POST /_clock?date=DATE)")
    parser.add_argument("--access-log", action="store_true",
                        help="log requests to stderr (default: off)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Serve until a termination signal; returns the exit code."""
    from newslake_demo.server import DemoServer

    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    server = DemoServer(host=args.host, port=args.port, verbose=args.access_log,
                        as_of=args.as_of).start()
    try:
        if args.port_file:
            tmp = args.port_file.with_name(args.port_file.name + ".tmp")
            tmp.write_text(server.address + "\n")
            tmp.replace(args.port_file)
        print(f"serving demo web at http://{server.address}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("demo web stopped", file=sys.stderr)
    return 0
