"""Translate an L2 penalty strength between the conventions students meet (math, no framework).

The course writes every L2-regularized objective on a *mean* data loss::

    J(W) = (1/n) sum_i L(y_hat_i, y_i) + lam * sum_l ||W_l||_F^2   (weight matrices only)

A **convention is the whole objective**: how the data term is scaled (a sum or a mean, with
or without ½ on a squared error) and how the penalty is scaled (λ, λ/2, λ/n, α/(2m), a
per-batch alpha, lr·wd, ...). Two objectives that differ only by a positive constant factor
have the same minimizer, so every row reduces to the course's ``lam`` by that algebra::

    J_row(W) = c * [ (1/n) sum L + lam * sum ||W||^2 ]        (c > 0, the same for every W)

Where a row fixes the form of the squared error (½(ŷ−y)² in d2l, Bishop, scikit-learn's
``squared_error``), the course's ``lam`` depends on the loss the course side uses, and
:func:`convert` asks for it: ``loss="mse"`` (the course's (ŷ−y)², as in Lessons 2–3),
``"half_mse"`` (½(ŷ−y)²) or ``"cross_entropy"`` (any loss written the same way on both
sides). Rows that scale by the number of examples need ``n=``, the scikit-learn MLP rows need
``batch_size=`` (their alpha is divided by the size of each mini-batch), ``shrink_per_step``
needs ``lr=``, and ``keras_sgd_weight_decay`` takes ``momentum=`` (0 unless given).

:func:`rows` gives every row with its objective, its rule, what it needs, where it is proven
(a test in ``tests/test_conventions*.py`` or a lesson) and, for a textbook, what was checked
in the text. Pairs with no fixed equivalent are refused with a one-sentence reason:
``torch_adamw`` (decoupled decay), ``keras_sgd_weight_decay`` with momentum, and a loss a
row does not fit (``Ridge`` is least squares, ``LogisticRegression`` cross-entropy).

Examples
--------
>>> convert(0.01, "course", "torch_sgd")  # the factor 2
0.02
>>> convert(1e-4, "torch_sgd", "course")  # the seeds' SimpleNet: weight_decay=1e-4
5e-05
>>> convert(0.01, "course", "sklearn_ridge", n=200)  # alpha multiplies a sum
2.0
>>> convert(1.0, "sklearn_logreg", "course", n=50)  # C = 1 is lam = 1 / (2 n)
0.01
>>> convert(0.7, "ng", "torch_sgd", n=70)  # Ng's lambd = 0.7 on m = 70 examples
0.01
>>> convert(3.0, "d2l", "course", loss="mse")  # d2l's ½ on the loss cancels its λ/2
3.0
>>> convert(1e-4, "sklearn_mlp_classifier", "course", batch_size=200)  # alpha / (2 b)
2.5e-07
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Callable
from typing import NamedTuple

from ._validate import check_lambda

__all__ = ["COLUMNS", "LOSSES", "NAMES", "REFUSED", "convert", "describe", "markdown_table", "rows"]

#: The course-side losses :func:`convert` understands (see the module docstring).
LOSSES = ("mse", "half_mse", "cross_entropy")

_ANY = LOSSES
_SQUARED = ("mse", "half_mse")
_CLASSIFY = ("cross_entropy",)


class _Ctx(NamedTuple):
    n: int | None
    batch_size: int | None
    lr: float | None
    loss: str | None


class _Convention(NamedTuple):
    knob: str  # what the value is called there
    kind: str  # "course", "framework", "paper", "textbook", "seed"
    data: str  # "mean", "sum" or "batch mean": how the data term is scaled
    squared: str | None  # "half", "full": the row's own squared error; None: the user's loss
    losses: tuple  # course-side losses the row accepts
    default_loss: str | None  # used when loss is not given (None: loss required if it matters)
    needs: tuple  # keywords the rule needs: "n", "batch_size", "lr"
    divisor: Callable[[_Ctx], float]  # lam = value / divisor (for the course's own loss)
    inverse: bool  # True: lam = 1 / (divisor * value) (an inverse strength, like C)
    objective: str | dict  # the whole objective: a formula, or {"en": ..., "zh": ...}
    rule: dict  # {"en": ..., "zh": ...}: course lam in terms of the knob
    en: str
    zh: str
    proven: dict  # {"en": ..., "zh": ...}: tests and lessons that run it
    source: dict  # {"en": ..., "zh": ...}: what was read, and what could not be checked


def _both(en: str, zh: str | None = None) -> dict:
    return {"en": en, "zh": en if zh is None else zh}


_T = "tests/test_conventions.py::"
_TF = "tests/test_conventions_frameworks.py::"
_TB = "tests/test_conventions_textbooks.py::"

_CONVENTIONS = {
    "course": _Convention(
        "lam",
        "course",
        "mean",
        None,
        _ANY,
        None,
        (),
        lambda c: 1.0,
        False,
        "(1/n) Σ L + λ Σ‖W‖²",
        _both("λ"),
        "the course: (1/n) Σ L + λ Σ‖W‖² (weight matrices only); λ itself",
        "本课程：(1/n) Σ L + λ Σ‖W‖²（只含权重矩阵）；即 λ 本身",
        _both("Lessons 1–5", "第 1～5 课"),
        _both("this course", "本课程"),
    ),
    "torch_sgd": _Convention(
        "weight_decay",
        "framework",
        "mean",
        None,
        _ANY,
        None,
        (),
        lambda c: 2.0,
        False,
        _both(
            "(1/n) Σ L; gradient + wd·W (momentum, Nesterov too)",
            "(1/n) Σ L；梯度 + wd·W（带动量、Nesterov 时也一样）",
        ),
        _both("λ = wd/2"),
        "PyTorch SGD(weight_decay=wd) adds wd·W to the gradient (the penalty (wd/2)‖W‖²), "
        "also with momentum, where it enters the momentum buffer: wd = 2λ",
        "PyTorch SGD(weight_decay=wd) 在梯度上加 wd·W（即惩罚项 (wd/2)‖W‖²），"
        "带动量时也一样（这一项进入动量缓冲）：wd = 2λ",
        _both(
            _T
            + "test_torch_sgd_weight_decay_is_twice_the_course_lambda, "
            + _TF
            + "test_torch_sgd_with_momentum_and_nesterov; Lesson 6 §1",
            _T
            + "test_torch_sgd_weight_decay_is_twice_the_course_lambda、"
            + _TF
            + "test_torch_sgd_with_momentum_and_nesterov；第 6 课 §1",
        ),
        _both("torch/optim/sgd.py"),
    ),
    "torch_adam": _Convention(
        "weight_decay",
        "framework",
        "mean",
        None,
        _ANY,
        None,
        (),
        lambda c: 2.0,
        False,
        _both(
            "(1/n) Σ L; gradient + wd·W, then Adam's scaling",
            "(1/n) Σ L；梯度 + wd·W，再经 Adam 缩放",
        ),
        _both("λ = wd/2"),
        "PyTorch Adam(weight_decay=wd) is coupled L2: wd·W joins the gradient before "
        "Adam's scaling: wd = 2λ (not the same as AdamW)",
        "PyTorch Adam(weight_decay=wd) 是耦合的 L2：wd·W 先加到梯度上，再经过 Adam 的缩放："
        "wd = 2λ（与 AdamW 不同）",
        _both(
            _T + "test_torch_adam_weight_decay_is_coupled_l2_with_the_same_factor_two; Lesson 6 §3",
            _T + "test_torch_adam_weight_decay_is_coupled_l2_with_the_same_factor_two；第 6 课 §3",
        ),
        _both("torch/optim/adam.py"),
    ),
    "keras": _Convention(
        "l2",
        "framework",
        "mean",
        None,
        _ANY,
        None,
        (),
        lambda c: 1.0,
        False,
        _both("(1/n) Σ L + x Σw² (kernels only)", "(1/n) Σ L + x Σw²（只含权重核）"),
        _both("λ = x"),
        "Keras regularizers.l2(l2=x) adds x·Σw² to the (mean) loss: x = λ",
        "Keras regularizers.l2(l2=x) 在（平均）损失上加 x·Σw²：x = λ",
        _both(
            _T
            + "test_keras_l2_regularizer_is_the_course_lambda_and_skips_the_bias, "
            + _TF
            + "test_keras_l2_regularizer_one_training_step; Lesson 6 §4",
            _T
            + "test_keras_l2_regularizer_is_the_course_lambda_and_skips_the_bias、"
            + _TF
            + "test_keras_l2_regularizer_one_training_step；第 6 课 §4",
        ),
        _both("keras/src/regularizers/regularizers.py"),
    ),
    "keras_sgd_weight_decay": _Convention(
        "weight_decay",
        "framework",
        "mean",
        None,
        _ANY,
        None,
        (),
        lambda c: 2.0,
        False,
        _both(
            "W ← W − lr·wd·W, then the SGD step, for every variable given",
            "先 W ← W − lr·wd·W，再做 SGD 一步；传给它的每个变量都衰减",
        ),
        _both("λ = wd/2 (plain SGD only)", "λ = wd/2（仅限不带动量的 SGD）"),
        "Keras 3 SGD(weight_decay=wd) applies W ← W − lr·wd·W before the step to every "
        "variable it is given (biases too, unless exclude_from_weight_decay): for plain SGD "
        "that is L2 with wd = 2λ; with momentum it is decoupled and has no fixed λ",
        "Keras 3 SGD(weight_decay=wd) 在每步更新前对传给它的每个变量执行 W ← W − lr·wd·W"
        "（偏置也在内，除非用 exclude_from_weight_decay 排除）：不带动量时就是 L2，wd = 2λ；"
        "带动量时衰减是解耦的，没有固定的 λ 与之等价",
        _both(
            _TF + "test_keras_sgd_weight_decay_is_l2_for_plain_sgd_only",
        ),
        _both(
            "keras/src/optimizers/base_optimizer.py, _apply_weight_decay",
            "keras/src/optimizers/base_optimizer.py 中的 _apply_weight_decay",
        ),
    ),
    "sklearn_ridge": _Convention(
        "alpha",
        "framework",
        "sum",
        "full",
        _SQUARED,
        "mse",
        ("n",),
        lambda c: c.n,
        False,
        "‖y − Xw‖² + alpha‖w‖²",
        _both("λ = alpha/n"),
        "scikit-learn Ridge(alpha) minimizes ‖y − Xw‖² + alpha‖w‖² (a sum, not a mean): alpha = nλ",
        "scikit-learn Ridge(alpha) 最小化 ‖y − Xw‖² + alpha‖w‖²（求和而非平均）：alpha = nλ",
        _both(
            _T + "test_sklearn_ridge_alpha_is_n_lambda; Lesson 3 §1, §7",
            _T + "test_sklearn_ridge_alpha_is_n_lambda；第 3 课 §1、§7",
        ),
        _both(
            "Ridge's documented objective, run against the course's ridge in Lesson 3",
            "Ridge 文档给出的目标函数，第 3 课已与本课程的岭回归对照运行",
        ),
    ),
    "sklearn_logreg": _Convention(
        "C",
        "framework",
        "sum",
        None,
        _CLASSIFY,
        "cross_entropy",
        ("n",),
        lambda c: 2.0 * c.n,
        True,
        "C·Σ CE + ½‖W‖²",
        _both("λ = 1/(2nC)"),
        "scikit-learn LogisticRegression(C) minimizes C·Σ CE + ½‖W‖²: C = 1/(2nλ) "
        "(larger C, weaker penalty)",
        "scikit-learn LogisticRegression(C) 最小化 C·Σ CE + ½‖W‖²：C = 1/(2nλ)"
        "（C 越大，正则化越弱）",
        _both(
            _T + "test_sklearn_logistic_regression_C_is_one_over_2_n_lambda; Lesson 4 §6",
            _T + "test_sklearn_logistic_regression_C_is_one_over_2_n_lambda；第 4 课 §6",
        ),
        _both(
            "LogisticRegression's documented objective, run in Lesson 4",
            "LogisticRegression 文档给出的目标函数，第 4 课已对照运行",
        ),
    ),
    "sklearn_sgd_regressor": _Convention(
        "alpha",
        "framework",
        "mean",
        "half",
        _SQUARED,
        None,
        (),
        lambda c: 2.0,
        False,
        "(1/n) Σ ½(y − ŷ)² + alpha·½‖w‖²",
        _both("λ = alpha (mse), alpha/2 (half_mse)", "λ = alpha（mse）、alpha/2（half_mse）"),
        "scikit-learn SGDRegressor(penalty='l2', alpha): mean of ½(y − ŷ)² + alpha·½‖w‖²; "
        "course λ = alpha for the course's (ŷ − y)², alpha/2 for ½(ŷ − y)²",
        "scikit-learn SGDRegressor(penalty='l2', alpha)：½(y − ŷ)² 的平均 + alpha·½‖w‖²；"
        "本课程的损失是 (ŷ − y)² 时 λ = alpha，是 ½(ŷ − y)² 时 λ = alpha/2",
        _both(_TF + "test_sklearn_sgd_regressor_one_epoch"),
        _both(
            "its epoch replicated to 2e-16: w ← (1 − eta·alpha)w − eta·(ŷ − y)x per sample",
            "逐样本复现其一轮更新，误差 2e-16：w ← (1 − eta·alpha)w − eta·(ŷ − y)x",
        ),
    ),
    "sklearn_sgd_classifier": _Convention(
        "alpha",
        "framework",
        "mean",
        None,
        _CLASSIFY,
        "cross_entropy",
        (),
        lambda c: 2.0,
        False,
        "(1/n) Σ loss + alpha·½‖w‖²",
        _both("λ = alpha/2"),
        "scikit-learn SGDClassifier(penalty='l2', alpha): mean loss + alpha·½‖w‖²: alpha = 2λ",
        "scikit-learn SGDClassifier(penalty='l2', alpha)：平均损失 + alpha·½‖w‖²：alpha = 2λ",
        _both(_TF + "test_sklearn_sgd_classifier_one_epoch"),
        _both(
            "its epoch replicated to 2e-16: w ← (1 − eta·alpha)w − eta·∂loss/∂w per sample",
            "逐样本复现其一轮更新，误差 2e-16：w ← (1 − eta·alpha)w − eta·∂loss/∂w",
        ),
    ),
    "sklearn_mlp_regressor": _Convention(
        "alpha",
        "framework",
        "batch mean",
        "half",
        _SQUARED,
        None,
        ("batch_size",),
        lambda c: 2.0 * c.batch_size,
        False,
        _both(
            "per batch of b: (1/b) Σ ½(y − ŷ)² + (alpha/(2b)) Σ‖W‖²",
            "每个 b 个样本的小批量：(1/b) Σ ½(y − ŷ)² + (alpha/(2b)) Σ‖W‖²",
        ),
        _both(
            "λ = alpha/b (mse), alpha/(2b) (half_mse)", "λ = alpha/b（mse）、alpha/(2b)（half_mse）"
        ),
        "scikit-learn MLPRegressor(alpha): each batch of b samples minimizes its mean "
        "½(y − ŷ)² + (alpha/(2b))·Σ‖W‖²: λ = alpha/b for (ŷ − y)², alpha/(2b) for ½(ŷ − y)² "
        "(b = n for lbfgs)",
        "scikit-learn MLPRegressor(alpha)：每个 b 个样本的小批量最小化 ½(y − ŷ)² 的平均 + "
        "(alpha/(2b))·Σ‖W‖²：损失是 (ŷ − y)² 时 λ = alpha/b，是 ½(ŷ − y)² 时 λ = alpha/(2b)"
        "（lbfgs 时 b = n）",
        _both(
            _TF + "test_sklearn_mlp_regressor_one_step; Lesson 10 §3",
            _TF + "test_sklearn_mlp_regressor_one_step；第 10 课 §3",
        ),
        _both(
            "sklearn/neural_network/_multilayer_perceptron.py (_backprop, _compute_loss_grad)",
            "sklearn/neural_network/_multilayer_perceptron.py（_backprop、_compute_loss_grad）",
        ),
    ),
    "sklearn_mlp_classifier": _Convention(
        "alpha",
        "framework",
        "batch mean",
        None,
        _CLASSIFY,
        "cross_entropy",
        ("batch_size",),
        lambda c: 2.0 * c.batch_size,
        False,
        _both(
            "per batch of b: (1/b) Σ CE + (alpha/(2b)) Σ‖W‖²",
            "每个 b 个样本的小批量：(1/b) Σ CE + (alpha/(2b)) Σ‖W‖²",
        ),
        _both("λ = alpha/(2b)"),
        "scikit-learn MLPClassifier(alpha): each batch of b samples minimizes its mean CE + "
        "(alpha/(2b))·Σ‖W‖²: λ = alpha/(2b) (b = n for lbfgs); the same alpha means another λ "
        "when b changes",
        "scikit-learn MLPClassifier(alpha)：每个 b 个样本的小批量最小化平均交叉熵 + "
        "(alpha/(2b))·Σ‖W‖²：λ = alpha/(2b)（lbfgs 时 b = n）；b 一变，同一个 alpha 就是另一个 λ",
        _both(
            _TF
            + "test_sklearn_mlp_classifier_one_step, "
            + _TF
            + "test_sklearn_mlp_penalty_is_per_batch; Lesson 10 §3",
            _TF
            + "test_sklearn_mlp_classifier_one_step、"
            + _TF
            + "test_sklearn_mlp_penalty_is_per_batch；第 10 课 §3",
        ),
        _both(
            "sklearn/neural_network/_multilayer_perceptron.py (_backprop, _compute_loss_grad)",
            "sklearn/neural_network/_multilayer_perceptron.py（_backprop、_compute_loss_grad）",
        ),
    ),
    "shrink_per_step": _Convention(
        "d",
        "framework",
        "mean",
        None,
        _ANY,
        None,
        ("lr",),
        lambda c: 2.0 * c.lr,
        False,
        _both(
            "W ← (1 − d)·W − lr·∇data (plain gradient descent)",
            "W ← (1 − d)·W − lr·∇数据（普通梯度下降）",
        ),
        _both("λ = d/(2·lr)"),
        "a per-step shrink W ← (1 − d)W − lr·∇data in plain (S)GD: d = 2·lr·λ; "
        "the same d means another λ when lr changes",
        "普通（随机）梯度下降中的每步收缩 W ← (1 − d)W − lr·∇数据：d = 2·lr·λ；"
        "学习率一变，同一个 d 就是另一个 λ",
        _both(
            _TF + "test_shrink_per_step_is_a_gradient_step; Lesson 4 §3",
            _TF + "test_shrink_per_step_is_a_gradient_step；第 4 课 §3",
        ),
        _both(
            "the course's update W ← (1 − 2αλ)W − α∇data", "本课程的更新 W ← (1 − 2αλ)W − α∇数据"
        ),
    ),
    "ng": _Convention(
        "lambd",
        "textbook",
        "mean",
        "half",
        _ANY,
        "cross_entropy",
        ("n",),
        lambda c: 2.0 * c.n,
        False,
        "(1/m) Σ L + (λ'/(2m)) Σ‖W‖²",
        _both(
            "λ = λ'/(2m) (cross-entropy), λ'/m (squared error, ½ in J)",
            "λ = λ'/(2m)（交叉熵）、λ'/m（平方误差，J 中带 ½）",
        ),
        "Andrew Ng's course: (1/m) Σ L + λ'/(2m)·Σ‖W‖²: λ = λ'/(2m)",
        "吴恩达的课程：(1/m) Σ L + λ'/(2m)·Σ‖W‖²：λ = λ'/(2m)",
        _both(
            _T + "test_ng_lambda_over_2m_is_the_course_lambda, " + _TB + "test_ng_squared_error",
            _T + "test_ng_lambda_over_2m_is_the_course_lambda、" + _TB + "test_ng_squared_error",
        ),
        _both(
            "Deep Learning Specialization, course 2, 'Regularization' (cross-entropy cost "
            "+ (1/m)(λ/2)ΣW², checked against the lecture transcript); his Machine Learning "
            "course writes linear regression as (1/(2m))[Σ(h − y)² + λΣθ²] (not checked here)",
            "Deep Learning Specialization 第 2 门课「Regularization」（交叉熵代价 + (1/m)(λ/2)ΣW²，"
            "已对照课程字幕）；他的 Machine Learning 课程把线性回归写成 (1/(2m))[Σ(h − y)² + λΣθ²]"
            "（此处未能核对）",
        ),
    ),
    "seed004": _Convention(
        "lambda'",
        "seed",
        "mean",
        None,
        _ANY,
        None,
        ("n",),
        lambda c: c.n,
        False,
        "(1/n) Σ L + (λ'/n) Σ‖W‖²",
        _both("λ = λ'/n"),
        "the study note (seed 004): (1/n) Σ L + (λ'/n)·Σ‖W‖² (‖W‖ there means the squared "
        "norm): λ = λ'/n",
        "种子文档 004：(1/n) Σ L + (λ'/n)·Σ‖W‖²（其中 ‖W‖ 指平方范数）：λ = λ'/n",
        _both(_T + "test_seed004_lambda_over_n_is_the_course_lambda"),
        _both("seed 004 (read in full)", "种子文档 004（已通读）"),
    ),
    "d2l": _Convention(
        "lambd",
        "textbook",
        "mean",
        "half",
        _ANY,
        None,
        (),
        lambda c: 2.0,
        False,
        "(1/n) Σ ½(ŷ − y)² + (λ/2)‖w‖²",
        _both(
            "λ = λ_d2l (mse), λ_d2l/2 (cross-entropy, half_mse)",
            "λ = λ_d2l（mse）、λ_d2l/2（交叉熵、half_mse）",
        ),
        "Dive into Deep Learning (en §3.7.1, zh §4.5.1): L(w, b) + (λ/2)‖w‖² with "
        "L = mean of ½(ŷ − y)²: course λ = λ_d2l for the course's (ŷ − y)², λ_d2l/2 with "
        "cross-entropy; its concise PyTorch version passes weight_decay=wd on the weight only "
        "with MSELoss (no ½): λ = wd/2, as torch_sgd",
        "《动手学深度学习》（英文版 §3.7.1，中文版 §4.5.1）：L(w, b) + (λ/2)‖w‖²，"
        "其中 L 是 ½(ŷ − y)² 的平均：本课程的损失取 (ŷ − y)² 时 λ = λ_d2l，交叉熵时 λ = λ_d2l/2；"
        "其 PyTorch 简洁实现只对权重设 weight_decay=wd，损失是不带 ½ 的 MSELoss："
        "λ = wd/2，与 torch_sgd 相同",
        _both(
            _TB + "test_d2l, " + _TB + "test_d2l_concise_weight_decay_is_half_the_scratch_lambda",
            _TB + "test_d2l、" + _TB + "test_d2l_concise_weight_decay_is_half_the_scratch_lambda",
        ),
        _both(
            "d2l-en chapter_linear-regression/weight-decay.md and d2l-zh "
            "chapter_multilayer-perceptrons/weight-decay.md (unnumbered displays), "
            "d2l.squared_loss = (ŷ − y)²/2",
            "d2l-en chapter_linear-regression/weight-decay.md 与 d2l-zh "
            "chapter_multilayer-perceptrons/weight-decay.md（公式未编号），"
            "d2l.squared_loss = (ŷ − y)²/2",
        ),
    ),
    "goodfellow": _Convention(
        "alpha",
        "textbook",
        "mean",
        None,
        _ANY,
        None,
        (),
        lambda c: 2.0,
        False,
        "J(w) + (α/2) wᵀw",
        _both("λ = α/2"),
        "Goodfellow, Bengio & Courville, Deep Learning §7.1.1: J̃ = J + (α/2)wᵀw with J the "
        "unregularized (mean) objective: λ = α/2",
        "Goodfellow、Bengio、Courville《深度学习》§7.1.1：J̃ = J + (α/2)wᵀw，J 为未正则化的"
        "（平均）目标：λ = α/2",
        _both(_TB + "test_goodfellow"),
        _both(
            "§7.1.1 form read in summaries that quote the book; the equation number (7.2) "
            "and the book's own PDF were not readable here",
            "§7.1.1 的形式取自引用原书的笔记；式号（7.2）与原书 PDF 在此无法核对",
        ),
    ),
    "cs231n": _Convention(
        "reg",
        "textbook",
        "mean",
        None,
        _ANY,
        None,
        (),
        lambda c: 2.0,
        False,
        "(1/N) Σ L_i + ½·reg·Σ W²",
        _both("λ = reg/2"),
        "CS231n neural-network notes and assignments: (1/N) Σ L_i + 0.5·reg·ΣW² "
        "(gradient reg·W): λ = reg/2",
        "CS231n 神经网络讲义与作业：(1/N) Σ L_i + 0.5·reg·ΣW²（梯度为 reg·W）：λ = reg/2",
        _both(_TB + "test_cs231n"),
        _both(
            "cs231n.github.io neural-networks-2.md ('½λw²') and neural-networks-case-study.md "
            "(reg_loss = 0.5*reg*np.sum(W*W)); fc_net assignments as posted by students",
            "cs231n.github.io 的 neural-networks-2.md（「½λw²」）与 neural-networks-case-study.md"
            "（reg_loss = 0.5*reg*np.sum(W*W)）；fc_net 作业取自学生公开的解答",
        ),
    ),
    "cs231n_linear": _Convention(
        "lambda",
        "textbook",
        "mean",
        None,
        _ANY,
        None,
        (),
        lambda c: 1.0,
        False,
        "(1/N) Σ L_i + λ Σ W²",
        _both("λ = λ_cs231n"),
        "CS231n linear-classification notes: (1/N) Σ L_i + λ·ΣW² (no ½): λ itself",
        "CS231n 线性分类讲义：(1/N) Σ L_i + λ·ΣW²（不带 ½）：就是 λ 本身",
        _both(_TB + "test_cs231n"),
        _both(
            "cs231n.github.io linear-classify.md (R(W) = ΣΣW²)",
            "cs231n.github.io 的 linear-classify.md（R(W) = ΣΣW²）",
        ),
    ),
    "bishop": _Convention(
        "lambda",
        "textbook",
        "sum",
        "half",
        _ANY,
        None,
        ("n",),
        lambda c: 2.0 * c.n,
        False,
        "½ Σ (t − wᵀφ)² + (λ/2) wᵀw",
        _both(
            "λ = λ_B/n (mse), λ_B/(2n) (cross-entropy, half_mse)",
            "λ = λ_B/n（mse）、λ_B/(2n)（交叉熵、half_mse）",
        ),
        "Bishop, PRML eq. 3.27: ½Σ(t − wᵀφ)² + (λ/2)wᵀw (a sum, ½ on the error); "
        "§5.5 eq. 5.112 adds (λ/2)wᵀw to a summed error: λ = λ_B/n for (ŷ − y)², λ_B/(2n) "
        "for cross-entropy",
        "Bishop《模式识别与机器学习》式 3.27：½Σ(t − wᵀφ)² + (λ/2)wᵀw（求和，误差带 ½）；"
        "§5.5 式 5.112 在求和的误差上加 (λ/2)wᵀw：损失取 (ŷ − y)² 时 λ = λ_B/n，"
        "交叉熵时 λ = λ_B/(2n)",
        _both(_TB + "test_bishop"),
        _both(
            "eq. 3.27 read in notes that quote the book; eq. 5.112 not checked here",
            "式 3.27 取自引用原书的笔记；式 5.112 在此未能核对",
        ),
    ),
    "esl": _Convention(
        "lambda",
        "textbook",
        "sum",
        "full",
        _SQUARED,
        "mse",
        ("n",),
        lambda c: c.n,
        False,
        "Σ (y − β₀ − xᵀβ)² + λ Σ β²",
        _both("λ = λ_ESL/n"),
        "Hastie, Tibshirani & Friedman, ESL §3.4.1 eq. 3.41: Σ(y − β₀ − xᵀβ)² + λΣβ² "
        "(a sum, as Ridge): λ = λ_ESL/n",
        "Hastie、Tibshirani、Friedman《统计学习基础》§3.4.1 式 3.41：Σ(y − β₀ − xᵀβ)² + λΣβ²"
        "（求和，与 Ridge 相同）：λ = λ_ESL/n",
        _both(_TB + "test_esl_and_zhou_zhihua"),
        _both(
            "the matrix form (y − Xβ)ᵀ(y − Xβ) + λβᵀβ (eq. 3.43) read in a page citing the book; "
            "the number 3.41 not checked here",
            "矩阵形式 (y − Xβ)ᵀ(y − Xβ) + λβᵀβ（式 3.43）取自引用原书的网页；"
            "式号 3.41 在此未能核对",
        ),
    ),
    "li_hang": _Convention(
        "lambda",
        "textbook",
        "mean",
        "full",
        _ANY,
        None,
        (),
        lambda c: 2.0,
        False,
        "(1/N) Σ (f(x) − y)² + (λ/2)‖w‖²",
        _both("λ = λ_李航/2", "λ = λ_李航/2"),
        "Li Hang, Statistical Learning Methods §1.5.1: (1/N) Σ L(y, f(x)) + λJ(f), for "
        "regression L = (f − y)² and J = ½‖w‖²: λ = λ_LH/2",
        "李航《统计学习方法》§1.5.1：(1/N) Σ L(y, f(x)) + λJ(f)，回归问题取 L = (f − y)²、"
        "J = ½‖w‖²：λ = λ_李航/2",
        _both(_TB + "test_li_hang"),
        _both(
            "the general form (1/N)ΣL + λJ(f) and the L2 example (1/N)Σ(f(x; w) − y)² + (λ/2)‖w‖² "
            "read in two sets of notes that quote §1.5.1; the book itself and the equation "
            "number were not readable here",
            "一般形式 (1/N)ΣL + λJ(f) 与 L2 例子 (1/N)Σ(f(x; w) − y)² + (λ/2)‖w‖² "
            "取自两份引用 §1.5.1 的读书笔记；原书与式号在此无法直接查阅",
        ),
    ),
    "zhou_zhihua": _Convention(
        "lambda",
        "textbook",
        "sum",
        "full",
        _SQUARED,
        "mse",
        ("n",),
        lambda c: c.n,
        False,
        "Σ (y − wᵀx)² + λ‖w‖²",
        _both("λ = λ_周/n", "λ = λ_周/n"),
        "Zhou Zhihua, Machine Learning §11.4 (ridge regression, eq. 11.6): "
        "Σ(y − wᵀx)² + λ‖w‖², a sum as in ESL: λ = λ_Zhou/n",
        "周志华《机器学习》§11.4（岭回归，式 11.6）：Σ(y − wᵀx)² + λ‖w‖²，与 ESL 一样是求和："
        "λ = λ_周/n",
        _both(_TB + "test_esl_and_zhou_zhihua"),
        _both(
            "eq. 11.6 as quoted, with its number, in Datawhale's pumpkin-book "
            "(docs/chapter11/chapter11.md), a line-by-line companion to the book; the book "
            "itself was not readable here",
            "式 11.6 及其式号取自逐式讲解该书的 Datawhale《南瓜书》"
            "（docs/chapter11/chapter11.md）；原书在此无法直接查阅",
        ),
    ),
}

#: The names :func:`convert` accepts, in the order of the course's table.
NAMES = tuple(_CONVENTIONS)

_ADAMW = "torch_adamw"
#: Names :func:`describe` knows but :func:`convert` refuses (no fixed ``lam``).
REFUSED = (_ADAMW,)

_ADAMW_EN = (
    "PyTorch AdamW(weight_decay=wd) decouples the decay: W ← W − lr·wd·W outside Adam's "
    "scaling; no fixed λ equivalent (Loshchilov & Hutter, ICLR 2019)"
)
_ADAMW_ZH = (
    "PyTorch AdamW(weight_decay=wd) 将衰减解耦：W ← W − lr·wd·W，不经过 Adam 的缩放；"
    "没有固定的 λ 与之等价（Loshchilov & Hutter，ICLR 2019）"
)
_ERRORS = {
    "adamw": {
        "en": "torch_adamw has no fixed lam equivalent: AdamW applies a decoupled decay "
        "W <- W - lr * wd * W outside Adam's per-coordinate scaling (Loshchilov & Hutter, "
        "ICLR 2019), so its effect depends on the learning rate and on Adam's running moments; "
        "use torch_adam for coupled L2.",
        "zh": "torch_adamw 没有固定的 λ 与之等价：AdamW 的衰减 W ← W − lr·wd·W 是解耦的，"
        "不经过 Adam 按分量的缩放（Loshchilov & Hutter，ICLR 2019），其效果取决于学习率和 Adam "
        "的滑动矩估计；耦合的 L2 请用 torch_adam。",
    },
    "momentum": {
        "en": "keras_sgd_weight_decay with momentum {m} has no fixed lam equivalent: Keras "
        "shrinks W by lr * wd outside the momentum buffer (decoupled decay), so only plain SGD "
        "(momentum=0) is L2; use the keras l2 regularizer instead.",
        "zh": "带动量 {m} 的 keras_sgd_weight_decay 没有固定的 λ 与之等价：Keras 在动量缓冲之外"
        "把 W 收缩 lr·wd（解耦衰减），只有不带动量的 SGD（momentum=0）才等价于 L2；"
        "请改用 Keras 的 l2 正则化器。",
    },
    "loss": {
        "en": "{name} does not fit loss={loss!r}: its objective is defined for {allowed} only.",
        "zh": "{name} 不适用于 loss={loss!r}：它的目标函数只针对 {allowed} 定义。",
    },
    "needs_loss": {
        "en": "{name} writes the squared error with its own ½, so its lam depends on the "
        "course-side loss: pass loss='mse' (the course's (ŷ−y)²), 'half_mse' or 'cross_entropy'.",
        "zh": "{name} 的平方误差自带 ½，λ 的换算取决于本课程一侧用哪种损失：请传入 loss='mse'"
        "（本课程的 (ŷ−y)²）、'half_mse' 或 'cross_entropy'。",
    },
    "n": {
        "en": "{name} depends on the number of training examples: pass n (a positive integer).",
        "zh": "{name} 取决于训练样本数：请传入 n（正整数）。",
    },
    "batch_size": {
        "en": "{name} divides alpha by the size of each mini-batch: pass batch_size "
        "(a positive integer; n for lbfgs or full batches).",
        "zh": "{name} 会把 alpha 除以每个小批量的大小：请传入 batch_size"
        "（正整数；lbfgs 或全批量时为 n）。",
    },
    "lr": {
        "en": "{name} is a per-step shrink, so it depends on the learning rate: pass lr (> 0).",
        "zh": "{name} 是每步的收缩量，取决于学习率：请传入 lr（> 0）。",
    },
}


def _lang(lang):
    """The language of messages: ``lang``, else the lesson's (``l2lessons.setup``), else en."""
    if lang is None:
        notebook = sys.modules.get("l2lessons.notebook")
        lang = notebook.language() if notebook is not None else "en"
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}.")
    return lang


def _message(key: str, lang: str, **fields) -> str:
    return _ERRORS[key][lang].format(**fields)


def _lookup(name, role: str, lang: str = "en") -> _Convention:
    if name == _ADAMW:
        raise ValueError(_message("adamw", lang))
    if not isinstance(name, str) or name not in _CONVENTIONS:
        raise ValueError(f"{role} must be one of {', '.join(NAMES)}; got {name!r}.")
    return _CONVENTIONS[name]


def _positive_int(value, what: str, meaning: str):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{what} must be a positive integer ({meaning}), got {value!r}.")
    return int(value)


def _ratio(convention: _Convention, loss: str) -> float:
    """The row's per-example loss over the course's: ½ when the row halves a squared error."""
    if convention.squared == "half" and loss == "mse":
        return 0.5
    if convention.squared == "full" and loss == "half_mse":
        return 2.0
    return 1.0


def _common_loss(pair, loss, lang: str):
    """The one course-side loss both rows are read with (None: neither row depends on it)."""
    if loss is None:
        defaults = [c.default_loss for _, c in pair if c.default_loss is not None]
        # a row's default serves the pair if the other row fits it (ng's with Ridge: "mse")
        fitting = [d for d in defaults if all(d in c.losses for _, c in pair)]
        loss = fitting[-1] if fitting else (defaults[0] if defaults else None)
    for name, convention in pair:
        if loss is None:
            # a row that halves its own squared error changes by 2 with the loss: ask for it
            if convention.squared == "half":
                raise ValueError(_message("needs_loss", lang, name=name))
        elif loss not in convention.losses:
            allowed = ", ".join(repr(x) for x in convention.losses)
            raise ValueError(_message("loss", lang, name=name, loss=loss, allowed=allowed))
    return loss


def _to_course(convention, value, ctx, loss):
    d = convention.divisor(ctx) * (1.0 if loss is None else _ratio(convention, loss))
    return 1.0 / (d * value) if convention.inverse else value / d


def _from_course(name, convention, lam, ctx, loss):
    d = convention.divisor(ctx) * (1.0 if loss is None else _ratio(convention, loss))
    if convention.inverse:
        if lam == 0:
            raise ValueError(
                f"lam = 0 has no {name} equivalent: C = 1/(2 n lam) would be infinite; "
                "fit without a penalty instead (C=np.inf in scikit-learn >= 1.8, "
                "use penalty=None before)."
            )
        return 1.0 / (d * lam)
    return lam * d


def convert(
    value,
    src: str,
    dst: str,
    n=None,
    *,
    loss: str | None = None,
    batch_size=None,
    lr=None,
    momentum=None,
    lang: str | None = None,
) -> float:
    """Translate a penalty strength from convention ``src`` to convention ``dst``.

    Parameters
    ----------
    value : float
        The knob in convention ``src``: finite and >= 0, and > 0 for ``sklearn_logreg``
        (its ``C`` is an inverse strength).
    src, dst : str
        Names from :data:`NAMES` (see :func:`rows`); ``"torch_adamw"`` is refused.
    n : int, optional
        Number of training examples (Ng's ``m``), for the rows whose data term is a sum or
        whose penalty is divided by ``n``: ``sklearn_ridge``, ``sklearn_logreg``, ``ng``,
        ``seed004``, ``bishop``, ``esl``, ``zhou_zhihua``. Checked but unused otherwise.
    loss : {"mse", "half_mse", "cross_entropy"}, optional
        The course-side per-example loss: (ŷ−y)², ½(ŷ−y)², or a loss both sides write the
        same way. Required by rows that halve their squared error themselves (``d2l``,
        ``bishop``, ``sklearn_sgd_regressor``, ``sklearn_mlp_regressor``); least-squares
        rows default to ``"mse"``, classifiers and ``ng`` to ``"cross_entropy"``.
    batch_size : int, optional
        Mini-batch size, for ``sklearn_mlp_regressor`` and ``sklearn_mlp_classifier``.
    lr : float, optional
        Learning rate, for ``shrink_per_step``.
    momentum : float, optional
        For ``keras_sgd_weight_decay``: anything but 0 is refused (decoupled decay).
    lang : {"en", "zh"}, optional
        Language of the refusal messages; default: the lesson's language
        (:func:`l2lessons.setup`), English outside a lesson.

    Returns
    -------
    float
        The same penalty in convention ``dst``: ``value`` is first turned into the
        course's ``lam``, then ``lam`` into ``dst``.

    Raises
    ------
    ValueError
        If a name is unknown or has no fixed ``lam`` (``"torch_adamw"``, Keras SGD with
        momentum), a keyword a row needs is missing or invalid, the loss does not fit a row,
        ``value`` is negative, NaN or infinite (``C`` also must not be 0), or ``dst`` is
        ``sklearn_logreg`` and the penalty is 0 (``C`` would be infinite).

    Examples
    --------
    >>> convert(0.02, "torch_sgd", "keras")
    0.01
    >>> convert(0.01, "course", "shrink_per_step", lr=0.5)
    0.01
    """
    lang = _lang(lang)
    a, b = _lookup(src, "src", lang), _lookup(dst, "dst", lang)
    pair = ((src, a), (dst, b))
    if n is not None:
        n = _positive_int(n, "n", "the number of examples")
    if batch_size is not None:
        batch_size = _positive_int(batch_size, "batch_size", "the mini-batch size")
    if lr is not None:
        lr = check_lambda(lr, name="lr")
        if lr == 0:
            raise ValueError("lr must be > 0.")
    if momentum is not None:
        momentum = check_lambda(momentum, name="momentum")
    for name, conv in pair:
        for need, have in (("n", n), ("batch_size", batch_size), ("lr", lr)):
            if need in conv.needs and have is None:
                raise ValueError(_message(need, lang, name=name))
        if name == "keras_sgd_weight_decay" and momentum:
            raise ValueError(_message("momentum", lang, m=momentum))
    if loss is not None and loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}; got {loss!r}.")
    loss = _common_loss(pair, loss, lang)
    value = check_lambda(value, name=f"value (the {a.knob} of {src})")
    if a.inverse and value == 0:
        raise ValueError(
            f"value (the {a.knob} of {src}) must be > 0: C is an inverse penalty strength "
            "(C = 0 would be an infinitely strong penalty)."
        )
    ctx = _Ctx(n, batch_size, lr, loss)
    lam = _to_course(a, value, ctx, loss)
    result = _from_course(dst, b, lam, ctx, loss)
    if not math.isfinite(result):
        raise ValueError(f"{value!r} in {src} overflows to {result} in {dst}.")
    return float(result)


def describe(name: str, lang: str = "en") -> str:
    """One line saying what convention ``name`` penalizes and how it maps to ``lam``.

    Parameters
    ----------
    name : str
        A name from :data:`NAMES`, or ``"torch_adamw"`` (described, though
        :func:`convert` refuses it).
    lang : {"en", "zh"}, optional
        English or Simplified Chinese. Default ``"en"``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``name`` or ``lang`` is unknown.

    Examples
    --------
    >>> describe("keras")
    'Keras regularizers.l2(l2=x) adds x·Σw² to the (mean) loss: x = λ'
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}.")
    if name == _ADAMW:
        return _ADAMW_EN if lang == "en" else _ADAMW_ZH
    convention = _lookup(name, "name")
    return convention.en if lang == "en" else convention.zh


_ZH_FIRST = ("course", "d2l", "li_hang", "zhou_zhihua", "ng")


def rows(lang: str = "en") -> list[dict]:
    """Every row of the conversion table, for printing it in a lesson.

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        Language of the texts. In ``"zh"`` the conventions Chinese students bring first
        (《动手学深度学习》, 李航, 周志华, 吴恩达), then the rest in :data:`NAMES` order.

    Returns
    -------
    list of dict
        One dict per name (``"torch_adamw"`` included, with ``rule`` saying there is no
        fixed λ), with keys ``name``, ``kind``, ``knob``, ``objective``, ``rule``,
        ``needs`` (tuple of keyword names, ``"loss"`` included where it matters),
        ``proven`` and ``source``.

    Examples
    --------
    >>> [row["name"] for row in rows("zh")][:3]
    ['course', 'd2l', 'li_hang']
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}.")
    order = list(NAMES)
    order.insert(order.index("torch_adam") + 1, _ADAMW)
    if lang == "zh":
        order = list(_ZH_FIRST) + [name for name in order if name not in _ZH_FIRST]
    out = []
    for name in order:
        if name == _ADAMW:
            out.append(
                {
                    "name": name,
                    "kind": "framework",
                    "knob": "weight_decay",
                    "objective": (
                        "W ← W − lr·wd·W, then the Adam step"
                        if lang == "en"
                        else "先 W ← W − lr·wd·W，再做 Adam 一步"
                    ),
                    "rule": "no fixed λ" if lang == "en" else "没有固定的 λ",
                    "needs": (),
                    "proven": (
                        _T
                        + "test_adamw_has_no_fixed_lambda_equivalent"
                        + ("; Lesson 6 §3" if lang == "en" else "；第 6 课 §3")
                    ),
                    "source": "torch/optim/adamw.py",
                }
            )
            continue
        c = _CONVENTIONS[name]
        needs = list(c.needs)
        if c.squared == "half" and c.default_loss is None:
            needs.append("loss")
        if name == "keras_sgd_weight_decay":
            needs.append("momentum=0")
        out.append(
            {
                "name": name,
                "kind": c.kind,
                "knob": c.knob,
                "objective": c.objective if isinstance(c.objective, str) else c.objective[lang],
                "rule": c.rule[lang],
                "needs": tuple(needs),
                "proven": c.proven[lang],
                "source": c.source[lang],
            }
        )
    return out


_HEADER = {
    "en": ("row", "the whole objective", "course λ", "needs", "read in", "proven in"),
    "zh": ("约定", "完整的目标函数", "本课程的 λ", "需要的参数", "核对依据", "在哪里证明"),
}


#: The column keys of :func:`markdown_table`, in the order of its full table.
COLUMNS = ("row", "objective", "rule", "needs", "source", "proven")


def markdown_table(group: str = "framework", lang: str = "en", columns=None, span=None) -> str:
    """The rows of one group of :func:`rows` as a Markdown table, for a lesson.

    Parameters
    ----------
    group : {"framework", "textbook"}
        ``"framework"``: the libraries' knobs (``torch_adamw`` included); ``"textbook"``: the
        course, the courses, the seed and the textbooks.
    lang : {"en", "zh"}
        Language (and, for ``"zh"``, the order of :func:`rows`).
    columns : sequence of str, optional
        Keys from :data:`COLUMNS` (``"row"``, ``"objective"``, ``"rule"``, ``"needs"``,
        ``"source"``, ``"proven"``), in the order to show; default all six. A slide shows
        a few columns at a time.
    span : (int, int), optional
        ``(start, stop)``: only the group's rows ``start`` to ``stop - 1`` (counted from 0,
        as in a slice); default all of them.

    Returns
    -------
    str
        A Markdown table; tests are named by their function (the files are
        ``tests/test_conventions*.py``).

    Raises
    ------
    ValueError
        If ``group``, ``lang`` or a column is unknown, ``columns`` is empty or repeats a
        column, or ``span`` is not two integers ``0 <= start < stop``.

    Examples
    --------
    >>> markdown_table("textbook").splitlines()[2].startswith("| `course` |")
    True
    >>> markdown_table("textbook", columns=("row", "rule"), span=(0, 1)).splitlines()[2]
    '| `course` | λ |'
    """
    if group not in ("framework", "textbook"):
        raise ValueError(f"group must be 'framework' or 'textbook', got {group!r}.")
    table = rows(lang)  # checks lang
    if columns is None:
        columns = COLUMNS
    if isinstance(columns, str):
        columns = (columns,)
    columns = tuple(columns)
    if not columns or len(set(columns)) != len(columns) or not set(columns) <= set(COLUMNS):
        raise ValueError(
            f"columns must be distinct keys from {', '.join(COLUMNS)}, got {columns!r}."
        )
    start, stop = 0, None
    if span is not None:
        ok = (
            isinstance(span, tuple | list)
            and len(span) == 2
            and all(isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in span)
            and 0 <= span[0] < span[1]
        )
        if not ok:
            raise ValueError(
                f"span must be two integers (start, stop), 0 <= start < stop, got {span!r}."
            )
        start, stop = int(span[0]), int(span[1])
    at = [COLUMNS.index(c) for c in columns]
    sep, none = (", ", "—") if lang == "en" else ("、", "无")
    header = [_HEADER[lang][k] for k in at]
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    chosen = [r for r in table if (r["kind"] == "framework") == (group == "framework")]
    for r in chosen[start:stop]:
        proven = re.sub(r"tests/(test_\w+)\.py::(\w+)", r"`\2`", r["proven"])
        needs = sep.join(f"`{k}`" for k in r["needs"]) or none
        cells = (f"`{r['name']}`", r["objective"], r["rule"], needs, r["source"], proven)
        lines.append("| " + " | ".join(cells[k].replace("*", r"\*") for k in at) + " |")
    return "\n".join(lines)
