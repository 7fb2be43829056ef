"""Exercises of lesson 4, gradient descent with L2 by hand (keys ``gradient_descent_by_hand.N``).

The cases are rebuilt here from seeds (the lesson's regression problem ``X_reg``, ``y_reg``
comes from ``np.random.default_rng(0)`` exactly as in the lesson), never taken from notebook
variables. The references are independent of the formulas the student writes: central
differences of the loss (:func:`l2lessons.gradcheck.numerical_gradient`), and for the step
size an exact finite-difference Hessian of the quadratic objective.
"""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise, Mistake, register
from ..gradcheck import numerical_gradient


def lesson_regression_data():
    """The lesson's ``X_reg`` (50 x 5), ``y_reg`` and ``w0``, from ``default_rng(0)``."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 5))
    y = X @ rng.normal(size=5) + 0.3 * rng.normal(size=50)
    return X, y, rng.normal(size=5)


def _mse_l2(w, X, y, lam):
    return np.mean((X @ w - y) ** 2) + lam * np.sum(w**2)


# --- 1. the gradient of the mean squared error plus L2 -------------------------------------


def _finite_difference_gradient(w, X, y, lam):
    return numerical_gradient(lambda v: _mse_l2(v, X, y, lam), w)


def _cases_1():
    X, y, w0 = lesson_regression_data()
    rng = np.random.default_rng(41)
    X_wide = rng.normal(size=(4, 9))
    return [
        (w0, X, y, 0.0),
        (w0, X, y, 0.5),
        (2 * w0, X[:7], y[:7], 3.0),
        (rng.normal(size=9), X_wide, rng.normal(size=4), 0.1),
    ]


def mse_l2_gradient(w, X, y, lam):
    """Gradient of mean((X @ w - y)**2) + lam * sum(w**2): (2/n) X^T (Xw - y) + 2 lam w."""
    return 2 / len(y) * X.T @ (X @ w - y) + 2 * lam * w


def _grad_forgot_n(w, X, y, lam):
    return 2 * X.T @ (X @ w - y) + 2 * lam * w


def _grad_penalty_without_2(w, X, y, lam):
    return 2 / len(y) * X.T @ (X @ w - y) + lam * w


def _grad_data_without_2(w, X, y, lam):
    return X.T @ (X @ w - y) / len(y) + 2 * lam * w


register(
    Exercise(
        key="gradient_descent_by_hand.1",
        kind="function",
        reference=_finite_difference_gradient,
        cases=_cases_1,
        solution=mse_l2_gradient,
        mistakes=[
            Mistake(
                _grad_forgot_n,
                {
                    "en": "The loss is a mean: did you divide the data gradient by n?",
                    "zh": "损失取的是平均值：数据项的梯度除以 n 了吗？",
                },
            ),
            Mistake(
                _grad_penalty_without_2,
                {
                    "en": "The derivative of λ‖w‖² is 2λw, not λw.",
                    "zh": "λ‖w‖² 的导数是 2λw，不是 λw。",
                },
            ),
            Mistake(
                _grad_data_without_2,
                {
                    "en": "The derivative of ‖r‖² is 2r: the data term's gradient is (2/n) Xᵀr.",
                    "zh": "‖r‖² 的导数是 2r：数据项的梯度是 (2/n) Xᵀr。",
                },
            ),
        ],
        rtol=1e-5,
        atol=1e-7,
    )
)


# --- 2. one step of weight decay ------------------------------------------------------------


def _reference_step(W, grad_data, lr, lam):
    """W - lr * (grad_data + gradient of lam ||W||^2), the penalty differentiated numerically."""
    penalty_grad = numerical_gradient(lambda V: lam * np.sum(V**2), W)
    return W - lr * (grad_data + penalty_grad)


def _cases_2():
    rng = np.random.default_rng(42)
    W, w = rng.normal(size=(6, 4)), rng.normal(size=5)
    return [
        (W, rng.normal(size=(6, 4)), 0.1, 0.05),
        (w, 2 * w, 0.5, 0.0),
        (W, rng.normal(size=(6, 4)), 0.3, 1.0),
        (w, rng.normal(size=5), 0.5, 0.3),
        (2 * W, np.zeros_like(W), 0.2, 0.5),
    ]


def decay_step(W, grad_data, lr, lam):
    """Decay the weights, then follow the data gradient: (1 - 2 lr lam) W - lr grad_data."""
    return (1 - 2 * lr * lam) * W - lr * grad_data


def _decay_after_the_step(W, grad_data, lr, lam):
    return (1 - 2 * lr * lam) * (W - lr * grad_data)


def _decay_without_2(W, grad_data, lr, lam):
    return (1 - lr * lam) * W - lr * grad_data


def _decay_without_lr(W, grad_data, lr, lam):
    return (1 - 2 * lam) * W - lr * grad_data


register(
    Exercise(
        key="gradient_descent_by_hand.2",
        kind="function",
        reference=_reference_step,
        cases=_cases_2,
        solution=decay_step,
        mistakes=[
            Mistake(
                _decay_after_the_step,
                {
                    "en": (
                        "Both gradients are taken at the same W: the decay multiplies W only, "
                        "not W - α∇data (decaying after the data step is a different update)."
                    ),
                    "zh": (
                        "两项梯度都在同一个 W 处计算：衰减因子只乘 W，而不是 W - α∇数据"
                        "（先走数据步再衰减是另一种更新）。"
                    ),
                },
            ),
            Mistake(
                _decay_without_2,
                {
                    "en": "The penalty's gradient is 2λW, so the decay factor is 1 - 2αλ.",
                    "zh": "惩罚项的梯度是 2λW，所以衰减因子是 1 - 2αλ。",
                },
            ),
            Mistake(
                _decay_without_lr,
                {
                    "en": "The penalty's gradient is multiplied by the learning rate too: 1 - 2αλ.",
                    "zh": "惩罚项的梯度同样要乘学习率：1 - 2αλ。",
                },
            ),
        ],
    )
)


# --- 3. the largest stable learning rate ----------------------------------------------------


def _exact_hessian(f, dim):
    """Hessian of a quadratic ``f`` by central differences with step 1 (exact for quadratics)."""
    E, H = np.eye(dim), np.empty((dim, dim))
    for i in range(dim):
        for j in range(dim):
            H[i, j] = (f(E[i] + E[j]) - f(E[i] - E[j]) - f(-E[i] + E[j]) + f(-E[i] - E[j])) / 4.0
    return H


LAM_3 = 2.0


def _expected_3():
    X, y, _ = lesson_regression_data()
    H = _exact_hessian(lambda w: _mse_l2(w, X, y, LAM_3), X.shape[1])
    return 2.0 / np.linalg.eigvalsh(H).max()


def largest_stable_step():
    """alpha < 2 / h_max, with h_max = largest eigenvalue of (2/n) X^T X, plus 2 lam."""
    X_reg, y_reg, _ = lesson_regression_data()  # the lesson's X_reg, y_reg
    lam = 2.0
    h_max = np.linalg.eigvalsh(2 / len(y_reg) * X_reg.T @ X_reg).max() + 2 * lam
    return 2 / h_max


def _eig_max(scale):
    X, y, _ = lesson_regression_data()
    return np.linalg.eigvalsh(scale(len(y)) * X.T @ X).max()


register(
    Exercise(
        key="gradient_descent_by_hand.3",
        kind="value",
        expected=_expected_3,
        digits=3,
        solution=largest_stable_step,
        mistakes=[
            Mistake(
                1 / (2 * LAM_3),
                {
                    "en": (
                        "2αλ < 1 is not the stability rule: the data term's curvature counts "
                        "too; use α < 2/h_max of the whole objective."
                    ),
                    "zh": (
                        "2αλ < 1 不是稳定条件：数据项的曲率也要算进去，"
                        "应使用整个目标函数的 α < 2/h_max。"
                    ),
                },
            ),
            Mistake(
                lambda: 2 / _eig_max(lambda n: 2 / n),
                {
                    "en": "The penalty raises every curvature by 2λ: add it to h_max.",
                    "zh": "惩罚项让每个方向的曲率都增加 2λ：别忘了加到 h_max 上。",
                },
            ),
            Mistake(
                lambda: 2 / (_eig_max(lambda n: 1 / n) + 2 * LAM_3),
                {
                    "en": "The Hessian of (1/n)‖Xw - y‖² is (2/n) XᵀX: mind the 2.",
                    "zh": "(1/n)‖Xw - y‖² 的 Hessian 矩阵是 (2/n) XᵀX：别漏了 2。",
                },
            ),
            Mistake(
                lambda: 2 / (_eig_max(lambda n: 2.0) + 2 * LAM_3),
                {
                    "en": "The loss is a mean: the Hessian is (2/n) XᵀX, with the 1/n.",
                    "zh": "损失取的是平均值：Hessian 矩阵是 (2/n) XᵀX，要除以 n。",
                },
            ),
            Mistake(
                lambda: 1 / (_eig_max(lambda n: 2 / n) + 2 * LAM_3),
                {
                    "en": (
                        "Gradient descent on a quadratic is stable up to α = 2/h_max, not 1/h_max."
                    ),
                    "zh": "二次函数上的梯度下降在 α < 2/h_max 时稳定，上限不是 1/h_max。",
                },
            ),
        ],
    )
)
