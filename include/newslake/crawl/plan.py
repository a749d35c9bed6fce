"""Crawl planning: merge the candidates of a run's sources and split them into fetch batches.

Batches are bounded in size and number (:func:`batch_size`) and spread over many hosts
(:func:`interleave_by_host`), so per-host politeness does not serialise a batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain, zip_longest
from typing import Any

MIN_BATCH_SIZE = 25
"""Fewest URLs in a fetch batch: smaller batches cost more in task overhead than they save."""
MAX_BATCHES = 32
"""Most fetch batches of a run: beyond this, batches grow instead (bounded task count)."""

Candidate = dict[str, Any]


def batch_size(candidates: int) -> int:
    """URLs per fetch batch: at least ``MIN_BATCH_SIZE``, and at most ``MAX_BATCHES`` batches."""
    return max(MIN_BATCH_SIZE, -(-candidates // MAX_BATCHES))


def merge_candidates(lists: Iterable[Iterable[Candidate]]) -> list[Candidate]:
    """The candidates of every list in order, each canonical URL once (its first)."""
    from newslake.dedup import canonicalize_url

    seen: set[str] = set()
    merged: list[Candidate] = []
    for candidates in lists:
        for candidate in candidates:
            key = canonicalize_url(candidate["url"])
            if key not in seen:
                seen.add(key)
                merged.append(candidate)
    return merged


def interleave_by_host(candidates: list[Candidate]) -> list[Candidate]:
    """Round-robin the candidates over their hosts, so every batch spreads over many hosts
    and per-host politeness does not serialise a batch."""
    from newslake.ids import registered_site

    per_host: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        per_host.setdefault(registered_site(candidate["url"]), []).append(candidate)
    rounds = zip_longest(*per_host.values())
    return [c for c in chain.from_iterable(rounds) if c is not None]


def plan_batches(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Interleave ``candidates`` over their hosts and cut them into fetch batches."""
    ordered = interleave_by_host(candidates)
    size = batch_size(len(ordered))
    return [ordered[i: i + size] for i in range(0, len(ordered), size)]
