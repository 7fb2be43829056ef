"""Tests of gradient checking: known derivatives, and catching planted gradient bugs."""

from __future__ import annotations

import numpy as np
import pytest

from l2lessons.gradcheck import (
    GradCheckResult,
    check_gradient,
    numerical_gradient,
    relative_error,
)
from l2lessons.softmax import softmax_ce_l2


@pytest.fixture
def rng():
    return np.random.default_rng(7)


# --- numerical_gradient on functions with known derivatives ---------------------------------


def test_sum_of_squares_gives_2x(rng):
    x = rng.normal(size=(3, 4))
    g = numerical_gradient(lambda v: np.sum(v**2), x)
    assert g.shape == x.shape and g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8, atol=1e-9)


def test_quadratic_form_gives_a_plus_a_transpose_times_x(rng):
    A = rng.normal(size=(5, 5))  # not symmetric, so the answer is not 2 A x
    x = rng.normal(size=5)
    g = numerical_gradient(lambda v: v @ A @ v, x)
    np.testing.assert_allclose(g, (A + A.T) @ x, rtol=1e-7, atol=1e-8)
    assert not np.allclose(g, 2 * A @ x, atol=1e-3)


def test_sum_of_sines_gives_cosines(rng):
    x = rng.uniform(-3, 3, size=7)
    np.testing.assert_allclose(
        numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), atol=1e-9
    )


def test_it_is_a_central_difference_with_error_eps_squared(rng):
    # (f(x+h) - f(x-h)) / 2h for f = x^3 is exactly 3x^2 + h^2; a forward difference
    # would be off by about 3 x h instead
    x = rng.uniform(0.5, 2.0, size=4)
    eps = 1e-3
    g = numerical_gradient(lambda v: np.sum(v**3), x, eps=eps)
    np.testing.assert_allclose(g - 3 * x**2, eps**2, rtol=1e-4)


def test_x_is_left_unchanged_and_integer_input_works():
    x = np.array([[1.0, -2.0], [3.0, 0.5]])
    saved = x.copy()
    numerical_gradient(lambda v: np.sum(v**2), x)
    np.testing.assert_array_equal(x, saved)
    g = numerical_gradient(lambda v: np.sum(v**2), np.array([1, 2, 3]))
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0], rtol=1e-8)


def test_x_is_left_unchanged_even_if_f_raises():
    x = np.array([1.0, 2.0])
    saved = x.copy()

    def boom(v):
        raise RuntimeError("f failed")

    with pytest.raises(RuntimeError, match="f failed"):
        numerical_gradient(boom, x)
    np.testing.assert_array_equal(x, saved)


# --- relative_error -------------------------------------------------------------------------


def test_relative_error_values():
    a = np.array([1.0, 0.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0  # no 0 / 0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(a, [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)
    # ||a - b|| / (||a|| + ||b||) with a = (3, 4), b = (3, 4.5)
    expected = 0.5 / (5.0 + np.hypot(3.0, 4.5))
    assert relative_error([3.0, 4.0], [3.0, 4.5]) == pytest.approx(expected, rel=1e-14)


def test_relative_error_is_scale_invariant_and_symmetric(rng):
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    e = relative_error(a, b)
    assert relative_error(b, a) == e
    assert relative_error(1e-8 * a, 1e-8 * b) == pytest.approx(e, rel=1e-12)
    assert relative_error(1e8 * a, 1e8 * b) == pytest.approx(e, rel=1e-12)


# --- check_gradient on softmax_ce_l2: passes when right, fails on planted mistakes ----------


@pytest.fixture
def softmax_problem(rng):
    n, p, c = 20, 4, 3
    W = rng.normal(size=(p, c))
    b = rng.normal(size=c)  # nonzero, so a penalized bias shows up
    X = rng.normal(size=(n, p))
    y = rng.integers(0, c, size=n)
    return W, b, X, y, 0.1


def test_correct_softmax_gradients_pass(softmax_problem):
    W, b, X, y, lam = softmax_problem
    _, dW, db = softmax_ce_l2(W, b, X, y, lam)
    res_W = check_gradient(lambda V: softmax_ce_l2(V, b, X, y, lam)[0], W, dW)
    res_b = check_gradient(lambda v: softmax_ce_l2(W, v, X, y, lam)[0], b, db)
    assert res_W.passed and res_W.rel_error < 1e-7, res_W
    assert res_b.passed and res_b.rel_error < 1e-7, res_b


def test_planted_mistake_lam_w_instead_of_2_lam_w_fails(softmax_problem):
    W, b, X, y, lam = softmax_problem
    _, dW, _ = softmax_ce_l2(W, b, X, y, lam)
    wrong = dW - lam * W  # the gradient of the penalty written as lam W, not 2 lam W
    res = check_gradient(lambda V: softmax_ce_l2(V, b, X, y, lam)[0], W, wrong)
    assert not res.passed
    assert res.rel_error > 1e-3, res


def test_planted_mistake_penalized_bias_fails(softmax_problem):
    W, b, X, y, lam = softmax_problem
    _, _, db = softmax_ce_l2(W, b, X, y, lam)
    wrong = db + 2 * lam * b  # as if the objective also charged lam ||b||^2
    res = check_gradient(lambda v: softmax_ce_l2(W, v, X, y, lam)[0], b, wrong)
    assert not res.passed
    assert res.rel_error > 1e-3, res
    assert res.worst_index == (int(np.argmax(np.abs(b))),)  # the error is 2 lam b


def test_worst_index_points_at_a_single_planted_error(softmax_problem):
    W, b, X, y, lam = softmax_problem
    _, dW, _ = softmax_ce_l2(W, b, X, y, lam)
    wrong = dW.copy()
    wrong[2, 1] += 1e-3
    res = check_gradient(lambda V: softmax_ce_l2(V, b, X, y, lam)[0], W, wrong)
    assert res.worst_index == (2, 1)
    assert res.max_abs_diff == pytest.approx(1e-3, rel=1e-4)
    assert 1e-6 < res.rel_error < 1e-2
    assert not res.passed
    # with a looser tolerance the same small error passes
    assert check_gradient(lambda V: softmax_ce_l2(V, b, X, y, lam)[0], W, wrong, tol=1e-2).passed


def test_result_is_a_readable_dataclass():
    x = np.array([1.0, 2.0])
    res = check_gradient(lambda v: np.sum(v**2), x, 2 * x)
    assert isinstance(res, GradCheckResult)
    assert isinstance(res.passed, bool) and isinstance(res.rel_error, float)
    assert res.worst_index in {(0,), (1,)}
    text = repr(res)
    assert text.startswith("GradCheckResult(passed: rel_error=") and "worst_index=" in text
    bad = check_gradient(lambda v: np.sum(v**2), x, x)
    assert "FAILED" in repr(bad) and bad.rel_error == pytest.approx(1 / 3, rel=1e-6)
    np.testing.assert_allclose(bad.numerical, 2 * x, rtol=1e-8)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: numerical_gradient(lambda v: v, np.ones(3)), r"^f must return one real number"),
        (
            lambda: numerical_gradient(lambda v: (v.sum(), v), np.ones(3)),
            r"^f must return one real number \(a scalar loss\), got tuple\.$",
        ),
        (
            lambda: numerical_gradient(lambda v: np.nan, np.ones(2)),
            r"^f returned nan; it must return a finite number\.$",
        ),
        (lambda: numerical_gradient("f", np.ones(2)), r"^f must be a function of one array"),
        (lambda: numerical_gradient(np.sum, np.ones(2), eps=0), r"^eps must be > 0, got 0\.0\.$"),
        (
            lambda: numerical_gradient(np.sum, np.ones(2), eps=-1e-6),
            r"^eps must be > 0, got -1e-06",
        ),
        (lambda: numerical_gradient(np.sum, []), r"^x is empty \(shape \(0,\)\)"),
        (lambda: numerical_gradient(np.sum, [1.0, np.nan]), r"^x contains NaN or infinite"),
        (
            lambda: relative_error(np.ones(3), np.ones(4)),
            r"^a and b must have the same shape, got \(3,\) and \(4,\)\.$",
        ),
        (
            lambda: check_gradient(np.sum, np.ones(3), np.ones((3, 1))),
            r"^analytic_grad has shape \(3, 1\) but x has shape \(3,\); they must match\.$",
        ),
        (lambda: check_gradient(np.sum, np.ones(3), np.ones(3), tol=0), r"^tol must be > 0"),
    ],
    ids=[
        "f-array",
        "f-tuple",
        "f-nan",
        "f-not-callable",
        "eps-0",
        "eps-neg",
        "x-empty",
        "x-nan",
        "shapes",
        "grad-shape",
        "tol-0",
    ],
)
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
