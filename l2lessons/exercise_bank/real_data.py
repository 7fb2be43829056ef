"""Exercises of lesson 7, real data (keys ``real_data.N``)."""

from __future__ import annotations

import math
import statistics

import numpy as np

from ..exercises import Exercise, Mistake, register

# --- 1. steps, not epochs: how much does weight decay alone shrink a weight? -------------------
# Arguments: (n_images, batch_size, epochs, lr, weight_decay) of PyTorch SGD with mini-batches
# whose last batch is smaller. Answer: the factor by which a weight that gets no data gradient
# is multiplied over the whole run, (1 - lr * weight_decay) ** steps.


def _cases_1():
    return [
        (1257, 64, 5, 0.01, 1e-4),  # seed 000's recipe on the lesson's digits
        (60000, 64, 5, 0.01, 1e-4),  # the same recipe on MNIST
        (100, 32, 50, 0.1, 0.01),
        (300, 64, 20, 0.5, 0.02),
        (1000, 100, 10, 0.5, 0.01),  # batches divide the data exactly
    ]


def _reference_1(n_images, batch_size, epochs, lr, weight_decay):
    batches = len(range(0, n_images, batch_size))  # one step per (possibly partial) batch
    return math.exp(epochs * batches * math.log1p(-lr * weight_decay))


def solution_shrink_factor(n_images, batch_size, epochs, lr, weight_decay):
    steps = epochs * math.ceil(n_images / batch_size)  # the last, smaller batch is a step too
    return (1 - lr * weight_decay) ** steps  # SGD: p <- p - lr * (grad + weight_decay * p)


def _epochs_as_steps(n_images, batch_size, epochs, lr, weight_decay):
    return (1 - lr * weight_decay) ** epochs


def _floor_division(n_images, batch_size, epochs, lr, weight_decay):
    return (1 - lr * weight_decay) ** (epochs * (n_images // batch_size))


def _course_formula_on_wd(n_images, batch_size, epochs, lr, weight_decay):
    return (1 - 2 * lr * weight_decay) ** (epochs * math.ceil(n_images / batch_size))


def _one_step_per_image(n_images, batch_size, epochs, lr, weight_decay):
    return (1 - lr * weight_decay) ** (epochs * n_images)


register(
    Exercise(
        key="real_data.1",
        kind="function",
        reference=_reference_1,
        cases=_cases_1,
        solution=solution_shrink_factor,
        mistakes=[
            Mistake(
                _epochs_as_steps,
                {
                    "en": "The decay is applied once per optimizer step, and an epoch has "
                    "one step per mini-batch.",
                    "zh": "衰减在每一步更新时作用一次，而一轮里每个小批量都算一步。",
                },
            ),
            Mistake(
                _floor_division,
                {
                    "en": "The last, smaller batch is a step too: round the number of batches up.",
                    "zh": "最后那个较小的批量也要更新一步：批量数应当向上取整。",
                },
            ),
            Mistake(
                _course_formula_on_wd,
                {
                    "en": "PyTorch's weight_decay is already 2λ: one SGD step multiplies the "
                    "weight by 1 − lr·weight_decay.",
                    "zh": "PyTorch 的 weight_decay 已经等于 2λ："
                    "SGD 每一步把权重乘以 1 − lr·weight_decay。",
                },
            ),
            Mistake(
                _one_step_per_image,
                {
                    "en": "A mini-batch of images makes one step, not one step per image.",
                    "zh": "一个小批量的图像只更新一步，不是每张图像一步。",
                },
            ),
        ],
    )
)

# --- 2. choosing λ by cross-validation, knowing its resolution: the one-standard-error rule ----
# Arguments: (lams, fold_scores): λ values in increasing order and a (k folds, len(lams)) array
# of validation accuracies. Answer: the largest λ whose mean accuracy is at least the best mean
# minus one standard error of the best λ's fold scores (sample std, ddof=1, divided by sqrt(k)).


def _cases_2():
    rng = np.random.default_rng(7)
    lams = [0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]
    cases = []
    for k, spread, peak in [(3, 0.03, 2), (5, 0.01, 1), (3, 0.002, 3), (10, 0.02, 4), (4, 0.05, 0)]:
        trend = 0.9 - 0.004 * (np.arange(len(lams)) - peak) ** 2
        cases.append((lams, trend + spread * rng.standard_normal((k, len(lams)))))
    # the lesson's situation: 3 folds of about 33 images, λ up to 3e-3 within one image
    folds = np.array([[29, 29, 29, 30, 28, 10], [28, 28, 28, 28, 27, 10], [29, 29, 29, 28, 27, 10]])
    cases.append(([1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 1e-1], folds / np.array([[34], [33], [33]])))
    return cases


def _reference_2(lams, fold_scores):
    columns = [[float(row[j]) for row in fold_scores] for j in range(len(lams))]
    means = [statistics.fmean(c) for c in columns]
    best = max(range(len(lams)), key=means.__getitem__)
    se = statistics.stdev(columns[best]) / math.sqrt(len(columns[best]))
    return max(lam for lam, m in zip(lams, means, strict=True) if m >= means[best] - se)


def solution_one_standard_error(lams, fold_scores):
    scores = np.asarray(fold_scores, dtype=float)  # (k folds, number of λ)
    means = scores.mean(axis=0)
    best = int(np.argmax(means))
    se = scores[:, best].std(ddof=1) / np.sqrt(len(scores))  # standard error of that mean
    good = [lam for lam, m in zip(lams, means, strict=True) if m >= means[best] - se]
    return max(good)  # the most regularized λ that CV cannot tell apart from the best


def _plain_argmax(lams, fold_scores):
    return lams[int(np.argmax(np.mean(fold_scores, axis=0)))]


def _std_not_standard_error(lams, fold_scores):
    scores = np.asarray(fold_scores, dtype=float)
    means = scores.mean(axis=0)
    best = int(np.argmax(means))
    band = scores[:, best].std(ddof=1)
    return max(lam for lam, m in zip(lams, means, strict=True) if m >= means[best] - band)


def _smallest_in_band(lams, fold_scores):
    scores = np.asarray(fold_scores, dtype=float)
    means = scores.mean(axis=0)
    best = int(np.argmax(means))
    se = scores[:, best].std(ddof=1) / np.sqrt(len(scores))
    return min(lam for lam, m in zip(lams, means, strict=True) if m >= means[best] - se)


def _best_single_fold(lams, fold_scores):
    return lams[int(np.argmax(np.max(fold_scores, axis=0)))]


register(
    Exercise(
        key="real_data.2",
        kind="function",
        reference=_reference_2,
        cases=_cases_2,
        solution=solution_one_standard_error,
        mistakes=[
            Mistake(
                _plain_argmax,
                {
                    "en": "That is the λ with the best mean. The rule takes the largest λ whose "
                    "mean is within one standard error of the best.",
                    "zh": "这是平均分最高的 λ。规则要的是：平均分与最高分相差不超过"
                    "一个标准误差的那些 λ 中最大的一个。",
                },
            ),
            Mistake(
                _std_not_standard_error,
                {
                    "en": "The standard error of a mean over k folds is the standard deviation "
                    "divided by √k.",
                    "zh": "k 折平均值的标准误差是标准差除以 √k。",
                },
            ),
            Mistake(
                _smallest_in_band,
                {
                    "en": "Among the λ that CV cannot tell apart, take the largest: the simplest "
                    "model.",
                    "zh": "在交叉验证分不出高下的那些 λ 里，应取最大的那个，即最简单的模型。",
                },
            ),
            Mistake(
                _best_single_fold,
                {
                    "en": "Average each λ's scores over the folds (axis=0): one lucky fold is "
                    "not evidence.",
                    "zh": "应把每个 λ 在各折上的分数取平均（axis=0）："
                    "某一折碰巧分数高说明不了问题。",
                },
            ),
        ],
    )
)
