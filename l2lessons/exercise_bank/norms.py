"""Exercises of lesson 1, norms (keys ``norms.N``)."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise, Mistake, register
from ..penalty import frobenius_sq, l2_penalty

# --- 1. the squared Frobenius norm of an array of any shape ---------------------------------


def _cases_1():
    rng = np.random.default_rng(1)
    return [
        np.eye(3),
        rng.normal(size=(2, 5)),
        rng.normal(size=(3, 2, 2, 2)),  # a 4-D convolution kernel
        np.array([[1.0, -2.0], [0.5, 0.0]]),
    ]


def _reference_1(W):
    return float(np.linalg.norm(np.ravel(W)) ** 2)


def solution_frobenius_sq(W):
    return float(np.sum(np.asarray(W) ** 2))


def _norm_not_squared(W):
    return float(np.sqrt(np.sum(np.asarray(W) ** 2)))


def _square_of_sum(W):
    return float(np.sum(W) ** 2)


def _first_matrix_only(W):
    W = np.asarray(W)
    return float(np.sum(W.reshape(W.shape[0], -1)[:, : W.shape[-1]] ** 2))


register(
    Exercise(
        key="norms.1",
        kind="function",
        reference=_reference_1,
        cases=_cases_1,
        solution=solution_frobenius_sq,
        mistakes=[
            Mistake(
                _norm_not_squared,
                {
                    "en": "That is the norm itself: the exercise asks for its square (no root).",
                    "zh": "这是范数本身；题目要的是范数的平方（不开根号）。",
                },
            ),
            Mistake(
                _square_of_sum,
                {
                    "en": "Square every entry first, then add: (Σw)² is not Σw².",
                    "zh": "先把每个元素平方再求和：(Σw)² 不等于 Σw²。",
                },
            ),
            Mistake(
                _first_matrix_only,
                {
                    "en": "Every entry counts, whatever the number of dimensions (try np.ravel).",
                    "zh": "不论数组有几维，每个元素都要算进去（可以试试 np.ravel）。",
                },
            ),
        ],
    )
)

# --- 2. how much of the penalty lies in the top singular direction ---------------------------


def _W_of_section_2():
    """The 4 × 3 matrix of §2 (rng = np.random.default_rng(0); W = rng.normal(size=(4, 3)))."""
    return np.random.default_rng(0).normal(size=(4, 3))


def _expected_2():
    W = _W_of_section_2()
    return np.linalg.norm(W, 2) ** 2 / frobenius_sq(W)  # spectral² / Frobenius²


def solution_top_share():
    W = np.random.default_rng(0).normal(size=(4, 3))  # the matrix W of §2
    sigma = np.linalg.svd(W, compute_uv=False)
    return sigma[0] ** 2 / np.sum(sigma**2)


def _sigma():
    return np.linalg.svd(_W_of_section_2(), compute_uv=False)


register(
    Exercise(
        key="norms.2",
        kind="value",
        expected=_expected_2,
        digits=3,
        solution=solution_top_share,
        mistakes=[
            Mistake(
                lambda: _sigma()[0] / np.sum(_sigma()),
                {
                    "en": "The penalty adds squares: ‖W‖_F² = Σσ², so compare σ₁² with Σσ².",
                    "zh": "惩罚项加的是平方：‖W‖_F² = Σσ²，所以要比较 σ₁² 与 Σσ²。",
                },
            ),
            Mistake(
                lambda: _sigma()[0] / np.sqrt(np.sum(_sigma() ** 2)),
                {
                    "en": "That is σ₁/‖W‖_F, a ratio of norms; the penalty's share is its square.",
                    "zh": "这是两个范数之比 σ₁/‖W‖_F；惩罚项中的占比是这个比值的平方。",
                },
            ),
        ],
    )
)

# --- 3. the penalty of a network: weight matrices and kernels only ---------------------------


def _cases_3():
    rng = np.random.default_rng(3)
    net = [rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=(3, 2)), rng.normal(size=2)]
    seed002 = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([-1.0, 3.0])]
    return [(seed002, 0.01), (net, 0.5), (net, 0.0), ([rng.normal(size=(2, 3, 3, 3))], 2.0)]


def _reference_3(params, lam):
    return l2_penalty([p for p in params if np.ndim(p) >= 2], lam)


def solution_l2_penalty(params, lam):
    return lam * sum(float(np.sum(p**2)) for p in params if np.ndim(p) >= 2)


def _biases_too(params, lam):
    return lam * sum(float(np.sum(p**2)) for p in params)


def _matrices_only(params, lam):
    return lam * sum(float(np.sum(p**2)) for p in params if np.ndim(p) == 2)


def _norms_not_squared(params, lam):
    return lam * sum(float(np.sqrt(np.sum(p**2))) for p in params if np.ndim(p) >= 2)


register(
    Exercise(
        key="norms.3",
        kind="function",
        reference=_reference_3,
        cases=_cases_3,
        solution=solution_l2_penalty,
        mistakes=[
            Mistake(
                _biases_too,
                {
                    "en": "1-D arrays are biases: the course's penalty leaves them out.",
                    "zh": "一维数组是偏置，本课程的惩罚项不包括它们。",
                },
            ),
            Mistake(
                _matrices_only,
                {
                    "en": "A 4-D conv kernel is a weight too: keep every array of ndim >= 2.",
                    "zh": "四维卷积核也是权重：凡是 ndim >= 2 的数组都要算进去。",
                },
            ),
            Mistake(
                _norms_not_squared,
                {
                    "en": "Add the squared norms ‖W‖_F², not the norms.",
                    "zh": "要加的是范数的平方 ‖W‖_F²，不是范数本身。",
                },
            ),
        ],
    )
)
