"""Exercises of lesson 5, backpropagation through a two-layer network (``backprop_mlp_by_hand.N``).

The cases are rebuilt from seeds and from the package's network (``MLP(64, 64, 10, seed=0)``
trained for a few steps on the lesson's 100 digits, so that its biases are not zero), never
taken from notebook variables. References: ``torch.autograd`` (imported when a check runs)
and, for the balance of exercise 3, a loop over the hidden units.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np

from ..exercises import Exercise, Mistake, register
from ..mlp import MLP


def _lesson_digits():
    """The lesson's 100 training digits (scaled to 0..1), as ``digits_split`` makes them."""
    X, y = _lesson_digits_cached()
    return X.copy(), y.copy()


@lru_cache(maxsize=1)
def _lesson_digits_cached():
    from ..data import digits_split

    X_train, _, y_train, _ = digits_split(train_size=100, test_size=None, seed=0)
    return X_train, y_train


def _trained_params(n_in=64, n_hidden=64, steps=30, lam=0.01, seed=0):
    """Parameters of a network trained a little (non-zero biases), on digits or seeded data."""
    return copy.deepcopy(_trained_params_cached(n_in, n_hidden, steps, lam, seed))


@lru_cache(maxsize=4)
def _trained_params_cached(n_in, n_hidden, steps, lam, seed):
    if n_in == 64:
        X, y = _lesson_digits()
    else:
        rng = np.random.default_rng(seed + 7)
        X, y = rng.normal(size=(40, n_in)), rng.integers(0, 10, size=40)
    net = MLP(n_in, n_hidden, 10, seed=seed)
    for _ in range(steps):
        net.step(X, y, lam, 0.3)
    return {k: v.copy() for k, v in net.params.items()}, X


# --- 1. backward through ReLU ---------------------------------------------------------------


def _torch_relu_backward(dH, A):
    import torch

    A_t = torch.tensor(A, requires_grad=True)
    # the scalar sum(dH * relu(A)) has gradient dH * relu'(A) with respect to A (a scalar
    # backward(): passing dH as backward's argument would import sympy, a second, on first use)
    (torch.tensor(dH) * torch.relu(A_t)).sum().backward()
    return A_t.grad.numpy()


def _cases_1():
    rng = np.random.default_rng(5)
    params, X = _trained_params()
    A = X[:20] @ params["W1"] + params["b1"]  # the network's own pre-activations
    return [
        (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))),
        (rng.normal(size=(20, 64)), A),
    ]


def relu_backward(dH, A):
    """H = max(A, 0) passes the gradient where A > 0 and blocks it elsewhere."""
    return dH * (A > 0)


register(
    Exercise(
        key="backprop_mlp_by_hand.1",
        kind="function",
        reference=_torch_relu_backward,
        cases=_cases_1,
        solution=relu_backward,
        mistakes=[
            Mistake(
                lambda dH, A: dH,
                {
                    "en": (
                        "ReLU blocks the gradient where its input "
                        "was negative: multiply by 1[A > 0]."
                    ),
                    "zh": "输入为负的位置，ReLU 会截断梯度：要乘以 1[A > 0]。",
                },
            ),
            Mistake(
                lambda dH, A: dH * np.maximum(A, 0),
                {
                    "en": (
                        "The derivative of max(a, 0) is 1 for a > 0 and 0 otherwise, not max(a, 0)."
                    ),
                    "zh": "max(a, 0) 的导数在 a > 0 时为 1，否则为 0，而不是 max(a, 0) 本身。",
                },
            ),
            Mistake(
                lambda dH, A: dH * (A < 0),
                {
                    "en": "The gradient passes where A > 0 (the unit is on), not where A < 0.",
                    "zh": "梯度在 A > 0（单元被激活）的位置通过，而不是 A < 0 的位置。",
                },
            ),
        ],
    )
)


# --- 2. the penalty's part of each gradient ---------------------------------------------------


def _torch_penalty_grad(params, lam, name):
    import torch

    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    (lam * ((t["W1"] ** 2).sum() + (t["W2"] ** 2).sum())).backward()
    grad = t[name].grad  # None when the parameter is not in the penalty
    return np.zeros_like(params[name]) if grad is None else grad.numpy()


def _cases_2():
    params, _ = _trained_params()
    return [(params, lam, name) for lam in (0.01, 0.3) for name in ("W1", "b1", "W2", "b2")]


def penalty_grad(params, lam, name):
    """2 lam W for a weight matrix; zeros for a bias (biases are not in the penalty)."""
    value = params[name]
    return 2 * lam * value if name.startswith("W") else np.zeros_like(value)


def _penalized_biases(params, lam, name):
    return 2 * lam * params[name]


def _penalty_without_2(params, lam, name):
    value = params[name]
    return lam * value if name.startswith("W") else np.zeros_like(value)


def _scalar_penalty(params, lam, name):
    value = params[name]
    scalar = 2 * lam * np.sum(value**2)
    return np.full_like(value, scalar) if name.startswith("W") else np.zeros_like(value)


register(
    Exercise(
        key="backprop_mlp_by_hand.2",
        kind="function",
        reference=_torch_penalty_grad,
        cases=_cases_2,
        solution=penalty_grad,
        mistakes=[
            Mistake(
                _penalized_biases,
                {
                    "en": "The penalty covers W1 and W2 only: its gradient for a bias is 0.",
                    "zh": "惩罚项只包含 W1 和 W2：它对偏置的梯度是 0。",
                },
            ),
            Mistake(
                _penalty_without_2,
                {
                    "en": "The derivative of λ‖W‖² is 2λW, not λW.",
                    "zh": "λ‖W‖² 的导数是 2λW，不是 λW。",
                },
            ),
            Mistake(
                _scalar_penalty,
                {
                    "en": (
                        "The gradient is the matrix 2λW, not one "
                        "number 2λ‖W‖² added to every entry."
                    ),
                    "zh": "梯度是矩阵 2λW，而不是给每个分量都加上同一个数 2λ‖W‖²。",
                },
            ),
        ],
    )
)


# --- 3. the drift of the conserved balance in one gradient-descent step ---------------------

LR_3 = 0.3


def _expected_3():
    """lr^2 (||dW1||^2 + ||db1||^2 - ||dW2||^2), the gradients from torch.autograd."""
    import torch
    import torch.nn.functional as F

    X, y = _lesson_digits()
    t = {k: torch.tensor(v, requires_grad=True) for k, v in MLP(64, 64, 10, seed=0).params.items()}
    logits = torch.relu(torch.tensor(X) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    F.cross_entropy(logits, torch.tensor(y)).backward()
    squares = {k: float((t[k].grad ** 2).sum()) for k in t}
    return LR_3**2 * (squares["W1"] + squares["b1"] - squares["W2"])


def _balance_sum(params):
    return np.sum(params["W1"] ** 2) + np.sum(params["b1"] ** 2) - np.sum(params["W2"] ** 2)


def balance_change_in_one_step():
    """Take the step and compare: ||W1||^2 + ||b1||^2 - ||W2||^2 after minus before."""
    X_train, y_train = _lesson_digits()  # the lesson's 100 training images
    net = MLP(64, 64, 10, seed=0)
    before = _balance_sum(net.params)
    net.step(X_train, y_train, lam=0.0, lr=0.3)
    return _balance_sum(net.params) - before


def _first_step(change):
    X, y = _lesson_digits()
    net = MLP(64, 64, 10, seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    _, grads = net.loss_and_grads(X, y, 0.0)
    net.step(X, y, lam=0.0, lr=LR_3)
    return change(before, net.params, grads)


def _sq(p, k):
    return float(np.sum(p[k] ** 2))


register(
    Exercise(
        key="backprop_mlp_by_hand.3",
        kind="value",
        expected=_expected_3,
        digits=3,
        solution=balance_change_in_one_step,
        mistakes=[
            Mistake(
                0.0,
                {
                    "en": (
                        "It is conserved under gradient flow (infinitesimal steps); a step of "
                        "size α changes it, by a term of order α²."
                    ),
                    "zh": (
                        "它在梯度流（无穷小的步长）下守恒；"
                        "步长为 α 的一步会改变它，变化量是 α² 量级。"
                    ),
                },
            ),
            Mistake(
                lambda: _first_step(
                    lambda a, b, g: (_sq(b, "W1") - _sq(b, "W2")) - (_sq(a, "W1") - _sq(a, "W2"))
                ),
                {
                    "en": "Rescaling a hidden unit scales its bias too: include ‖b1‖².",
                    "zh": "重新缩放一个隐藏单元时，它的偏置也一起缩放：要把 ‖b1‖² 算进去。",
                },
            ),
            Mistake(
                lambda: _first_step(
                    lambda a, b, g: LR_3 * (_sq(g, "W1") + _sq(g, "b1") - _sq(g, "W2"))
                ),
                {
                    "en": (
                        "‖w - αg‖² - ‖w‖² = -2α⟨w, g⟩ + α²‖g‖²: the change is of order α², not α."
                    ),
                    "zh": "‖w - αg‖² - ‖w‖² = -2α⟨w, g⟩ + α²‖g‖²：变化量是 α² 量级，而不是 α。",
                },
            ),
            Mistake(
                lambda: _first_step(
                    lambda a, b, g: (
                        (_balance_sum(b) + _sq(b, "b2")) - (_balance_sum(a) + _sq(a, "b2"))
                    )
                ),
                {
                    "en": "b2 belongs to no hidden unit: the balance has W1, b1 and W2 only.",
                    "zh": "b2 不属于任何隐藏单元：平衡量只涉及 W1、b1 和 W2。",
                },
            ),
        ],
    )
)
