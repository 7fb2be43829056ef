"""Sliders for the lessons (plumbing): every frame in the browser, one control with the scrubber.

:func:`frame_slider` shows a :class:`FrameSlider`, an `anywidget <https://anywidget.dev>`_
widget that holds every pre-rendered frame of a :class:`~l2lessons.frames.Frames` in the
browser (sent once, as binary buffers). A move swaps the picture in the page, in the same
event, with no round trip to the kernel, so the slider answers as fast while the kernel is busy
with another cell; the kernel still learns where the slider is (the synced :attr:`FrameSlider.index`
trait, read as :attr:`FrameSlider.value`), once it is free.

One output, two ways to show it: the output's bundle carries the widget view *and* the
kernel-free scrubber (:meth:`Frames.scrubber <l2lessons.frames.Frames.scrubber>`) as its
``text/html``. Where the widget can be drawn (JupyterLab, Notebook, Colab, with a kernel) it is;
everywhere else (a notebook not run yet, GitHub, nbviewer, HTML exports, the slide decks, the
website) the scrubber shows the same frames with the same controls, and where no script runs its
animated picture plays by itself. The ES module is package data (``frame_slider.js``), nothing is
fetched. The frames are not kept in the notebook's stored widget state: the scrubber already
holds them (``tools/execute_notebooks.py`` drops that state, :func:`drop_stored_frames`).

Every slider shown is remembered (weakly) so that :func:`sweep_sliders` can time the
kernel-side update of each over its whole grid (used by ``make bench``).
"""

from __future__ import annotations

import time
import weakref
from pathlib import Path

import anywidget
import traitlets

__all__ = ["FrameSlider", "drop_stored_frames", "frame_slider", "sweep_sliders"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: The widget's front end: an ES module shipped with the package.
ESM = Path(__file__).with_name("frame_slider.js")
#: The class the front end is told this widget is (see :func:`drop_stored_frames`).
WIDGET_ID = "l2lessons.widgets.FrameSlider"

#: Every live slider shown in this kernel: (name, weak reference to it).
_SHOWN: list[tuple[str, weakref.ref]] = []


def _check_axes(frames, values) -> None:
    """Raise if ``values`` names an axis that ``frames`` does not have."""
    unknown = set(values) - set(frames.names)
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not grid axes; the axes are {frames.names}.")


class FrameSlider(anywidget.AnyWidget):
    """The live view of :class:`~l2lessons.frames.Frames`: one range control per grid axis above
    the frame of their values, every frame held in the browser.

    Parameters
    ----------
    frames : l2lessons.frames.Frames
        The pre-rendered figure.
    start : mapping of str to float, optional
        Where each axis starts (nearest grid value; default the first).
    alt : str
        The picture's text alternative (default: the scrubber's, naming the axes and ranges).

    Notes
    -----
    The synced traits are what the browser holds: :attr:`png` (every frame, in grid order,
    sent as binary buffers), :attr:`shape`, :attr:`labels`, :attr:`captions`, :attr:`size`,
    :attr:`alt`, and :attr:`index`, the position on each axis, which both sides may change.
    """

    _esm = ESM
    png = traitlets.List(traitlets.Bytes()).tag(sync=True)
    shape = traitlets.List(traitlets.Int()).tag(sync=True)
    labels = traitlets.List(traitlets.List(traitlets.Unicode())).tag(sync=True)
    captions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    size = traitlets.List(traitlets.Int()).tag(sync=True)
    alt = traitlets.Unicode().tag(sync=True)
    index = traitlets.List(traitlets.Int()).tag(sync=True)

    def __init__(self, frames, start=None, alt: str = ""):
        from .frames import Frames

        if not isinstance(frames, Frames):
            raise ValueError("frames must be an l2lessons.frames.Frames.")
        start = dict(start or {})
        _check_axes(frames, start)
        if not isinstance(alt, str):
            raise ValueError(f"alt must be a string, got {type(alt).__name__}.")
        self.frames = frames
        values = {n: start.get(n, frames.grids[n][0]) for n in frames.names}
        self.scrubber = frames.scrubber(alt=alt, **values)  # the kernel-free fallback
        super().__init__(
            png=list(frames.png),
            shape=list(frames.shape),
            labels=[
                [frames.label(n, i) for i in range(len(frames.grids[n]))] for n in frames.names
            ],
            captions=[frames.captions[n] for n in frames.names],
            size=list(frames.size),
            alt=self.scrubber.alt,
            index=[frames.nearest(n, values[n]) for n in frames.names],
        )

    @traitlets.validate("index")
    def _check_index(self, proposal):
        index = list(proposal["value"])
        shape = self.frames.shape
        if len(index) != len(shape) or not all(
            0 <= i < s for i, s in zip(index, shape, strict=True)
        ):
            raise traitlets.TraitError(
                f"index must hold one position per axis {self.frames.names} within {list(shape)}, "
                f"got {index}."
            )
        return index

    @property
    def value(self) -> dict[str, float]:
        """The grid value of each axis where the slider is now (as the kernel last heard)."""
        fr = self.frames
        return {n: fr.grids[n][i] for n, i in zip(fr.names, self.index, strict=True)}

    @value.setter
    def value(self, values) -> None:
        _check_axes(self.frames, values)
        current = self.value
        current.update(values)
        self.index = [self.frames.nearest(n, current[n]) for n in self.frames.names]

    @property
    def frame(self) -> int:
        """Position in ``frames.png`` of the frame shown (row-major over the axes)."""
        return self.frames.index(**self.value)

    def sweep(self) -> list[float]:
        """Move every axis across its whole grid from the kernel (one axis at a time, then home).

        Returns the kernel-side time of each update in milliseconds: setting :attr:`index`,
        validating it and sending it to the browser, which swaps the picture itself.
        """
        ms = []
        for a, size in enumerate(self.frames.shape):
            home = self.index[a]
            for k in [*range(size), home]:
                if k != self.index[a]:
                    index = list(self.index)
                    index[a] = k
                    t0 = time.perf_counter()
                    self.index = index
                    ms.append((time.perf_counter() - t0) * 1e3)
        return ms

    def text(self) -> str:
        """What the output says where neither the widget nor HTML can be shown."""
        from . import notebook

        if notebook.language() == "zh":
            return f"▶ {self.alt}（运行本单元格即可使用滑块。）"
        return f"▶ {self.alt} (Run this cell to use the slider.)"

    def _repr_mimebundle_(self, **kwargs):
        """The widget view, with the kernel-free scrubber where no widget can be drawn."""
        data, metadata = super()._repr_mimebundle_(**kwargs)
        data = {
            **data,
            "text/plain": self.text(),
            "text/html": self.scrubber._repr_html_(),
        }
        return data, metadata

    def _ipython_display_(self, **kwargs):
        # ipywidgets 7 (Colab's) displays a widget with its own _ipython_display_, which IPython
        # prefers to _repr_mimebundle_: show the same bundle there too
        from IPython.display import display

        data, metadata = self._repr_mimebundle_()
        display(data, metadata=metadata, raw=True)

    def __repr__(self) -> str:
        return f"<FrameSlider over {len(self.frames)} frames, axes {self.frames.names}>"


def frame_slider(frames, name: str = "", alt: str = "", **start) -> FrameSlider:
    """Show a slider over ``frames`` (one range control per grid axis) above the current frame.

    Parameters
    ----------
    frames : l2lessons.frames.Frames
        The pre-rendered figure.
    name : str
        What :func:`sweep_sliders` calls this slider (default: its grid axes).
    alt : str
        The picture's text alternative (default: the scrubber's).
    **start
        Where each axis starts (nearest grid value; default the first).

    Returns
    -------
    FrameSlider
        Displayed already; its :attr:`~FrameSlider.value` is where the student left it.
    """
    from IPython.display import display

    view = FrameSlider(frames, start, alt=alt)
    display(view)
    _SHOWN.append((name or ",".join(frames.names), weakref.ref(view)))
    return view


def sweep_sliders() -> list[dict]:
    """Time every live slider shown in this kernel over its whole grid.

    Returns one ``{"name": str, "ms": [float, ...]}`` per slider, with the kernel-side
    time of each update in milliseconds (see :meth:`FrameSlider.sweep`).
    """
    results = []
    for name, ref in _SHOWN:
        view = ref()
        if view is not None:
            results.append({"name": name, "ms": view.sweep()})
    return results


def drop_stored_frames(nb) -> int:
    """Remove every :class:`FrameSlider` from a notebook's stored widget state; returns how many.

    nbclient stores the state of every widget a notebook displayed; for a frame slider that is
    every frame again, which the output's scrubber already holds (and a stored view would be
    drawn by an HTML export's widget manager from a CDN). Without its state the widget view is
    skipped where no kernel runs (nbconvert, MyST-NB with widget views excluded, JupyterLab
    before the cell runs) and the scrubber shows. Models used only by the removed ones (their
    layouts) go too; the ``widgets`` entry goes when nothing is left.
    """
    stored = nb.metadata.get("widgets", {}).get(WIDGET_STATE)
    if not stored:
        return 0
    models = stored.get("state", {})
    ours = {k for k, m in models.items() if m.get("state", {}).get("_anywidget_id") == WIDGET_ID}
    if not ours:
        return 0

    def refs(model) -> set[str]:
        text = str(model.get("state", {}))
        return {k for k in models if f"IPY_MODEL_{k}" in text}

    used_by_others = set().union(*(refs(m) for k, m in models.items() if k not in ours))
    drop = ours | (set().union(*(refs(models[k]) for k in ours)) - used_by_others)
    for k in drop:
        del models[k]
    if not models:
        del nb.metadata["widgets"]
    return len(ours)
