"""Interactive figures behind the lessons' λ sliders (plumbing).

Everything a slider needs for every λ on its grid is computed once, when the
explorer is built (one SVD for the whole ridge path); moving the slider only looks
up the nearest grid point and updates the figure's artists in place. The
look-up, :meth:`RidgeFitExplorer.state`, is a plain method that tests call directly.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._validate import as_float_array, check_labels
from .data import polynomial_features
from .notebook import tr
from .ridge import ridge_path
from .softmax import _data_loss_and_grads, predict

__all__ = ["GradientDescentExplorer", "RidgeFitExplorer"]


class RidgeFitExplorer:
    """Polynomial ridge regression over a grid of λ: fit, train/validation error, ‖w‖.

    The model is ``f(x) = b + polynomial_features(x, degree) @ w``, fitted for each λ as
    :func:`l2lessons.ridge.ridge_fit_intercept` does (lesson 03's unpenalized intercept):
    ``w`` minimizes ``(1/n)||X w + b - y||^2 + lam ||w||^2`` with ``b`` free, which is ridge
    on the centred training features and targets, and ``b = mean(y) - mean(X, axis=0) @ w``.
    Only ``w`` is penalized; the whole path comes from one SVD (:func:`ridge_path`).

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
        phi_train = polynomial_features(x_train, degree)
        phi_mean, y_mean = phi_train.mean(axis=0), y_train.mean()
        self.weights = ridge_path(phi_train - phi_mean, y_train - y_mean, lams)  # (L, degree)
        self.intercepts = y_mean - self.weights @ phi_mean  # (L,), b for each λ (unpenalized)

        def predict(x):  # (L, len(x)): the fitted curve at x for every λ on the grid
            return self.intercepts[:, None] + self.weights @ polynomial_features(x, degree).T

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
            "intercept": float(self.intercepts[i]),
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
        self._legend = ax_fit.legend(loc="lower right")
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
            "λ = {:.1e}: train MSE {:.3f}, val MSE {:.3f}",
            "λ = {:.1e}：训练误差 {:.3f}，验证误差 {:.3f}",
        )
        text = title.format(s["lam"], s["train_mse"], s["val_mse"])
        self._ax_fit.set_title(text, fontsize="medium")
        return s

    def frames(self):
        """The figure at every grid λ, rendered once (cached); see :mod:`l2lessons.frames`."""
        if getattr(self, "_frames", None) is None:
            from .frames import Frames

            fig = self.figure(self.lams[0])
            animated = [self._curve, *self._markers, self._ax_fit.title, self._legend]
            self._frames = Frames(
                fig,
                self.update,
                {"lam": self.lams},
                animated,
                formats={"lam": "{:.1e}"},
                captions={"lam": "λ"},
            )
        return self._frames

    def show(self, lam: float):
        """Display a λ slider above the figure; moving it swaps pre-rendered frames."""
        from .widgets import frame_slider

        return frame_slider(self.frames(), "ridge fit", alt=self._alt(), lam=lam)

    def scrubber(self, lam: float):
        """The same figure and λ grid as :meth:`show`, as a kernel-free HTML scrubber."""
        return self.frames().scrubber(alt=self._alt(), lam=lam)

    def _alt(self) -> str:
        return tr("Ridge fit as λ changes", "λ 变化时的岭回归拟合")


class GradientDescentExplorer:
    """Softmax regression trained by gradient descent for every (λ, learning rate) on a grid.

    Each run starts from zero weights and takes ``steps`` full-batch updates in
    weight-decay form, ``W <- (1 - 2 lr lam) W - lr grad_data``; the objective
    ``J`` and ``‖W‖_F`` are recorded after every update. A run whose ``‖W‖_F``
    reaches :attr:`DIVERGED` is stopped and marked as diverged (NaN from then on).
    Everything is computed when the explorer is built; :meth:`state` only looks
    runs up.

    Parameters
    ----------
    X_train, y_train, X_test, y_test : array_like
        Standardized inputs and integer labels.
    lams, lrs : sequence of float
        The grids the two sliders move along (λ >= 0, lr > 0).
    steps : int
        Updates per run.
    """

    #: A run whose ‖W‖_F reaches this is called diverged (and stopped before it overflows).
    DIVERGED = 1e3

    def __init__(self, X_train, y_train, X_test, y_test, lams, lrs, steps=200):
        self.lams = [float(v) for v in lams]
        self.lrs = [float(v) for v in lrs]
        if not self.lams or not self.lrs:
            raise ValueError("lams and lrs must each hold at least one value.")
        self.steps = int(steps)
        self.runs = {}
        for lam in self.lams:
            for lr in self.lrs:
                self.runs[(lam, lr)] = self._run(X_train, y_train, X_test, y_test, lam, lr)
        self.fig = None

    def _run(self, X, y, X_test, y_test, lam, lr):
        X = as_float_array(X, "X_train", ndim=2)  # checked once; the loop skips the checks
        y = check_labels(y, X.shape[0], None, "y_train")
        c = int(np.max(y)) + 1
        W, b = np.zeros((X.shape[1], c)), np.zeros(c)
        XT, rows = np.ascontiguousarray(X.T), np.arange(X.shape[0])
        losses = np.full(self.steps + 1, np.nan)
        norms = np.full(self.steps + 1, np.nan)
        diverged_at = None
        for k in range(self.steps + 1):
            norm = float(np.linalg.norm(W))
            if not norm < self.DIVERGED:  # also catches inf and NaN
                diverged_at = k
                break
            data_loss, grad_W, grad_b = _data_loss_and_grads(W, b, X, XT, y, rows)
            losses[k] = data_loss + lam * norm**2
            norms[k] = norm
            if k < self.steps:
                W = (1.0 - 2.0 * lr * lam) * W - lr * grad_W
                b = b - lr * grad_b
        ok = diverged_at is None
        return {
            "losses": losses,
            "norms": norms,
            "diverged_at": diverged_at,
            "shrink": 1.0 - 2.0 * lr * lam,
            "train_acc": float(np.mean(predict(W, b, X) == y)) if ok else float("nan"),
            "test_acc": float(np.mean(predict(W, b, X_test) == y_test)) if ok else float("nan"),
        }

    def state(self, lam, lr) -> dict:
        """The recorded run at grid values ``lam`` and ``lr`` (ValueError if not on the grid)."""
        key = (float(lam), float(lr))
        if key not in self.runs:
            raise ValueError(f"(lam, lr) = {key} is not on the grid; use values from lams and lrs.")
        return dict(self.runs[key], lam=key[0], lr=key[1])

    def figure(self, lam, lr):
        """Build the two-panel figure (objective and ‖W‖ over the steps) at ``(lam, lr)``."""
        fig, (ax_loss, ax_norm) = plt.subplots(1, 2, figsize=(10, 3.4))
        steps = np.arange(self.steps + 1)
        (self._loss_line,) = ax_loss.plot(steps, np.ones(steps.size), color="C0")  # set by update
        (self._norm_line,) = ax_norm.plot(steps, np.ones(steps.size), color="C2")
        ax_loss.set(yscale="log", ylim=(1e-2, 1e2), xlabel=tr("step", "步数"), title="J(W, b)")
        ax_norm.set(
            yscale="log", ylim=(0.1, self.DIVERGED), xlabel=tr("step", "步数"), title=r"$\|W\|_F$"
        )
        self._title, self.fig = fig.suptitle(""), fig
        self.update(lam, lr)
        plt.close(fig)
        return fig

    def update(self, lam, lr) -> dict:
        """Show the run at ``(lam, lr)`` by updating the artists in place; returns its state."""
        s = self.state(lam, lr)
        self._loss_line.set_ydata(s["losses"])
        self._norm_line.set_ydata(s["norms"])
        if s["diverged_at"] is not None:
            text = tr("diverged at step {}", "第 {} 步发散").format(s["diverged_at"])
        else:
            text = tr("test accuracy {:.3f}", "测试准确率 {:.3f}").format(s["test_acc"])
        head = tr(
            "λ = {:g}, lr = {:g}, 1 - 2·lr·λ = {:.2f}: ",
            "λ = {:g}，学习率 α = {:g}，1 - 2αλ = {:.2f}：",
        )
        self._title.set_text(head.format(lam, lr, s["shrink"]) + text)
        return s

    def frames(self):
        """The figure at every (λ, lr) of the grid, rendered once (cached)."""
        if getattr(self, "_frames", None) is None:
            from .frames import Frames

            fig = self.figure(self.lams[0], self.lrs[0])
            animated = [self._loss_line, self._norm_line, self._title]
            grids = {"lam": self.lams, "lr": self.lrs}
            self._frames = Frames(
                fig,
                self.update,
                grids,
                animated,
                formats={"lam": "{:g}", "lr": "{:g}"},
                captions={"lam": "λ", "lr": tr("lr", "学习率")},
            )
        return self._frames

    def show(self, lam, lr):
        """Display a λ slider and a learning-rate slider above the figure (pre-rendered frames)."""
        from .widgets import frame_slider

        return frame_slider(self.frames(), "gradient descent", alt=self._alt(), lam=lam, lr=lr)

    def scrubber(self, lam, lr):
        """The same figure and grid as :meth:`show`, as a kernel-free HTML scrubber."""
        return self.frames().scrubber(alt=self._alt(), lam=lam, lr=lr)

    def _alt(self) -> str:
        return tr("Gradient descent runs over λ and lr", "不同 λ 与学习率下的梯度下降")
