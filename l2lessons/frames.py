"""Pre-rendered frames of a figure over a slider grid, and a kernel-free scrubber (plumbing).

A λ slider is fast when nothing is computed while it moves. :class:`Frames` renders a
figure once for every point of a grid of slider values: the figure's static parts are
drawn once, then for each grid point ``update(**values)`` changes the *animated*
artists in place and only those are redrawn over the saved background (blitting),
and the picture is stored as a small PNG. Two views share the frames:

* the live slider, :func:`l2lessons.widgets.frame_slider`, which swaps PNGs in an
  ``ipywidgets.Image`` (no drawing in the kernel while the slider moves);
* :meth:`Frames.scrubber`, a self-contained HTML block (an ``<input type="range">``
  per grid axis and a few lines of JavaScript) that needs no kernel, so it plays in
  RISE, in exported slides and in any HTML export. Where JavaScript does not run
  (GitHub's notebook view, a notebook not run yet, which JupyterLab does not trust) the
  picture is an animated PNG that sweeps the grid by itself, under a note that says so;
  the range controls appear when the script runs. A focused control keeps its keys (the
  arrow keys never reach JupyterLab's notebook shortcuts or reveal.js).

Example
-------
>>> import matplotlib.pyplot as plt, numpy as np
>>> fig, ax = plt.subplots(figsize=(4, 2))
>>> x = np.linspace(-3, 3, 50)
>>> (line,) = ax.plot(x, x**2)
>>> def update(lam):
...     line.set_ydata(lam * x**2)
>>> frames = Frames(fig, update, {"lam": [0.1, 1.0]}, animated=[line])
>>> len(frames), frames.index(lam=1.0)
(2, 1)
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from . import notebook

__all__ = ["Frames", "Scrubber"]


def _png(rgb: np.ndarray, palette=None) -> bytes:
    """Encode an (H, W, 3) uint8 array as PNG, with the colours of ``palette`` if given."""
    from PIL import Image

    img = Image.fromarray(rgb)
    if palette is not None:
        img = img.quantize(palette=palette, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _palette(rgb: np.ndarray, colors: int):
    """A palette image of ``colors`` colours fitted to ``rgb`` (fast octree)."""
    from PIL import Image

    method, dither = Image.Quantize.FASTOCTREE, Image.Dither.NONE
    return Image.fromarray(rgb).quantize(colors, method=method, dither=dither)


class Frames:
    """One PNG per point of a grid of slider values, rendered once by blitting.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, fully drawn for any grid point (it is closed, not shown).
    update : callable
        ``update(**values)`` moves the figure's animated artists to ``values``, one value
        per grid axis, by keyword (the grid's names).
    grids : mapping of str to sequence of float
        The slider axes, in order: a name and its values (at least one each).
    animated : sequence of matplotlib artists
        The artists ``update`` changes; everything else is drawn once as the background.
        An artist that should stay on top (a legend) goes after the ones it covers.
    formats : mapping of str to str, optional
        How each axis's value is written next to its slider (default ``"{:.2g}"``).
    captions : mapping of str to str, optional
        The label of each axis's slider (default: the axis name), e.g. ``{"lam": "λ"}``.
    colors : int or None
        Palette size of the PNGs (default 64: lines and text stay crisp, frames stay
        small); None keeps full colour.
    """

    def __init__(
        self,
        fig,
        update: Callable[..., object],
        grids: Mapping[str, Sequence[float]],
        animated: Sequence,
        formats: Mapping[str, str] | None = None,
        captions: Mapping[str, str] | None = None,
        colors: int | None = 64,
    ):
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not callable(update):
            raise ValueError("update must be a function of the grid values, by keyword.")
        if not grids:
            raise ValueError("grids must name at least one slider axis, e.g. {'lam': lams}.")
        self.names = [str(name) for name in grids]
        self.grids = {}
        for name in self.names:
            values = [float(v) for v in grids[name]]
            if not values or not all(math.isfinite(v) for v in values):
                raise ValueError(f"grid {name!r} must hold at least one finite value.")
            if len(set(values)) != len(values):
                raise ValueError(f"grid {name!r} has repeated values.")
            self.grids[name] = values
        if not animated:
            raise ValueError("animated must list the artists that update changes.")
        formats, captions = dict(formats or {}), dict(captions or {})
        for what, given in (("formats", formats), ("captions", captions)):
            unknown = set(given) - set(self.names)
            if unknown:
                raise ValueError(f"{what} names {sorted(unknown)}, which are not grid axes.")
        self.formats = {name: formats.get(name, "{:.2g}") for name in self.names}
        self.captions = {name: str(captions.get(name, name)) for name in self.names}
        self.shape = tuple(len(self.grids[n]) for n in self.names)

        canvas = FigureCanvasAgg(fig)  # our own Agg canvas, whatever the notebook's backend
        for artist in animated:
            artist.set_animated(True)
        first = {n: self.grids[n][0] for n in self.names}
        update(**first)  # the layout is computed with the animated artists in a real state
        if fig.get_layout_engine() is None:
            fig.set_layout_engine("constrained")  # nothing cut off, as inline's bbox="tight"
        canvas.draw()
        fig.set_layout_engine("none")  # then freeze it: every frame has the same axes
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
        self.png, palette = [], None
        for point in itertools.product(*(self.grids[n] for n in self.names)):
            update(**dict(zip(self.names, point, strict=True)))
            canvas.restore_region(background)
            for artist in animated:
                fig.draw_artist(artist)
            rgb = np.asarray(canvas.buffer_rgba())[..., :3]
            if colors and palette is None:  # one palette for all frames, from the first
                palette = _palette(rgb, colors)
            self.png.append(_png(rgb, palette))
        self.size = (int(canvas.get_width_height()[0]), int(canvas.get_width_height()[1]))
        plt.close(fig)

    def __len__(self) -> int:
        return len(self.png)

    def index(self, **values) -> int:
        """Position in :attr:`png` of the grid point nearest to ``values`` (one per axis)."""
        if set(values) != set(self.names):
            raise ValueError(f"give one value for each of {self.names}, got {sorted(values)}.")
        flat = 0
        for name, size in zip(self.names, self.shape, strict=True):
            flat = flat * size + self.nearest(name, values[name])
        return flat

    def nearest(self, name: str, value: float) -> int:
        """Index on axis ``name`` of the grid value nearest to ``value``.

        An axis of positive values is compared on a log scale (λ grids are log-spaced).
        """
        if name not in self.grids:
            raise ValueError(f"{name!r} is not a grid axis; the axes are {self.names}.")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}.")
        grid = np.asarray(self.grids[name])
        if np.all(grid > 0) and value > 0:
            return int(np.argmin(np.abs(np.log(grid) - np.log(value))))
        return int(np.argmin(np.abs(grid - value)))

    def label(self, name: str, i: int) -> str:
        """How the ``i``-th value of axis ``name`` is written next to its slider."""
        return self.formats[name].format(self.grids[name][i])

    def scrubber(self, alt: str = "", **start) -> Scrubber:
        """A kernel-free HTML scrubber over the frames, starting at ``start`` (default: first)."""
        start = {n: start.get(n, self.grids[n][0]) for n in self.names}
        return Scrubber(self, self.index(**start), alt=alt)

    def animation_png(self, every: int = 1, ms_per_frame: int = 400) -> bytes:
        """An animated PNG of the frames in grid order (every ``every``-th one), looping."""
        from PIL import Image

        if every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}.")
        images = [Image.open(io.BytesIO(p)) for p in self.png[::every]]
        buf = io.BytesIO()
        images[0].save(
            buf,
            format="PNG",
            save_all=True,
            append_images=images[1:],
            duration=ms_per_frame,
            loop=0,
        )
        return buf.getvalue()


_SCRIPT = """(function () {
  var root = document.getElementById(%(id)s), img = root.querySelector("img");
  var frames = %(frames)s, shape = %(shape)s, labels = %(labels)s;
  var inputs = root.querySelectorAll("input"), outs = root.querySelectorAll("output");
  // The keys that move a range control stay with it: JupyterLab's notebook shortcuts (the
  // arrow keys collapse a section) and reveal.js's slide keys never see them.
  var keys = /^(Arrow(Left|Right|Up|Down)|Home|End|PageUp|PageDown)$/;
  function keep(event) { if (keys.test(event.key)) event.stopPropagation(); }
  function show() {
    var k = 0;
    for (var a = 0; a < shape.length; a++) {
      var i = +inputs[a].value;
      k = k * shape[a] + i;
      outs[a].textContent = labels[a][i];
    }
    img.src = "data:image/png;base64," + frames[k];
    root.setAttribute("data-frame", k);
  }
  for (var a = 0; a < inputs.length; a++) {
    inputs[a].addEventListener("input", show);
    inputs[a].addEventListener("keydown", keep);
  }
  // the script runs: the controls replace the note that says the picture plays by itself
  root.querySelector(".l2-scrubber-note").hidden = true;
  root.querySelector(".l2-scrubber-controls").hidden = false;
  show();
})();"""


class Scrubber:
    """Kernel-free HTML scrubber over :class:`Frames` (shown by Jupyter via ``_repr_html_``).

    Each grid axis gets an ``<input type="range">``; a short script swaps the frame
    shown. Without JavaScript the image is an animated PNG sweeping the grid, the controls
    stay hidden and a note (:meth:`note`) says that the picture plays by itself.
    """

    def __init__(self, frames: Frames, start: int, alt: str = ""):
        self.frames, self.start = frames, int(start)
        self.alt = str(alt) or self.default_alt()

    def default_alt(self, lang: str | None = None) -> str:
        """A text alternative naming what the control moves, in the notebook's language."""
        lang = lang or notebook.language()
        fr = self.frames
        spans = []
        for name in fr.names:
            first, last = fr.label(name, 0), fr.label(name, len(fr.grids[name]) - 1)
            spans.append(
                f"{fr.captions[name]} 从 {first} 到 {last}"
                if lang == "zh"
                else f"{fr.captions[name]} from {first} to {last}"
            )
        if lang == "zh":
            return f"预先画好的 {len(fr)} 幅图，{'，'.join(spans)}；拖动控件即可切换。"
        return f"{len(fr)} pre-drawn figures, {', '.join(spans)}; move the control to switch."

    def _repr_html_(self) -> str:
        fr = self.frames
        digest = hashlib.sha1(b"".join(fr.png)).hexdigest()[:12]  # stable across runs
        uid = f"l2-scrubber-{digest}-{self.start}"
        position = np.unravel_index(self.start, fr.shape)
        rows = []
        for a, name in enumerate(fr.names):
            i, caption = int(position[a]), html.escape(fr.captions[name])
            rows.append(
                f'<label style="display:block;font-family:monospace">{caption} '
                f'<input type="range" min="0" max="{fr.shape[a] - 1}" step="1" value="{i}" '
                f'style="width:360px;vertical-align:middle" aria-label="{caption}"> '
                f"<output>{html.escape(fr.label(name, i))}</output></label>"
            )
        every = max(1, len(fr) // 20)  # the no-JavaScript preview: about 20 frames
        preview = base64.b64encode(fr.animation_png(every)).decode("ascii")
        script = _SCRIPT % {
            "id": json.dumps(uid),
            "frames": json.dumps([base64.b64encode(p).decode("ascii") for p in fr.png]),
            "shape": json.dumps(list(fr.shape)),
            "labels": json.dumps(
                [[fr.label(n, i) for i in range(len(fr.grids[n]))] for n in fr.names],
                ensure_ascii=False,
            ),
        }
        width, height = fr.size
        return (
            f'<div id="{uid}" class="l2-scrubber">'
            + f'<div class="l2-scrubber-note" style="font-family:monospace">'
            f"{html.escape(self.note())}</div>"
            + '<div class="l2-scrubber-controls" hidden="hidden">'
            + "".join(rows)
            + "</div>"
            + f'<img src="data:image/png;base64,{preview}" width="{width}" height="{height}" '
            f'style="max-width:100%;height:auto" alt="{html.escape(self.alt)}">'
            + f"<script>{script}</script></div>"
        )

    def note(self, lang: str | None = None) -> str:
        """What the scrubber says where its script does not run (the picture plays by itself)."""
        lang = lang or notebook.language()
        fr = self.frames
        if lang == "zh":
            spans = "，".join(
                f"{fr.captions[n]} 从 {fr.label(n, 0)} 到 {fr.label(n, len(fr.grids[n]) - 1)}"
                for n in fr.names
            )
            return f"▶ 动画：{spans}，自动循环播放。运行本单元格即可用拖动条逐幅查看。"
        spans = ", ".join(
            f"{fr.captions[n]} from {fr.label(n, 0)} to {fr.label(n, len(fr.grids[n]) - 1)}"
            for n in fr.names
        )
        return f"▶ Animation: {spans}, playing by itself. Run this cell to get the control."

    def __repr__(self) -> str:
        if notebook.language() == "zh":
            return f"<拖动条：{len(self.frames)} 幅图，轴 {self.frames.names}>"
        return f"<Scrubber over {len(self.frames)} frames, axes {self.frames.names}>"
