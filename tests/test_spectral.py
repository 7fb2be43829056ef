"""Tests of ``l2lessons.spectral`` against gradient descent and ridge regression actually run.

References: plain gradient descent on ``(1/n) ||X w - y||^2`` (and on the penalized
objective), :func:`l2lessons.ridge.ridge_fit` and :func:`~l2lessons.ridge.shrinkage_factors`,
scikit-learn's ``Ridge(alpha=n * lam)``, ``np.linalg.pinv``, ``np.linalg.cond`` and a Hessian
from ``torch.autograd.functional.hessian``. Nothing here re-types the filter formulas.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
from sklearn.linear_model import Ridge

import l2lessons.spectral
from l2lessons.ridge import ridge_fit, shrinkage_factors
from l2lessons.spectral import (
    condition_number,
    equivalent_lambda,
    gd_filter_factors,
    ridge_filter_factors,
)


def problem(n=40, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * np.linspace(0.2, 2.0, p)  # a spread of curvatures
    y = X @ rng.normal(size=p) + 0.3 * rng.normal(size=n)
    return X, y


def eig(X):
    """Eigen-decomposition of the Hessian of the mean squared error, (2/n) X^T X."""
    return np.linalg.eigh(2.0 / X.shape[0] * X.T @ X)


def run_gd(X, y, lr, steps, lam=0.0, w0=None):
    """Plain gradient descent on (1/n)||Xw - y||^2 + lam ||w||^2; returns every iterate."""
    n = X.shape[0]
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(steps):
        w = w - lr * (2.0 / n * X.T @ (X @ w - y) + 2.0 * lam * w)
        path.append(w.copy())
    return np.array(path)


def test_doctests():
    assert doctest.testmod(l2lessons.spectral).failed == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("lr_scale", [0.3, 1.0, 1.8])  # 1 < lr h_max < 2 oscillates, converges
def test_gd_filter_factors_match_gradient_descent_run(seed, lr_scale):
    X, y = problem(seed=seed)
    h, Q = eig(X)
    lr = lr_scale / h.max()
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    path = run_gd(X, y, lr, 60)
    for steps in [0, 1, 2, 7, 60]:
        # the component of w_steps along each eigenvector, over that of w*
        measured = (Q.T @ path[steps]) / (Q.T @ w_star)
        np.testing.assert_allclose(gd_filter_factors(h, lr, steps), measured, atol=1e-9)


def test_gd_filter_factors_grow_without_bound_when_gd_diverges():
    X, y = problem(seed=3)
    h, Q = eig(X)
    lr = 2.2 / h.max()  # past the stability limit 2 / h_max along the top direction
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    path = run_gd(X, y, lr, 30)
    measured = (Q.T @ path[30]) / (Q.T @ w_star)
    factors = gd_filter_factors(h, lr, 30)
    np.testing.assert_allclose(factors, measured, rtol=1e-8)
    assert abs(factors[-1]) > 10


def test_gd_filter_factors_are_accurate_for_tiny_lr_h():
    # 1 - (1 - x)^k computed naively loses all digits at x = 1e-17; the answer is ~ k x
    f = gd_filter_factors([1e-17], lr=1.0, steps=1000)
    np.testing.assert_allclose(f, [1e-14], rtol=1e-6)


@pytest.mark.parametrize("lam", [0.0, 1e-4, 1e-2, 0.3, 5.0])
def test_ridge_filter_factors_reproduce_ridge_fit_and_sklearn(lam):
    X, y = problem(seed=4)
    h, Q = eig(X)
    w_star = ridge_fit(X, y, 0.0)
    predicted = Q @ (ridge_filter_factors(h, lam) * (Q.T @ w_star))
    np.testing.assert_allclose(predicted, ridge_fit(X, y, lam), rtol=1e-9, atol=1e-12)
    sk = Ridge(alpha=X.shape[0] * lam, fit_intercept=False, solver="svd").fit(X, y).coef_
    np.testing.assert_allclose(predicted, sk, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("lam", [0.0, 1e-3, 0.1, 10.0])
def test_ridge_filter_is_the_svd_shrinkage_with_h_equal_2_sigma_squared_over_n(lam):
    X, _ = problem(n=25, p=8, seed=5)
    s = np.linalg.svd(X, compute_uv=False)
    np.testing.assert_allclose(
        ridge_filter_factors(2 * s**2 / X.shape[0], lam), shrinkage_factors(X, lam), rtol=1e-12
    )


def test_wide_problem_round_off_eigenvalues_count_as_zero_and_give_the_min_norm_solution():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 30)), rng.normal(size=10)
    h, Q = eig(X)
    assert h.min() < 0 or np.sum(h < 1e-10) == 20  # eigvalsh's round-off around zero
    w_mn = np.linalg.pinv(X) @ y
    for lam in [0.0, 1e-3, 1.0]:
        w = Q @ (ridge_filter_factors(h, lam) * (Q.T @ w_mn))
        np.testing.assert_allclose(w, ridge_fit(X, y, lam), atol=1e-10)
    # gradient descent from 0 never leaves the row space: its filter on h = 0 is 0 too
    path = run_gd(X, y, 1.0 / h.max(), 40)
    np.testing.assert_allclose(
        Q @ (gd_filter_factors(h, 1.0 / h.max(), 40) * (Q.T @ w_mn)), path[40], atol=1e-10
    )


def test_ridge_filter_on_a_torch_hessian_matches_the_penalized_minimizer_of_a_quadratic():
    # a general quadratic 0.5 (w - c)^T A (w - c), Hessian A from torch.autograd
    rng = np.random.default_rng(6)
    M = rng.normal(size=(5, 5))
    A, c = M @ M.T + 0.1 * np.eye(5), rng.normal(size=5)
    At, ct = torch.tensor(A), torch.tensor(c)
    H = torch.autograd.functional.hessian(
        lambda w: 0.5 * (w - ct) @ At @ (w - ct), torch.zeros(5, dtype=torch.float64)
    ).numpy()
    h, Q = np.linalg.eigh(H)
    lam = 0.7
    exact = np.linalg.solve(A + 2 * lam * np.eye(5), A @ c)  # gradient A(w - c) + 2 lam w = 0
    np.testing.assert_allclose(Q @ (ridge_filter_factors(h, lam) * (Q.T @ c)), exact, rtol=1e-10)


def test_equivalent_lambda_matches_the_filters_where_lr_h_and_h_over_lam_are_small():
    lr, steps = 0.01, 2000
    lam = equivalent_lambda(lr, steps)
    h = np.logspace(-6, -3, 20) / lr  # lr h <= 1e-3 and h / (2 lam) = lr h steps <= 2
    small = h * lr * steps < 0.05
    gd, ridge = gd_filter_factors(h, lr, steps), ridge_filter_factors(h, lam)
    np.testing.assert_allclose(gd[small], ridge[small], rtol=0.05)
    # and both keep (almost) everything at large h
    big = np.array([100.0]) / (lr * steps)
    assert gd_filter_factors(big, lr, steps)[0] > 0.99 and ridge_filter_factors(big, lam)[0] > 0.98


def test_early_stopping_path_is_close_to_the_ridge_path_at_lambda_one_over_2_lr_steps():
    # GD run vs ridge_fit run: the relative distance is far below that of either to w* or 0
    X, y = problem(n=200, p=8, seed=7)
    h, _ = eig(X)
    lr = 0.1 / h.max()
    path = run_gd(X, y, lr, 400)
    w_star = ridge_fit(X, y, 0.0)
    for steps in [50, 400]:
        w_ridge = ridge_fit(X, y, equivalent_lambda(lr, steps))
        dist = np.linalg.norm(path[steps] - w_ridge)
        assert dist < 0.5 * min(np.linalg.norm(path[steps] - w_star), np.linalg.norm(w_ridge))


@pytest.mark.parametrize("lam", [0.0, 1e-3, 0.1])
def test_condition_number_is_that_of_the_penalized_hessian(lam):
    X, _ = problem(seed=8)
    H = 2.0 / X.shape[0] * X.T @ X + 2 * lam * np.eye(X.shape[1])
    h = np.linalg.eigvalsh(2.0 / X.shape[0] * X.T @ X)
    assert condition_number(h, lam) == pytest.approx(np.linalg.cond(H), rel=1e-9)


def test_condition_number_bounds_the_steps_of_gradient_descent():
    # GD with lr = 1 / (h_max + 2 lam) contracts the error by (1 - 1/kappa) per step at worst
    X, y = problem(seed=9)
    h, _ = eig(X)
    for lam in [0.0, 0.01, 0.1]:
        kappa = condition_number(h, lam)
        lr = 1.0 / (h.max() + 2 * lam)
        target = ridge_fit(X, y, lam)
        path = run_gd(X, y, lr, 3000, lam=lam)
        errors = np.linalg.norm(path - target, axis=1) / np.linalg.norm(target)
        steps = int(np.argmax(errors < 1e-6))
        assert 0 < steps <= np.ceil(np.log(1e-6) / np.log(1 - 1 / kappa))


def test_singular_hessian_has_infinite_condition_number_without_penalty():
    assert condition_number([2.0, 0.0]) == float("inf")
    assert condition_number([2.0, 0.0], lam=0.5) == pytest.approx(3.0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ridge_filter_factors([1.0, -0.5], 0.1), "eigenvalues >= 0"),
        (lambda: ridge_filter_factors([1.0, np.nan], 0.1), "NaN"),
        (lambda: ridge_filter_factors([], 0.1), "empty"),
        (lambda: ridge_filter_factors(["a"], 0.1), "numeric"),
        (lambda: ridge_filter_factors([1.0], -1.0), ">= 0"),
        (lambda: gd_filter_factors([1.0], 0.0, 3), "lr must be > 0"),
        (lambda: gd_filter_factors([1.0], 0.1, 2.5), "integer >= 0"),
        (lambda: gd_filter_factors([1.0], 0.1, -1), "integer >= 0"),
        (lambda: gd_filter_factors([1.0], 0.1, True), "integer >= 0"),
        (lambda: gd_filter_factors([-1.0], 0.1, 3), "eigenvalues >= 0"),
        (lambda: equivalent_lambda(0.1, 0), "integer >= 1"),
        (lambda: equivalent_lambda(-0.1, 5), "> 0"),
        (lambda: condition_number([1.0], lam=np.inf), "finite"),
    ],
)
def test_bad_input_raises_one_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_zero_steps_keep_nothing_and_numpy_integers_are_accepted():
    np.testing.assert_array_equal(gd_filter_factors([0.0, 1.0, 3.0], 0.1, 0), [0.0, 0.0, 0.0])
    np.testing.assert_allclose(gd_filter_factors([1.0], 0.5, np.int64(2)), [0.75])
    assert gd_filter_factors(np.ones((2, 3)), 0.5, 1).shape == (2, 3)
