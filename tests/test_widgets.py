"""The live frame slider (an anywidget that holds every frame), without a browser.

Its synced traits are compared with the frames they came from and with what ipywidgets sends
over the wire; the value ↔ frame mapping with :meth:`Frames.index` and NumPy's row-major
``ravel_multi_index``; the display bundle must carry both the widget view and the kernel-free
scrubber. The front end itself is moved in Chromium (tests/browser/test_sliders_in_chromium.py).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
import traitlets
from ipywidgets.widgets.widget import _remove_buffers
from test_frames import LAMS, SHIFTS, make_figure

from l2lessons import notebook, widgets
from l2lessons.frames import Frames
from l2lessons.widgets import WIDGET_STATE, WIDGET_VIEW, FrameSlider, frame_slider, sweep_sliders

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
LIVE = re.compile(r"\b(?:explorer\.show|frame_slider)\(")


@pytest.fixture(scope="module")
def frames_2d():
    fig, update, animated = make_figure()
    return Frames(fig, update, {"lam": LAMS, "shift": SHIFTS}, animated)


def test_the_traits_hold_every_frame_and_send_them_as_binary_buffers(frames_2d):
    view = FrameSlider(frames_2d)
    assert view.png == frames_2d.png and len(view.png) == len(LAMS) * len(SHIFTS)
    state, paths, buffers = _remove_buffers(view.get_state())
    assert paths == [["png", k] for k in range(len(frames_2d))]
    assert [bytes(b) for b in buffers] == frames_2d.png  # raw PNG bytes, no base64
    assert view.shape == [len(LAMS), len(SHIFTS)] and view.size == list(frames_2d.size)
    assert view.labels == [[frames_2d.label("lam", i) for i in range(4)], ["0", "1.5", "-2"]]
    assert view.captions == ["lam", "shift"]
    assert view._esm == widgets.ESM.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "start, index",
    [
        ({}, [0, 0]),
        ({"lam": 1.0}, [2, 0]),
        ({"lam": 0.5, "shift": -1.9}, [1, 2]),
        ({"lam": 0.6, "shift": 9.0}, [2, 1]),
    ],
)
def test_start_values_go_to_the_nearest_grid_point(frames_2d, start, index):
    view = FrameSlider(frames_2d, start)
    assert view.index == index
    assert view.value == {"lam": LAMS[index[0]], "shift": SHIFTS[index[1]]}
    assert view.frame == frames_2d.index(**view.value)
    assert view.frame == np.ravel_multi_index(index, frames_2d.shape)


def test_value_and_frame_follow_the_index_both_ways(frames_2d):
    view = FrameSlider(frames_2d)
    for i in range(len(LAMS)):
        for j in range(len(SHIFTS)):
            view.index = [i, j]  # what the browser sends
            assert view.value == {"lam": LAMS[i], "shift": SHIFTS[j]}
            assert frames_2d.png[view.frame] == frames_2d.png[frames_2d.index(**view.value)]
    view.value = {"shift": 1.4}  # kernel code moves one axis; the other stays
    assert view.index == [len(LAMS) - 1, 1]
    view.value = {"lam": 0.09, "shift": 0.0}
    assert view.index == [0, 0]


def test_bad_input_is_refused_in_one_sentence(frames_2d):
    with pytest.raises(ValueError, match="Frames"):
        frame_slider([b"png"])
    with pytest.raises(ValueError, match="not grid axes"):
        frame_slider(frames_2d, mu=1.0)
    with pytest.raises(ValueError, match="alt must be a string"):
        FrameSlider(frames_2d, alt=3)
    view = FrameSlider(frames_2d)
    for bad in ([4, 0], [0], [0, 0, 0], [-1, 0]):
        with pytest.raises(traitlets.TraitError, match="one position per axis"):
            view.index = bad
    assert view.index == [0, 0]
    with pytest.raises(ValueError, match="not grid axes"):
        view.value = {"mu": 1.0}
    with pytest.raises(ValueError, match="finite"):
        view.value = {"lam": float("nan")}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_bundle_is_the_widget_view_with_the_scrubber_as_its_fallback(
    frames_2d, monkeypatch, lang
):
    monkeypatch.setitem(notebook._state, "lang", lang)
    view = FrameSlider(frames_2d, {"lam": 0.3, "shift": 1.5}, alt="The test figure")
    data, metadata = view._repr_mimebundle_()
    assert set(data) == {WIDGET_VIEW, "text/html", "text/plain"}
    assert data[WIDGET_VIEW]["model_id"] == view.model_id
    assert data[WIDGET_VIEW]["version_major"] == 2
    scrubber = frames_2d.scrubber(alt="The test figure", lam=0.3, shift=1.5)
    assert data["text/html"] == scrubber._repr_html_()  # same frames, same start, same alt
    assert 'class="l2-scrubber"' in data["text/html"]
    words = "运行本单元格" if lang == "zh" else "Run this cell"
    assert "The test figure" in data["text/plain"] and words in data["text/plain"]
    assert "FrameSlider" not in data["text/plain"]


def test_display_shows_the_same_bundle_with_ipywidgets_7_too(frames_2d, monkeypatch):
    """ipywidgets 7 (Colab) displays widgets through _ipython_display_, which IPython prefers to
    _repr_mimebundle_: ours publishes the same two-way bundle."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **kw: shown.append((a, kw)))
    view = FrameSlider(frames_2d)
    view._ipython_display_()
    ((args, kwargs),) = shown
    assert kwargs["raw"] is True and set(args[0]) == {WIDGET_VIEW, "text/html", "text/plain"}
    assert args[0][WIDGET_VIEW]["model_id"] == view.model_id


def test_sweep_moves_every_axis_from_the_kernel_and_comes_home(frames_2d, monkeypatch):
    view = frame_slider(frames_2d, "swept", lam=0.3, shift=1.5)
    sent = []
    monkeypatch.setattr(view, "send_state", lambda key=None: sent.append((key, list(view.index))))
    (result,) = [r for r in sweep_sliders() if r["name"] == "swept"]
    # from [1, 1], each axis walks its whole grid from 0 and comes home: 5 + 4 moves
    moves = [index for key, index in sent if key == "index"]
    assert moves == [[0, 1], [1, 1], [2, 1], [3, 1], [1, 1], [1, 0], [1, 1], [1, 2], [1, 1]]
    assert len(result["ms"]) == len(moves) and all(t > 0 for t in result["ms"])
    assert view.index == [1, 1]


def nbclient_state(*views) -> dict:
    """The widget state nbclient stores for these widgets (and their layouts), as it would."""
    state = {}
    for w in views:
        for model in (w, w.layout):
            s, _, _ = _remove_buffers(model.get_state())
            state[model.model_id] = {"model_name": s["_model_name"], "state": s}
    return state


def test_stored_state_loses_the_frame_sliders_and_their_layouts_only(frames_2d):
    from ipywidgets import HTML

    view, other = FrameSlider(frames_2d), HTML("a progress bar")
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": nbclient_state(view, other)}}
    kept = copy.deepcopy(nb)
    assert widgets.drop_stored_frames(nb) == 1
    assert set(nb.metadata["widgets"][WIDGET_STATE]["state"]) == {
        other.model_id,
        other.layout.model_id,
    }
    assert widgets.drop_stored_frames(nb) == 0
    kept.metadata["widgets"][WIDGET_STATE]["state"] = nbclient_state(view)
    assert widgets.drop_stored_frames(kept) == 1 and "widgets" not in kept.metadata


def test_the_front_end_is_shipped_offline_and_keeps_the_scrubbers_keys():
    js = widgets.ESM.read_text(encoding="utf-8")
    assert "http://" not in js and "https://" not in js and not re.search(r"\bimport\b", js)
    keys = re.search(r"const KEYS = /(.*)/;", js).group(1)
    frames_py = (ROOT / "l2lessons" / "frames.py").read_text(encoding="utf-8")
    assert keys == re.search(r"var keys = /(.*)/;", frames_py).group(1)  # the scrubber's keys
    assert "stopPropagation" in js and 'setAttribute("aria-label"' in js and "img.alt" in js
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'l2lessons = \[[^\]]*"\*\.js"', pyproject), "the ES module is package data"


def slider_outputs():
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and LIVE.search(cell.source):
                yield path, nb, cell


def test_every_stored_slider_output_carries_the_scrubber_and_no_stored_frames():
    seen = 0
    for path, nb, cell in slider_outputs():
        name = f"{path.parent.name}/{path.name}"
        (out,) = [o for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
        assert 'class="l2-scrubber"' in out["data"]["text/html"], name
        assert "<img" in out["data"]["text/html"] and " alt=" in out["data"]["text/html"]
        stored = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        ours = [m for m in stored.values() if m["state"].get("_anywidget_id") == widgets.WIDGET_ID]
        assert not ours, f"{name} stores its frames twice"
        seen += 1
    assert seen >= 10  # lessons 0, 1, 2, 4 and 8, in both languages
