"""Sliders for the lessons (plumbing).

:func:`frame_slider` shows one slider per grid axis of a :class:`~l2lessons.frames.Frames`
above an image that swaps pre-rendered frames, so moving a slider costs the kernel a
look-up, not a redraw (the slider callback is a plain method, tested without a browser).

A slider is shown as a widget view with a placeholder beside it: where no widget can be drawn
(a notebook opened but not run yet, GitHub, an HTML export), JupyterLab and the others show the
placeholder's text, "Run this cell to show the slider", instead of the widget's ``repr``.

Every slider shown is remembered (weakly) so that :func:`sweep_sliders` can time the
kernel-side update of each over its whole grid (used by ``make bench``).
"""

from __future__ import annotations

import time
import weakref

__all__ = ["FrameSlider", "frame_slider", "placeholder", "sweep_sliders"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: Every live slider shown in this kernel: (name, weak reference to its controller).
_SHOWN: list[tuple[str, weakref.ref]] = []


class FrameSlider:
    """The live view of :class:`~l2lessons.frames.Frames`: sliders above an image.

    Built by :func:`frame_slider`. :attr:`timings_ms` records the kernel-side cost of
    every update (slider moved -> new frame handed to the image widget).
    """

    def __init__(self, frames, start: dict):
        from ipywidgets import HBox, Image, Layout, SelectionSlider, VBox

        self.frames, self.timings_ms = frames, []
        self.sliders = {}
        for name in frames.names:
            i = frames.nearest(name, start.get(name, frames.grids[name][0]))
            options = [(frames.label(name, k), k) for k in range(len(frames.grids[name]))]
            self.sliders[name] = SelectionSlider(
                options=options,
                value=i,
                description=frames.captions[name],
                continuous_update=True,
                layout=Layout(width="420px"),
            )
        width, height = frames.size
        self.image = Image(
            value=frames.png[self._flat()],
            format="png",
            width=width,
            layout=Layout(max_width="100%", height="auto"),
        )
        self.image.add_class("l2-frame")
        for slider in self.sliders.values():
            slider.observe(self._on_move, names="value")
        self.widget = VBox([HBox(list(self.sliders.values())), self.image])
        self.widget.add_class("l2-frame-slider")

    def _flat(self) -> int:
        flat = 0
        for name, size in zip(self.frames.names, self.frames.shape, strict=True):
            flat = flat * size + self.sliders[name].value
        return flat

    def _on_move(self, _change=None):
        start = time.perf_counter()
        self.image.value = self.frames.png[self._flat()]
        self.timings_ms.append((time.perf_counter() - start) * 1e3)

    def sweep(self) -> list[float]:
        """Move every slider across its whole grid (one axis at a time, then back home).

        Returns the kernel-side time of each update in milliseconds, from setting the
        slider's value to the image widget holding (and sending) the new frame.
        """
        ms = []
        for slider in self.sliders.values():
            home = slider.value
            for k in [*range(len(slider.options)), home]:
                if k != slider.value:
                    t0 = time.perf_counter()
                    slider.value = k  # the observer swaps the frame synchronously
                    ms.append((time.perf_counter() - t0) * 1e3)
        return ms

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget view, with :func:`placeholder` text where no widget can be drawn."""
        bundle = widget_view(self.widget, include=include, exclude=exclude)
        bundle.update(placeholder())
        return bundle

    def _ipython_display_(self):
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)


def widget_view(widget, include=None, exclude=None) -> dict:
    """The MIME bundle that shows ``widget``: ipywidgets 8's own, or the view that ipywidgets 7
    (Colab's) displays from ``_ipython_display_`` (widget protocol 2: its model id)."""
    if hasattr(widget, "_repr_mimebundle_"):
        return dict(widget._repr_mimebundle_(include=include, exclude=exclude))
    view = {"version_major": 2, "version_minor": 0, "model_id": widget._model_id}
    return {"text/plain": repr(widget), "application/vnd.jupyter.widget-view+json": view}


def placeholder(lang: str | None = None) -> dict[str, str]:
    """``text/plain`` and ``text/html`` saying "Run this cell to show the slider" (or in Chinese).

    Stored with the widget view of every slider, so a notebook opened without running it shows
    this where the slider will be (JupyterLab falls back to the text when the widget's model is
    not there), not ``VBox(children=(HBox(...``.
    """
    from . import notebook

    lang = lang or notebook.language()
    if lang == "zh":
        text = "▶ 运行本单元格即可显示滑块（滑块需要运行中的内核）。"
    else:
        text = "▶ Run this cell to show the slider (sliders need a running kernel)."
    html = (
        '<div class="l2-slider-placeholder" style="padding:.5em 1em;border:1px dashed #888;'
        f'border-radius:.3em;font-family:sans-serif">{text}</div>'
    )
    return {"text/plain": text, "text/html": html}


def frame_slider(frames, name: str = "", **start):
    """Show sliders over ``frames`` (one per grid axis) above the current frame.

    Parameters
    ----------
    frames : l2lessons.frames.Frames
        The pre-rendered figure.
    name : str
        What :func:`sweep_sliders` calls this slider (default: its grid axes).
    **start
        Where each slider starts (nearest grid value; default the first).

    Returns
    -------
    FrameSlider
        Displayed already; its ``sliders`` and ``image`` are the widgets.
    """
    from IPython.display import display

    from .frames import Frames

    if not isinstance(frames, Frames):
        raise ValueError("frames must be an l2lessons.frames.Frames.")
    unknown = set(start) - set(frames.names)
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not grid axes; the axes are {frames.names}.")
    view = FrameSlider(frames, start)
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
