"""Expectation suites kept as GX Core 1.x JSON files in ``include/expectations/``.

Each expectation's ``meta`` carries ``name`` (stable, unique within its suite: the name
recorded in quarantine and validation_log) and ``severity`` (``row`` | ``fail`` | ``warn``).
Two optional ``meta`` keys fill kwargs at load time so a file cannot drift from the code:
``kwargs_from_schema`` (``{"value_set": "ERROR_CLASSES"}``: keys of that dict in
:mod:`newslake.lake.schema`) and ``kwargs_from_config`` (``{"value_set": "languages"}``:
an attribute of :class:`ValidationConfig`; an expectation whose attribute is ``None`` is
dropped, for example when any language is accepted).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newslake.exceptions import ConfigError
from newslake.lake import schema
from newslake.validate.config import SEVERITIES, ValidationConfig


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation of a suite, as configured for a run."""

    name: str
    type: str
    column: str | None
    severity: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]


@dataclass(frozen=True)
class Suite:
    """A suite file resolved against a :class:`ValidationConfig`."""

    name: str
    notes: str | None
    expectations: tuple[ExpectationSpec, ...]
    path: Path

    def to_dict(self) -> dict[str, Any]:
        """The GX ``ExpectationSuite`` serialisation (without ids)."""
        return {
            "name": self.name,
            "notes": self.notes,
            "meta": {"table": self.name},
            "expectations": [
                {"type": e.type, "kwargs": e.kwargs, "meta": {**e.meta, "severity": e.severity}}
                for e in self.expectations
            ],
        }


def suite_names(config: ValidationConfig) -> list[str]:
    """Names of the suite files present (one per table, plus ``source_quality``)."""
    return sorted(p.stem for p in config.expectations_dir.glob("*.json"))


def load_suite(name: str, config: ValidationConfig) -> Suite:
    """Read ``<expectations_dir>/<name>.json`` and resolve it against ``config``."""
    path = config.expectations_dir / f"{name}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"expectation suite not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    if raw.get("name") != name:
        raise ConfigError(f"{path}: suite name {raw.get('name')!r} does not match the file")
    specs: list[ExpectationSpec] = []
    for index, item in enumerate(raw.get("expectations") or []):
        spec = _resolve(item, config, f"{path}: expectation {index}")
        if spec is not None:
            specs.append(spec)
    names = [s.name for s in specs]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ConfigError(f"{path}: expectation names used twice: {duplicated}")
    unknown = set(config.severity) - set(_all_names(config))
    if unknown:
        raise ConfigError(f"severity overrides name unknown expectations: {sorted(unknown)}")
    return Suite(name=name, notes=raw.get("notes"), expectations=tuple(specs), path=path)


def _all_names(config: ValidationConfig) -> set[str]:
    names: set[str] = set()
    for path in config.expectations_dir.glob("*.json"):
        for item in json.loads(path.read_text(encoding="utf-8")).get("expectations") or []:
            names.add((item.get("meta") or {}).get("name", ""))
    return names


def _resolve(item: dict[str, Any], config: ValidationConfig, where: str) -> ExpectationSpec | None:
    meta = copy.deepcopy(item.get("meta") or {})
    kwargs = copy.deepcopy(item.get("kwargs") or {})
    name = meta.get("name")
    if not name or not item.get("type"):
        raise ConfigError(f"{where}: needs a type and meta.name")
    for key, attr in (meta.get("kwargs_from_schema") or {}).items():
        source = getattr(schema, attr, None)
        if not isinstance(source, dict):
            raise ConfigError(f"{where}: newslake.lake.schema has no set {attr!r}")
        kwargs[key] = sorted(source)
    for key, attr in (meta.get("kwargs_from_config") or {}).items():
        if not hasattr(config, attr):
            raise ConfigError(f"{where}: ValidationConfig has no setting {attr!r}")
        value = getattr(config, attr)
        if value is None:
            return None
        kwargs[key] = sorted(value) if isinstance(value, (set, frozenset)) else value
    severity = config.severity.get(name, meta.get("severity", "row"))
    if severity not in SEVERITIES:
        raise ConfigError(f"{where}: severity {severity!r} is not one of {SEVERITIES}")
    return ExpectationSpec(
        name=name,
        type=item["type"],
        column=kwargs.get("column"),
        severity=severity,
        kwargs=kwargs,
        meta=meta,
    )
