"""Pre-rendered frames and the kernel-free scrubber (the live slider: tests/test_widgets.py).

Blitted frames are compared with independent full redraws of the same figure; the
scrubber's HTML is parsed and its embedded frames decoded back.
"""

import base64
import io
import json
import re
from html.parser import HTMLParser

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from l2lessons.frames import Frames

matplotlib.use("Agg")

X = np.linspace(-3, 3, 60)
LAMS = [0.1, 0.3, 1.0, 3.0]
SHIFTS = [0.0, 1.5, -2.0]


def make_figure():
    """A small figure with one moving line and a moving title; returns (fig, update, animated)."""
    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.add_subplot()
    ax.plot(X, np.cos(X), color="0.7")  # static background
    (line,) = ax.plot(X, X**2, color="C3")
    ax.set(ylim=(-3, 30))

    def update(lam, shift=0.0):
        line.set_ydata(lam * X**2 + shift)
        ax.set_title(f"lam={lam:g} shift={shift:g}")

    return fig, update, [line, ax.title]


def rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def full_render(lam, shift=0.0, layout_from=None):
    """An independent, ordinary full draw of the same figure at one grid point."""
    fig, update, _ = make_figure()
    update(lam, shift)
    fig.set_layout_engine("constrained")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


@pytest.fixture(scope="module")
def frames_2d():
    fig, update, animated = make_figure()
    return Frames(fig, update, {"lam": LAMS, "shift": SHIFTS}, animated, colors=None)


def test_blitted_frames_equal_full_redraws_in_grid_order(frames_2d):
    assert len(frames_2d) == len(LAMS) * len(SHIFTS)
    for lam in (LAMS[0], LAMS[2]):
        for shift in SHIFTS:
            frame = rgb(frames_2d.png[frames_2d.index(lam=lam, shift=shift)])
            reference = full_render(lam, shift)
            assert frame.shape == reference.shape
            assert np.abs(frame - reference).max() <= 1


def test_every_grid_point_gives_a_different_picture(frames_2d):
    assert len(set(frames_2d.png)) == len(frames_2d)


def test_palette_frames_stay_close_to_full_colour():
    fig, update, animated = make_figure()
    small = Frames(fig, update, {"lam": LAMS}, animated)  # default: 64-colour palette
    for k, lam in enumerate(LAMS):
        diff = np.abs(rgb(small.png[k]) - full_render(lam))
        assert diff.mean() < 2.0
        assert np.percentile(diff, 99) < 40


def test_nearest_uses_a_log_scale_for_positive_grids_and_a_linear_one_otherwise(frames_2d):
    assert frames_2d.nearest("lam", 0.54) == 1  # log-midpoint of 0.3 and 1 is 0.548
    assert frames_2d.nearest("lam", 0.56) == 2  # on a linear scale 0.56 would be nearer 0.3
    assert frames_2d.nearest("lam", 1e-9) == 0
    assert frames_2d.nearest("shift", 0.7) == 0  # grid has 0 and negatives: linear
    assert frames_2d.nearest("shift", 0.8) == 1
    assert frames_2d.index(lam=3.0, shift=-2.0) == len(frames_2d) - 1


@pytest.mark.parametrize(
    "grids, message",
    [
        ({}, "at least one slider axis"),
        ({"lam": []}, "at least one finite value"),
        ({"lam": [0.1, float("nan")]}, "at least one finite value"),
        ({"lam": [0.1, 0.1]}, "repeated"),
    ],
)
def test_bad_grids_are_refused(grids, message):
    fig, update, animated = make_figure()
    with pytest.raises(ValueError, match=message):
        Frames(fig, update, grids, animated)


def test_other_bad_arguments_are_refused(frames_2d):
    fig, update, animated = make_figure()
    with pytest.raises(ValueError, match="update must be"):
        Frames(fig, None, {"lam": LAMS}, animated)
    with pytest.raises(ValueError, match="animated"):
        Frames(fig, update, {"lam": LAMS}, [])
    with pytest.raises(ValueError, match="not grid axes"):
        Frames(fig, update, {"lam": LAMS}, animated, formats={"mu": "{:g}"})
    with pytest.raises(ValueError, match="captions names"):
        Frames(fig, update, {"lam": LAMS}, animated, captions={"mu": "μ"})
    with pytest.raises(ValueError, match="one value for each"):
        frames_2d.index(lam=1.0)
    with pytest.raises(ValueError, match="finite"):
        frames_2d.nearest("lam", float("inf"))
    with pytest.raises(ValueError, match="not a grid axis"):
        frames_2d.nearest("mu", 1.0)


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs, self.imgs, self.script, self.outputs = [], [], "", []
        self._in = None

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append(dict(attrs))
        elif tag == "img":
            self.imgs.append(dict(attrs))
        self._in = tag

    def handle_data(self, data):
        if self._in == "script":
            self.script += data
        elif self._in == "output":
            self.outputs.append(data)

    def handle_endtag(self, tag):
        self._in = None


def test_scrubber_html_holds_every_frame_and_one_range_per_axis(frames_2d):
    html = frames_2d.scrubber(lam=1.0, shift=-2.0)._repr_html_()
    parsed = _Collect()
    parsed.feed(html)
    assert [i["type"] for i in parsed.inputs] == ["range", "range"]
    assert [int(i["max"]) for i in parsed.inputs] == [len(LAMS) - 1, len(SHIFTS) - 1]
    assert [int(i["value"]) for i in parsed.inputs] == [2, 2]  # lam=1.0, shift=-2.0
    assert parsed.outputs == ["1", "-2"]
    frames = json.loads(re.search(r"var frames = (\[.*?\]),", parsed.script).group(1))
    assert [base64.b64decode(f) for f in frames] == frames_2d.png
    assert "http://" not in html and "https://" not in html  # nothing to download
    assert html == frames_2d.scrubber(lam=1.0, shift=-2.0)._repr_html_()  # deterministic


def test_scrubber_without_javascript_shows_an_animation_of_the_grid(frames_2d):
    html = frames_2d.scrubber()._repr_html_()
    parsed = _Collect()
    parsed.feed(html)
    (img,) = parsed.imgs
    preview = Image.open(io.BytesIO(base64.b64decode(img["src"].split(",", 1)[1])))
    assert getattr(preview, "is_animated", False)
    assert preview.n_frames == len(frames_2d)  # 12 frames: every one of them
    preview.seek(5)
    assert np.abs(np.asarray(preview.convert("RGB"), dtype=int) - rgb(frames_2d.png[5])).max() <= 1


def test_explorer_sliders_and_scrubbers_are_labelled_lambda():
    from l2lessons.data import digits_split
    from l2lessons.explorers import GradientDescentExplorer

    X, Xt, y, yt = digits_split(train_size=60, test_size=20, seed=0)
    explorer = GradientDescentExplorer(X, y, Xt, yt, lams=[0.0, 0.1], lrs=[0.1], steps=3)
    view = explorer.show(0.1, 0.1)
    assert view.captions == ["λ", "lr"]
    assert "λ <input" in explorer.scrubber(0.1, 0.1)._repr_html_()


def test_every_scrubber_has_a_text_alternative_in_the_notebook_language(frames_2d, monkeypatch):
    from l2lessons import notebook

    for lang, words in (("en", "pre-drawn figures"), ("zh", "预先画好的")):
        monkeypatch.setitem(notebook._state, "lang", lang)
        scrubber = frames_2d.scrubber()
        parsed = _Collect()
        parsed.feed(scrubber._repr_html_())
        (img,) = parsed.imgs
        assert words in img["alt"] and "lam" in img["alt"], img["alt"]
        assert ("拖动条" in repr(scrubber)) == (lang == "zh")
    given = frames_2d.scrubber(alt="The penalty λw² for 13 values of λ")
    assert given.alt == "The penalty λw² for 13 values of λ"


def test_scrubber_without_javascript_says_it_is_an_animation(frames_2d, monkeypatch):
    """Unrun (untrusted) notebooks drop the script: the controls stay hidden, a note says why."""
    from l2lessons import notebook

    for lang, words in (("en", "Run this cell"), ("zh", "运行本单元格")):
        monkeypatch.setitem(notebook._state, "lang", lang)
        html = frames_2d.scrubber()._repr_html_()
        note = re.search(r'<div class="l2-scrubber-note"[^>]*>(.*?)</div>', html).group(1)
        assert words in note and "lam" in note and "▶" in note, note
        controls = re.search(r'<div class="l2-scrubber-controls"([^>]*)>(.*?)</div>', html)
        assert controls.group(1).strip() == 'hidden="hidden"'  # kept by sanitizers
        assert controls.group(2).count('type="range"') == 2  # every range control inside
        # the script swaps them: the note hidden, the controls shown
        script = re.search(r"<script>(.*)</script>", html, re.S).group(1)
        assert '".l2-scrubber-note").hidden = true' in script
        assert '".l2-scrubber-controls").hidden = false' in script


def test_scrubber_keeps_its_arrow_keys(frames_2d):
    script = re.search(r"<script>(.*)</script>", frames_2d.scrubber()._repr_html_(), re.S)
    script = script.group(1)
    assert 'addEventListener("keydown", keep)' in script and "stopPropagation" in script
    keys = re.search(r"var keys = /(.*)/;", script).group(1)
    for key in ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"):
        assert re.fullmatch(keys, key), key
    assert not re.fullmatch(keys, "Enter") and not re.fullmatch(keys, "a")
