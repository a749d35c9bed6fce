"""Arguments shared by sub-commands."""

from __future__ import annotations

import argparse

from newslake.config import resolve_lake


def add_lake_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--lake PATH`` (default: ``$NEWSLAKE_LAKE``, else ``./lake``)."""
    parser.add_argument(
        "--lake",
        type=resolve_lake,
        default=None,
        help="lake root directory or s3:// URL (default: $NEWSLAKE_LAKE, else ./lake)",
    )


def lake_of(args: argparse.Namespace) -> str:
    """The resolved lake root of parsed arguments."""
    return args.lake or resolve_lake(None)
