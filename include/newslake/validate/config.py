"""Settings of the validation gate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newslake.config import EXPECTATIONS_DIR
from newslake.exceptions import ConfigError

SEVERITIES = ("row", "fail", "warn")
"""``row``: failing rows are quarantined; ``fail``: any failure fails the batch;
``warn``: failures are only logged."""


@dataclass(frozen=True)
class ValidationConfig:
    """What the suites accept and how hard a failed expectation hits.

    ``languages``: accepted ISO 639-1 codes (``None``: any well-formed code).
    ``severity``: overrides by expectation name (``meta.name`` in the suite files), each
    ``"fail"`` or ``"warn"`` (``"row"`` puts a check back to quarantining rows).
    ``max_rejected_share``: ceiling of extract-stage rejections / pages per source.
    ``min_source_pages``: sources with fewer pages (articles + rejections) are not
    share-checked. ``share_reasons``: rejection reasons that count (``None``: all).
    ``expectations_dir``: where the suite files live.
    """

    languages: frozenset[str] | None = None
    severity: Mapping[str, str] = field(default_factory=dict)
    max_rejected_share: float = 0.5
    min_source_pages: int = 10
    share_reasons: frozenset[str] | None = None
    expectations_dir: Path = EXPECTATIONS_DIR

    def __post_init__(self) -> None:
        if self.languages is not None:
            object.__setattr__(self, "languages", _codes(self.languages))
        if self.share_reasons is not None:
            object.__setattr__(self, "share_reasons", frozenset(self.share_reasons))
        object.__setattr__(self, "severity", dict(self.severity))
        object.__setattr__(self, "expectations_dir", Path(self.expectations_dir))
        for name, level in self.severity.items():
            if level not in SEVERITIES:
                raise ConfigError(
                    f"validation severity of {name!r} must be one of {SEVERITIES}, not {level!r}"
                )
        if not 0.0 <= self.max_rejected_share <= 1.0:
            raise ConfigError(
                f"max_rejected_share must be within [0, 1], not {self.max_rejected_share}"
            )
        if self.min_source_pages < 1:
            raise ConfigError(f"min_source_pages must be >= 1, not {self.min_source_pages}")
        if not self.expectations_dir.is_dir():
            raise ConfigError(f"expectations directory not found: {self.expectations_dir}")


def _codes(languages: Iterable[str]) -> frozenset[str]:
    if isinstance(languages, str):
        raise ConfigError("languages must be a collection of codes, not one string")
    codes = frozenset(code.strip().lower() for code in languages if code.strip())
    if not codes:
        raise ConfigError("languages must name at least one code (or be None for any)")
    return codes
