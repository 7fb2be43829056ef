"""Interactive figures behind the lessons' λ sliders (plumbing).

Everything a slider needs for every λ on its grid is computed once, when the
explorer is built (one SVD for the whole ridge path); moving the slider only looks
up the nearest grid point and updates the figure's artists in place. The
look-up, :meth:`RidgeFitExplorer.state`, is a plain method that tests call directly.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._validate import as_float_array
from .data import polynomial_features
from .notebook import tr
from .ridge import ridge_path

__all__ = ["RidgeFitExplorer"]


class RidgeFitExplorer:
    """Polynomial ridge regression over a grid of λ: fit, train/validation error, ‖w‖.

    The model is ``f(x) = mean(y_train) + polynomial_features(x, degree) @ w`` with
    ``w = ridge_fit(features, y_train - mean(y_train), lam)``: the offset is the mean
    of the targets and is not penalized.

    Parameters
    ----------
    x_train, y_train, x_val, y_val : array_like, 1-D
        Training and validation points.
    degree : int
        Polynomial degree (number of features).
    lams : array_like, 1-D
        Increasing grid of λ > 0 that the slider moves along.
    x_plot : array_like, optional
        Where the fitted curve is drawn (default: 300 points over [-1, 1]).
    """

    def __init__(self, x_train, y_train, x_val, y_val, degree, lams, x_plot=None):
        x_train = as_float_array(x_train, "x_train", ndim=1)
        y_train = as_float_array(y_train, "y_train", ndim=1)
        x_val = as_float_array(x_val, "x_val", ndim=1)
        y_val = as_float_array(y_val, "y_val", ndim=1)
        if len(x_train) != len(y_train) or len(x_val) != len(y_val):
            raise ValueError("each x array must have as many entries as its y array.")
        lams = as_float_array(lams, "lams", ndim=1)
        if np.any(lams <= 0) or np.any(np.diff(lams) <= 0):
            raise ValueError("lams must be positive and strictly increasing (a log-scale grid).")
        self.x_plot = (
            np.linspace(-1, 1, 300) if x_plot is None else as_float_array(x_plot, "x_plot", ndim=1)
        )
        self.lams, self.degree = lams, degree
        self.x_train, self.y_train, self.x_val, self.y_val = x_train, y_train, x_val, y_val
        self.offset = float(y_train.mean())
        phi_train = polynomial_features(x_train, degree)
        self.weights = ridge_path(phi_train, y_train - self.offset, lams)  # (L, degree)
        predict = lambda x: self.offset + self.weights @ polynomial_features(x, degree).T  # noqa: E731
        self.curves = predict(self.x_plot)  # (L, len(x_plot))
        self.train_mse = np.mean((predict(x_train) - y_train) ** 2, axis=1)
        self.val_mse = np.mean((predict(x_val) - y_val) ** 2, axis=1)
        self.norms = np.linalg.norm(self.weights, axis=1)
        self._log_lams = np.log(lams)
        self.fig = None

    def index(self, lam: float) -> int:
        """Index of the grid λ nearest to ``lam`` on a log scale."""
        if not (np.isfinite(lam) and lam > 0):
            raise ValueError(f"lam must be a finite number > 0, got {lam!r}.")
        return int(np.argmin(np.abs(self._log_lams - np.log(lam))))

    def state(self, lam: float) -> dict:
        """Everything the figure shows at the grid λ nearest to ``lam`` (no drawing)."""
        i = self.index(lam)
        return {
            "lam": float(self.lams[i]),
            "weights": self.weights[i],
            "curve": self.curves[i],
            "train_mse": float(self.train_mse[i]),
            "val_mse": float(self.val_mse[i]),
            "norm": float(self.norms[i]),
        }

    def best_lam(self) -> float:
        """The grid λ with the smallest validation error."""
        return float(self.lams[np.argmin(self.val_mse)])

    def figure(self, lam: float):
        """Build the three-panel figure at ``lam``; later moves call :meth:`update`."""
        s = self.state(lam)
        fig, (ax_fit, ax_err, ax_norm) = plt.subplots(1, 3, figsize=(11, 3.5))
        ax_fit.plot(
            self.x_val, self.y_val, ".", color="0.75", ms=3, label=tr("validation", "验证集")
        )
        ax_fit.plot(self.x_train, self.y_train, "o", color="C0", label=tr("training", "训练集"))
        (self._curve,) = ax_fit.plot(self.x_plot, s["curve"], color="C3", label=tr("fit", "拟合"))
        ax_fit.set(ylim=(-2, 2), xlabel="x", ylabel="y")
        ax_fit.legend(loc="lower right")
        ax_err.loglog(self.lams, self.train_mse, label=tr("training", "训练集"))
        ax_err.loglog(self.lams, self.val_mse, label=tr("validation", "验证集"))
        ax_err.set(xlabel="λ", title=tr("mean squared error", "均方误差"))
        ax_err.legend()
        ax_norm.loglog(self.lams, self.norms, color="C2")
        ax_norm.set(xlabel="λ", title="‖w‖₂")
        self._markers = [ax.axvline(s["lam"], color="C3", lw=1) for ax in (ax_err, ax_norm)]
        self._ax_fit = ax_fit
        self.fig = fig
        self.update(lam)
        plt.close(fig)  # shown by the caller, not again by the inline backend
        return fig

    def update(self, lam: float) -> dict:
        """Move the figure to ``lam`` by updating its artists in place; returns the state."""
        s = self.state(lam)
        self._curve.set_ydata(s["curve"])
        for m in self._markers:
            m.set_xdata([s["lam"], s["lam"]])
        title = tr(
            "λ = {:.1e}: train {:.3f}, validation {:.3f}", "λ = {:.1e}：训练 {:.3f}，验证 {:.3f}"
        )
        self._ax_fit.set_title(title.format(s["lam"], s["train_mse"], s["val_mse"]))
        return s

    def show(self, lam: float):
        """Display a λ slider above the figure; the figure is a normal output, updated in place."""
        from IPython.display import display

        from .widgets import lambda_slider

        slider = lambda_slider(self.state(lam)["lam"], lo=self.lams[0], hi=self.lams[-1])
        display(slider)
        handle = display(self.figure(lam), display_id=True)

        def on_move(change):
            self.update(change["new"])
            handle.update(self.fig)

        slider.observe(on_move, names="value")
        return slider
