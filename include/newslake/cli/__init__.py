"""The ``newslake`` command: one sub-command module per concern.

Each module in ``COMMAND_MODULES`` defines ``register(subparsers)`` which adds its
sub-commands; a sub-command's handler takes the parsed ``argparse.Namespace`` and returns
an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from newslake import __version__
from newslake.cli.common import add_global_options
from newslake.exceptions import NewslakeError

COMMAND_MODULES: list[str] = [
    "newslake.cli.ingest",
    "newslake.cli.lake",
    "newslake.cli.terms",
    "newslake.cli.validate",
    "newslake.cli.demo",
    "newslake.cli.crawl",
]
"""Dotted names of the modules that register sub-commands, in help order."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="newslake", description="Keep and query a news-monitoring corpus."
    )
    parser.add_argument("--version", action="version", version=f"newslake {__version__}")
    add_global_options(parser, top=True)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    for command in subparsers.choices.values():  # before or after the sub-command
        add_global_options(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``newslake`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.handler(args) or 0)
    except NewslakeError as exc:
        print(f"newslake {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (``| head``) closed the pipe: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
