"""Gradient checking: compare a hand-written gradient with central differences.

The numerical derivative of a scalar function ``f`` along entry ``i`` is::

    (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

whose error is ``O(eps^2)`` (truncation) plus about ``1e-16 |f| / eps`` (rounding).
With ``eps = 1e-6`` in float64 a correct gradient typically agrees to a relative
error (see :func:`relative_error`) far below ``1e-7``:

* ``< 1e-7`` -- great: the analytic gradient is right;
* ``1e-7 .. 1e-4`` -- look closer (kinks such as ReLU at 0, or a very large ``|f|``);
* ``> 1e-4`` -- almost certainly a bug (a missing factor 2, a sign, a penalized bias).

Examples
--------
>>> import numpy as np
>>> x = np.array([1.0, -2.0, 3.0])
>>> numerical_gradient(lambda v: np.sum(v**2), x).round(6)
array([ 2., -4.,  6.])
>>> check_gradient(lambda v: np.sum(v**2), x, 2 * x).passed
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import as_float_array, check_positive

__all__ = ["GradCheckResult", "check_gradient", "numerical_gradient", "relative_error"]


def _scalar(value) -> float:
    """``f``'s return value as a float; a clear error for arrays, tuples and NaN."""
    try:
        number = float(np.asarray(value).item())
    except (TypeError, ValueError, RuntimeError):  # arrays, tuples, tensors needing grad
        raise ValueError(
            f"f must return one real number (a scalar loss), got {type(value).__name__}."
        ) from None
    if not np.isfinite(number):
        raise ValueError(f"f returned {number}; it must return a finite number.")
    return number


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    ``f`` is called with a float64 copy of ``x`` in which one entry at a time is
    moved by ``+eps`` and ``-eps``; ``f`` must compute its value from that argument
    (not from a variable it closed over). The caller's ``x`` is never modified.
    This costs ``2 * x.size`` calls of ``f``: fine for checking, too slow for training.

    Parameters
    ----------
    f : callable
        ``f(array) -> float``. It receives an array of the same shape as ``x``.
    x : array_like
        Where to differentiate. Numeric, finite, non-empty, any shape.
    eps : float, optional
        Half the step, > 0. ``1e-6`` balances truncation and rounding error in float64.

    Returns
    -------
    ndarray
        float64 array of the same shape as ``x``.

    Raises
    ------
    ValueError
        If ``x`` is empty or not finite, ``eps`` is not > 0, ``f`` is not callable,
        or ``f`` does not return a finite scalar.
    """
    if not callable(f):
        raise ValueError(f"f must be a function of one array, got {type(f).__name__}.")
    x = as_float_array(x, "x")
    eps = check_positive(eps, "eps")
    work = x.copy()  # perturbed in place, one entry at a time; x itself stays untouched
    grad = np.empty_like(work)
    for idx in np.ndindex(work.shape):
        original = work[idx]
        work[idx] = original + eps
        f_plus = _scalar(f(work))
        work[idx] = original - eps
        f_minus = _scalar(f(work))
        work[idx] = original
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b):
    """Norm-based relative error ``||a - b|| / max(||a|| + ||b||, 1e-300)``.

    Norms are Frobenius (all entries flattened). The result lies in ``[0, 1]``: 0
    when ``a == b``, 1 when ``b = -a``. It is less noisy than the entry-wise maximum,
    which an entry that is almost zero in both arrays can blow up. The floor
    ``1e-300`` only guards ``0 / 0`` (two zero arrays give 0).

    Parameters
    ----------
    a, b : array_like
        Same shape, numeric and finite.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ or an input is empty or contains NaN/inf.
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}.")
    diff = np.linalg.norm((a - b).ravel())
    scale = np.linalg.norm(a.ravel()) + np.linalg.norm(b.ravel())
    return float(diff / max(scale, 1e-300))


@dataclass(frozen=True, repr=False)
class GradCheckResult:
    """Outcome of :func:`check_gradient`.

    Attributes
    ----------
    rel_error : float
        :func:`relative_error` of the analytic and the numerical gradient.
    passed : bool
        ``rel_error <= tol``.
    worst_index : tuple of int
        Index of the entry with the largest absolute difference.
    max_abs_diff : float
        That largest absolute difference.
    tol : float
        The tolerance used.
    numerical : ndarray
        The central-difference gradient (left out of the repr).
    """

    rel_error: float
    passed: bool
    worst_index: tuple
    max_abs_diff: float
    tol: float
    numerical: np.ndarray = field(compare=False)

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"GradCheckResult({verdict}: rel_error={self.rel_error:.3e} (tol {self.tol:.0e}), "
            f"worst_index={self.worst_index}, max_abs_diff={self.max_abs_diff:.3e})"
        )


def check_gradient(f, x, analytic_grad, eps=1e-6, tol=1e-6):
    """Compare ``analytic_grad`` with :func:`numerical_gradient` of ``f`` at ``x``.

    Parameters
    ----------
    f : callable
        ``f(array) -> float``, as for :func:`numerical_gradient`.
    x : array_like
        Where to check; ``x`` is not modified.
    analytic_grad : array_like
        Your gradient of ``f`` at ``x``, same shape as ``x``.
    eps : float, optional
        Finite-difference half step, > 0.
    tol : float, optional
        Largest relative error that passes, > 0. The default ``1e-6`` leaves room
        above the ``< 1e-7`` a correct float64 gradient usually reaches.

    Returns
    -------
    GradCheckResult
        ``rel_error``, ``passed``, ``worst_index`` (and ``max_abs_diff``, ``numerical``).

    Raises
    ------
    ValueError
        On the inputs :func:`numerical_gradient` rejects, a non-positive ``tol``, or an
        ``analytic_grad`` whose shape differs from ``x``'s.
    """
    x = as_float_array(x, "x")
    analytic = as_float_array(analytic_grad, "analytic_grad")
    if analytic.shape != x.shape:
        raise ValueError(
            f"analytic_grad has shape {analytic.shape} but x has shape {x.shape}; they must match."
        )
    tol = check_positive(tol, "tol")
    numerical = numerical_gradient(f, x, eps=eps)
    abs_diff = np.abs(analytic - numerical)
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(abs_diff), abs_diff.shape))
    rel = relative_error(analytic, numerical)
    return GradCheckResult(
        rel_error=rel,
        passed=bool(rel <= tol),
        worst_index=worst,
        max_abs_diff=float(abs_diff[worst]),
        tol=tol,
        numerical=numerical,
    )
