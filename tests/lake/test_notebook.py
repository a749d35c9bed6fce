"""The research notebook runs top to bottom on a small lake and draws its figures."""

from __future__ import annotations

import json
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
    notebook.cells.insert(2, nbformat.v4.new_code_cell(INSPECT))
    notebook.cells.append(nbformat.v4.new_code_cell("import json; print('FIGURES', "
                                                    "json.dumps(_seen))"))
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
    seen = json.loads(printed.split("FIGURES ", 1)[1].splitlines()[0])
    check_figures(seen)


INSPECT = """
_seen = {}
_save = save


def save(fig, name):
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend()
    box = ax.get_window_extent()
    _seen[name] = {
        "xticks": [t.get_text() for t in ax.get_xticklabels()],
        "yticks": [float(v) for v in ax.get_yticks()],
        "ylim": [float(v) for v in ax.get_ylim()],
        "legend_title": legend.get_title().get_text() if legend else None,
        "legend_overlaps": bool(legend and legend.get_window_extent().overlaps(box)),
    }
    _save(fig, name)
"""
"""Records what a reader sees of each figure before the notebook saves it."""


def check_figures(seen: dict) -> None:
    """Daily ticks for daily data, whole-number count axes, coverage from zero, legends
    beside the data, a scale for the network's line widths."""
    per_day = seen["articles_per_day"]
    assert per_day["xticks"] == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert all(v == int(v) for v in per_day["yticks"])
    assert not per_day["legend_overlaps"]
    assert all(v == int(v) for v in seen["syndication_lag"]["yticks"])
    coverage = seen["keyword_coverage"]
    assert coverage["xticks"] == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert coverage["ylim"][0] == 0
    assert seen["syndication_network"]["legend_title"] == "line width"
