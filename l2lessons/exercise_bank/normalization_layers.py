"""Exercises of lesson 9, weight decay with normalization layers (keys ``normalization_layers.N``).

The expected values are computed independently of the formulas the lesson teaches: by
applying the SGD update itself to vectors (exercises 1-3) and by running a model with
:func:`l2lessons.torchtools.scale_invariant_weights` (exercise 4).
"""

from __future__ import annotations

import math

import numpy as np

from ..exercises import Exercise, Mistake, register


def _sgd_step(w, g, lr, weight_decay):
    """One step of PyTorch's SGD with coupled weight decay (no momentum)."""
    return w - lr * (g + weight_decay * w)


def _orthogonal_gradient(w, unit_grad_norm, rng):
    """A gradient of a scale-invariant loss at ``w``: orthogonal to it, norm ``G / ||w||``."""
    g = rng.standard_normal(w.shape)
    g -= (g @ w) / (w @ w) * w
    return g / np.linalg.norm(g) * unit_grad_norm / np.linalg.norm(w)


# --- 1. the norm after t steps without decay ------------------------------------------------

_W0, _LR1, _G1, _T1 = 3.0, 0.5, 2.0, 10


def _expected_1():
    rng = np.random.default_rng(0)
    w = rng.standard_normal(20)
    w *= _W0 / np.linalg.norm(w)
    for _ in range(_T1):
        w = _sgd_step(w, _orthogonal_gradient(w, _G1, rng), _LR1, 0.0)
    return float(np.linalg.norm(w))


def _solution_1():
    norm_sq = 3.0**2
    for _ in range(10):
        grad_norm = 2.0 / math.sqrt(norm_sq)  # the gradient scales as 1/||W||
        norm_sq += (0.5 * grad_norm) ** 2  # Pythagoras: the step is orthogonal to W
    return math.sqrt(norm_sq)


def _no_inverse_scaling_1():
    return math.sqrt(_W0**2 + _T1 * (_LR1 * _G1) ** 2)


def _lengths_added_1():
    norm = _W0
    for _ in range(_T1):
        norm += _LR1 * _G1 / norm
    return norm


def _lr_not_squared_1():
    norm_sq = _W0**2
    for _ in range(_T1):
        norm_sq += _LR1 * _G1**2 / norm_sq
    return math.sqrt(norm_sq)


register(
    Exercise(
        key="normalization_layers.1",
        kind="value",
        expected=_expected_1,
        digits=3,
        solution=_solution_1,
        mistakes=[
            Mistake(
                _no_inverse_scaling_1,
                {
                    "en": "The gradient at W is ‖∇̃‖/‖W‖: it shrinks as W grows, step by step.",
                    "zh": "W 处的梯度是 ‖∇̃‖/‖W‖：W 每变大一步，梯度就跟着变小。",
                },
            ),
            Mistake(
                _lengths_added_1,
                {
                    "en": "The step is orthogonal to W: add squares (Pythagoras), not lengths.",
                    "zh": "每一步都与 W 正交：应该把平方相加（勾股定理），而不是把长度相加。",
                },
            ),
            Mistake(
                _lr_not_squared_1,
                {
                    "en": "The step is η·∇, so its squared length is η²‖∇‖².",
                    "zh": "一步的位移是 η·∇，它的长度平方是 η²‖∇‖²。",
                },
            ),
        ],
    )
)


# --- 2. the angular update in equilibrium -----------------------------------------------------

_LR2, _WD2 = 0.1, 5e-4


def _expected_2():
    """Simulate SGD with decay on a scale-invariant weight until the norm settles."""
    rng = np.random.default_rng(1)
    w = rng.standard_normal(30)
    w *= 3.0 / np.linalg.norm(w)  # relaxation time 1 / (4 lr wd) = 5000 steps
    angles = []
    for step in range(20_000):
        new = _sgd_step(w, _orthogonal_gradient(w, 1.0, rng), _LR2, _WD2)
        if step >= 10_000:
            cos = new @ w / (np.linalg.norm(new) * np.linalg.norm(w))
            angles.append(math.acos(min(1.0, cos)))
        w = new
    return float(np.sqrt(np.mean(np.square(angles))))


def _solution_2():
    lr, weight_decay = 0.1, 5e-4  # PyTorch's weight_decay (course λ = 2.5e-4)
    return math.sqrt(2 * lr * weight_decay)


register(
    Exercise(
        key="normalization_layers.2",
        kind="value",
        expected=_expected_2,
        digits=2,
        solution=_solution_2,
        mistakes=[
            Mistake(
                math.sqrt(_LR2 * _WD2),
                {
                    "en": "In equilibrium 1 − (1 − η·wd)² ≈ 2η·wd: keep the factor 2.",
                    "zh": "平衡时 1 − (1 − η·wd)² ≈ 2η·wd：别丢了因子 2。",
                },
            ),
            Mistake(
                2 * _LR2 * _WD2,
                {
                    "en": "2η·wd is the squared angle; the angle is its square root.",
                    "zh": "2η·wd 是角度的平方，角度本身要开平方。",
                },
            ),
            Mistake(
                2 * math.sqrt(_LR2 * _WD2),
                {
                    "en": "2√(ηλ) uses the course's λ = wd/2, not PyTorch's wd itself.",
                    "zh": "2√(ηλ) 里的 λ 是本课程的 λ = wd/2，不是 PyTorch 的 wd 本身。",
                },
            ),
        ],
    )
)


# --- 3. the equilibrium norm, exactly ---------------------------------------------------------


def _cases_3():
    return [(0.5, 0.01, 2.0), (0.1, 0.05, 0.3), (1.0, 0.1, 1.0), (0.05, 0.2, 4.0)]


def _reference_3(lr, weight_decay, unit_grad_norm):
    """The norm n that one real SGD step maps to itself (root of ||W'|| - n, by bisection)."""
    from scipy.optimize import brentq

    def gap(n):
        w = np.array([n, 0.0])
        g = np.array([0.0, unit_grad_norm / n])  # orthogonal to w, norm G / ||w||
        return np.linalg.norm(_sgd_step(w, g, lr, weight_decay)) - n

    return brentq(gap, 1e-6, 1e6, xtol=1e-14, rtol=1e-13)


def equilibrium_norm(lr, weight_decay, unit_grad_norm):
    # ||W||^2 = (1 - lr wd)^2 ||W||^2 + lr^2 G^2 / ||W||^2  at the fixed point
    shrink = 1 - (1 - lr * weight_decay) ** 2
    return (lr**2 * unit_grad_norm**2 / shrink) ** 0.25


def _first_order_3(lr, weight_decay, unit_grad_norm):
    return (lr * unit_grad_norm**2 / (2 * weight_decay)) ** 0.25


def _square_root_3(lr, weight_decay, unit_grad_norm):
    return (lr**2 * unit_grad_norm**2 / (1 - (1 - lr * weight_decay) ** 2)) ** 0.5


def _course_lambda_3(lr, weight_decay, unit_grad_norm):
    return (lr * unit_grad_norm**2 / (4 * weight_decay)) ** 0.25


register(
    Exercise(
        key="normalization_layers.3",
        kind="function",
        reference=_reference_3,
        cases=_cases_3,
        solution=equilibrium_norm,
        mistakes=[
            Mistake(
                _first_order_3,
                {
                    "en": "That is the first-order form; keep 1 − (1 − η·wd)² exactly.",
                    "zh": "这是一阶近似；请保留精确的 1 − (1 − η·wd)²。",
                },
            ),
            Mistake(
                _square_root_3,
                {
                    "en": "The balance gives ‖W‖⁴, not ‖W‖²: take a fourth root.",
                    "zh": "平衡条件给出的是 ‖W‖⁴ 而不是 ‖W‖²：要开四次方。",
                },
            ),
            Mistake(
                _course_lambda_3,
                {
                    "en": "weight_decay is PyTorch's wd = 2λ; 4λ would be 2·wd.",
                    "zh": "weight_decay 是 PyTorch 的 wd = 2λ；4λ 相当于 2·wd。",
                },
            ),
        ],
    )
)


# --- 4. which weights are scale-invariant? -----------------------------------------------------


def _model_4():
    import torch
    from torch import nn

    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(64, 32),
        nn.LayerNorm(32),
        nn.ReLU(),
        nn.Linear(32, 32, bias=False),
        nn.BatchNorm1d(32),
        nn.ReLU(),
        nn.Linear(32, 32),
        nn.BatchNorm1d(32),
        nn.ReLU(),
        nn.Linear(32, 10),
    ).double()


def _expected_4():
    import torch

    from ..data import digits_split
    from ..torchtools import scale_invariant_weights

    X_train = digits_split(test_size=0.3, seed=0)[0]
    return len(scale_invariant_weights(_model_4(), torch.tensor(X_train[:256])))


def _solution_4():
    # layer 0: its bias survives LayerNorm, so W alone is not invariant (only (W, b) is)
    # layer 3: no bias, BatchNorm after it -> invariant
    # layer 6: BatchNorm subtracts the batch mean, which removes the bias too -> invariant
    # layer 9: the head, no normalization after it -> not invariant
    return 2


register(
    Exercise(
        key="normalization_layers.4",
        kind="value",
        expected=_expected_4,
        digits=1,
        solution=_solution_4,
        mistakes=[
            Mistake(
                3,
                {
                    "en": "LayerNorm keeps a per-feature bias: scaling W alone changes the output.",
                    "zh": "LayerNorm 不会消去逐特征的偏置：只缩放 W 会改变输出。",
                },
            ),
            Mistake(
                1,
                {
                    "en": "BatchNorm subtracts the batch mean, and the bias with it.",
                    "zh": "BatchNorm 减去小批量的均值，偏置也随之被减掉了。",
                },
            ),
            Mistake(
                4,
                {
                    "en": "The last layer has no normalization after it: its scale is the logits'.",
                    "zh": "最后一层之后没有归一化层：它的尺度就是 logits 的尺度。",
                },
            ),
        ],
    )
)
