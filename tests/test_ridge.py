"""Tests of ridge regression (``l2lessons.ridge``) against independent implementations.

Course convention: ``J(w) = (1/n) ||X w - y||^2 + lam ||w||^2``, so scikit-learn's
``Ridge(alpha, fit_intercept=False)`` matches with ``alpha = n * lam``. References used
here: scikit-learn's SVD and Cholesky solvers, ``np.linalg.solve`` on the normal
equations, ``np.linalg.lstsq`` / ``pinv`` at ``lam = 0``, torch's QR least squares on the
augmented system, ``torch.autograd`` for the gradient of ``J``, ``np.linalg.eigvalsh``
of ``X^T X`` and the closed-form leave-one-out residuals of a linear smoother.
"""

from __future__ import annotations

import ast
import doctest
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error

import l2lessons.ridge
from l2lessons.ridge import (
    ridge_cv,
    ridge_fit,
    ridge_fit_intercept,
    ridge_path,
    shrinkage_factors,
)

EPS = np.finfo(np.float64).eps
LAMS = [1e-6, 1e-3, 0.1, 10.0]
SEEDS = [0, 1, 2]
# kind -> (n, p, number of targets; 0 means a 1-D y)
SHAPES = {
    "tall": (50, 5, 0),
    "square": (12, 12, 0),
    "wide": (10, 40, 0),
    "ill": (60, 8, 0),
    "multi": (30, 6, 3),
    "wide-multi": (8, 20, 2),
}
KINDS = list(SHAPES)


def make_problem(kind: str, seed: int):
    """A random regression problem ``(X, y)`` of the given kind."""
    rng = np.random.default_rng(seed)
    n, p, k = SHAPES[kind]
    if kind == "ill":
        # X = A diag(1 .. 1e-10) B with orthonormal A, B: cond(X) = 1e10, columns nearly dependent
        A = np.linalg.qr(rng.normal(size=(n, p)))[0]
        B = np.linalg.qr(rng.normal(size=(p, p)))[0]
        X = A @ np.diag(np.logspace(0, -10, p)) @ B
    else:
        X = rng.normal(size=(n, p))
    w_true = rng.normal(size=(p, k) if k else p)
    y = X @ w_true + 0.1 * rng.normal(size=(n, k) if k else n)
    return X, y


def rel_err(got, expected) -> float:
    """Norm-wise relative error, the natural measure for a solution vector or matrix."""
    return float(np.linalg.norm(got - expected) / np.linalg.norm(expected))


def cond_of_solved_system(X, lam) -> float:
    """cond(X^T X + n lam I) for tall X, cond(X X^T + n lam I) for wide X.

    This is the system a normal-equations solver (scikit-learn's Cholesky, which uses the
    n-by-n kernel form when p > n) actually solves, so a backward-stable solve may differ
    from the exact weights by about eps times this number.
    """
    s = np.linalg.svd(X, compute_uv=False)
    nlam = X.shape[0] * lam
    return (s[0] ** 2 + nlam) / (s[-1] ** 2 + nlam)


def J_numpy(X, y, w, lam) -> float:
    n = X.shape[0]
    return float(np.sum((X @ w - y) ** 2) / n + lam * np.sum(w**2))


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


def test_ill_conditioned_problem_really_is_ill_conditioned():
    X, _ = make_problem("ill", 0)
    assert np.linalg.cond(X) == pytest.approx(1e10, rel=1e-2)


# --- ridge_fit against scikit-learn ---------------------------------------------------------


@pytest.mark.parametrize("solver", ["svd", "cholesky"])  # "auto" picks cholesky for dense X
@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", KINDS)
def test_ridge_fit_matches_sklearn_ridge(kind, seed, lam, solver):
    X, y = make_problem(kind, seed)
    n, p, k = SHAPES[kind]
    w = ridge_fit(X, y, lam)
    ref = Ridge(alpha=n * lam, fit_intercept=False, solver=solver).fit(X, y).coef_.T
    assert w.shape == ref.shape == ((p, k) if k else (p,))
    if solver == "svd":
        tol = 1e-12  # the same well-conditioned algorithm: agreement to rounding
    else:
        tol = max(1e-12, 100 * EPS * cond_of_solved_system(X, lam))
    assert rel_err(w, ref) <= tol
    assert rel_err(X @ w, X @ ref) <= tol


@pytest.mark.parametrize("lam", [1e-10, 1e-12])
@pytest.mark.parametrize("seed", SEEDS)
def test_ill_conditioned_tiny_lambda_agrees_with_sklearn_in_predictions(seed, lam):
    # Here cond(X^T X + n lam I) is 1e8 to 1e10, so the Cholesky solver's weights are only
    # good to about eps * cond (~1e-6): any backward-stable solve may move w that much along
    # the directions of tiny singular value, which hardly change X @ w. So the predictions
    # are compared tightly, and the Cholesky weights only up to that forward-error bound.
    X, y = make_problem("ill", seed)
    n = X.shape[0]
    w = ridge_fit(X, y, lam)
    chol = Ridge(alpha=n * lam, fit_intercept=False, solver="cholesky").fit(X, y).coef_
    svd = Ridge(alpha=n * lam, fit_intercept=False, solver="svd").fit(X, y).coef_
    assert rel_err(X @ w, X @ chol) < 1e-8
    assert rel_err(w, chol) < 100 * EPS * cond_of_solved_system(X, lam)
    assert rel_err(w, svd) < 1e-12


# --- ridge_fit against other independent solvers --------------------------------------------


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["tall", "multi"])
def test_ridge_fit_matches_normal_equations(kind, seed, lam):
    X, y = make_problem(kind, seed)
    n, p = X.shape
    expected = np.linalg.solve(X.T @ X + n * lam * np.eye(p), X.T @ y)
    assert rel_err(ridge_fit(X, y, lam), expected) < 1e-12


@pytest.mark.parametrize("lam", [1e-6, 1e-2, 1.0])
@pytest.mark.parametrize("kind", KINDS)
def test_ridge_fit_matches_qr_least_squares_on_the_augmented_system(kind, lam):
    # J(w) * n = || [X; sqrt(n lam) I] w - [y; 0] ||^2: an ordinary least-squares problem,
    # solved here by torch with column-pivoted QR (LAPACK gelsy), not an SVD.
    X, y = make_problem(kind, 0)
    n, p = X.shape
    X_aug = np.vstack([X, math.sqrt(n * lam) * np.eye(p)])
    y_aug = np.concatenate([y, np.zeros((p,) + y.shape[1:])])
    expected = torch.linalg.lstsq(
        torch.from_numpy(X_aug), torch.from_numpy(y_aug), driver="gelsy"
    ).solution.numpy()
    tol = max(1e-12, 100 * EPS * cond_of_solved_system(X, lam))
    assert rel_err(ridge_fit(X, y, lam), expected) < tol


@pytest.mark.parametrize("seed", SEEDS)
def test_lambda_zero_on_tall_full_rank_x_is_least_squares(seed):
    X, y = make_problem("tall", seed)
    expected = np.linalg.lstsq(X, y, rcond=None)[0]
    assert rel_err(ridge_fit(X, y, 0.0), expected) < 1e-12
    X, Y = make_problem("multi", seed)
    assert rel_err(ridge_fit(X, Y, 0), np.linalg.lstsq(X, Y, rcond=None)[0]) < 1e-12


@pytest.mark.parametrize("seed", SEEDS)
def test_lambda_zero_on_wide_x_is_the_minimum_norm_interpolant(seed):
    X, y = make_problem("wide", seed)
    w = ridge_fit(X, y, 0.0)
    assert rel_err(w, np.linalg.pinv(X) @ y) < 1e-12
    assert rel_err(w, np.linalg.lstsq(X, y, rcond=None)[0]) < 1e-12
    # independent formula: the minimum-norm solution of X w = y is X^T (X X^T)^{-1} y
    assert rel_err(w, X.T @ np.linalg.solve(X @ X.T, y)) < 1e-12
    assert rel_err(X @ w, y) < 1e-12  # p > n: it fits the data exactly
    # the limit lam -> 0+: ridge converges to this solution
    assert rel_err(ridge_fit(X, y, 1e-12), w) < 1e-9


def test_lambda_zero_on_rank_deficient_x_is_pinv_and_splits_duplicate_columns(rng):
    X = rng.normal(size=(30, 5))
    X[:, 3] = X[:, 1]  # a duplicated feature: X^T X is singular
    y = rng.normal(size=30)
    w = ridge_fit(X, y, 0.0)
    assert rel_err(w, np.linalg.pinv(X) @ y) < 1e-12
    assert w[1] == pytest.approx(w[3], rel=1e-10)  # minimum norm shares the weight equally
    assert rel_err(ridge_fit(X, y, 1e-12), w) < 1e-9
    # for lam > 0 too, ridge gives identical columns identical weights
    w_ridge = ridge_fit(X, y, 0.1)
    assert w_ridge[1] == pytest.approx(w_ridge[3], rel=1e-10)
    expected = np.linalg.solve(X.T @ X + 30 * 0.1 * np.eye(5), X.T @ y)
    assert rel_err(w_ridge, expected) < 1e-12


def test_zero_matrix_gives_zero_weights():
    assert np.array_equal(ridge_fit(np.zeros((4, 3)), np.ones(4), 0.0), np.zeros(3))
    assert np.array_equal(ridge_fit(np.zeros((4, 3)), np.ones(4), 1.0), np.zeros(3))


def test_ridge_fit_accepts_lists_ints_and_does_not_modify_its_inputs():
    X = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.int64)
    y = [1, 2, 3]
    X_before = X.copy()
    np.testing.assert_allclose(ridge_fit(X.tolist(), y, 1 / 3), [0.875, 1.375], rtol=1e-14)
    np.testing.assert_allclose(ridge_fit(X, y, np.float32(0.0)), [1.0, 2.0], rtol=1e-14)
    assert np.array_equal(X, X_before) and y == [1, 2, 3]
    Xf = np.array(X, dtype=float)
    Xf_before = Xf.copy()
    ridge_path(Xf, np.array(y, dtype=float), [0.0, 1.0])
    ridge_cv(Xf, np.array(y, dtype=float), [0.0, 1.0], k=3)
    assert np.array_equal(Xf, Xf_before)


def test_huge_lambda_gives_zero_weights_without_warnings(rng):
    X = rng.normal(size=(20, 4))
    y = rng.normal(size=20)
    with np.errstate(all="raise"):
        assert np.array_equal(ridge_fit(X, y, 1e308), np.zeros(4))
        assert np.array_equal(shrinkage_factors(X, 1e308), np.zeros(4))


# --- optimality: the gradient of J vanishes at the returned w ----------------------------------


@pytest.mark.parametrize("lam", [1e-3, 1.0])
@pytest.mark.parametrize("kind", KINDS)
def test_gradient_of_J_is_zero_at_ridge_fit(kind, lam):
    X, y = make_problem(kind, 1)
    n = X.shape[0]
    w = ridge_fit(X, y, lam)
    scale = np.linalg.norm((2 / n) * X.T @ y)  # the size of the gradient at w = 0
    grad = (2 / n) * X.T @ (X @ w - y) + 2 * lam * w
    assert np.linalg.norm(grad) < 1e-12 * scale

    # the same with torch.autograd, in float64, on J written out directly
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    wt = torch.tensor(w, requires_grad=True)
    J = ((Xt @ wt - yt) ** 2).sum() / n + lam * (wt**2).sum()
    J.backward()
    assert wt.grad.dtype == torch.float64
    assert torch.linalg.vector_norm(wt.grad).item() < 1e-12 * scale

    # and it is the minimum: random nudges only increase J
    rng = np.random.default_rng(0)
    J0 = J_numpy(X, y, w, lam)
    for _ in range(5):
        nudge = 1e-3 * np.linalg.norm(w) * rng.normal(size=w.shape)
        assert J_numpy(X, y, w + nudge, lam) >= J0


# --- ridge_path ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_ridge_path_rows_equal_ridge_fit(kind):
    X, y = make_problem(kind, 2)
    lams = [1.0, 0.0, 1e-6, 10.0, 0.1, 1e-3]  # unsorted, with lam = 0: order is kept
    path = ridge_path(X, y, lams)
    n, p, k = SHAPES[kind]
    assert path.shape == ((len(lams), p, k) if k else (len(lams), p))
    assert path.dtype == np.float64
    for i, lam in enumerate(lams):
        assert rel_err(path[i], ridge_fit(X, y, lam)) < 1e-13


def test_ridge_path_matches_normal_equations_and_lstsq_for_every_lambda():
    X, Y = make_problem("multi", 0)
    n, p = X.shape
    lams = np.array([0.0, 1e-4, 1e-2, 1.0])
    path = ridge_path(X, Y, lams)
    assert path.shape == (4, p, Y.shape[1])
    assert rel_err(path[0], np.linalg.lstsq(X, Y, rcond=None)[0]) < 1e-12
    for lam, W in zip(lams[1:], path[1:], strict=True):
        assert rel_err(W, np.linalg.solve(X.T @ X + n * lam * np.eye(p), X.T @ Y)) < 1e-12


@pytest.mark.parametrize("lams", [[0.5], (0.5, 2.0), np.array([0.5, 2.0, 3.0])])
def test_ridge_path_accepts_any_1d_sequence(lams):
    X, y = make_problem("tall", 0)
    assert ridge_path(X, y, lams).shape == (len(lams), 5)
    assert ridge_path(X, y[:, None], lams).shape == (len(lams), 5, 1)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["tall", "wide", "ill", "multi"])
def test_norm_of_ridge_weights_never_increases_with_lambda(kind, seed):
    # theorem: ||w(lam)||^2 = sum_j (s_j u_j^T y / (s_j^2 + n lam))^2, each term decreasing
    X, y = make_problem(kind, seed)
    lams = np.concatenate([[0.0], np.logspace(-8, 4, 60)])
    norms = np.array([np.linalg.norm(W) for W in ridge_path(X, y, lams)])
    assert np.all(np.diff(norms) <= 1e-12 * norms[:-1])
    assert norms[-1] < 0.01 * norms[0]  # and they shrink towards 0


# --- shrinkage_factors -----------------------------------------------------------------------


@pytest.mark.parametrize("lam", [0.0, *LAMS])
@pytest.mark.parametrize("kind", ["tall", "square", "wide"])
def test_shrinkage_factors_match_eigenvalues_of_xtx(kind, lam):
    X, _ = make_problem(kind, 0)
    n, p = X.shape
    r = min(n, p)
    eig = np.linalg.eigvalsh(X.T @ X)[::-1][:r]  # sigma^2, largest first (p - r zeros dropped)
    expected = eig / (eig + n * lam)
    got = shrinkage_factors(X, lam)
    assert got.shape == (r,)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    assert np.all((got > 0) & (got <= 1))
    assert np.all(np.diff(got) <= 0)  # large singular values are shrunk least


@pytest.mark.parametrize("kind", ["tall", "square", "wide", "ill"])
def test_shrinkage_factors_are_exactly_one_at_lambda_zero_for_full_rank_x(kind):
    X, _ = make_problem(kind, 0)
    assert np.array_equal(shrinkage_factors(X, 0.0), np.ones(min(X.shape)))


@pytest.mark.parametrize("lam", [1e-3, 0.1, 10.0])
@pytest.mark.parametrize("kind", ["tall", "wide"])
def test_sum_of_shrinkage_factors_is_trace_of_hat_matrix(kind, lam):
    # the effective number of parameters, from the hat matrix built with np.linalg.solve
    X, _ = make_problem(kind, 1)
    n, p = X.shape
    H = X @ np.linalg.solve(X.T @ X + n * lam * np.eye(p), X.T)
    assert shrinkage_factors(X, lam).sum() == pytest.approx(np.trace(H), rel=1e-10)


def test_shrinkage_factors_decrease_with_lambda_and_vanish_for_a_null_direction(rng):
    X = rng.normal(size=(30, 5))
    X[:, 4] = X[:, 0] - X[:, 2]  # rank 4
    grid = [0.0, 1e-3, 1e-1, 10.0]
    table = np.array([shrinkage_factors(X, lam) for lam in grid])
    assert np.all(table[:, 4] == 0)  # numerically zero singular value: nothing kept
    assert np.array_equal(table[0, :4], np.ones(4))
    assert np.all(np.diff(table[:, :4], axis=0) < 0)


# --- ridge_cv --------------------------------------------------------------------------------


def sklearn_cv(X, y, lams, k, seed):
    """The documented folds, each fitted by scikit-learn and scored by its MSE."""
    n = X.shape[0]
    folds = np.array_split(np.random.default_rng(seed).permutation(n), k)
    fold_mse = np.empty((k, len(lams)))
    for i, val in enumerate(folds):
        train = np.setdiff1d(np.arange(n), val)
        for j, lam in enumerate(lams):
            model = Ridge(alpha=len(train) * lam, fit_intercept=False).fit(X[train], y[train])
            fold_mse[i, j] = mean_squared_error(y[val], model.predict(X[val]))
    return fold_mse


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("kind", ["tall", "wide", "multi"])
def test_ridge_cv_matches_sklearn_on_the_same_folds(kind, k):
    X, y = make_problem(kind, 0)
    lams = np.logspace(-4, 2, 7)
    mean_mse, fold_mse = ridge_cv(X, y, lams, k=k, seed=3)
    expected = sklearn_cv(X, y, lams, k=k, seed=3)
    assert fold_mse.shape == (k, len(lams)) and mean_mse.shape == (len(lams),)
    np.testing.assert_allclose(fold_mse, expected, rtol=1e-9)
    np.testing.assert_array_equal(mean_mse, fold_mse.mean(axis=0))


def test_leave_one_out_matches_the_closed_form_of_a_linear_smoother(rng):
    # with k = n every fit uses n - 1 rows, hence one penalty alpha = (n - 1) lam, and the
    # left-out residual is e_i / (1 - H_ii) with H = X (X^T X + alpha I)^{-1} X^T
    n, p = 25, 4
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    lams = np.array([1e-3, 0.1, 1.0])
    _, fold_mse = ridge_cv(X, y, lams, k=n, seed=7)
    order = np.random.default_rng(7).permutation(n)  # fold i holds the single row order[i]
    for j, lam in enumerate(lams):
        H = X @ np.linalg.solve(X.T @ X + (n - 1) * lam * np.eye(p), X.T)
        loo = (y - H @ y) / (1 - np.diag(H))
        np.testing.assert_allclose(fold_mse[:, j], loo[order] ** 2, rtol=1e-9)


def test_ridge_cv_is_reproducible_and_treats_a_column_target_like_a_vector():
    X, y = make_problem("tall", 1)
    lams = [0.0, 0.01, 1.0]
    a = ridge_cv(X, y, lams, k=4, seed=5)
    b = ridge_cv(X, y, lams, k=4, seed=5)
    c = ridge_cv(X, y[:, None], lams, k=4, seed=5)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_allclose(a[1], c[1], rtol=1e-12)
    assert not np.allclose(a[1], ridge_cv(X, y, lams, k=4, seed=6)[1])


@pytest.mark.parametrize("seed", range(5))
def test_cross_validation_picks_an_interior_lambda_when_p_is_close_to_n(seed):
    # p = 30 features for 32 training rows: least squares (small lam) nearly interpolates the
    # noise, a huge lam throws the signal away; the best lam is in between. Checked robust
    # over 100 seeds (always interior, best error < 0.89 of the better end), asserted on 5.
    rng = np.random.default_rng(seed)
    n, p = 40, 30
    X = rng.normal(size=(n, p))
    y = X @ (2 * rng.normal(size=p) / math.sqrt(p)) + rng.normal(size=n)
    lams = np.logspace(-5, 3, 33)
    mean_mse, _ = ridge_cv(X, y, lams, k=5, seed=seed)
    best = int(np.argmin(mean_mse))
    assert 0 < best < len(lams) - 1
    assert mean_mse[best] < 0.95 * min(mean_mse[0], mean_mse[-1])


# --- bad input: a ValueError with one specific sentence ----------------------------------------

X5 = np.arange(15.0).reshape(5, 3)
Y5 = np.arange(5.0)
FUNCS_XY = {
    "ridge_fit": lambda X, y: ridge_fit(X, y, 0.1),
    "ridge_path": lambda X, y: ridge_path(X, y, [0.1, 1.0]),
    "ridge_cv": lambda X, y: ridge_cv(X, y, [0.1, 1.0], k=2),
}
X_WITH_NAN = X5.copy()
X_WITH_NAN[2, 1] = np.nan
X_WITH_INF = X5.copy()
X_WITH_INF[0, 0] = np.inf


@pytest.mark.parametrize("func", list(FUNCS_XY), ids=str)
@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.arange(5.0), Y5, r"^X must be 2-D, got shape \(5,\)\.$"),
        (np.ones((5, 3, 1)), Y5, r"^X must be 2-D, got shape \(5, 3, 1\)\.$"),
        (np.zeros((0, 3)), Y5, r"^X is empty \(shape \(0, 3\)\); it needs at least one value\.$"),
        (np.zeros((5, 0)), Y5, r"^X is empty \(shape \(5, 0\)\); it needs at least one value\.$"),
        (X_WITH_NAN, Y5, r"^X contains NaN or infinite values\.$"),
        (X_WITH_INF, Y5, r"^X contains NaN or infinite values\.$"),
        ([["a", "b"]] * 5, Y5, r"^X must be numeric, got an array of dtype <U1\.$"),
        (X5, np.arange(4.0), r"^X has 5 rows but y has 4 entries\.$"),
        (X5, np.ones((6, 2)), r"^X has 5 rows but y has 6 rows\.$"),
        (X5, np.array([0.0, 1.0, np.nan, 3.0, 4.0]), r"^y contains NaN or infinite values\.$"),
        (
            X5,
            np.ones((5, 1, 1)),
            r"^y must be 1-D \(n,\) or 2-D \(n, k\), got shape \(5, 1, 1\)\.$",
        ),
        (X5, np.array([]), r"^y is empty \(shape \(0,\)\); it needs at least one value\.$"),
    ],
    ids=[
        "1d-X",
        "3d-X",
        "no-rows",
        "no-columns",
        "nan-X",
        "inf-X",
        "str-X",
        "short-y",
        "long-2d-y",
        "nan-y",
        "3d-y",
        "empty-y",
    ],
)
def test_bad_X_or_y_raises(func, X, y, match):
    with pytest.raises(ValueError, match=match):
        FUNCS_XY[func](X, y)


@pytest.mark.parametrize(
    ("lam", "match"),
    [
        (-0.1, r"^lam must be >= 0 \(a penalty strength\), got -0\.1\.$"),
        (float("nan"), r"^lam must be finite, got nan\.$"),
        (math.inf, r"^lam must be finite, got inf\.$"),
        ("0.1", r"^lam must be a real number, got str '0\.1'\.$"),
    ],
    ids=["negative", "nan", "inf", "str"],
)
@pytest.mark.parametrize("func", ["ridge_fit", "shrinkage_factors"])
def test_bad_lambda_raises(func, lam, match):
    with pytest.raises(ValueError, match=match):
        if func == "ridge_fit":
            ridge_fit(X5, Y5, lam)
        else:
            shrinkage_factors(X5, lam)


def test_shrinkage_factors_checks_X():
    with pytest.raises(ValueError, match=r"^X must be 2-D, got shape \(5,\)\.$"):
        shrinkage_factors(np.arange(5.0), 0.1)
    with pytest.raises(ValueError, match=r"^X contains NaN or infinite values\.$"):
        shrinkage_factors(X_WITH_NAN, 0.1)


@pytest.mark.parametrize(
    ("lams", "match"),
    [
        ([], r"^lams is empty \(shape \(0,\)\); it needs at least one value\.$"),
        ([[0.1, 1.0]], r"^lams must be 1-D, got shape \(1, 2\)\.$"),
        (0.1, r"^lams must be 1-D, got shape \(\)\.$"),
        ([0.1, -1.0], r"^lams must be >= 0 \(penalty strengths\), got -1\.0 at index 1\.$"),
        ([0.1, float("nan")], r"^lams contains NaN or infinite values\.$"),
        ([math.inf], r"^lams contains NaN or infinite values\.$"),
        (["a"], r"^lams must be numeric, got an array of dtype <U1\.$"),
    ],
    ids=["empty", "2d", "scalar", "negative", "nan", "inf", "str"],
)
@pytest.mark.parametrize("func", ["ridge_path", "ridge_cv"])
def test_bad_lams_raise(func, lams, match):
    with pytest.raises(ValueError, match=match):
        if func == "ridge_path":
            ridge_path(X5, Y5, lams)
        else:
            ridge_cv(X5, Y5, lams, k=2)


@pytest.mark.parametrize(
    ("k", "match"),
    [
        (1, r"^k must be between 2 and n = 5 \(the number of rows of X\), got 1\.$"),
        (0, r"^k must be between 2 and n = 5 \(the number of rows of X\), got 0\.$"),
        (6, r"^k must be between 2 and n = 5 \(the number of rows of X\), got 6\.$"),
        (2.5, r"^k must be an integer number of folds, got float 2\.5\.$"),
        (True, r"^k must be an integer number of folds, got bool True\.$"),
    ],
    ids=["1", "0", "more-than-n", "float", "bool"],
)
def test_bad_number_of_folds_raises(k, match):
    with pytest.raises(ValueError, match=match):
        ridge_cv(X5, Y5, [0.1], k=k)


def test_numpy_integer_k_and_k_equal_to_n_are_accepted():
    mean_mse, fold_mse = ridge_cv(X5, Y5, [0.1], k=np.int64(5))
    assert fold_mse.shape == (5, 1) and mean_mse.shape == (1,)


# --- the module itself -----------------------------------------------------------------------


def test_module_docstring_examples_run():
    result = doctest.testmod(l2lessons.ridge)
    assert result.attempted > 0 and result.failed == 0


def test_math_module_imports_numpy_only():
    tree = ast.parse(Path(l2lessons.ridge.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert imported <= {"__future__", "numbers", "numpy", "._validate"}


# --- intercept ----------------------------------------------------------------------------


@pytest.mark.parametrize("lam", [0.0, 1e-3, 0.5])
def test_ridge_fit_intercept_matches_sklearn_with_fit_intercept(lam):
    rng = np.random.default_rng(11)
    X = rng.normal(size=(30, 4)) + 5.0  # far from the origin: the intercept matters
    y = X @ rng.normal(size=4) + 10.0 + rng.normal(size=30)
    w, b = ridge_fit_intercept(X, y, lam)
    model = Ridge(alpha=len(y) * lam, fit_intercept=True, solver="svd").fit(X, y)
    np.testing.assert_allclose(w, model.coef_, rtol=1e-8, atol=1e-10)
    assert b == pytest.approx(model.intercept_, rel=1e-8)


def test_unpenalized_intercept_follows_a_shift_of_the_targets_exactly():
    rng = np.random.default_rng(12)
    X, y = rng.normal(size=(25, 3)), rng.normal(size=25)
    w, b = ridge_fit_intercept(X, y, 0.3)
    w_shifted, b_shifted = ridge_fit_intercept(X, y + 100.0, 0.3)
    np.testing.assert_allclose(w_shifted, w, atol=1e-10)
    assert b_shifted == pytest.approx(b + 100.0)


def test_ridge_cv_with_intercept_matches_a_sklearn_fold_loop():
    rng = np.random.default_rng(13)
    n = 40
    X = rng.normal(size=(n, 6)) + 3.0
    y = X @ rng.normal(size=6) + 7.0 + rng.normal(size=n)
    lams = np.logspace(-4, 1, 6)
    mean_mse, fold_mse = ridge_cv(X, y, lams, k=4, seed=5, fit_intercept=True)
    folds = np.array_split(np.random.default_rng(5).permutation(n), 4)
    for i, val in enumerate(folds):
        train = np.setdiff1d(np.arange(n), val)
        for j, lam in enumerate(lams):
            model = Ridge(alpha=len(train) * lam, fit_intercept=True, solver="svd")
            model.fit(X[train], y[train])
            expected = mean_squared_error(y[val], model.predict(X[val]))
            assert fold_mse[i, j] == pytest.approx(expected, rel=1e-8)
    np.testing.assert_allclose(mean_mse, fold_mse.mean(axis=0))


# --- what shrinks and what need not (lesson 3, Section 3) -------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["tall", "square", "wide", "ill"])
def test_every_component_along_a_right_singular_vector_shrinks_with_lambda(kind, seed):
    # theorem: v_k^T w(lam) = s_k (u_k^T y) / (s_k^2 + n lam), whose size falls as lam grows
    X, y = make_problem(kind, seed)
    lams = np.concatenate([[0.0], np.logspace(-8, 4, 60)])
    Vt = np.linalg.svd(X, full_matrices=False)[2]
    components = np.abs(ridge_path(X, y, lams) @ Vt.T)  # (L, r), from the weights themselves
    assert np.all(np.diff(components, axis=0) <= 1e-12 * components.max())


def lesson3_problem():
    """Lesson 3's centred data: noisy_sine(30, seed=0) with 12 Legendre features."""
    from l2lessons.data import noisy_sine, polynomial_features

    x, y = noisy_sine(30, noise=0.25, seed=0)
    X = polynomial_features(x, 12)
    return X - X.mean(axis=0), y - y.mean()


def test_single_weights_of_the_lesson_3_path_grow_and_change_sign():
    # the lesson's counterexample to "every weight shrinks", on a grid 25 times finer than its own
    X, y = lesson3_problem()
    path = ridge_path(X, y, np.logspace(-8, 2, 2001))
    size = np.abs(path)
    grows = (np.diff(size, axis=0) > 1e-12 * size.max()).any(axis=0)
    flips = (np.diff(np.sign(path), axis=0) != 0).any(axis=0)
    assert np.flatnonzero(grows).tolist() == [1, 3, 6, 10, 11]  # w_2, w_4, w_7, w_11, w_12
    assert np.flatnonzero(flips).tolist() == [3, 10, 11]  # w_4, w_11, w_12


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["tall", "wide", "ill"])
def test_fixed_design_squared_bias_never_decreases_with_lambda(kind, seed):
    # with X fixed, the average ridge fit is the fit to the noise-free f; its residual along
    # each u_k is multiplied by n lam / (s_k^2 + n lam), so ||f - X w(lam)||^2 can only grow
    X, _ = make_problem(kind, seed)
    f = np.sin(X @ np.random.default_rng(seed).normal(size=X.shape[1]))  # any fixed signal
    lams = np.concatenate([[0.0], np.logspace(-8, 4, 60)])
    bias_sq = np.mean((ridge_path(X, f, lams) @ X.T - f) ** 2, axis=1)
    assert np.all(np.diff(bias_sq) >= -1e-12 * bias_sq.max())
    assert bias_sq[-1] > bias_sq[0]


# --- the references of lesson 3's exercises (l2lessons.exercise_bank.ridge_closed_form) ---------


def test_the_cross_validation_exercise_reference_is_ridge_cv_with_an_intercept():
    # the exercise's scikit-learn fold loop and the package's ridge_cv follow one fold convention
    from l2lessons.exercise_bank import ridge_closed_form as bank

    for X, y, lam, k in bank._cases_4():
        mean_mse, _ = ridge_cv(X, y, [lam], k=k, seed=0, fit_intercept=True)
        assert bank._sklearn_cv(X, y, lam, k) == pytest.approx(mean_mse[0], rel=1e-9)
    sizes = [[len(f) for f in bank._folds(len(c[1]), c[3])] for c in bank._cases_4()]
    assert any(len(set(s)) > 1 for s in sizes)  # unequal folds: pooling the errors would differ


def test_the_half_way_exercise_answer_is_sigma_squared_over_n():
    from l2lessons.exercise_bank import ridge_closed_form as bank

    X, _ = lesson3_problem()
    lam = bank._expected_3()  # found by brentq on shrinkage_factors
    assert shrinkage_factors(X, lam)[0] == pytest.approx(0.5, abs=1e-12)
    s_max = np.linalg.eigvalsh(X.T @ X).max()  # sigma_1^2 as the largest eigenvalue of X^T X
    assert lam == pytest.approx(s_max / X.shape[0], rel=1e-10)
