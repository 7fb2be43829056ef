"""The claims lesson 08 (early stopping) makes in its prose, checked independently of the notebook.

The notebook prints its evidence (nbval compares it); these tests recompute the general
statements another way: the largest gap between the two filters by scipy's optimizer instead
of the notebook's grid, the sign of the gap as an inequality over random spectra, and the
minimum-norm and conditioning claims with scikit-learn and a plain loop.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn.linear_model import Ridge

from l2lessons.data import noisy_sine, polynomial_features
from l2lessons.ridge import ridge_fit
from l2lessons.spectral import (
    condition_number,
    equivalent_lambda,
    gd_filter_factors,
    ridge_filter_factors,
)


def lesson3_problem():
    x, y = noisy_sine(30, noise=0.25, seed=0)
    X = polynomial_features(x, 12)
    return X - X.mean(axis=0), y - y.mean()


def test_largest_gap_between_the_filters_is_about_0_20_near_alpha_h_tau_2_5():
    # lesson: "by up to 0.204 at αhτ ≈ 2.5" in the limit αh -> 0 (here lr h <= 1e-4)
    lr, steps = 1e-4, 10**5

    def minus_gap(log_x):
        h = np.array([np.exp(log_x) / (lr * steps)])
        lam = equivalent_lambda(lr, steps)
        return -(gd_filter_factors(h, lr, steps) - ridge_filter_factors(h, lam))[0]

    best = minimize_scalar(minus_gap, bounds=(-3, 3), method="bounded", options={"xatol": 1e-8})
    assert -best.fun == pytest.approx(0.2036, abs=2e-4)
    assert np.exp(best.x) == pytest.approx(2.513, abs=5e-3)


@pytest.mark.parametrize("seed", range(5))
def test_early_stopping_never_keeps_less_than_ridge_at_the_equivalent_lambda(seed):
    rng = np.random.default_rng(seed)
    lr = rng.uniform(0.01, 1.0)
    h = rng.uniform(0, 1 / lr, size=200)  # lr h <= 1: gradient descent does not overshoot
    for steps in [1, 3, 40, 1000]:
        gap = gd_filter_factors(h, lr, steps) - ridge_filter_factors(
            h, equivalent_lambda(lr, steps)
        )
        assert gap.min() >= -1e-12


def test_gradient_descent_from_zero_reaches_sklearns_smallest_ridge_on_lesson3s_wide_problem():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 30)), rng.normal(size=10)
    lr = 1 / np.linalg.eigvalsh(2 / 10 * X.T @ X).max()
    w = np.zeros(30)
    for _ in range(3000):
        w -= lr * 2 / 10 * X.T @ (X @ w - y)
    tiny = Ridge(alpha=10 * 1e-10, fit_intercept=False, solver="svd").fit(X, y).coef_
    np.testing.assert_allclose(w, tiny, atol=1e-8)
    assert np.linalg.norm(w) < np.linalg.norm(np.linalg.lstsq(X, y, rcond=None)[0]) + 1e-12


def test_gradient_descent_steps_fall_with_lambda_and_stay_under_kappa_log_one_over_tol():
    X, y = lesson3_problem()
    n = len(y)
    h = np.linalg.eigvalsh(2 / n * X.T @ X)
    measured = []
    for lam in [0.0, 1e-2, 1e-1]:
        target, lr = ridge_fit(X, y, lam), 1 / (h.max() + 2 * lam)
        w, steps = np.zeros(X.shape[1]), 0
        while np.linalg.norm(w - target) > 1e-8 * np.linalg.norm(target):
            w = (1 - 2 * lr * lam) * w - lr * 2 / n * X.T @ (X @ w - y)
            steps += 1
        assert steps <= condition_number(h, lam) * np.log(1e8)
        measured.append(steps)
    assert measured[0] > measured[1] > measured[2]


def test_separable_logistic_regression_norm_keeps_growing_without_l2_and_settles_with_it():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal([1.5, 1.5], 0.6, (50, 2)), rng.normal([-1.5, -1.5], 0.6, (50, 2))])
    y = np.r_[np.ones(50), -np.ones(50)]
    assert np.all(y * (X @ np.array([1.0, 1.0])) > 0)  # separable by a line through 0
    W, lams, norms = np.zeros((2, 2)), np.array([0.0, 1e-2]), {}
    for t in range(1, 4001):
        grad = -X.T @ (y[:, None] / (1 + np.exp(y[:, None] * (X @ W)))) / 100
        W = W - (grad + 2 * lams * W)
        if t in (1000, 2000, 4000):
            norms[t] = np.linalg.norm(W, axis=0)
    assert norms[1000][0] < norms[2000][0] < norms[4000][0]  # grows without L2
    assert norms[4000][1] == pytest.approx(norms[1000][1], rel=1e-9)  # settled with L2
