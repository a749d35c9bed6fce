"""Arguments shared by sub-commands."""

from __future__ import annotations

import argparse
from datetime import date

from newslake.config import resolve_lake

DATE_FORMAT = "YYYY-MM-DD"


def parse_date(text: str) -> date:
    """A ``YYYY-MM-DD`` argument as a date; anything else is a one-line usage error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}: expected {DATE_FORMAT}") from None


def add_date_argument(parser: argparse.ArgumentParser, *flags: str, help: str,
                      **kwargs: object) -> None:
    """Add a date option: parsed by :func:`parse_date`, its format shown in the help."""
    kwargs.setdefault("metavar", DATE_FORMAT)
    parser.add_argument(*flags, type=parse_date, help=f"{help} ({DATE_FORMAT})", **kwargs)


def add_global_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """Add ``--lake`` and ``-v``: on the top parser with their defaults, on a sub-command
    without (``SUPPRESS``), so either place works and a value given before the
    sub-command is not reset by the sub-command's parser."""
    has = {s for action in parser._actions for s in action.option_strings}
    if "--lake" not in has:
        parser.add_argument(
            "--lake", type=resolve_lake, default=None if top else argparse.SUPPRESS,
            help="lake root directory or s3:// URL (default: $NEWSLAKE_LAKE, else ./lake)")
    if "--verbose" not in has:
        parser.add_argument("-v", "--verbose", action="store_true",
                            default=False if top else argparse.SUPPRESS,
                            help="log progress to stderr (default: warnings only)")


def add_lake_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--lake PATH`` to a sub-command (default: ``$NEWSLAKE_LAKE``, else ``./lake``)."""
    add_global_options(parser)


def lake_of(args: argparse.Namespace) -> str:
    """The resolved lake root of parsed arguments (the lake may not exist yet)."""
    return getattr(args, "lake", None) or resolve_lake(None)


def existing_lake_of(args: argparse.Namespace) -> str:
    """The lake root of parsed arguments; raises ``NoLakeError`` when it holds no lake."""
    from newslake.lake.location import require_lake

    return require_lake(lake_of(args))
