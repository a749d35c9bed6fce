"""The Data Docs' scripts, styles and fonts, served from the lake's docs folder.

GX's pages load jQuery, Bootstrap, bootstrap-table, Font Awesome and Vega from public CDNs, so
without the internet they render unstyled and their tables stay empty. The same packages are
installed from the npm registry with the environment (``include/docs_assets/package.json``,
pinned by its lock file; ``make env`` puts them in ``.venv/share/newslake/docs-assets``,
``$NEWSLAKE_DOCS_ASSETS`` names another place). :func:`localize` copies the files the pages
use to ``<docs>/static/vendor/`` once and points each page's links there.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

ASSETS_ENV = "NEWSLAKE_DOCS_ASSETS"
VENDOR = Path("static") / "vendor"

ASSETS: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        "bootstrap/dist/js/bootstrap.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "@fortawesome/fontawesome-free/css/all.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        "popper.js/dist/umd/popper.min.js",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}
"""CDN address in GX's pages -> file of its npm package (under ``node_modules``)."""

EXTRA_DIRS = ("@fortawesome/fontawesome-free/webfonts",)
"""Folders the copied styles refer to (Font Awesome's ``../webfonts/``)."""

_LOGO = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/"
                   r"(logo-long\.png)(\?[^\"']*)?")
_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.I)
_SRI = re.compile(r"\s+(?:integrity|crossorigin)=\"[^\"]*\"", re.I)


def assets_dir() -> Path | None:
    """The installed ``node_modules`` of the docs assets, or ``None`` when missing."""
    configured = os.environ.get(ASSETS_ENV)
    root = Path(configured) if configured else (
        Path(sys.prefix) / "share" / "newslake" / "docs-assets")
    modules = root / "node_modules" if (root / "node_modules").is_dir() else root
    return modules if (modules / "jquery").is_dir() else None


def install_vendor(docs_dir: Path, modules: Path) -> Path:
    """Copy the assets into ``<docs>/static/vendor`` (files already there are kept)."""
    vendor = docs_dir / VENDOR
    for relative in ASSETS.values():
        target = vendor / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(modules / relative, target)
    for relative in EXTRA_DIRS:
        if not (vendor / relative).exists():
            shutil.copytree(modules / relative, vendor / relative)
    return vendor


def localize(docs_dir: Path, pages: Iterable[Path]) -> int:
    """Point ``pages`` at the copied assets; returns how many pages changed.

    Without installed assets the pages keep their CDN links (and a warning says why).
    """
    modules = assets_dir()
    if modules is None:
        log.warning("Data Docs assets are not installed (make env installs them, or set %s): "
                    "the pages load their scripts and styles from CDNs", ASSETS_ENV)
        return 0
    vendor = install_vendor(docs_dir, modules)
    changed = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        new = rewrite(text, page.parent, vendor, docs_dir)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def rewrite(text: str, page_dir: Path, vendor: Path, docs_dir: Path) -> str:
    """``text`` with every known CDN address replaced by a path relative to ``page_dir``."""
    def local(path: Path) -> str:
        return Path(os.path.relpath(path, page_dir)).as_posix()

    def tag(match: re.Match[str]) -> str:
        found = match.group(0)
        for url, relative in ASSETS.items():
            if f'"{url}"' in found:
                return _SRI.sub("", found.replace(f'"{url}"', f'"{local(vendor / relative)}"'))
        return found

    text = _TAG.sub(tag, text)
    return _LOGO.sub(lambda m: local(docs_dir / "static" / "images" / m.group(1)), text)
