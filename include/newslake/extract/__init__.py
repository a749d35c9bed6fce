"""HTML pages to article rows: metadata, body, syndicator fields, quotes, rejections.

``extract_page(page, hints) -> ExtractOutcome`` for one page and
``extract_pages(pages, hints_for) -> ExtractBatch`` for a batch (Arrow tables conforming to
:mod:`newslake.lake.schema`). Imports no Airflow.
"""

from newslake.extract.batch import extract_pages, extract_records
from newslake.extract.hints import hints_factory
from newslake.extract.page import EXTRACTOR_VERSION, extract_page
from newslake.extract.types import ExtractBatch, ExtractConfig, ExtractOutcome, Hints

__all__ = [
    "EXTRACTOR_VERSION",
    "ExtractBatch",
    "ExtractConfig",
    "ExtractOutcome",
    "Hints",
    "extract_page",
    "extract_pages",
    "extract_records",
    "hints_factory",
]
