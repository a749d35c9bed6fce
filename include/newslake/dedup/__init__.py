"""Deduplication: canonical URLs, near-duplicate bodies, stories and their originals."""

from newslake.dedup.urls import canonicalize_url

__all__ = ["canonicalize_url"]
