"""Small plotting helpers shared by the lessons (plumbing)."""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array

__all__ = ["draw_ball", "loss_contours"]


def loss_contours(ax, X, y, w1_range, w2_range, levels=12, size=200, through=None):
    """Contours of the mean squared error ``(1/n)‖Xw − y‖²`` over two weights.

    ``X`` must have exactly two columns. If ``through`` (a point ``(w1, w2)``) is
    given, the contour through that point is drawn highlighted. Returns the contour set.
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if X.shape[1] != 2 or len(y) != len(X):
        raise ValueError(f"need X of shape (n, 2) and y of length n, got {X.shape} and {y.shape}.")
    w1, w2 = np.meshgrid(np.linspace(*w1_range, size), np.linspace(*w2_range, size))
    W = np.stack([w1.ravel(), w2.ravel()])  # (2, size*size)
    mse = np.mean((X @ W - y[:, None]) ** 2, axis=0).reshape(w1.shape)
    contours = ax.contour(w1, w2, mse, levels=levels, colors="0.6", linewidths=0.8)
    if through is not None:
        level = np.mean((X @ np.asarray(through, dtype=float) - y) ** 2)
        ax.contour(w1, w2, mse, levels=[level], colors="C3", linewidths=1.2, linestyles="--")
    return contours


def draw_ball(ax, radius, kind="l2", **style):
    """Draw the boundary of the L2 ball (circle) or L1 ball (diamond) of ``radius``."""
    t = np.linspace(0, 2 * np.pi, 401)
    if kind == "l2":
        x, y = np.cos(t), np.sin(t)
    elif kind == "l1":
        x, y = np.cos(t), np.sin(t)
        scale = np.abs(x) + np.abs(y)
        x, y = x / scale, y / scale
    else:
        raise ValueError(f"kind must be 'l2' or 'l1', got {kind!r}.")
    return ax.fill(radius * x, radius * y, alpha=0.25, **style)
