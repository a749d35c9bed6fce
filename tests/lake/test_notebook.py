"""The research notebook runs top to bottom on a small lake and draws its figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from newslake.config import INCLUDE_DIR

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]  # executes the research notebook

NOTEBOOK = INCLUDE_DIR / "notebooks" / "research.ipynb"
FIGURES = {"articles_per_day", "syndication_network", "syndication_lag", "keyword_coverage"}


def _outputs(notebook, output_type: str) -> list[dict]:
    return [output for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if output.get("output_type") == output_type]


def test_notebook_executes_and_draws_every_figure(small_lake: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    figures = tmp_path / "figures"
    monkeypatch.setenv("NEWSLAKE_LAKE", str(small_lake))
    monkeypatch.setenv("NEWSLAKE_FIGURES", str(figures))
    monkeypatch.setenv("NEWSLAKE_KEYWORD", "election")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()

    images = [o for o in _outputs(notebook, "display_data") if "image/png" in o.get("data", {})]
    assert len(images) == len(FIGURES)
    assert {p.stem for p in figures.glob("*.png")} == FIGURES
    assert all(p.stat().st_size > 5000 for p in figures.glob("*.png"))
    printed = "".join(o.get("text", "") for o in _outputs(notebook, "stream"))
    assert "9 articles, 2024-03-01 .. 2024-03-03" in printed
    from newslake.lake import ducklake

    latest = ducklake.snapshots(str(small_lake))[-1].snapshot_id
    assert f"lake snapshot {latest} (set NEWSLAKE_SNAPSHOT={latest}" in printed
    # the tables under the plots carry the known answers of the small lake
    tables = "".join(o.get("data", {}).get("text/plain", "")
                     for o in _outputs(notebook, "execute_result"))
    assert "c.com" in tables and "1575.0" in tables
