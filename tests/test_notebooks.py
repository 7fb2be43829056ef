"""Stored notebooks: run top to bottom, no errors, slide metadata, the lesson anatomy.

nbval re-runs the notebooks (`make test`); these tests check what is *stored*, so a
notebook committed half-run, out of order or with an error fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*/*.ipynb"))
IDS = [f"{p.parent.name}/{p.name}" for p in PATHS]
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
MAX_CODE_LINES = 15


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_there_are_notebooks_in_both_languages():
    assert {p.parent.name for p in PATHS} == {"en", "zh"}
    assert len(PATHS) >= 4


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_stored_run_is_complete_top_to_bottom(path):
    counts = [c.execution_count for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..N in order; "
        "re-run it with `make notebooks`"
    )


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_no_stored_errors_or_warnings(path):
    for i, cell in enumerate(load(path).cells, start=1):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"cell {i} stores {out.ename}: {out.evalue}"
            if out.output_type == "stream" and out.name == "stderr":
                pytest.fail(f"cell {i} stores stderr output: {out.text[:200]!r}")


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_cell_has_slide_metadata(path):
    for i, cell in enumerate(load(path).cells, start=1):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"cell {i} has slide_type {slide_type!r}"
    assert load(path).cells[0].metadata["slideshow"]["slide_type"] == "slide"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_first_code_cell_calls_setup_in_the_notebook_language(path):
    """After the install cell (tools/links.py writes it; tests/test_links.py checks it)."""
    cells = code_cells(load(path))
    assert "install" in cells[0].metadata.get("tags", []), "run `make links`"
    assert f'l2.setup(lang="{path.parent.name}")' in cells[1].source


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_code_cells_are_short(path):
    for i, cell in enumerate(load(path).cells, start=1):
        if cell.cell_type == "code":
            n = len(cell.source.strip().splitlines())
            assert n <= MAX_CODE_LINES, f"cell {i} has {n} lines (at most {MAX_CODE_LINES})"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_key_numbers_are_compared_by_nbval(path):
    checked = [
        c for c in code_cells(load(path)) if "nbval-check-output" in c.metadata.get("tags", [])
    ]
    assert checked, "tag the cells with deterministic key numbers `nbval-check-output`"
    for cell in checked:
        assert cell.outputs, "a checked cell must store the output nbval compares"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_solutions_are_collapsed(path):
    for i, cell in enumerate(load(path).cells, start=1):
        if "solution" in cell.metadata.get("tags", []):
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, (
                f"solution cell {i} must be collapsed (metadata.jupyter.source_hidden)"
            )


LIVE_WIDGET = re.compile(r"\b(?:explorer\.show|frame_slider)\(")


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_each_slider_is_presented_and_is_its_own_scrubber(path):
    """A slider's output is also its kernel-free scrubber (tests/test_widgets.py): the slider
    cell is on a slide, showing its picture, and no second cell shows the same frames."""
    cells = load(path).cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and LIVE_WIDGET.search(cell.source):
            assert slide_type(cell) not in ("skip", "notes"), f"cell {i + 1}'s slider is not shown"
            assert "hide-input-in-slides" in cell.metadata.get("tags", []), f"cell {i + 1}"
            after = [c for c in cells[i + 1 :] if c.cell_type == "code"]
            assert not (after and "scrubber(" in after[0].source), f"cell {i + 2} repeats it"


@pytest.mark.parametrize("path", [p for p in PATHS if p.stem != "00_start_here"], ids=str)
def test_lesson_anatomy(path):
    """Title, objectives, summary, exercises and references, in the notebook's language."""
    text = "\n".join(c.source for c in load(path).cells if c.cell_type == "markdown")
    headings = {
        "en": ["Learning objectives", "Summary", "Exercises", "References"],
        "zh": ["学习目标", "小结", "练习", "参考资料"],
    }[path.parent.name]
    for heading in headings:
        assert re.search(rf"^#+ .*{heading}", text, flags=re.M), f"no '{heading}' heading"
    checks = re.compile(r"\b(grade|check)\(")
    assert any(checks.search(c.source) for c in code_cells(load(path))), "no self-checking exercise"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_relative_links_point_at_files_that_exist(path):
    text = "\n".join(c.source for c in load(path).cells if c.cell_type == "markdown")
    for target in re.findall(r"\]\(([^)#\s]+)\)", text):
        if "://" in target:
            continue
        assert (path.parent / target).exists(), f"link to missing file {target}"
