"""Early stopping and L2 as filters on the Hessian's eigenvalues (NumPy only).

Near a minimum ``w*`` of the mean data loss, with Hessian ``H = Q diag(h) Q^T``
(eigenvalues ``h >= 0``), the course's penalty ``lam ||w||^2`` moves the minimizer to

    w_lam = Q diag(h / (h + 2 lam)) Q^T w*,

and ``steps`` steps of gradient descent from ``w = 0`` with learning rate ``lr`` give

    w_steps = Q diag(1 - (1 - lr h)^steps) Q^T w*.

Both keep each eigen-direction by a factor between 0 and 1: :func:`ridge_filter_factors`
and :func:`gd_filter_factors`. For a quadratic loss (least squares, where
``H = (2/n) X^T X`` and ``h = 2 s^2 / n`` for the singular values ``s`` of ``X``) both
formulas are exact, and ``h / (h + 2 lam) = s^2 / (s^2 + n lam)``, the factor of
:func:`l2lessons.ridge.shrinkage_factors`. Where ``lr h`` is small and ``steps`` large,
the two filters match for :func:`equivalent_lambda` ``= 1 / (2 lr steps)``
(Goodfellow et al. 2016, §7.8, in course units).

Examples
--------
>>> import numpy as np
>>> h = np.array([0.0, 0.5, 1.0])
>>> ridge_filter_factors(h, lam=0.25)  # h / (h + 0.5)
array([0.        , 0.5       , 0.66666667])
>>> gd_filter_factors(h, lr=1.0, steps=2)  # 1 - (1 - h)^2
array([0.  , 0.75, 1.  ])
>>> equivalent_lambda(lr=0.1, steps=50)
0.1
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_int, check_lambda, check_positive

__all__ = ["condition_number", "equivalent_lambda", "gd_filter_factors", "ridge_filter_factors"]


def _check_eigenvalues(h):
    """``h`` as a float array of eigenvalues >= 0, with round-off around zero set to 0.

    ``np.linalg.eigvalsh`` returns the zero eigenvalues of a singular Hessian as tiny
    numbers of either sign; values within ``size * eps * max|h|`` of zero (the cutoff of
    ``np.linalg.pinv``) count as 0, anything more negative is an error.
    """
    h = as_float_array(h, "h")
    roundoff = h.size * np.finfo(np.float64).eps * np.abs(h).max()
    if np.any(h < -roundoff):
        raise ValueError(f"h must hold eigenvalues >= 0 (a Hessian at a minimum), got {h.min()}.")
    return np.where(np.abs(h) <= roundoff, 0.0, h)


def ridge_filter_factors(h, lam):
    """The fraction ``h / (h + 2 lam)`` of each Hessian eigen-direction that L2 keeps.

    Parameters
    ----------
    h : array_like
        Eigenvalues of the Hessian of the mean data loss, each finite and >= 0 (any
        shape; for least squares ``(1/n) ||X w - y||^2`` they are ``2 s^2 / n``).
        Round-off around zero (within ``h.size * eps * max|h|``), as ``eigvalsh`` gives
        for a singular Hessian, counts as 0.
    lam : float
        Penalty strength in the course convention (``lam ||w||^2``), finite and >= 0.

    Returns
    -------
    numpy.ndarray
        Same shape as ``h``, values in [0, 1]. At ``lam = 0`` every direction with
        ``h > 0`` is kept whole (1) and a flat direction (``h = 0``) gets 0, as in the
        minimum-norm solution.

    Raises
    ------
    ValueError
        If ``h`` is empty, not numeric, holds NaN/inf or a negative value, or ``lam`` is
        negative or not finite.

    Examples
    --------
    >>> ridge_filter_factors([2.0, 0.02], lam=0.01)
    array([0.99009901, 0.5       ])
    """
    h = _check_eigenvalues(h)
    lam = check_lambda(lam)
    positive = h > 0
    h_safe = np.where(positive, h, 1.0)
    # h / (h + 2 lam) written as 1 / (1 + 2 lam / h): exactly 1 at lam = 0
    return np.where(positive, 1.0 / (1.0 + 2.0 * lam / h_safe), 0.0)


def gd_filter_factors(h, lr, steps):
    """The fraction ``1 - (1 - lr h)^steps`` of each eigen-direction that GD from 0 reaches.

    On a quadratic loss with Hessian eigenvalues ``h`` and minimizer ``w*``, gradient
    descent ``w <- w - lr * grad`` started at ``w = 0`` has, after ``steps`` steps,
    component ``(1 - (1 - lr h)^steps)`` times that of ``w*`` along each eigenvector.

    Parameters
    ----------
    h : array_like
        Hessian eigenvalues, each finite and >= 0 (any shape).
    lr : float
        Learning rate, finite and > 0. The factors lie in [0, 1] when ``lr * h <= 1``;
        for ``1 < lr h < 2`` they oscillate around 1 and still converge, and for
        ``lr h > 2`` gradient descent diverges along that direction (the factor grows
        without bound): the values are returned as computed, not clipped.
    steps : int
        Number of gradient steps, an integer >= 0 (0 steps keep nothing).

    Returns
    -------
    numpy.ndarray
        Same shape as ``h``.

    Raises
    ------
    ValueError
        If ``h`` is empty, not numeric, holds NaN/inf or a negative value, ``lr`` is not
        a finite number > 0, or ``steps`` is not an integer >= 0.

    Examples
    --------
    >>> gd_filter_factors([1.0, 0.01], lr=0.5, steps=10)
    array([0.99902344, 0.04888987])
    """
    h = _check_eigenvalues(h)
    lr = check_positive(lr, "lr")
    steps = check_int(steps, "steps", 0)
    # -expm1(steps * log1p(-lr h)) is 1 - (1 - lr h)^steps without cancellation at small lr h;
    # where 1 - lr h <= 0 the logarithm is undefined, so the power is taken directly
    q = 1.0 - lr * h
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        small = -np.expm1(steps * np.log1p(-lr * h))
        direct = 1.0 - q**steps
    return np.where(q > 0, small, direct)


def equivalent_lambda(lr, steps):
    """The penalty ``1 / (2 lr steps)`` that early stopping after ``steps`` steps resembles.

    Matching ``(1 - lr h)^steps ~ exp(-lr h steps)`` with ``2 lam / (h + 2 lam) ~
    exp(-h / (2 lam))`` for small ``lr h`` and small ``h / lam`` gives
    ``lam = 1 / (2 lr steps)`` in course units (Goodfellow et al. 2016, §7.8, whose
    ``alpha`` is ``2 lam``). It is an approximation: the two filters agree at both ends
    of the spectrum and differ by up to about 0.20 in between (at ``lr h steps`` near 2.5).

    Parameters
    ----------
    lr : float
        Learning rate, finite and > 0.
    steps : int
        Number of gradient steps, an integer >= 1.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``lr`` is not a finite number > 0 or ``steps`` is not an integer >= 1.

    Examples
    --------
    >>> equivalent_lambda(0.5, 100)
    0.01
    """
    lr = check_positive(lr, "lr")
    steps = check_int(steps, "steps", 1)
    return 1.0 / (2.0 * lr * steps)


def condition_number(h, lam=0.0):
    """The condition number ``(h_max + 2 lam) / (h_min + 2 lam)`` of the penalized Hessian.

    Adding ``lam ||w||^2`` adds ``2 lam`` to every eigenvalue of the Hessian, so the
    ratio of the largest to the smallest eigenvalue, which sets how many steps gradient
    descent needs, falls as ``lam`` grows.

    Parameters
    ----------
    h : array_like
        Hessian eigenvalues of the data loss, each finite and >= 0.
    lam : float, default 0
        Penalty strength, finite and >= 0.

    Returns
    -------
    float
        ``inf`` when ``lam = 0`` and the smallest eigenvalue is 0.

    Raises
    ------
    ValueError
        On a bad ``h`` (as in :func:`ridge_filter_factors`) or ``lam``.

    Examples
    --------
    >>> condition_number([4.0, 1.0, 0.0], lam=0.5)
    5.0
    """
    h = _check_eigenvalues(h)
    lam = check_lambda(lam)
    top, bottom = h.max() + 2.0 * lam, h.min() + 2.0 * lam
    if bottom == 0:
        return float("inf")
    return float(top / bottom)
