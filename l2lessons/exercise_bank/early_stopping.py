"""Exercises of lesson 8, early stopping and implicit regularization (keys ``early_stopping.N``).

The cases are rebuilt here from seeds (lesson 3's training set ``noisy_sine(30, 0.25, seed=0)``
with Legendre features of degree 12, and lesson 3's wide problem from
``np.random.default_rng(0)``), never taken from notebook variables. The references run
gradient descent itself; the solutions use the lesson's formulas.
"""

from __future__ import annotations

import numpy as np

from ..data import noisy_sine, polynomial_features
from ..exercises import Exercise, Mistake, register
from ..spectral import gd_filter_factors, ridge_filter_factors


def _lesson3_eigenvalues():
    """Eigenvalues of the Hessian (2/n) X^T X of lesson 3's centred polynomial problem."""
    x, _ = noisy_sine(30, noise=0.25, seed=0)
    X = polynomial_features(x, 12)
    X = X - X.mean(axis=0)
    return np.linalg.eigvalsh(2 / len(x) * X.T @ X)


# --- 1. the filter of gradient descent ------------------------------------------------------


def _gd_run_filter(h, lr, steps):
    """Run gradient descent on sum_k h_k (w_k - 1)^2 / 2 from w = 0; w_k is the fraction reached."""
    h = np.asarray(h, dtype=float)
    w = np.zeros_like(h)
    for _ in range(steps):
        w = w - lr * h * (w - 1.0)
    return w


def _cases_1():
    h = _lesson3_eigenvalues()
    lr = 1 / h.max()
    return [
        (h, lr, 1),
        (h, lr, 16),
        (h, lr, 300),
        (h, 0.5 * lr, 40),
        (np.array([0.0, 0.2, 1.0, 1.5]), 1.0, 3),  # lr h = 1.5: GD overshoots and comes back
    ]


def gd_filter(h, lr, steps):
    """1 - (1 - lr h)^steps: the fraction of w* reached along each eigen-direction."""
    return 1 - (1 - lr * np.asarray(h)) ** steps


def _left_out(h, lr, steps):
    return (1 - lr * np.asarray(h)) ** steps


def _exponential(h, lr, steps):
    return 1 - np.exp(-lr * np.asarray(h) * steps)


def _linear(h, lr, steps):
    return lr * np.asarray(h) * steps


def _ridge_at_equivalent_lambda(h, lr, steps):
    h = np.asarray(h)
    return h / (h + 1 / (lr * steps))


register(
    Exercise(
        key="early_stopping.1",
        kind="function",
        reference=_gd_run_filter,
        cases=_cases_1,
        solution=gd_filter,
        mistakes=[
            Mistake(
                _left_out,
                {
                    "en": (
                        "(1 − αh)^τ is the part still missing after τ steps; "
                        "the part reached is 1 minus it."
                    ),
                    "zh": "(1 − αh)^τ 是走了 τ 步之后还差的部分；已经达到的部分是 1 减去它。",
                },
            ),
            Mistake(
                _exponential,
                {
                    "en": (
                        "1 − exp(−αhτ) is the approximation for small αh; the exercise asks "
                        "for the exact fraction after τ whole steps, 1 − (1 − αh)^τ."
                    ),
                    "zh": (
                        "1 − exp(−αhτ) 只是 αh 很小时的近似；题目要的是走满 τ 步后的精确比例 "
                        "1 − (1 − αh)^τ。"
                    ),
                },
            ),
            Mistake(
                _linear,
                {
                    "en": "αhτ is only the first term of the expansion: it exceeds 1 for large τ.",
                    "zh": "αhτ 只是展开式的第一项：τ 大时它会超过 1。",
                },
            ),
            Mistake(
                _ridge_at_equivalent_lambda,
                {
                    "en": (
                        "That is ridge's filter h/(h + 2λ) at λ = 1/(2ατ), not gradient descent's."
                    ),
                    "zh": "这是 λ = 1/(2ατ) 时岭回归的滤波因子 h/(h + 2λ)，不是梯度下降的。",
                },
            ),
        ],
        rtol=1e-9,
        atol=1e-12,
    )
)


# --- 2. the exact equivalent lambda of one direction ----------------------------------------

LR_2, STEPS_2, H_2 = 0.05, 40, 0.2


def _expected_2():
    """Run 40 steps of GD along one direction, then bisect ridge's filter = that fraction."""
    reached = _gd_run_filter(np.array([H_2]), LR_2, STEPS_2)[0]
    low, high = 1e-8, 1e3  # ridge's filter falls from about 1 to about 0 over this range
    for _ in range(200):  # bisection on a log scale, to machine precision
        mid = np.sqrt(low * high)
        if ridge_filter_factors([H_2], mid)[0] > reached:
            low = mid
        else:
            high = mid
    return float(np.sqrt(low * high))


def _solution_2():
    # h / (h + 2 lam) = f  <=>  lam = h (1 - f) / (2 f), with f = 1 - (1 - alpha h)^tau
    f = 1 - (1 - 0.05 * 0.2) ** 40
    return 0.2 * (1 - f) / (2 * f)


def _rule_of_thumb():
    return 1 / (2 * LR_2 * STEPS_2)


def _forgot_the_2():
    f = gd_filter_factors([H_2], LR_2, STEPS_2)[0]
    return H_2 * (1 - f) / f


def _swapped():
    f = gd_filter_factors([H_2], LR_2, STEPS_2)[0]
    return H_2 * f / (2 * (1 - f))


register(
    Exercise(
        key="early_stopping.2",
        kind="value",
        expected=_expected_2,
        digits=3,
        solution=_solution_2,
        mistakes=[
            Mistake(
                _rule_of_thumb,
                {
                    "en": (
                        "1/(2ατ) is the rule of thumb; here αhτ = 0.4 is not small. Set "
                        "h/(h + 2λ) equal to 1 − (1 − αh)^τ and solve for λ."
                    ),
                    "zh": (
                        "1/(2ατ) 只是经验法则；这里 αhτ = 0.4 并不小。令 h/(h + 2λ) 等于 "
                        "1 − (1 − αh)^τ，再解出 λ。"
                    ),
                },
            ),
            Mistake(
                _forgot_the_2,
                {
                    "en": "Ridge's filter is h/(h + 2λ) in course units: did you drop the 2?",
                    "zh": "按本课程的记号，岭回归的滤波因子是 h/(h + 2λ)：是不是漏了 2？",
                },
            ),
            Mistake(
                _swapped,
                {
                    "en": (
                        "You matched ridge's kept fraction to the part gradient descent has not "
                        "reached yet, (1 − αh)^τ."
                    ),
                    "zh": "你让岭回归保留的比例等于梯度下降尚未达到的部分 (1 − αh)^τ 了。",
                },
            ),
        ],
    )
)


# --- 3. the minimum-norm solution ------------------------------------------------------------


def _gd_from_zero(X, y):
    """Gradient descent on (1/n)||Xw - y||^2 from w = 0 with lr = 1/h_max, run to convergence."""
    n = X.shape[0]
    H = 2 / n * X.T @ X
    lr = 1 / np.linalg.eigvalsh(H).max()
    w = np.zeros(X.shape[1])
    for _ in range(5000):
        w = w - lr * (H @ w - 2 / n * X.T @ y)
    return w


def _cases_3():
    rng = np.random.default_rng(0)  # lesson 3's 10 x 30 problem, drawn exactly as there
    X_wide, y_wide = rng.normal(size=(10, 30)), rng.normal(size=10)
    other = np.random.default_rng(3)
    X_small, X_mid = other.normal(size=(4, 9)), other.normal(size=(6, 20))
    return [
        (X_wide, y_wide),
        (X_small, other.normal(size=4)),
        (X_mid, other.normal(size=6)),
        (X_wide, rng.normal(size=10)),  # the same X, another y
    ]


def min_norm_solution(X, y):
    """X^T (X X^T)^{-1} y: the exact fit that lies in the row space of X."""
    return X.T @ np.linalg.solve(X @ X.T, y)


def _ridge_with_unit_penalty(X, y):
    return np.linalg.solve(X.T @ X + np.eye(X.shape[1]), X.T @ y)


def _first_step_direction(X, y):
    return X.T @ y


register(
    Exercise(
        key="early_stopping.3",
        kind="function",
        reference=_gd_from_zero,
        cases=_cases_3,
        solution=min_norm_solution,
        mistakes=[
            Mistake(
                _ridge_with_unit_penalty,
                {
                    "en": (
                        "(XᵀX + I)⁻¹Xᵀy is ridge with nλ = 1: a penalty that shrinks the fit. The "
                        "minimum-norm solution is the λ → 0 limit, Xᵀ(XXᵀ)⁻¹y."
                    ),
                    "zh": (
                        "(XᵀX + I)⁻¹Xᵀy 是 nλ = 1 的岭回归，惩罚项会把拟合压小；最小范数解是 λ → 0 "
                        "的极限 Xᵀ(XXᵀ)⁻¹y。"
                    ),
                },
            ),
            Mistake(
                _first_step_direction,
                {
                    "en": (
                        "Xᵀy is the direction of gradient descent's first step from 0; "
                        "the solution is Xᵀc with c solving (XXᵀ)c = y."
                    ),
                    "zh": "Xᵀy 是梯度下降从 0 出发第一步的方向；解是 Xᵀc，其中 c 满足 (XXᵀ)c = y。",
                },
            ),
        ],
        rtol=1e-6,
        atol=1e-9,
    )
)
