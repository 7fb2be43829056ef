"""Softmax regression with the course's L2 penalty, in plain NumPy.

The objective, for weights ``W`` of shape (p, c) and biases ``b`` of shape (c,)::

    J(W, b) = (1/n) * sum_i CE(softmax(x_i W + b), y_i)  +  lam * ||W||_F^2

The bias is not penalized. With ``P = softmax(X W + b)`` and ``Y`` the one-hot
labels, the gradients are::

    dJ/dW = X.T (P - Y) / n + 2 lam W        dJ/db = mean over rows of (P - Y)

Everything is computed through log-sum-exp, so logits of size 1e4 (or more) give
finite losses and gradients.

Examples
--------
>>> import numpy as np
>>> softmax(np.array([[0.0, np.log(3.0)]])).round(2)
array([[0.25, 0.75]])
>>> W, b = np.zeros((2, 3)), np.zeros(3)
>>> loss, dW, db = softmax_ce_l2(W, b, np.ones((4, 2)), np.array([0, 1, 2, 0]), lam=0.1)
>>> round(loss, 6)  # W = 0 predicts 1/3 for every class: the loss is log(3)
1.098612
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    as_float_array,
    check_int,
    check_labels,
    check_lambda,
    check_positive,
)

__all__ = [
    "DivergenceError",
    "fit_softmax_gd",
    "log_softmax",
    "predict",
    "softmax",
    "softmax_ce_l2",
]

#: A run is called diverged when its objective is not finite or exceeds this many times
#: max(objective at the start, 1). Stable gradient descent lowers the objective (an
#: oscillating but stable run may raise it a little), never by a factor of a thousand.
EXPLODE = 1e3


class DivergenceError(ValueError):
    """Gradient descent diverged: the step size is too large for the penalized objective.

    Attributes ``step``, ``start`` (the objective at the start), ``now`` (when it was
    stopped), ``lr`` and ``lam`` let a lesson print its own sentence (in Chinese, say).
    """

    def __init__(self, message, *, step=None, start=None, now=None, lr=None, lam=None):
        super().__init__(message)
        self.step, self.start, self.now, self.lr, self.lam = step, start, now, lr, lam


def _divergence_message(step, start, now, lr, lam, what="Gradient descent") -> str:
    """One sentence naming the step, the step size and the stability rule."""
    lam_text = f"{lam:g}" if np.isscalar(lam) else str(lam)
    return (
        f"{what} diverged at step {step} (the objective went from {start:.4g} to {now:.4g}): "
        f"the step size lr = {lr:g} is too large, since a step is stable only when "
        f"lr < 2 / h_max, where h_max is the largest curvature of the penalized objective "
        f"(the data term's plus 2·lam, lam = {lam_text}), so try a smaller lr."
    )


def _divergence(step, start, now, lr, lam, what="Gradient descent") -> DivergenceError:
    """The error to raise, carrying its numbers as attributes."""
    message = _divergence_message(step, start, now, lr, lam, what)
    return DivergenceError(message, step=step, start=start, now=now, lr=lr, lam=lam)


def _diverged(now: float, start: float) -> bool:
    """True when the objective ``now`` is not finite or has exploded relative to ``start``."""
    return not np.isfinite(now) or now > EXPLODE * max(start, 1.0)


# --- small private checks, shared with gradcheck.py and mlp.py ---------------------------


def _check_linear_model(W, b, X, w_name: str = "W", b_name: str = "b"):
    """Validate ``W`` (p, c), ``b`` (c,) and ``X`` (n, p); return them as float64 arrays."""
    W = as_float_array(W, w_name, ndim=2)
    b = as_float_array(b, b_name, ndim=1)
    X = as_float_array(X, "X", ndim=2)
    if b.shape[0] != W.shape[1]:
        raise ValueError(
            f"{b_name} has length {b.shape[0]} but {w_name} has {W.shape[1]} columns (classes)."
        )
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            f"X has {X.shape[1]} columns but {w_name} has {W.shape[0]} rows (features)."
        )
    return W, b, X


# --- the math ------------------------------------------------------------------------------


def _log_softmax(Z):
    """Row-wise log-softmax of a finite 2-D array (no checks): ``Z - logsumexp(Z)``."""
    shifted = Z - Z.max(axis=-1, keepdims=True)  # the largest entry of each row becomes 0
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _softmax_cross_entropy(Z, y):
    """Mean cross-entropy of logits ``Z`` (n, c) for labels ``y`` and its gradient ``dZ``.

    No checks: ``y`` must already be valid int labels. ``dZ = (P - Y) / n``.
    """
    n = Z.shape[0]
    rows = np.arange(n)
    logP = _log_softmax(Z)
    loss = -logP[rows, y].mean()
    dZ = np.exp(logP)
    dZ[rows, y] -= 1.0
    dZ /= n
    return float(loss), dZ


def _as_logits(Z):
    """Checked logits: a finite, non-empty 1-D or 2-D float array."""
    Z = as_float_array(Z, "Z")
    if Z.ndim not in (1, 2):
        raise ValueError(f"Z must be 1-D or 2-D, got shape {Z.shape}.")
    return Z


def _check_logits(Z):
    if not np.all(np.isfinite(Z)):
        raise ValueError("The logits X @ W + b overflowed to infinity; scale X or W down.")


def _softmax_ce_l2(W, b, X, y, lam):
    """:func:`softmax_ce_l2` without input checks (for loops that already checked once)."""
    with np.errstate(over="ignore", invalid="ignore"):  # _check_logits reports overflow
        Z = X @ W + b
    _check_logits(Z)
    data_loss, dZ = _softmax_cross_entropy(Z, y)
    loss = data_loss + lam * float(np.sum(W * W))
    dW = X.T @ dZ + 2.0 * lam * W
    db = dZ.sum(axis=0)  # dZ already carries the 1/n: this is the mean of P - Y
    return loss, dW, db


def _data_loss_and_grads(W, b, X, XT, y, rows):
    """Mean cross-entropy and its gradients, lean, for training loops (no checks, no penalty).

    ``XT`` is ``X.T`` made contiguous and ``rows`` is ``arange(n)``, both computed once by
    the caller. The softmax's exponentials are computed once and serve both the loss (via
    log-sum-exp) and ``P``. Overflow gives a non-finite loss (the caller's divergence check
    reports it) instead of an error here.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        Z = X @ W + b
        z_max = Z.max(axis=1, keepdims=True)
        E = np.exp(Z - z_max)
        S = E.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(S[:, 0]) + z_max[:, 0] - Z[rows, y]))
        dZ = E / S  # P
        dZ[rows, y] -= 1.0
        dZ /= X.shape[0]
        return loss, XT @ dZ, dZ.sum(axis=0)


def softmax(Z):
    """Softmax along the last axis (each row of a 2-D array), computed stably.

    Subtracting each row's maximum first does not change the result
    (``softmax(z + k) = softmax(z)``) but keeps ``exp`` from overflowing.

    Parameters
    ----------
    Z : array_like of shape (c,) or (n, c)
        Logits: one vector, or one row per example. Finite, non-empty.

    Returns
    -------
    ndarray
        Same shape as ``Z``; every row is >= 0 and sums to 1.

    Raises
    ------
    ValueError
        If ``Z`` is not 1-D or 2-D, is empty, or contains NaN/inf.
    """
    Z = _as_logits(Z)
    shifted = Z - Z.max(axis=-1, keepdims=True)
    E = np.exp(shifted)
    return E / E.sum(axis=-1, keepdims=True)


def log_softmax(Z):
    """Log of :func:`softmax` along the last axis, via log-sum-exp (never ``log(0)``).

    ``log_softmax(z) = z - max(z) - log(sum(exp(z - max(z))))``, which stays finite
    even where ``softmax(z)`` rounds to 0.

    Parameters
    ----------
    Z : array_like of shape (c,) or (n, c)
        Logits, finite and non-empty.

    Returns
    -------
    ndarray
        Same shape as ``Z``, entries <= 0.

    Raises
    ------
    ValueError
        If ``Z`` is not 1-D or 2-D, is empty, or contains NaN/inf.
    """
    return _log_softmax(_as_logits(Z))


def softmax_ce_l2(W, b, X, y, lam):
    """Loss and gradients of L2-penalized softmax regression (the course convention).

    ``loss = (1/n) sum_i -log softmax(x_i W + b)[y_i]  +  lam * ||W||_F^2``;
    the bias ``b`` is not penalized.

    Parameters
    ----------
    W : array_like of shape (p, c)
        Weights: one column per class.
    b : array_like of shape (c,)
        Biases (intercepts), one per class.
    X : array_like of shape (n, p)
        Inputs, one row per example, n >= 1.
    y : array_like of shape (n,)
        Integer class labels in ``[0, c)``.
    lam : float
        Penalty strength, finite and >= 0.

    Returns
    -------
    loss : float
        Mean cross-entropy plus ``lam * ||W||_F^2``.
    dW : ndarray of shape (p, c)
        ``X.T @ (P - Y) / n + 2 * lam * W``.
    db : ndarray of shape (c,)
        ``(P - Y).mean(axis=0)`` -- no penalty term.

    Raises
    ------
    ValueError
        If shapes disagree, labels are not whole numbers in ``[0, c)``, ``lam`` is
        negative or not finite, an input is empty or contains NaN/inf, or the
        logits overflow.
    """
    W, b, X = _check_linear_model(W, b, X)
    y = check_labels(y, X.shape[0], W.shape[1])
    lam = check_lambda(lam)
    return _softmax_ce_l2(W, b, X, y, lam)


def predict(W, b, X):
    """Predicted class of each row of ``X``: the argmax of the logits ``X @ W + b``.

    Parameters
    ----------
    W : array_like of shape (p, c)
    b : array_like of shape (c,)
    X : array_like of shape (n, p)

    Returns
    -------
    ndarray of shape (n,), dtype int64
        Labels in ``[0, c)``; ties go to the smaller label.

    Raises
    ------
    ValueError
        If shapes disagree or an input is empty or contains NaN/inf.
    """
    W, b, X = _check_linear_model(W, b, X)
    return np.argmax(X @ W + b, axis=1)


def fit_softmax_gd(X, y, lam, lr, steps, W0=None, b0=None):
    """Fit L2-penalized softmax regression by plain full-batch gradient descent.

    Each step is written in *weight-decay* form::

        W <- (1 - 2 * lr * lam) * W - lr * grad_data(W)
        b <- b - lr * grad_data(b)

    which is algebraically the same as ``W <- W - lr * dW`` with
    ``dW = grad_data + 2 * lam * W`` from :func:`softmax_ce_l2`: every step first
    shrinks ``W`` by the factor ``1 - 2 lr lam``, then follows the data. The bias
    is never shrunk. Deterministic: no randomness anywhere.

    Parameters
    ----------
    X : array_like of shape (n, p)
        Inputs (standardize them first; gradient descent is sensitive to scale).
    y : array_like of shape (n,)
        Integer labels. Without ``W0`` the number of classes is ``max(y) + 1``.
    lam : float
        Penalty strength, finite and >= 0.
    lr : float
        Step size, finite and > 0. Gradient descent is stable when ``lr < 2 / h_max``,
        ``h_max`` being the largest curvature (Hessian eigenvalue) of the penalized
        objective, which the penalty raises by ``2 * lam``; ``2 * lr * lam < 1`` is
        neither necessary nor sufficient.
    steps : int
        Number of updates, >= 0.
    W0 : array_like of shape (p, c), optional
        Starting weights; zeros by default.
    b0 : array_like of shape (c,), optional
        Starting biases; zeros by default.

    Returns
    -------
    W : ndarray of shape (p, c)
    b : ndarray of shape (c,)
    losses : ndarray of shape (steps + 1,)
        ``losses[k]`` is the full objective J after ``k`` updates, so ``losses[0]``
        is at the start and ``losses[-1]`` is at the returned ``(W, b)``.

    Raises
    ------
    DivergenceError
        (a ``ValueError``) If the objective becomes non-finite or exceeds
        :data:`EXPLODE` times ``max(J at the start, 1)``: the step size is too large.
    ValueError
        On the same bad inputs as :func:`softmax_ce_l2`, a non-positive ``lr``, a
        negative or non-integer ``steps``, or fewer than two classes.
    """
    X = as_float_array(X, "X", ndim=2)
    n, p = X.shape
    lam = check_lambda(lam)
    lr = check_positive(lr, "lr")
    steps = check_int(steps, "steps", minimum=0)
    if W0 is None:
        y = check_labels(y, n, None)
        c = int(y.max()) + 1
        if c < 2:
            raise ValueError("y holds only class 0; softmax regression needs at least 2 classes.")
        W = np.zeros((p, c))
    else:
        W = as_float_array(W0, "W0", ndim=2).copy()
        c = W.shape[1]
    b = np.zeros(c) if b0 is None else as_float_array(b0, "b0", ndim=1).copy()
    W, b, X = _check_linear_model(W, b, X, w_name="W0", b_name="b0")
    y = check_labels(y, n, c)

    shrink = 1.0 - 2.0 * lr * lam
    losses = np.empty(steps + 1)
    XT, rows = np.ascontiguousarray(X.T), np.arange(n)
    for k in range(steps + 1):
        # the data part only; the penalty is added to the loss by hand below
        data_loss, grad_W, grad_b = _data_loss_and_grads(W, b, X, XT, y, rows)
        if k == 0 and not np.isfinite(data_loss):
            _check_logits(X @ W + b)  # the starting point already overflows: say so
        with np.errstate(over="ignore", invalid="ignore"):
            losses[k] = data_loss + lam * float(np.sum(W * W))
        if _diverged(losses[k], losses[0]):
            raise _divergence(k, losses[0], losses[k], lr, lam)
        if k == steps:
            break
        with np.errstate(over="ignore", invalid="ignore"):  # the next check reports it
            W = shrink * W - lr * grad_W
            b = b - lr * grad_b
    return W, b, losses
