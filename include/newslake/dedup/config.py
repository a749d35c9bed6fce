"""Settings of near-duplicate detection, validated on construction."""

from __future__ import annotations

from dataclasses import dataclass

from newslake.exceptions import ConfigError


@dataclass(frozen=True)
class DedupConfig:
    """How syndicated copies are found and grouped into stories.

    - ``threshold``: minimum containment (share of the shorter body's shingles found in the
      other body) for two articles to be the same story. Lower finds more heavily edited or
      truncated copies and risks merging articles that share long passages (quotes, press
      releases); higher keeps only near-verbatim copies.
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
    - ``min_words``: bodies shorter than this are only deduplicated by URL (too little text to
      tell a copy from a coincidence).
    - ``max_bucket``: LSH buckets holding more articles than this are ignored (boilerplate
      shared by many pages, not a story).
    - ``seed``: seed of the MinHash permutations; part of the persisted index scheme.
    """

    threshold: float = 0.55
    window_days: int = 30
    shingle_size: int = 5
    num_perm: int = 128
    bands: int = 64
    rows: int = 2
    min_words: int = 40
    max_bucket: int = 1000
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"dedup.threshold must be in (0, 1], got {self.threshold}")
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
        if self.max_bucket < 2:
            raise ConfigError(f"dedup.max_bucket must be >= 2, got {self.max_bucket}")

    @property
    def scheme(self) -> str:
        """Name of the signature scheme; index rows of another scheme are not comparable."""
        return (
            f"minhash-v1:k={self.shingle_size}:perm={self.num_perm}:seed={self.seed}"
            f":bands={self.bands}x{self.rows}"
        )
