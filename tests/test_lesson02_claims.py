"""Lesson 02's claims, checked against independent implementations (scikit-learn, SciPy).

The lesson shows each claim with its own code; these tests check the same facts another way,
so that a change in the package or the data that breaks a claim fails here too.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.linear_model import Lasso, Ridge

from l2lessons.data import noisy_sine, polynomial_features
from l2lessons.exercises import get, grade
from l2lessons.ridge import ridge_fit_intercept, ridge_path

LAMS = np.logspace(-8, 2, 81)  # the lesson's grid


@pytest.fixture(scope="module")
def data():
    x, y = noisy_sine(15, noise=0.25, seed=22)
    X = polynomial_features(x, 12)
    return X, y, X - X.mean(axis=0), y - y.mean()


def test_single_weights_grow_and_flip_while_the_norm_and_svd_components_shrink(data):
    """E2: not every weight shrinks; ‖w‖ and every |v_kᵀw| do (path from scikit-learn)."""
    X, y, Xc, _ = data
    W = np.array([Ridge(alpha=15 * lam, solver="svd").fit(X, y).coef_ for lam in LAMS])
    A = np.abs(W)
    climbs = (A - np.minimum.accumulate(A, axis=0)).max(axis=0)
    flips = np.any(np.diff(np.sign(W), axis=0) != 0, axis=0)
    assert np.sum(climbs > 1e-3) == 11 and np.sum(flips) == 11  # the lesson prints 11 and 11
    assert np.all(np.diff(np.linalg.norm(W, axis=1)) <= 1e-10)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    C = W @ Vt.T
    assert np.all(np.diff(np.abs(C), axis=0) <= 1e-10)
    w0 = ridge_fit_intercept(X, y, 0.0)[0]
    np.testing.assert_allclose(C, s**2 / (s**2 + 15 * LAMS[:, None]) * (Vt @ w0), atol=1e-7)


def test_the_same_happens_on_lesson_03s_data():
    """The review's lesson-3 count (5 of 12 weights grow somewhere), centred features."""
    x, y = noisy_sine(30, seed=0)
    X = polynomial_features(x, 12)
    W = ridge_path(X - X.mean(axis=0), y - y.mean(), np.logspace(-8, 2, 400))
    A = np.abs(W)
    assert np.sum((A - np.minimum.accumulate(A, axis=0)).max(axis=0) > 1e-6) == 5


@pytest.mark.parametrize("lam", [1e-3, 0.0237, 1.0])
def test_the_penalized_minimizer_minimizes_the_data_loss_in_its_ball(data, lam):
    """W10: argmin L over ‖w‖ ≤ ‖w*(λ)‖ (SciPy SLSQP) equals w*(λ) (scikit-learn Ridge)."""
    _, _, Xc, yc = data
    w_star = Ridge(alpha=15 * lam, fit_intercept=False, solver="svd").fit(Xc, yc).coef_
    t2 = w_star @ w_star
    res = minimize(
        lambda w: np.mean((Xc @ w - yc) ** 2),
        np.zeros(12),
        jac=lambda w: 2 / 15 * Xc.T @ (Xc @ w - yc),
        constraints=[{"type": "ineq", "fun": lambda w: t2 - w @ w, "jac": lambda w: -2 * w}],
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 2000},
    )
    np.testing.assert_allclose(res.x, w_star, atol=1e-6)


def test_ista_gives_exact_zeros_and_the_lasso_solution_subgradient_descent_none(data):
    """W1: the exercise's reference step, iterated, is scikit-learn's Lasso(alpha = λ/2)."""
    _, _, Xc, yc = data
    lam = 0.03
    step = 15 / (2 * np.linalg.norm(Xc, 2) ** 2)
    step_fn = get("penalized_loss.4").reference
    w, v = np.zeros(12), np.zeros(12)
    for _ in range(3000):
        w = step_fn(w, Xc, yc, lam, step)
        v = v - step * (2 / 15 * Xc.T @ (Xc @ v - yc) + lam * np.sign(v))
    lasso = Lasso(alpha=lam / 2, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(Xc, yc)
    np.testing.assert_allclose(w, lasso.coef_, atol=1e-6)
    assert np.sum(w == 0) == np.sum(lasso.coef_ == 0) == 8
    assert np.sum(v == 0) == 0


def test_exercise_3_value_is_where_the_top_direction_keeps_a_tenth(data):
    """Ex3's expected λ: scikit-learn's ridge keeps 10 % of v₁ᵀw(0) there."""
    X, y, Xc, _ = data
    lam = get("penalized_loss.3").expected()
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    w_lam = Ridge(alpha=15 * lam, solver="svd").fit(X, y).coef_
    w_0 = ridge_fit_intercept(X, y, 0.0)[0]
    assert (Vt[0] @ w_lam) / (Vt[0] @ w_0) == pytest.approx(0.1, rel=1e-8)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_every_exercise_of_lesson_02_passes_its_solution_and_fails_each_mistake(n):
    ex = get(f"penalized_loss.{n}")
    assert len(ex.mistakes) >= 2
    if ex.kind == "value":
        assert grade(ex.key, ex.solution(), lang="en")
        assert grade(ex.key, float(f"{ex.expected():.{ex.digits}g}"), lang="en")
        assert not any(grade(ex.key, m.value(), lang="en") for m in ex.mistakes)
    else:
        assert grade(ex.key, ex.solution, lang="en")
        for m in ex.mistakes:
            feedback = grade(ex.key, m.answer, lang="zh")
            assert not feedback and m.hint["zh"] in repr(feedback)


def test_ridge_1d_written_with_matrices_returning_shape_1_passes():
    """Review (c): np.linalg.solve on the 1×1 system returns shape (1,); that is accepted."""

    def ridge_1d(x, y, lam):
        return np.linalg.solve(np.array([[np.mean(x * x) + lam]]), np.array([np.mean(x * y)]))

    assert grade("penalized_loss.2", ridge_1d, lang="en")
