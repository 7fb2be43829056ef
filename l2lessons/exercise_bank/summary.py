"""Exercises of lesson 10, the summary (keys ``summary.N``): conventions, derived and predicted.

None of them is a table lookup. Exercise 1 is an objective the table does not list (the
student derives the factor); 2 predicts one step of scikit-learn's MLP; 3 and 4 are the two
traps of the lesson (d2l's two λ's, the per-batch alpha). Expected values are computed
independently of the reasoning the lesson teaches: a root found by ``brentq`` on the two
minimizers, or the chain of :func:`l2lessons.conventions.convert` calls.
"""

from __future__ import annotations

import numpy as np

from ..conventions import convert
from ..exercises import Exercise, Mistake, register

# --- 1. derive the factor of an objective the table does not list -------------------------

MU = 0.9  # E = MU * (1/m) sum E_k + (1 - MU) * sum w^2, with E_k = ½ sum (ŷ − y)²


def _expected_1():
    """The course λ whose ridge minimizer equals the book objective's, found numerically."""
    from scipy.optimize import brentq

    from ..ridge import ridge_fit

    rng = np.random.default_rng(10)
    X = rng.normal(size=(30, 4))
    y = X @ rng.normal(size=4) + 0.3 * rng.normal(size=30)
    m = len(y)
    # the book's objective MU/(2m)‖Xw − y‖² + (1 − MU)‖w‖², minimized by its normal equations
    w_book = np.linalg.solve(MU / m * X.T @ X + 2 * (1 - MU) * np.eye(4), MU / m * X.T @ y)
    return brentq(lambda lam: ridge_fit(X, y, lam)[0] - w_book[0], 1e-6, 10.0, xtol=1e-14)


def trade_off_lambda():
    """Divide E by mu/2: (1/m) sum (ŷ − y)² + (2 (1 − mu) / mu) sum w²."""
    mu = 0.9
    return 2 * (1 - mu) / mu


register(
    Exercise(
        key="summary.1",
        kind="value",
        explanation={
            "en": "divide E by μ/2, so that the data term is the course's mean of (ŷ − y)²; "
            "what multiplies Σw² is then λ.",
            "zh": "把 E 除以 μ/2，使数据项成为本课程的 (ŷ − y)² 的平均；此时 Σw² 前的系数就是 λ。",
        },
        expected=_expected_1,
        digits=3,
        solution=trade_off_lambda,
        mistakes=[
            Mistake(
                (1 - MU) / MU,
                {
                    "en": "E_k carries a ½: the course's data term is the mean of (ŷ − y)², "
                    "twice the book's, so divide E by μ/2, not by μ.",
                    "zh": "E_k 带有 ½：本课程的数据项是 (ŷ − y)² 的平均，是书中数据项的两倍，"
                    "所以要把 E 除以 μ/2，而不是除以 μ。",
                },
            ),
            Mistake(
                1 - MU,
                {
                    "en": "The data term is weighted by μ: divide the whole objective by it "
                    "before reading off λ.",
                    "zh": "数据项乘了 μ：先把整个目标函数除以 μ（连同 ½），再读出 λ。",
                },
            ),
            Mistake(
                2 * (1 - MU),
                {
                    "en": "Dividing by μ/2 divides the penalty's weight too: (1 − μ)·2/μ.",
                    "zh": "除以 μ/2 时，惩罚项的系数也要除：(1 − μ)·2/μ。",
                },
            ),
        ],
    )
)


# --- 2. predict one step of scikit-learn's MLPClassifier -----------------------------------


def _reference_2(W, grad, alpha, batch_size, lr):
    lam = convert(alpha, "sklearn_mlp_classifier", "course", batch_size=batch_size)
    return W - lr * (grad + 2 * lam * W)


def _cases_2():
    rng = np.random.default_rng(11)
    return [
        (rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), 0.5, 4, 0.1),
        (rng.normal(size=(64, 16)), 0.1 * rng.normal(size=(64, 16)), 1e-2, 32, 0.05),
        (rng.normal(size=(16, 10)), rng.normal(size=(16, 10)), 2.0, 200, 0.2),
    ]


def sklearn_mlp_step(W, grad, alpha, batch_size, lr):
    """Each batch minimizes its mean CE + (alpha / (2 b)) ||W||^2: gradient grad + (alpha/b) W."""
    return W - lr * (grad + alpha / batch_size * W)


def _alpha_per_sample(W, grad, alpha, batch_size, lr):
    return W - lr * (grad + alpha * W)


def _half_gradient(W, grad, alpha, batch_size, lr):
    return W - lr * (grad + alpha / (2 * batch_size) * W)


def _decay_after(W, grad, alpha, batch_size, lr):
    return (1 - lr * alpha / batch_size) * (W - lr * grad)


register(
    Exercise(
        key="summary.2",
        kind="function",
        explanation={
            "en": "scikit-learn adds alpha·W to the summed gradient and divides both by the "
            "batch size b: the course's λ = alpha/(2b), gradient 2λW.",
            "zh": "scikit-learn 把 alpha·W 加到求和的梯度上，再一起除以批量大小 b："
            "本课程的 λ = alpha/(2b)，梯度为 2λW。",
        },
        reference=_reference_2,
        cases=_cases_2,
        solution=sklearn_mlp_step,
        mistakes=[
            Mistake(
                _alpha_per_sample,
                {
                    "en": "scikit-learn's MLP divides the penalty by the number of samples in "
                    "the batch: its L2 term is 0.5·alpha·Σ‖W‖²/b.",
                    "zh": "scikit-learn 的 MLP 会把惩罚项除以这个小批量的样本数：它的 L2 项是 "
                    "0.5·alpha·Σ‖W‖²/b。",
                },
            ),
            Mistake(
                _half_gradient,
                {
                    "en": "The penalty 0.5·alpha·‖W‖²/b has the gradient (alpha/b)·W: the ½ "
                    "cancels against the 2 of the square.",
                    "zh": "惩罚项 0.5·alpha·‖W‖²/b 的梯度是 (alpha/b)·W："
                    "½ 与平方求导得到的 2 相互抵消。",
                },
            ),
            Mistake(
                _decay_after,
                {
                    "en": "Both parts of the gradient are taken at the same W, before the step: "
                    "W − lr·(grad + (alpha/b)·W).",
                    "zh": "梯度的两部分都在同一个 W（更新之前）处计算："
                    "W − lr·(grad + (alpha/b)·W)。",
                },
            ),
        ],
        rtol=1e-9,
        atol=1e-12,
    )
)


# --- 3. d2l's λ in its from-scratch section, as a PyTorch weight_decay ---------------------

D2L_LAMBDA = 3.0  # the λ of d2l's from-scratch weight-decay run


def _expected_3():
    return convert(convert(D2L_LAMBDA, "d2l", "course", loss="mse"), "course", "torch_sgd")


def d2l_to_weight_decay():
    """d2l: mean ½(ŷ−y)² + (λ/2)‖w‖² = ½ [mean (ŷ−y)² + λ‖w‖²]: course λ = 3, wd = 2λ."""
    lam = 3.0  # d2l's λ = 3 is the course's λ: the ½ on its loss cancels the ½ on its penalty
    return 2 * lam


register(
    Exercise(
        key="summary.3",
        kind="value",
        explanation={
            "en": "write both objectives: d2l's is half the course's with λ = λ_d2l; "
            "SGD(weight_decay=wd) on MSELoss is the course's with λ = wd/2.",
            "zh": "把两个目标函数都写出来：d2l 的目标是本课程目标（λ = λ_d2l）的一半；"
            "MSELoss 配 SGD(weight_decay=wd) 就是本课程的目标，λ = wd/2。",
        },
        expected=_expected_3,
        digits=2,
        solution=d2l_to_weight_decay,
        mistakes=[
            Mistake(
                D2L_LAMBDA,
                {
                    "en": "d2l's concise section passes its number as weight_decay, but with "
                    "MSELoss (no ½) that is another objective: write both out first.",
                    "zh": "d2l 的简洁实现直接把这个数传给 weight_decay，但损失换成了不带 ½ 的 "
                    "MSELoss，目标函数已经变了：先把两个目标函数都写出来。",
                },
            ),
            Mistake(
                D2L_LAMBDA / 2,
                {
                    "en": "d2l's squared loss carries a ½ too: multiply the whole objective by 2 "
                    "before comparing with MSELoss.",
                    "zh": "d2l 的平方损失也带 ½：先把整个目标函数乘以 2，再与 MSELoss 比较。",
                },
            ),
            Mistake(
                4 * D2L_LAMBDA,
                {
                    "en": "weight_decay = 2λ with the course's λ, which here equals d2l's λ.",
                    "zh": "weight_decay = 2λ，这里本课程的 λ 就等于 d2l 的 λ。",
                },
            ),
        ],
    )
)


# --- 4. the batch-size trap: keep λ when the batch size changes -----------------------------

ALPHA_4, B_OLD, B_NEW = 1e-3, 32, 256


def _expected_4():
    lam = convert(ALPHA_4, "sklearn_mlp_classifier", "course", batch_size=B_OLD)
    return convert(lam, "course", "sklearn_mlp_classifier", batch_size=B_NEW)


def same_lambda_new_batch():
    """lam = alpha / (2 b) must stay the same, so alpha grows with b."""
    lam = 1e-3 / (2 * 32)
    return lam * 2 * 256


register(
    Exercise(
        key="summary.4",
        kind="value",
        explanation={
            "en": "λ = alpha/(2b) must not change, so alpha scales with the batch size.",
            "zh": "λ = alpha/(2b) 不能变，所以 alpha 要随批量大小按比例变化。",
        },
        expected=_expected_4,
        digits=2,
        solution=same_lambda_new_batch,
        mistakes=[
            Mistake(
                ALPHA_4,
                {
                    "en": "The same alpha is another λ: each step penalizes alpha/(2b)·‖W‖², "
                    "so a larger batch gets a weaker penalty.",
                    "zh": "同一个 alpha 对应的是另一个 λ：每一步的惩罚是 alpha/(2b)·‖W‖²，"
                    "批量变大，惩罚就变弱。",
                },
            ),
            Mistake(
                ALPHA_4 * B_OLD / B_NEW,
                {
                    "en": "λ = alpha/(2b) is fixed: with b 8 times larger, alpha must be 8 times "
                    "larger, not smaller.",
                    "zh": "λ = alpha/(2b) 保持不变：b 变为 8 倍，alpha 也要变为 8 倍，而不是缩小。",
                },
            ),
        ],
    )
)
