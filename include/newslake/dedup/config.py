"""Settings of near-duplicate detection, validated on construction."""

from __future__ import annotations

from dataclasses import dataclass

from newslake.exceptions import ConfigError


@dataclass(frozen=True)
class DedupConfig:
    """How syndicated copies are found and grouped into stories.

    Texts are compared on their article text (:mod:`newslake.dedup.text`: no captions,
    credits, share lines, bylines, datelines or site furniture). For a pair, each page's
    *share* is the part of its shingles found in the other.

    - ``threshold``: minimum containment (the larger share: how much of the shorter text lies
      in the other) for two articles to be the same story. Lower finds more heavily edited or
      truncated copies and risks merging articles that share long passages (quotes, press
      releases); higher keeps only near-verbatim copies.
    - ``contained``: a shorter text this much contained in the other joins its story whatever
      the longer one adds (a stub that became a full story, one entry of a live thread, a
      truncated copy).
    - ``mutual``: otherwise both shares must reach this (copies and write-throughs share most
      of their text both ways). A pair above ``threshold`` that meets neither is an excerpt:
      the longer page embeds the shorter inside substantial text of its own; it keeps its own
      story and records ``excerpt_of``; two pages of one site above ``threshold`` are one
      story (a site rewrites its own story; it does not quote it).
    - ``excerpt_min``: smallest quoted share recorded as an excerpt link.
    - ``version_split``, ``version_kept``: two pages of one story carry the same text (one
      ``story_version``) when the smaller share reaches ``version_split`` (little added or
      trimmed) and the larger reaches ``version_kept`` (the shorter text unchanged: a
      write-through rewrites its lede, a copy does not).
    - ``min_text_words``: a page whose body had at least this many words but whose article
      text has fewer (headline and captions only) is rejected as ``not_article``.
    - ``window_days``: how many days of lake history a new batch is compared against. Cost and
      index size grow linearly with it; copies published later than this are new stories.
    - ``shingle_size``: words per shingle. Smaller matches looser rewording but raises chance
      overlap between different articles; larger needs longer verbatim runs.
    - ``num_perm``, ``bands``, ``rows``: MinHash signature length (one-permutation hashing
      bins) and LSH banding (``bands * rows <= num_perm``). A pair becomes a candidate when
      one band of ``rows`` values agrees: probability ``1 - (1 - J**rows)**bands`` at
      Jaccard ``J`` (0.998 at J=0.3 with the defaults, since a copy truncated to a third of
      its original has J near 0.3). Fewer rows catch such low-Jaccard copies at the price of
      more candidates to verify; every candidate is verified with exact containment. More
      bands cost index space (8 bytes per band and article).
    - ``min_words``: bodies shorter than this get no band keys and join a story only when
      their text lies in a page of it (``contained``), found by sentence anchors
      (:mod:`newslake.dedup.anchors`): too little text to tell a copy from a coincidence
      otherwise. Bodies under ``min_text_words`` are only deduplicated by URL.
    - ``max_bucket``: LSH buckets holding more articles than this are ignored (boilerplate
      shared by many pages, not a story).
    - ``seed``: seed of the MinHash permutations; part of the persisted index scheme.
    - ``workers``: threads that clean, shingle and sign a batch
      (:mod:`newslake.dedup.parallel`); 1 signs in the calling thread, 0 starts one per
      available CPU. Results do not depend on it.
    - ``parallel_min_docs``: batches with fewer bodies are signed in the calling thread
      (bodies are signed 1,000 at a time: a smaller batch is one chunk).
    """

    threshold: float = 0.55
    contained: float = 0.8
    mutual: float = 0.6
    excerpt_min: float = 0.4
    version_split: float = 0.9
    version_kept: float = 0.95
    min_text_words: int = 15
    window_days: int = 30
    shingle_size: int = 5
    num_perm: int = 128
    bands: int = 64
    rows: int = 2
    min_words: int = 40
    max_bucket: int = 1000
    seed: int = 1
    workers: int = 2
    parallel_min_docs: int = 2000

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"dedup.threshold must be in (0, 1], got {self.threshold}")
        for name in ("contained", "mutual", "excerpt_min", "version_split", "version_kept"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"dedup.{name} must be in (0, 1], got {value}")
        if self.min_text_words < 0:
            raise ConfigError(f"dedup.min_text_words must be >= 0, got {self.min_text_words}")
        if self.window_days < 0:
            raise ConfigError(f"dedup.window_days must be >= 0, got {self.window_days}")
        if not 1 <= self.shingle_size <= 16:
            raise ConfigError(f"dedup.shingle_size must be in [1, 16], got {self.shingle_size}")
        if self.num_perm < 1 or self.bands < 1 or self.rows < 1:
            raise ConfigError("dedup.num_perm, bands and rows must be positive")
        if self.bands * self.rows > self.num_perm:
            raise ConfigError(
                f"dedup.bands * rows ({self.bands * self.rows}) exceeds num_perm ({self.num_perm})"
            )
        if self.min_words < 1:
            raise ConfigError(f"dedup.min_words must be >= 1, got {self.min_words}")
        if self.workers < 0:
            raise ConfigError(f"dedup.workers must be >= 0, got {self.workers}")
        if self.parallel_min_docs < 0:
            raise ConfigError(
                f"dedup.parallel_min_docs must be >= 0, got {self.parallel_min_docs}")
        if self.max_bucket < 2:
            raise ConfigError(f"dedup.max_bucket must be >= 2, got {self.max_bucket}")

    @property
    def link_floor(self) -> float:
        """Smallest containment a verified pair needs to matter (story or excerpt)."""
        return min(self.threshold, self.excerpt_min)

    def relation(self, share_a: float, share_b: float, one_site: bool = False) -> str | None:
        """``"story"``, ``"excerpt"`` or None for a pair with these shares; ``one_site``: both
        pages are of one site, which does not quote its own story but rewrites it (a
        write-through), so a pair above ``threshold`` is one story."""
        high, low = max(share_a, share_b), min(share_a, share_b)
        if high >= self.threshold and (high >= self.contained or low >= self.mutual
                                       or one_site):
            return "story"
        return "excerpt" if high >= self.excerpt_min else None

    def same_text(self, share_a: float, share_b: float) -> bool:
        """Whether two pages of one story carry the same version of its text."""
        return (min(share_a, share_b) >= self.version_split
                and max(share_a, share_b) >= self.version_kept)

    @property
    def scheme(self) -> str:
        """Name of the signature scheme; index rows of another scheme are not comparable
        (``text``: signatures of the article text, not of the whole body)."""
        return (
            f"minhash-v2:text:k={self.shingle_size}:perm={self.num_perm}:seed={self.seed}"
            f":bands={self.bands}x{self.rows}"
        )
