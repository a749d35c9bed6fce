"""Validation: Great Expectations suites as the gate between a batch and the lake.

Public API: :class:`ValidationConfig`, :func:`validate_batch` -> :class:`ValidationResult`,
and :func:`revalidate_day` (re-check a published day after a suite changes).
"""

from __future__ import annotations

from newslake.validate.batch import ValidationResult, validate_batch
from newslake.validate.config import ValidationConfig
from newslake.validate.republish import Revalidation, revalidate_day

__all__ = ["Revalidation", "ValidationConfig", "ValidationResult", "revalidate_day",
           "validate_batch"]
