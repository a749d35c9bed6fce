"""Deduplication: canonical URLs, near-duplicate bodies, stories and their originals."""

from newslake.dedup.config import DedupConfig
from newslake.dedup.stories import DedupResult, assign_stories, story_id_for
from newslake.dedup.urls import canonicalize_url

__all__ = ["DedupConfig", "DedupResult", "assign_stories", "canonicalize_url", "story_id_for"]
