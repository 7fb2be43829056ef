"""Exercises of lesson 3, ridge regression in closed form (keys ``ridge_closed_form.N``).

The cases are rebuilt here from the package's seeded data (the lesson's noisy sine and its
Legendre features, and seeded Gaussian matrices), never taken from notebook variables. Each
reference is independent of the course's own ridge code: scikit-learn's ``Ridge`` (with
``alpha = n lam``), the trace of the hat matrix, a root found by ``brentq``.
"""

from __future__ import annotations

import numpy as np

from ..data import noisy_sine, polynomial_features
from ..exercises import Exercise, Mistake, register
from ..ridge import ridge_fit_intercept

DEGREE = 12  # the lesson's Legendre features P_1 .. P_12


def _lesson_data():
    """The lesson's training set: X_poly (30 x 12), y_train and their centred versions."""
    x_train, y_train = noisy_sine(30, noise=0.25, seed=0)
    X_poly = polynomial_features(x_train, DEGREE)
    return X_poly, y_train, X_poly - X_poly.mean(axis=0), y_train - y_train.mean()


def _gaussian(n, p, seed):
    """A seeded n x p Gaussian design and a target with some signal and noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X @ rng.normal(size=p) + 0.5 * rng.normal(size=n)


# --- 1. the normal equations -------------------------------------------------------------


def _sklearn_ridge(X, y, lam):
    from sklearn.linear_model import Ridge

    return Ridge(alpha=len(y) * lam, fit_intercept=False, solver="svd").fit(X, y).coef_


def _cases_1():
    _, _, X_centred, y_centred = _lesson_data()
    X_wide, y_wide = _gaussian(10, 30, seed=0)
    X_tall, y_tall = _gaussian(50, 4, seed=1)
    return [(X_wide, y_wide, 0.1), (X_centred, y_centred, 1e-3), (X_tall, y_tall, 2.0)]


def ridge_normal_equations(X, y, lam):
    """Solve (X^T X + n lam I) w = X^T y."""
    n, p = X.shape
    return np.linalg.solve(X.T @ X + n * lam * np.eye(p), X.T @ y)


def _forgot_n(X, y, lam):
    p = X.shape[1]
    return np.linalg.solve(X.T @ X + lam * np.eye(p), X.T @ y)


def _p_for_n(X, y, lam):
    p = X.shape[1]
    return np.linalg.solve(X.T @ X + p * lam * np.eye(p), X.T @ y)


def _two_n(X, y, lam):
    n, p = X.shape
    return np.linalg.solve(X.T @ X + 2 * n * lam * np.eye(p), X.T @ y)


register(
    Exercise(
        key="ridge_closed_form.1",
        kind="function",
        reference=_sklearn_ridge,
        cases=_cases_1,
        solution=ridge_normal_equations,
        mistakes=[
            Mistake(
                _forgot_n,
                {
                    "en": "The course's loss is a mean, (1/n)‖Xw − y‖²: multiplying the "
                    "gradient by n/2 puts n·λ, not λ, on the diagonal.",
                    "zh": "本课程的损失取的是平均值 (1/n)‖Xw − y‖²：梯度乘以 n/2 之后，"
                    "对角线上加的是 n·λ，而不是 λ。",
                },
            ),
            Mistake(
                _p_for_n,
                {
                    "en": "n is the number of samples, X.shape[0] (rows), not the number of "
                    "features X.shape[1].",
                    "zh": "n 是样本数 X.shape[0]（行数），不是特征数 X.shape[1]。",
                },
            ),
            Mistake(
                _two_n,
                {
                    "en": "The factor 2 of the gradient cancels on both sides: the diagonal "
                    "term is n·λ, not 2n·λ.",
                    "zh": "梯度中的系数 2 在等式两边相互抵消：对角线上是 n·λ，不是 2n·λ。",
                },
            ),
        ],
        rtol=1e-6,
        atol=1e-9,
    )
)


# --- 2. the effective number of parameters -----------------------------------------------


def _hat_trace(X, lam):
    n, p = X.shape
    return float(np.trace(X @ np.linalg.solve(X.T @ X + n * lam * np.eye(p), X.T)))


def _cases_2():
    _, _, X_centred, _ = _lesson_data()
    X_wide, _ = _gaussian(10, 30, seed=0)
    X_tall, _ = _gaussian(50, 4, seed=1)
    return [(X_centred, 1e-2), (X_tall, 0.5), (X_wide, 0.1)]


def effective_df(X, lam):
    """Sum over singular values s of s**2 / (s**2 + n * lam)."""
    s = np.linalg.svd(X, compute_uv=False)
    return np.sum(s**2 / (s**2 + X.shape[0] * lam))


def _df_not_squared(X, lam):
    s = np.linalg.svd(X, compute_uv=False)
    return np.sum(s / (s + X.shape[0] * lam))


def _df_forgot_n(X, lam):
    s = np.linalg.svd(X, compute_uv=False)
    return np.sum(s**2 / (s**2 + lam))


register(
    Exercise(
        key="ridge_closed_form.2",
        kind="function",
        reference=_hat_trace,
        cases=_cases_2,
        solution=effective_df,
        mistakes=[
            Mistake(
                _df_not_squared,
                {
                    "en": "np.linalg.svd returns the singular values σ; the factors use σ², "
                    "the eigenvalues of XᵀX.",
                    "zh": "np.linalg.svd 返回的是奇异值 σ；收缩因子里用的是 σ²，即 XᵀX 的特征值。",
                },
            ),
            Mistake(
                _df_forgot_n,
                {
                    "en": "Each factor is σ²/(σ² + n·λ): did you forget the n?",
                    "zh": "每个因子是 σ²/(σ² + n·λ)：是否漏了 n？",
                },
            ),
        ],
        rtol=1e-6,
        atol=1e-9,
    )
)


# --- 3. half-way: the lambda that keeps the largest direction by one half -----------------


def _expected_3():
    from scipy.optimize import brentq

    from ..ridge import shrinkage_factors

    _, _, X_centred, _ = _lesson_data()
    return brentq(lambda lam: shrinkage_factors(X_centred, lam)[0] - 0.5, 1e-6, 1e3, xtol=1e-14)


def half_way():
    """sigma**2 / (sigma**2 + n lam) = 1/2  <=>  lam = sigma**2 / n, for the largest sigma."""
    _, _, X_centred, _ = _lesson_data()
    sigma = np.linalg.svd(X_centred, compute_uv=False)
    return sigma[0] ** 2 / X_centred.shape[0]


def _sigma_not_squared():
    _, _, X_centred, _ = _lesson_data()
    return np.linalg.svd(X_centred, compute_uv=False)[0] / X_centred.shape[0]


def _forgot_n_3():
    _, _, X_centred, _ = _lesson_data()
    return np.linalg.svd(X_centred, compute_uv=False)[0] ** 2


def _smallest_sigma():
    _, _, X_centred, _ = _lesson_data()
    return np.linalg.svd(X_centred, compute_uv=False)[-1] ** 2 / X_centred.shape[0]


def _uncentred():
    X_poly, _, _, _ = _lesson_data()
    return np.linalg.svd(X_poly, compute_uv=False)[0] ** 2 / X_poly.shape[0]


register(
    Exercise(
        key="ridge_closed_form.3",
        kind="value",
        expected=_expected_3,
        digits=3,
        solution=half_way,
        mistakes=[
            Mistake(
                _sigma_not_squared,
                {
                    "en": "The factor is σ²/(σ² + nλ): square the singular value.",
                    "zh": "因子是 σ²/(σ² + nλ)：奇异值要平方。",
                },
            ),
            Mistake(
                _forgot_n_3,
                {
                    "en": "σ²/(σ² + nλ) = 1/2 gives nλ = σ²: divide by n = 30.",
                    "zh": "由 σ²/(σ² + nλ) = 1/2 得 nλ = σ²：还要除以 n = 30。",
                },
            ),
            Mistake(
                _smallest_sigma,
                {
                    "en": "np.linalg.svd sorts the singular values from largest to smallest: "
                    "the largest is the first one.",
                    "zh": "np.linalg.svd 返回的奇异值从大到小排列：最大的是第一个。",
                },
            ),
            Mistake(
                _uncentred,
                {
                    "en": "Use the centred features X_centred, as the lesson does (the "
                    "intercept is not penalized).",
                    "zh": "要用中心化后的特征 X_centred，与本课一致（截距不受惩罚）。",
                },
            ),
        ],
    )
)


# --- 4. k-fold cross-validation by hand ----------------------------------------------------


def _folds(n, k):
    """The course's folds: rows shuffled by default_rng(0), cut by np.array_split."""
    return np.array_split(np.random.default_rng(0).permutation(n), k)


def _sklearn_cv(X, y, lam, k):
    """Independent reference: scikit-learn's Ridge (alpha = n_train * lam, fit_intercept=True)
    on the course's folds, scored by mean_squared_error, averaged over the folds."""
    from sklearn.linear_model import Ridge
    from sklearn.metrics import mean_squared_error

    folds = _folds(len(y), k)
    errors = []
    for i, val in enumerate(folds):
        train = np.concatenate(folds[:i] + folds[i + 1 :])
        model = Ridge(alpha=len(train) * lam, solver="svd").fit(X[train], y[train])
        errors.append(mean_squared_error(y[val], model.predict(X[val])))
    return float(np.mean(errors))


def _cases_4():
    X_poly, y_train, _, _ = _lesson_data()
    x_small, y_small = noisy_sine(23, noise=0.25, seed=3)
    X_small = polynomial_features(x_small, 8)
    return [
        (X_poly, y_train, 1e-3, 5),
        (X_poly, y_train, 0.02, 4),  # 30 rows in 4 folds: 8, 8, 7, 7
        (X_small, y_small, 1e-2, 3),  # 23 rows in 3 folds: 8, 8, 7
    ]


def kfold_cv_error(X, y, lam, k):
    """Mean over the k folds of the validation MSE of ridge with an unpenalized intercept."""
    n = len(y)
    folds = np.array_split(np.random.default_rng(0).permutation(n), k)
    errors = []
    for i, val in enumerate(folds):
        train = np.concatenate(folds[:i] + folds[i + 1 :])
        w, b = ridge_fit_intercept(X[train], y[train], lam)  # penalty n_train * lam
        errors.append(np.mean((X[val] @ w + b - y[val]) ** 2))
    return float(np.mean(errors))


def _cv_variant(X, y, lam, k, *, scale_n=False, centre=True, pooled=False, shuffle=True):
    """kfold_cv_error with one typical mistake switched on."""
    n = len(y)
    order = np.random.default_rng(0).permutation(n) if shuffle else np.arange(n)
    folds = np.array_split(order, k)
    squared, errors = [], []
    for i, val in enumerate(folds):
        train = np.concatenate(folds[:i] + folds[i + 1 :])
        lam_used = lam * n / len(train) if scale_n else lam  # alpha = n lam, not n_train lam
        if centre:
            w, b = ridge_fit_intercept(X[train], y[train], lam_used)
        else:
            Xt = X[train]
            w = np.linalg.solve(
                Xt.T @ Xt + len(train) * lam_used * np.eye(X.shape[1]), Xt.T @ y[train]
            )
            b = 0.0
        r2 = (X[val] @ w + b - y[val]) ** 2
        squared.append(r2)
        errors.append(np.mean(r2))
    return float(np.mean(np.concatenate(squared)) if pooled else np.mean(errors))


def _cv_alpha_n(X, y, lam, k):
    return _cv_variant(X, y, lam, k, scale_n=True)


def _cv_not_centred(X, y, lam, k):
    return _cv_variant(X, y, lam, k, centre=False)


def _cv_pooled(X, y, lam, k):
    return _cv_variant(X, y, lam, k, pooled=True)


def _cv_not_shuffled(X, y, lam, k):
    return _cv_variant(X, y, lam, k, shuffle=False)


register(
    Exercise(
        key="ridge_closed_form.4",
        kind="function",
        reference=_sklearn_cv,
        cases=_cases_4,
        solution=kfold_cv_error,
        mistakes=[
            Mistake(
                _cv_not_centred,
                {
                    "en": "Fit an unpenalized intercept in each fold: centre X and y by the "
                    "training rows' means (ridge_fit_intercept does it), then b = ȳ − x̄ᵀw.",
                    "zh": "每一折都要拟合不受惩罚的截距：用训练行的均值把 X 和 y 中心化"
                    "（ridge_fit_intercept 就是这样做的），再令 b = ȳ − x̄ᵀw。",
                },
            ),
            Mistake(
                _cv_alpha_n,
                {
                    "en": "Each fit sees only the training rows: its penalty is n_train·λ "
                    "(scikit-learn's alpha = n_train·λ), not n·λ with all n rows.",
                    "zh": "每次拟合只用到训练行：惩罚项是 n_train·λ（即 scikit-learn 的 "
                    "alpha = n_train·λ），而不是用全部 n 行的 n·λ。",
                },
            ),
            Mistake(
                _cv_pooled,
                {
                    "en": "Average the validation MSE of each fold, then average the k "
                    "numbers; pooling all squared errors weighs the folds by their size.",
                    "zh": "先求每一折的验证均方误差，再对这 k 个数取平均；把所有平方误差"
                    "合在一起平均，等于按各折大小加权。",
                },
            ),
            Mistake(
                _cv_not_shuffled,
                {
                    "en": "Shuffle first: the folds are np.array_split of "
                    "np.random.default_rng(0).permutation(n) (the lesson's x is sorted).",
                    "zh": "要先打乱：各折由 np.array_split 切分 "
                    "np.random.default_rng(0).permutation(n) 得到（本课的 x 是排好序的）。",
                },
            ),
        ],
        rtol=1e-6,
        atol=1e-9,
    )
)
