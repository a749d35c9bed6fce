"""From verified pairs to stories: copies and versions first, then short pages, one story each.

Two kinds of pair put two pages in one story (:meth:`DedupConfig.relation`):

- *mutual*: both pages carry most of each other's text (copies, write-throughs); these are
  joined unconditionally;
- *contained*: the shorter page lies in the longer one, which adds text of its own (a stub, a
  single entry of a live thread, a truncated copy). A short page can lie in several stories at
  once: a stub made of a wire story's first paragraphs also lies in a commentary quoting those
  paragraphs. Joining it to both would merge the commentary with the wire story, so each group
  of short pages joins the one story that contains it best: most support (sum of containment
  over the pages of that story holding it), then the larger story. And it joins only a story
  that holds it whole: if one of its pages lies only partly in that story (an excerpt pair),
  the story is quoting it (a commentary holding an early version of a wire story whole and a
  later one in part), not continuing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from newslake.dedup.config import DedupConfig


class Components:
    """Union-find over nodes (batch articles, then history stories); nodes carrying a story id
    never merge with nodes of another story id."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.story: dict[int, str] = {}

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        sa, sb = self.story.get(ra), self.story.get(rb)
        if sa is not None and sb is not None and sa != sb:
            return
        self.parent[rb] = ra
        if sa is None and sb is not None:
            self.story[ra] = sb


def join(comps: Components, pairs: Iterable[tuple], config: DedupConfig) -> None:
    """Union the verified pairs ``(node_a, node_b, share_a, share_b[, one_site])`` that make
    one story (``one_site``: both pages of one site, see :meth:`DedupConfig.relation`)."""
    contained, excerpts = [], []
    for a, b, share_a, share_b, *site in pairs:
        one_site = bool(site and site[0])
        relation = config.relation(share_a, share_b, one_site)
        if relation == "excerpt":
            excerpts.append((a, b))
        elif relation == "story" and (min(share_a, share_b) >= config.mutual or one_site):
            comps.union(a, b)
        elif relation == "story":  # the page with the higher share is the shorter one
            contained.append((a, b, share_a) if share_a >= share_b else (b, a, share_b))
    size: dict[int, int] = defaultdict(int)
    for node in range(len(comps.parent)):
        size[comps.find(node)] += 1
    support: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    inside: dict[tuple[int, int], set[int]] = defaultdict(set)  # (source, target): pages held
    for short, long, score in contained:
        source, target = comps.find(short), comps.find(long)
        if source != target:
            support[source][target] += score
            inside[source, target].add(short)
    partial: dict[tuple[int, int], set[int]] = defaultdict(set)  # pages only partly held
    for a, b in excerpts:
        ra, rb = comps.find(a), comps.find(b)
        partial[ra, rb].add(a)
        partial[rb, ra].add(b)
    for source in sorted(support):
        targets = {t: v for t, v in support[source].items()
                   if partial[source, t] <= inside[source, t]}
        if targets:
            best = max(targets, key=lambda t: (targets[t], size[t], -t))
            comps.union(best, source)
