"""Ridge regression (no intercept) in the course convention, through the SVD.

The course minimizes the mean squared error plus the L2 penalty,

    J(w) = (1/n) ||X w - y||^2 + lam ||w||^2,

whose minimizer is ``w = (X^T X + n lam I)^{-1} X^T y``. With the thin SVD
``X = U diag(s) V^T`` this is ``w = V diag(s / (s^2 + n lam)) U^T y``: no matrix is
inverted, and one SVD serves every ``lam``. scikit-learn's
``Ridge(alpha, fit_intercept=False)`` minimizes ``||y - X w||^2 + alpha ||w||^2``, so
``alpha = n * lam``.

Singular values at or below ``max(n, p) * eps * s_max`` (the cutoff of
``np.linalg.pinv`` and ``np.linalg.lstsq``) count as zero, so ``lam = 0`` gives the
minimum-norm least-squares solution, the limit of ridge as ``lam -> 0+``.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
>>> y = np.array([1.0, 2.0, 3.0])
>>> ridge_fit(X, y, lam=0.0)  # least squares: X fits y exactly
array([1., 2.])
>>> ridge_fit(X, y, lam=1 / 3)  # n * lam = 1: solves (X^T X + I) w = X^T y
array([0.875, 1.375])
>>> shrinkage_factors(X, lam=1 / 3)  # s^2 = 3 and 1, so 3/4 and 1/2 are kept
array([0.75, 0.5 ])
>>> ridge_path(X, y, [0.0, 1 / 3]).shape  # one row per lam
(2, 2)
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import as_float_array, check_lambda

__all__ = ["ridge_cv", "ridge_fit", "ridge_fit_intercept", "ridge_path", "shrinkage_factors"]


# --- input checks -----------------------------------------------------------------------------


def _check_X(X):
    return as_float_array(X, "X", ndim=2)


def _check_Xy(X, y):
    X = _check_X(X)
    y = as_float_array(y, "y")
    if y.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D (n,) or 2-D (n, k), got shape {y.shape}.")
    if y.shape[0] != X.shape[0]:
        unit = "entries" if y.ndim == 1 else "rows"
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} {unit}.")
    return X, y


def _check_lams(lams):
    lams = as_float_array(lams, "lams", ndim=1)
    negative = np.flatnonzero(lams < 0)
    if negative.size:
        i = negative[0]
        raise ValueError(f"lams must be >= 0 (penalty strengths), got {lams[i]} at index {i}.")
    return lams


# --- the SVD and the per-direction factors ----------------------------------------------------


def _svd(X):
    """Thin SVD of ``X`` and a mask of the singular values that are not numerically zero."""
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    keep = s > max(X.shape) * np.finfo(np.float64).eps * s[0]
    return U, s, Vt, keep


def _inverse_factors(s, keep, n, lam):
    """``s / (s^2 + n lam)`` for the kept singular values and 0 for the others.

    Written as ``1 / (s + n lam / s)`` so that ``s^2`` can neither overflow nor underflow;
    ``lam`` broadcasts against ``s`` (a column of values gives one row per value).
    """
    s_safe = np.where(keep, s, 1.0)  # avoids 0 / 0; those entries are set to 0 below
    with np.errstate(over="ignore"):  # n lam / s overflowing to inf gives the right limit, 0
        factors = 1.0 / (s_safe + n * lam / s_safe)
    return np.where(keep, factors, 0.0)


# --- public functions -------------------------------------------------------------------------


def ridge_fit(X, y, lam):
    """Ridge weights ``w = (X^T X + n lam I)^{-1} X^T y`` (no intercept), via the SVD.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Design matrix: numeric, non-empty, finite. Tall, square and wide all work.
    y : array_like, shape (n,) or (n, k)
        Target(s), finite; ``k`` columns are ``k`` independent ridge problems.
    lam : float
        Penalty strength in the course convention, finite and >= 0
        (scikit-learn's ``alpha`` is ``n * lam``).

    Returns
    -------
    numpy.ndarray, shape (p,) or (p, k)
        The minimizer of ``(1/n) ||X w - y||^2 + lam ||w||^2``. For ``lam = 0``, the
        minimum-norm least-squares solution (as ``np.linalg.pinv(X) @ y``).

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, ``y`` is not 1-D or 2-D, their lengths differ, either is
        empty or holds NaN/inf, or ``lam`` is negative or not finite.
    """
    X, y = _check_Xy(X, y)
    lam = check_lambda(lam)
    return _path(X, y, np.array([lam]))[0]


def ridge_fit_intercept(X, y, lam):
    """Ridge with an unpenalized intercept: minimize ``(1/n)||X w + b - y||^2 + lam ||w||^2``.

    Setting the derivative in ``b`` to zero gives ``b = mean(y) - mean(X, axis=0) @ w``;
    substituting it back leaves ridge on centred data. So ``w`` is :func:`ridge_fit` on
    ``X - mean(X)`` and ``y - mean(y)``. Equal to scikit-learn's
    ``Ridge(alpha=n * lam, fit_intercept=True)``.

    Returns
    -------
    w : numpy.ndarray, shape (p,) or (p, k)
    b : float or numpy.ndarray of shape (k,)
    """
    X, y = _check_Xy(X, y)
    x_mean, y_mean = X.mean(axis=0), y.mean(axis=0)
    w = ridge_fit(X - x_mean, y - y_mean, lam)
    return w, y_mean - x_mean @ w


def ridge_path(X, y, lams):
    """Ridge weights for many penalty strengths at once, from a single SVD of ``X``.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Design matrix: numeric, non-empty, finite.
    y : array_like, shape (n,) or (n, k)
        Target(s), finite.
    lams : sequence of float, length L
        Penalty strengths, each finite and >= 0, in any order.

    Returns
    -------
    numpy.ndarray, shape (L, p) or (L, p, k)
        Row ``i`` equals ``ridge_fit(X, y, lams[i])``.

    Raises
    ------
    ValueError
        On the same bad ``X`` and ``y`` as :func:`ridge_fit`, or if ``lams`` is empty,
        not 1-D, or holds a negative, NaN or infinite value.

    Notes
    -----
    Along the path, what shrinks monotonically as ``lam`` grows is ``||w||`` and each
    component ``v_k^T w = s_k (u_k^T y) / (s_k^2 + n lam)`` along a right singular vector.
    A single coefficient ``w_j`` mixes components that shrink at different rates: it can
    grow, and change sign, on the way to 0.
    """
    X, y = _check_Xy(X, y)
    return _path(X, y, _check_lams(lams))


def _path(X, y, lams):
    """Unchecked :func:`ridge_path`: one SVD, then one broadcast expression over ``lams``."""
    U, s, Vt, keep = _svd(X)
    factors = _inverse_factors(s, keep, X.shape[0], lams[:, None])  # (L, r)
    Uty = U.T @ y  # (r,) or (r, k)
    if y.ndim == 1:
        return (factors * Uty) @ Vt  # (L, r) @ (r, p) -> (L, p)
    return Vt.T @ (factors[:, :, None] * Uty)  # (p, r) @ (L, r, k) -> (L, p, k)


def shrinkage_factors(X, lam):
    """The fraction ``s^2 / (s^2 + n lam)`` of each principal direction that ridge keeps.

    Ridge's fitted values are ``X w = sum_j d_j u_j (u_j^T y)`` with these factors
    ``d_j``: least squares (``d_j = 1``) shrunk most along the directions of small
    singular value. Their sum is the effective number of parameters, the trace of the
    hat matrix ``X (X^T X + n lam I)^{-1} X^T``.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Design matrix: numeric, non-empty, finite.
    lam : float
        Penalty strength, finite and >= 0.

    Returns
    -------
    numpy.ndarray, shape (min(n, p),)
        One factor in [0, 1] per singular value, largest singular value first. Exactly
        1 at ``lam = 0``; 0 for a numerically zero singular value (as in ``pinv``).

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, is empty or holds NaN/inf, or ``lam`` is negative or not finite.
    """
    X = _check_X(X)
    lam = check_lambda(lam)
    _, s, _, keep = _svd(X)
    s_safe = np.where(keep, s, 1.0)
    with np.errstate(over="ignore"):  # as in _inverse_factors: overflow to inf gives 0
        # s^2 / (s^2 + n lam) written as 1 / (1 + n lam / s^2): exactly 1 when lam = 0
        factors = 1.0 / (1.0 + X.shape[0] * lam / s_safe / s_safe)
    return np.where(keep, factors, 0.0)


def ridge_cv(X, y, lams, k=5, seed=0, fit_intercept=False):
    """K-fold cross-validated mean squared error of :func:`ridge_fit` for each ``lam``.

    The rows are shuffled by ``np.random.default_rng(seed).permutation(n)`` and cut
    into ``k`` nearly equal folds by ``np.array_split``. Each fold in turn is the
    validation set; ridge is fitted (no intercept) on the other rows, whose number
    ``n_train`` sets the penalty ``n_train * lam``, with one SVD for all ``lams``.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Design matrix: numeric, non-empty, finite.
    y : array_like, shape (n,) or (n, k_targets)
        Target(s), finite. With several targets the error is averaged over them too.
    lams : sequence of float, length L
        Penalty strengths, each finite and >= 0.
    k : int, optional
        Number of folds, ``2 <= k <= n`` (``k = n`` is leave-one-out). Default 5.
    seed : int, optional
        Seed of the shuffle. Default 0.
    fit_intercept : bool, optional
        If True, fit an unpenalized intercept in each fold as :func:`ridge_fit_intercept`
        does (centring by the training rows' means only). Default False.

    Returns
    -------
    mean_mse : numpy.ndarray, shape (L,)
        ``fold_mse.mean(axis=0)``; the chosen penalty is ``lams[np.argmin(mean_mse)]``.
    fold_mse : numpy.ndarray, shape (k, L)
        Validation mean squared error of each fold for each ``lam``.

    Raises
    ------
    ValueError
        On the same bad ``X``, ``y`` and ``lams`` as :func:`ridge_path`, or if ``k`` is
        not an integer between 2 and ``n``.
    """
    X, y = _check_Xy(X, y)
    lams = _check_lams(lams)
    n = X.shape[0]
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise ValueError(f"k must be an integer number of folds, got {type(k).__name__} {k!r}.")
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n} (the number of rows of X), got {k}.")
    Y = y.reshape(n, -1)  # one column per target, so both cases share the code below
    folds = np.array_split(np.random.default_rng(seed).permutation(n), k)
    fold_mse = np.empty((k, lams.size))
    for i, val in enumerate(folds):
        train = np.concatenate(folds[:i] + folds[i + 1 :])
        x_mean = X[train].mean(axis=0) if fit_intercept else 0.0
        y_mean = Y[train].mean(axis=0) if fit_intercept else 0.0
        W = ridge_path(X[train] - x_mean, Y[train] - y_mean, lams)  # (L, p, k_targets)
        residuals = (X[val] - x_mean) @ W + y_mean - Y[val]  # (L, n_val, k_targets)
        fold_mse[i] = np.mean(residuals**2, axis=(1, 2))
    return fold_mse.mean(axis=0), fold_mse
