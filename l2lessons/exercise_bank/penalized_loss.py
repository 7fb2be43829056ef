"""Exercises of lesson 2, the penalized loss (keys ``penalized_loss.N``).

The cases are built from the lesson's seeded data (15 training points of ``noisy_sine``,
seed 22, 12 Legendre features), never from notebook variables.
"""

from __future__ import annotations

import numpy as np

from ..data import noisy_sine, polynomial_features
from ..exercises import Exercise, Mistake, register
from ..penalty import l2_penalty
from ..ridge import ridge_fit, shrinkage_factors


def _lesson_data():
    """The lesson's training set and its 12 Legendre features."""
    x, y = noisy_sine(15, noise=0.25, seed=22)
    return x, y, polynomial_features(x, 12)


def _centred():
    _, y, X = _lesson_data()
    return X - X.mean(axis=0), y - y.mean()


# --- 1. the penalized loss ------------------------------------------------------------------


def _cases_1():
    _, y, X = _lesson_data()
    rng = np.random.default_rng(3)
    X2 = rng.normal(size=(8, 2))
    return [
        (rng.normal(size=12), X, y, 0.0),
        (rng.normal(size=12), X, y, 0.3),
        (np.array([0.5, -1.5]), X2, rng.normal(size=8), 2.0),
    ]


def _reference_1(w, X, y, lam):
    return float(np.linalg.norm(X @ w - y) ** 2 / len(y) + l2_penalty(w, lam))


def penalized_loss(w, X, y, lam):
    residual = X @ w - y
    return np.mean(residual**2) + lam * np.sum(w**2)


def _sum_not_mean_1(w, X, y, lam):
    return np.sum((X @ w - y) ** 2) + lam * np.sum(w**2)


def _norm_not_squared_1(w, X, y, lam):
    return np.mean((X @ w - y) ** 2) + lam * np.linalg.norm(w)


def _half_mse_1(w, X, y, lam):
    return np.mean((X @ w - y) ** 2) / 2 + lam * np.sum(w**2)


register(
    Exercise(
        key="penalized_loss.1",
        kind="function",
        reference=_reference_1,
        cases=_cases_1,
        solution=penalized_loss,
        mistakes=[
            Mistake(
                _sum_not_mean_1,
                {
                    "en": "The data term is a mean: divide the sum of squares by n.",
                    "zh": "数据项是平均值：平方和要除以 n。",
                },
            ),
            Mistake(
                _norm_not_squared_1,
                {
                    "en": "The penalty is λ‖w‖², the squared norm (Σw²), not λ‖w‖.",
                    "zh": "惩罚项是 λ‖w‖²，即范数的平方 Σw²，而不是 λ‖w‖。",
                },
            ),
            Mistake(
                _half_mse_1,
                {
                    "en": "The course's data term is (1/n)‖Xw − y‖², without a factor ½.",
                    "zh": "本课程的数据项是 (1/n)‖Xw − y‖²，没有 ½ 这个系数。",
                },
            ),
        ],
    )
)

# --- 2. ridge with one feature, by hand -----------------------------------------------------


def _cases_2():
    x, y, _ = _lesson_data()
    rng = np.random.default_rng(4)
    x2 = rng.normal(size=40)
    return [(x, y, 0.0), (x, y, 0.1), (x2, 0.7 * x2 + rng.normal(size=40), 5.0)]


def _reference_2(x, y, lam):
    return float(ridge_fit(np.asarray(x)[:, None], y, lam)[0])


def ridge_1d(x, y, lam):
    # J'(w) = (2/n) Σ x_i (w x_i − y_i) + 2 λ w = 0
    return np.mean(x * y) / (np.mean(x * x) + lam)


def _sum_without_n_2(x, y, lam):
    return np.sum(x * y) / (np.sum(x * x) + lam)


def _half_penalty_2(x, y, lam):
    return np.mean(x * y) / (np.mean(x * x) + lam / 2)


def _no_penalty_2(x, y, lam):
    return np.mean(x * y) / np.mean(x * x)


register(
    Exercise(
        key="penalized_loss.2",
        kind="function",
        reference=_reference_2,
        cases=_cases_2,
        solution=ridge_1d,
        mistakes=[
            Mistake(
                _sum_without_n_2,
                {
                    "en": (
                        "With sums, the penalty term becomes nλ: Σxy / (Σx² + nλ). "
                        "Means are simpler: mean(xy) / (mean(x²) + λ)."
                    ),
                    "zh": (
                        "用求和写时，惩罚项要变成 nλ：Σxy / (Σx² + nλ)。"
                        "用平均值更简单：mean(xy) / (mean(x²) + λ)。"
                    ),
                },
            ),
            Mistake(
                _half_penalty_2,
                {
                    "en": "The derivative of λw² is 2λw; the data term's derivative has a 2 too.",
                    "zh": "λw² 的导数是 2λw，数据项的导数里同样有一个 2。",
                },
            ),
            Mistake(
                _no_penalty_2,
                {
                    "en": "That is least squares: the penalty λ must appear in the answer.",
                    "zh": "这是最小二乘解：答案里必须出现惩罚项的 λ。",
                },
            ),
        ],
    )
)

# --- 3. the λ at which the top singular direction keeps 10 % --------------------------------


def _expected_3():
    """Independent: solve shrinkage_factors(X_c, λ)[0] = 0.1 numerically for λ."""
    from scipy.optimize import brentq

    Xc, _ = _centred()
    return brentq(lambda lam: shrinkage_factors(Xc, lam)[0] - 0.1, 1e-6, 1e3, xtol=1e-14)


def answer_3():
    x, y = noisy_sine(15, noise=0.25, seed=22)
    X = polynomial_features(x, 12)
    sigma = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)  # centred, as in the lesson
    # σ²/(σ² + nλ) = 1/10  ⇔  nλ = 9σ²
    return 9 * sigma[0] ** 2 / len(y)


def _sigma(centred=True):
    _, _, X = _lesson_data()
    return np.linalg.svd(X - X.mean(axis=0) if centred else X, compute_uv=False)


register(
    Exercise(
        key="penalized_loss.3",
        kind="value",
        expected=_expected_3,
        digits=2,
        solution=answer_3,
        mistakes=[
            Mistake(
                lambda: 9 * _sigma(centred=False)[0] ** 2 / 15,
                {
                    "en": "Centre the features first (X − mean): the intercept is not penalized.",
                    "zh": "先把特征中心化（X 减去列均值）：截距不受惩罚。",
                },
            ),
            Mistake(
                lambda: 9 * _sigma()[0] / 15,
                {
                    "en": "The factor is σ²/(σ² + nλ): square the singular value.",
                    "zh": "收缩因子是 σ²/(σ² + nλ)：奇异值要平方。",
                },
            ),
            Mistake(
                lambda: 9 * _sigma()[0] ** 2,
                {
                    "en": "The factor has nλ, not λ: divide by n.",
                    "zh": "因子里是 nλ 而不是 λ：别忘了除以 n。",
                },
            ),
            Mistake(
                lambda: _sigma()[0] ** 2 / (9 * 15),
                {
                    "en": "At that λ the direction keeps 90 %; the question asks for 10 %.",
                    "zh": "在这个 λ 下该方向保留了 90%；题目问的是只保留 10% 的 λ。",
                },
            ),
            Mistake(
                lambda: _sigma()[0] ** 2 / 15,
                {
                    "en": "At σ²/n the factor is ½; solve σ²/(σ² + nλ) = 1/10 instead.",
                    "zh": "λ = σ²/n 时因子是 ½；应当解 σ²/(σ² + nλ) = 1/10。",
                },
            ),
            Mistake(
                lambda: 9 * _sigma()[-1] ** 2 / 15,
                {
                    "en": "v₁ goes with the largest singular value σ₁ (svd lists it first).",
                    "zh": "v₁ 对应最大的奇异值 σ₁（np.linalg.svd 把它排在第一个）。",
                },
            ),
        ],
    )
)

# --- 4. one proximal-gradient (ISTA) step for the L1 penalty ---------------------------------


def _cases_4():
    Xc, yc = _centred()
    step = len(yc) / (2 * np.linalg.norm(Xc, 2) ** 2)  # 1 / largest curvature, as in the lesson
    rng = np.random.default_rng(5)
    X2 = rng.normal(size=(20, 3))
    y2 = X2 @ np.array([1.0, -0.2, 0.05]) + 0.1 * rng.normal(size=20)
    return [
        (np.zeros(12), Xc, yc, 0.03, step),
        (0.3 * rng.normal(size=12), Xc, yc, 0.03, step),
        (np.array([0.8, -0.1, 0.02]), X2, y2, 0.5, 0.2),
    ]


def _reference_4(w, X, y, lam, alpha):
    z = w - alpha * 2 * X.T @ (X @ w - y) / len(y)
    return z - np.clip(z, -alpha * lam, alpha * lam)  # = sign(z) max(|z| − αλ, 0)


def ista_step(w, X, y, lam, alpha):
    grad = 2 / len(y) * X.T @ (X @ w - y)  # gradient of the data loss only
    z = w - alpha * grad
    return np.sign(z) * np.maximum(np.abs(z) - alpha * lam, 0.0)  # soft threshold at αλ


def _threshold_lam_4(w, X, y, lam, alpha):
    z = w - alpha * 2 / len(y) * X.T @ (X @ w - y)
    return np.sign(z) * np.maximum(np.abs(z) - lam, 0.0)


def _subgradient_4(w, X, y, lam, alpha):
    return w - alpha * (2 / len(y) * X.T @ (X @ w - y) + lam * np.sign(w))


def _no_sign_4(w, X, y, lam, alpha):
    z = w - alpha * 2 / len(y) * X.T @ (X @ w - y)
    return np.maximum(z - alpha * lam, 0.0)


def _forgot_2_4(w, X, y, lam, alpha):
    z = w - alpha / len(y) * X.T @ (X @ w - y)
    return np.sign(z) * np.maximum(np.abs(z) - alpha * lam, 0.0)


register(
    Exercise(
        key="penalized_loss.4",
        kind="function",
        reference=_reference_4,
        cases=_cases_4,
        solution=ista_step,
        mistakes=[
            Mistake(
                _threshold_lam_4,
                {
                    "en": "The threshold is the step times λ: αλ, not λ.",
                    "zh": "阈值是步长乘以 λ，即 αλ，而不是 λ。",
                },
            ),
            Mistake(
                _subgradient_4,
                {
                    "en": (
                        "That is a subgradient step (it never lands on 0): take the gradient step "
                        "on the data loss only, then soft-threshold."
                    ),
                    "zh": (
                        "这是次梯度步（永远不会恰好落在 0 上）：只对数据损失做梯度步，再做软阈值。"
                    ),
                },
            ),
            Mistake(
                _no_sign_4,
                {
                    "en": "Negative entries must shrink towards 0 too: sign(z) · max(|z| − αλ, 0).",
                    "zh": "负的分量也要向 0 收缩：sign(z) · max(|z| − αλ, 0)。",
                },
            ),
            Mistake(
                _forgot_2_4,
                {
                    "en": "The gradient of (1/n)‖Xw − y‖² is (2/n)Xᵀ(Xw − y): keep the 2.",
                    "zh": "(1/n)‖Xw − y‖² 的梯度是 (2/n)Xᵀ(Xw − y)：别漏掉 2。",
                },
            ),
        ],
    )
)
