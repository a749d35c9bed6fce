"""Code blocks of README.md and docs/*.md: the shell commands and the DuckDB transcripts.

A fenced block tagged ``sh``, ``bash`` or ``console`` is a list of shell commands (a command
continues over lines while a quote or a trailing backslash is open). An untagged block whose
first line starts with ``$ `` is a transcript of the ``duckdb`` CLI: ``D <query>`` lines,
each followed by the output DuckDB printed.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC_FILES = (REPO / "README.md", *sorted((REPO / "docs").glob("*.md")))
SHELL_TAGS = ("sh", "bash", "console", "shell")
_FENCE = re.compile(r"^(?P<indent> *)```(?P<tag>\S*)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its tag and its lines."""

    path: Path
    line: int  # 1-based line of the opening fence
    tag: str
    lines: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


@dataclass(frozen=True)
class Query:
    """A ``D <query>`` of a transcript and the output shown under it."""

    sql: str
    shown: str


def blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file."""
    found: list[Block] = []
    tag, start, body, indent = None, 0, [], ""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _FENCE.match(line)
        if tag is None and match:
            tag, start, body, indent = match.group("tag"), n, [], match.group("indent")
        elif tag is not None and line.strip().startswith("```"):
            found.append(Block(path, start, tag, tuple(body)))
            tag = None
        elif tag is not None:
            body.append(line.removeprefix(indent))
    return found


def _strip_comment(command: str) -> str:
    """``command`` without a trailing ``# comment`` (outside quotes)."""
    quote, out = None, []
    for i, ch in enumerate(command):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or command[i - 1].isspace()):
            break
        out.append(ch)
    return "".join(out).rstrip()


def commands(block: Block) -> list[str]:
    """The shell commands of a shell block, comments removed."""
    found: list[str] = []
    pending = ""
    for line in block.lines:
        pending = f"{pending}\n{line}" if pending else line
        if pending.rstrip().endswith("\\"):
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the command goes on
            continue
        command = _strip_comment(pending).strip()
        if command:
            found.append(command)
        pending = ""
    if pending.strip():
        found.append(pending.strip())
    return found


def is_transcript(block: Block) -> bool:
    """An untagged block showing a ``duckdb`` session."""
    return block.tag == "" and bool(block.lines) and block.lines[0].startswith("$ ")


def transcript(block: Block) -> tuple[str, list[Query]]:
    """The command that opens the session and its queries with their shown output."""
    opener = block.lines[0][2:]
    queries: list[Query] = []
    sql, shown = None, []
    for line in block.lines[1:]:
        if line.startswith("D "):
            if sql is not None:
                queries.append(Query(sql, "\n".join(shown)))
            sql, shown = line[2:], []
        else:
            shown.append(line)
    if sql is not None:
        queries.append(Query(sql, "\n".join(shown)))
    return opener, queries


def replace_outputs(block: Block, outputs: list[str]) -> None:
    """Write ``outputs`` under the queries of a transcript block, in its file."""
    text = block.path.read_text(encoding="utf-8").split("\n")
    opener, queries = transcript(block)
    body = [f"$ {opener}"]
    for query, output in zip(queries, outputs, strict=True):
        body += [f"D {query.sql}", *output.rstrip("\n").split("\n")]
    start = block.line  # index of the first body line (the fence is at line - 1)
    text[start:start + len(block.lines)] = body
    block.path.write_text("\n".join(text), encoding="utf-8")
