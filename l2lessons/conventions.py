"""Translate an L2 penalty strength between the conventions students will meet.

The course writes every L2-regularized objective on a *mean* data loss::

    J(W) = (1/n) sum_i L(y_hat_i, y_i) + lam * sum_l ||W_l||_F^2   (weight matrices only)

Each library or text puts the factor somewhere else. :func:`convert` moves a value
from one convention to another through the course's ``lam``:

==================  ======================================================  =================
name                what the knob does                                      in course terms
==================  ======================================================  =================
``course``          ``lam * sum ||W||^2`` added to the mean loss            ``lam``
``torch_sgd``       ``SGD(weight_decay=wd)`` adds ``wd * W`` to the          ``wd = 2 lam``
                    gradient: the gradient of ``(wd/2) ||W||^2``
``torch_adam``      ``Adam(weight_decay=wd)``: coupled L2, ``wd * W`` is     ``wd = 2 lam``
                    added to the gradient before the moment estimates
``keras``           ``regularizers.l2(l2=x)`` adds ``x * sum w^2`` to the   ``x = lam``
                    loss
``sklearn_ridge``   ``Ridge(alpha)``: ``||y - X w||^2 + alpha ||w||^2``     ``alpha = n lam``
                    (a *sum* of squared errors)
``sklearn_logreg``  ``LogisticRegression(C)``: ``C sum CE + 1/2 ||W||^2``   ``C = 1/(2 n lam)``
``ng``              Andrew Ng's course: ``(1/m) sum L + lam'/(2m) ||W||^2``  ``lam = lam'/(2m)``
``seed004``         the study note: ``(1/n) sum L + (lam'/n) ||W||^2``       ``lam = lam'/n``
==================  ======================================================  =================

``n`` (Ng's ``m``) is the number of training examples; it is needed exactly for the
last four rows.

PyTorch's ``AdamW(weight_decay=wd)`` is not in the table on purpose: it *decouples*
the decay from the gradient (``W <- W - lr * wd * W``, outside Adam's per-coordinate
scaling; Loshchilov & Hutter, ICLR 2019), so no fixed ``lam`` gives the same
training. :func:`convert` refuses it with that explanation.

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
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import NamedTuple

from ._validate import check_lambda

__all__ = ["NAMES", "convert", "describe"]


class _Convention(NamedTuple):
    knob: str  # what the value is called there, for error messages
    needs_n: bool
    to_course: Callable[[float, int], float]  # (value, n) -> lam
    from_course: Callable[[float, int], float]  # (lam, n) -> value
    en: str
    zh: str


def _logreg_C(lam: float, n: int) -> float:
    """``C = 1 / (2 n lam)``, which only exists for ``lam > 0``."""
    if lam == 0:
        raise ValueError(
            "lam = 0 has no sklearn_logreg equivalent: C = 1/(2 n lam) would be infinite; "
            "fit without a penalty instead (C=np.inf in scikit-learn >= 1.8, "
            "use penalty=None before)."
        )
    return 1.0 / (2.0 * n * lam)


_CONVENTIONS = {
    "course": _Convention(
        "lam",
        False,
        lambda v, n: v,
        lambda lam, n: lam,
        "the course: (1/n) Σ L + λ Σ‖W‖² (weight matrices only); λ itself",
        "本课程：(1/n) Σ L + λ Σ‖W‖²（只含权重矩阵）；即 λ 本身",
    ),
    "torch_sgd": _Convention(
        "weight_decay",
        False,
        lambda v, n: v / 2.0,
        lambda lam, n: 2.0 * lam,
        "PyTorch SGD(weight_decay=wd) adds wd·W to the gradient (the penalty (wd/2)‖W‖²): wd = 2λ",
        "PyTorch SGD(weight_decay=wd) 在梯度上加 wd·W（即惩罚项 (wd/2)‖W‖²）：wd = 2λ",
    ),
    "torch_adam": _Convention(
        "weight_decay",
        False,
        lambda v, n: v / 2.0,
        lambda lam, n: 2.0 * lam,
        "PyTorch Adam(weight_decay=wd) is coupled L2: wd·W joins the gradient before "
        "Adam's scaling: wd = 2λ (not the same as AdamW)",
        "PyTorch Adam(weight_decay=wd) 是耦合的 L2：wd·W 先加到梯度上，再经过 Adam 的缩放："
        "wd = 2λ（与 AdamW 不同）",
    ),
    "keras": _Convention(
        "l2",
        False,
        lambda v, n: v,
        lambda lam, n: lam,
        "Keras regularizers.l2(l2=x) adds x·Σw² to the (mean) loss: x = λ",
        "Keras regularizers.l2(l2=x) 在（平均）损失上加 x·Σw²：x = λ",
    ),
    "sklearn_ridge": _Convention(
        "alpha",
        True,
        lambda v, n: v / n,
        lambda lam, n: n * lam,
        "scikit-learn Ridge(alpha) minimizes ‖y − Xw‖² + alpha‖w‖² (a sum, not a mean): alpha = nλ",
        "scikit-learn Ridge(alpha) 最小化 ‖y − Xw‖² + alpha‖w‖²（求和而非平均）：alpha = nλ",
    ),
    "sklearn_logreg": _Convention(
        "C",
        True,
        lambda v, n: 1.0 / (2.0 * n * v),
        _logreg_C,
        "scikit-learn LogisticRegression(C) minimizes C·Σ CE + ½‖W‖²: C = 1/(2nλ) "
        "(larger C, weaker penalty)",
        "scikit-learn LogisticRegression(C) 最小化 C·Σ CE + ½‖W‖²：C = 1/(2nλ)"
        "（C 越大，正则化越弱）",
    ),
    "ng": _Convention(
        "lambd",
        True,
        lambda v, n: v / (2.0 * n),
        lambda lam, n: 2.0 * n * lam,
        "Andrew Ng's course: (1/m) Σ L + λ'/(2m)·Σ‖W‖²: λ = λ'/(2m)",
        "吴恩达的课程：(1/m) Σ L + λ'/(2m)·Σ‖W‖²：λ = λ'/(2m)",
    ),
    "seed004": _Convention(
        "lambda'",
        True,
        lambda v, n: v / n,
        lambda lam, n: n * lam,
        "the study note (seed 004): (1/n) Σ L + (λ'/n)·Σ‖W‖² (‖W‖ there means the squared "
        "norm): λ = λ'/n",
        "学习笔记（种子 004）：(1/n) Σ L + (λ'/n)·Σ‖W‖²（其中 ‖W‖ 指平方范数）：λ = λ'/n",
    ),
}

#: The names :func:`convert` accepts, in the order of the course's table.
NAMES = tuple(_CONVENTIONS)

_ADAMW = "torch_adamw"
_ADAMW_EN = (
    "PyTorch AdamW(weight_decay=wd) decouples the decay: W ← W − lr·wd·W outside Adam's "
    "scaling; no fixed λ equivalent (Loshchilov & Hutter, ICLR 2019)"
)
_ADAMW_ZH = (
    "PyTorch AdamW(weight_decay=wd) 将衰减解耦：W ← W − lr·wd·W，不经过 Adam 的缩放；"
    "没有固定的 λ 与之等价（Loshchilov & Hutter, ICLR 2019）"
)
_ADAMW_ERROR = (
    "torch_adamw has no fixed lam equivalent: AdamW applies a decoupled decay "
    "W <- W - lr * wd * W outside Adam's per-coordinate scaling (Loshchilov & Hutter, "
    "ICLR 2019), so its effect depends on the learning rate and on Adam's running moments; "
    "use torch_adam for coupled L2."
)


def _lookup(name, role: str) -> _Convention:
    if name == _ADAMW:
        raise ValueError(_ADAMW_ERROR)
    if not isinstance(name, str) or name not in _CONVENTIONS:
        raise ValueError(f"{role} must be one of {', '.join(NAMES)}; got {name!r}.")
    return _CONVENTIONS[name]


def _check_n(n, needed_by: str | None):
    if n is None:
        if needed_by is not None:
            raise ValueError(
                f"{needed_by} depends on the number of training examples: pass n "
                "(a positive integer)."
            )
        return None
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be a positive integer (the number of examples), got {n!r}.")
    return int(n)


def convert(value, src: str, dst: str, n=None) -> float:
    """Translate a penalty strength from convention ``src`` to convention ``dst``.

    Parameters
    ----------
    value : float
        The knob in convention ``src``: finite and >= 0, and > 0 for ``sklearn_logreg``
        (its ``C`` is an inverse strength).
    src, dst : str
        Names from :data:`NAMES`: ``"course"``, ``"torch_sgd"``, ``"torch_adam"``,
        ``"keras"``, ``"sklearn_ridge"``, ``"sklearn_logreg"``, ``"ng"``, ``"seed004"``.
    n : int, optional
        Number of training examples (Ng's ``m``). Required when ``src`` or ``dst`` is
        ``sklearn_ridge``, ``sklearn_logreg``, ``ng`` or ``seed004``; checked but not
        used otherwise.

    Returns
    -------
    float
        The same penalty in convention ``dst``: ``value`` is first turned into the
        course's ``lam``, then ``lam`` into ``dst``.

    Raises
    ------
    ValueError
        If a name is unknown or is ``"torch_adamw"`` (decoupled decay has no fixed
        ``lam``), ``n`` is missing where needed or not a positive integer, ``value`` is
        negative, NaN or infinite (``C`` also must not be 0), or ``dst`` is
        ``sklearn_logreg`` and the penalty is 0 (``C`` would be infinite).

    Examples
    --------
    >>> convert(0.02, "torch_sgd", "keras")
    0.01
    """
    a, b = _lookup(src, "src"), _lookup(dst, "dst")
    needed_by = next((name for name, c in ((src, a), (dst, b)) if c.needs_n), None)
    n = _check_n(n, needed_by)
    value = check_lambda(value, name=f"value (the {a.knob} of {src})")
    if src == "sklearn_logreg" and value == 0:
        raise ValueError(
            "value (the C of sklearn_logreg) must be > 0: C is an inverse penalty strength "
            "(C = 0 would be an infinitely strong penalty)."
        )
    result = b.from_course(a.to_course(value, n), n)
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
