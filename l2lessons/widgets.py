"""Sliders for the lessons (plumbing): a log-scale λ slider and a one-line layout.

The drawing function a lesson passes in is a plain function of the slider values,
so it can be called and tested without any widget.
"""

from __future__ import annotations

import math

from ._validate import check_lambda

__all__ = ["lambda_slider", "show_interactive"]


def lambda_slider(value=1e-2, lo=1e-4, hi=1.0, description="λ", steps_per_decade=8):
    """A log-scale slider for a penalty strength λ (``lo <= value <= hi``, all > 0)."""
    lo, hi, value = (check_lambda(v, n) for v, n in ((lo, "lo"), (hi, "hi"), (value, "value")))
    if not 0 < lo < hi:
        raise ValueError(f"need 0 < lo < hi for a log-scale slider, got lo={lo}, hi={hi}.")
    if not lo <= value <= hi:
        raise ValueError(f"value must lie in [lo, hi] = [{lo}, {hi}], got {value}.")
    from ipywidgets import FloatLogSlider, Layout

    return FloatLogSlider(
        value=value,
        base=10,
        min=math.log10(lo),
        max=math.log10(hi),
        step=1 / steps_per_decade,
        description=description,
        readout_format=".1e",
        continuous_update=True,
        layout=Layout(width="420px"),
    )


def show_interactive(draw, **sliders):
    """Show ``sliders`` above the output of ``draw(**values)``, redrawn on every move.

    Returns the container widget (displayed already).
    """
    if not callable(draw):
        raise ValueError("draw must be a function of the slider values.")
    if not sliders:
        raise ValueError("give at least one slider, e.g. lam=lambda_slider().")
    from IPython.display import display
    from ipywidgets import HBox, VBox, interactive_output

    out = interactive_output(draw, sliders)
    box = VBox([HBox(list(sliders.values())), out])
    display(box)
    return box
