"""Syndicator adapters, one module per syndicator, chosen by name or detected from the page."""

from __future__ import annotations

from types import ModuleType

from lxml.html import HtmlElement

from newslake.extract.adapters import attribution, newsbreak
from newslake.extract.adapters.base import AdapterResult, parse_count, visible_lines

ADAPTERS: dict[str, ModuleType] = {
    newsbreak.NAME: newsbreak,
    attribution.NAME: attribution,
    "yahoo": attribution,
    "msn": attribution,
}
"""Adapter modules by the name a source gives in ``syndicator``; each has detect and extract."""

_DETECT_ORDER = (newsbreak, attribution)


def run_adapter(name: str | None, url: str, tree: HtmlElement) -> AdapterResult | None:
    """Run the named adapter, else the first whose ``detect`` accepts the page, else None."""
    if name:
        module = ADAPTERS.get(name.lower())
        if module is not None:
            result = module.extract(url, tree)
            if name.lower() != module.NAME:
                result.fields["syndicator"] = name.lower()
            return result
    for module in _DETECT_ORDER:
        if module.detect(url, tree):
            return module.extract(url, tree)
    return None


__all__ = ["ADAPTERS", "AdapterResult", "parse_count", "run_adapter", "visible_lines"]
