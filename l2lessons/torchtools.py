"""PyTorch helpers for L2 regularization (a bridge: torch on top of the math layer).

``torch.optim.SGD(model.parameters(), weight_decay=wd)`` decays *every* parameter it
holds: the biases and the scale and shift of BatchNorm and LayerNorm too, which the
course's penalty ``lam * sum_l ||W_l||_F^2`` leaves alone. Five helpers:

- :func:`decay_param_groups` splits a model's trainable parameters into optimizer
  parameter groups: tensors with two or more dimensions (weight matrices, conv kernels,
  embedding tables) get ``weight_decay``; one-dimensional ones (biases, norm-layer
  weights and biases) get 0. Weights that a normalization layer makes scale-invariant
  can be given a group (and a decay) of their own, ``pre_norm=...``.
- :func:`scale_invariant_weights` finds those weights by running the model: the ones
  whose scale does not change its output (Lesson 9).
- :func:`decay_audit` and :func:`format_audit` list, parameter by parameter, the
  ``weight_decay`` an optimizer will really apply.
- :func:`manual_l2_penalty` is the course penalty on the same tensors, to add to the
  loss by hand. ``SGD`` with the groups of :func:`decay_param_groups` at ``wd`` trains
  exactly like a zero-decay ``SGD`` on ``loss + manual_l2_penalty(model, wd / 2)``.

Examples
--------
>>> from torch import nn
>>> model = nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4), nn.Linear(4, 2))
>>> groups = decay_param_groups(model, weight_decay=1e-4)
>>> [(g["weight_decay"], g["param_names"]) for g in groups]
[(0.0001, ['0.weight', '2.weight']), (0.0, ['0.bias', '1.weight', '1.bias', '2.bias'])]
>>> opt = torch.optim.SGD(groups, lr=0.1)
>>> print(format_audit(decay_audit(model, opt)))
parameter  shape   weight_decay  note
0.weight   (4, 3)  0.0001
0.bias     (4,)    0
1.weight   (4,)    0
1.bias     (4,)    0
2.weight   (2, 4)  0.0001
2.bias     (2,)    0

A weight feeding a BatchNorm is scale-invariant: its decay sets an effective learning
rate, not a penalty on the function, so it may get a decay of its own:

>>> bn_model = nn.Sequential(nn.Linear(3, 4, bias=False), nn.BatchNorm1d(4), nn.Linear(4, 2))
>>> torch.manual_seed(0) is not None
True
>>> scale_invariant_weights(bn_model, torch.randn(8, 3))
['0.weight']
>>> groups = decay_param_groups(bn_model, 1e-4, pre_norm=["0.weight"], pre_norm_weight_decay=5e-4)
>>> [(g["weight_decay"], g["param_names"]) for g in groups]
[(0.0001, ['2.weight']), (0.0005, ['0.weight']), (0.0, ['1.weight', '1.bias', '2.bias'])]
"""

from __future__ import annotations

import copy
from typing import NamedTuple

import torch
from torch import nn

from ._validate import check_lambda, check_positive
from .penalty import l2_penalty
from .tables import format_table

__all__ = [
    "AuditRow",
    "decay_audit",
    "decay_param_groups",
    "format_audit",
    "manual_l2_penalty",
    "scale_invariant_weights",
]


class AuditRow(NamedTuple):
    """One trainable parameter and the weight decay an optimizer applies to it."""

    name: str
    shape: tuple[int, ...]
    weight_decay: float | None  # None: the optimizer does not hold this parameter


def _trainable(model) -> list[tuple[str, nn.Parameter]]:
    """The ``(name, parameter)`` pairs of ``model`` that require a gradient, in model order."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}.")
    # named_parameters lists a shared (tied) parameter once, under its first name
    params = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    if not params:
        raise ValueError(
            f"model ({type(model).__name__}) has no trainable parameters "
            "(none with requires_grad=True)."
        )
    return params


def decay_param_groups(model, weight_decay, *, pre_norm=(), pre_norm_weight_decay=None):
    """Optimizer parameter groups: decay weight matrices and kernels, not 1-D parameters.

    The default is the course's penalty, ``lam * sum_l ||W_l||_F^2`` on weight matrices
    only (``weight_decay = 2 * lam`` with ``SGD``), and the usual recipe (He et al. 2019
    "no bias decay"; nanoGPT, Hugging Face and timm decay no 1-D parameter). The reasons
    differ by parameter, and Lesson 9 measures them:

    - **A weight with no normalization after it** (a classifier head): its decay is the
      real L2 penalty of Lessons 2-5, *provided* the scale of its input is fixed. An
      undecayed norm-layer gain right before it (``... -> BatchNorm -> ReLU -> Linear``)
      can absorb its scale (ReLU is positively homogeneous), so its decay then moves
      scale into that gain instead of constraining the function.
    - **A weight followed by BatchNorm or LayerNorm** (and, for LayerNorm, with no bias):
      the output does not depend on its scale, ``f(cW) = f(W)`` for every ``c > 0`` (up
      to the layer's ``eps``), so decay does not constrain the function at all. It sets
      the *effective learning rate* ``lr / ||W||^2``: with ``SGD`` the norm settles where
      decay and gradient growth balance and each step turns ``W`` by about
      ``sqrt(2 * lr * weight_decay)`` radians (van Laarhoven 2017; Zhang et al. 2019;
      Wan et al. 2021). Decaying it is a learning-rate schedule, usually a useful one;
      ``pre_norm`` gives these weights a group, and a decay, of their own.
    - **Biases** shift, they do not set a slope; a bias right before a BatchNorm is
      removed by the mean subtraction and gets a zero gradient. Not decayed (convention).
    - **Norm-layer gains and shifts** (1-D): not decayed, by convention. The gain does set
      a slope, so a penalty that skips it can be dodged by the layer after it (Lesson 5).
    - **Embedding tables** are 2-D, so they are decayed here, as in nanoGPT; other
      recipes (timm's ``no_weight_decay``, minGPT) exclude embeddings. Convention, not
      measured in this course.

    Parameters
    ----------
    model : torch.nn.Module
        With at least one parameter that requires a gradient.
    weight_decay : float
        The optimizer's ``weight_decay`` for the decayed group, finite and >= 0. With
        ``SGD`` or ``Adam`` this is ``2 * lam`` in course terms (see
        :func:`l2lessons.conventions.convert`); with ``AdamW`` it is the decoupled rate.
    pre_norm : iterable of str, optional
        Names (as in ``model.named_parameters()``) of trainable weights with two or more
        dimensions that a normalization layer makes scale-invariant, e.g. the result of
        :func:`scale_invariant_weights`. They go into a group of their own. Default: none,
        so that the groups are exactly the two described above.
    pre_norm_weight_decay : float, optional
        The ``weight_decay`` of the ``pre_norm`` group, finite and >= 0. Default: the
        same ``weight_decay`` (only the grouping differs, the training does not).

    Returns
    -------
    list of dict
        Up to three groups, in this order, each ``{"params": [...], "param_names":
        [...], "weight_decay": ...}``: parameters with ``ndim >= 2`` not in ``pre_norm``
        (``nn.Linear`` and conv weights, ``nn.Embedding`` tables) get ``weight_decay``;
        the ``pre_norm`` weights get ``pre_norm_weight_decay``; every 1-D parameter
        (biases, BatchNorm/LayerNorm weight and bias) gets 0.0. Frozen parameters
        (``requires_grad=False``) are left out, and an empty group is omitted.
        ``"param_names"`` is PyTorch's own key for parameter names (kept by the
        optimizer and its ``state_dict``); pass the list straight to any ``torch.optim``
        optimizer, e.g. ``torch.optim.AdamW(groups, lr=1e-3)``.

    Raises
    ------
    ValueError
        If ``model`` is not an ``nn.Module``, has no trainable parameter, a decay is
        negative, NaN or infinite, or ``pre_norm`` names a parameter that is not a
        trainable weight with two or more dimensions (or is a single string).
    """
    weight_decay = check_lambda(weight_decay, name="weight_decay")
    if pre_norm_weight_decay is None:
        pre_norm_weight_decay = weight_decay
    pre_norm_weight_decay = check_lambda(pre_norm_weight_decay, name="pre_norm_weight_decay")
    params = _trainable(model)
    if isinstance(pre_norm, str):
        raise ValueError(
            f"pre_norm must be a list of parameter names, got the string {pre_norm!r}."
        )
    pre_norm = set(pre_norm)
    shapes = {name: p.ndim for name, p in params}
    for name in sorted(pre_norm, key=str):
        if name not in shapes:
            raise ValueError(
                f"pre_norm names {name!r}, which is not a trainable parameter of the model."
            )
        if shapes[name] < 2:
            raise ValueError(
                f"pre_norm names {name!r}, a 1-D parameter; only weights with two or more "
                "dimensions can be made scale-invariant by a normalization layer."
            )
    decayed = [(name, p) for name, p in params if p.ndim >= 2 and name not in pre_norm]
    invariant = [(name, p) for name, p in params if name in pre_norm]
    exempt = [(name, p) for name, p in params if p.ndim < 2]
    groups = []
    for members, wd in ((decayed, weight_decay), (invariant, pre_norm_weight_decay), (exempt, 0.0)):
        if members:
            groups.append(
                {
                    "params": [p for _, p in members],
                    "param_names": [name for name, _ in members],
                    "weight_decay": wd,
                }
            )
    return groups


def scale_invariant_weights(model, *inputs, factor=2.0, rtol=1e-3):
    """Names of the weights whose scale does not change the model's output (found by running it).

    Each trainable parameter with two or more dimensions is multiplied by ``factor`` and
    by ``1 / factor`` in turn, in a copy of ``model`` in training mode (BatchNorm uses
    the batch's statistics, as in a training step; the model itself, its mode and its
    running statistics are untouched). A weight is scale-invariant when neither change
    moves any output by more than ``rtol * max(1, max |output|)``: a linear or conv
    weight followed by BatchNorm, or by LayerNorm/GroupNorm when the layer has no bias
    (with a bias only the pair ``(W, b)`` is invariant). The tolerance allows for the
    normalization layers' ``eps``, which makes the invariance approximate.

    Parameters
    ----------
    model : torch.nn.Module
        With at least one trainable parameter; its forward must return one tensor.
    *inputs : torch.Tensor
        A batch to run the model on (several rows: BatchNorm needs them).
    factor : float, optional
        The scale tried, > 0 and not 1. Default 2.
    rtol : float, optional
        Relative tolerance, > 0. Default ``1e-3``.

    Returns
    -------
    list of str
        The names, in model order (possibly empty), ready for ``decay_param_groups(...,
        pre_norm=...)``.

    Raises
    ------
    ValueError
        If ``model`` is not an ``nn.Module`` with a trainable parameter, no input is
        given, the output is not a tensor, or ``factor`` or ``rtol`` is out of range.
    """
    _trainable(model)
    factor = check_positive(factor, "factor")
    if factor == 1.0:
        raise ValueError("factor must differ from 1 (scaling by 1 tests nothing).")
    rtol = check_positive(rtol, "rtol")
    if not inputs:
        raise ValueError("scale_invariant_weights needs an input batch to run the model on.")
    probe = copy.deepcopy(model).train()
    named = [(name, p) for name, p in _trainable(probe) if p.ndim >= 2]
    found = []
    with torch.no_grad():
        base = probe(*inputs)
        if not isinstance(base, torch.Tensor):
            raise ValueError(f"the model's output must be one tensor, got {type(base).__name__}.")
        tolerance = rtol * max(1.0, base.abs().max().item())
        for name, p in named:
            original = p.detach().clone()
            changes = []
            for c in (factor, 1.0 / factor):
                p.copy_(original * c)
                changes.append((probe(*inputs) - base).abs().max().item())
            p.copy_(original)
            if max(changes) <= tolerance:
                found.append(name)
    return found


def decay_audit(model, optimizer) -> list[AuditRow]:
    """The ``weight_decay`` that ``optimizer`` applies to each trainable parameter of ``model``.

    Parameters
    ----------
    model : torch.nn.Module
        With at least one trainable parameter.
    optimizer : torch.optim.Optimizer
        Any optimizer; the value of each parameter group's ``"weight_decay"`` is read
        (0.0 for an optimizer without that option). For ``AdamW`` it is the decoupled
        rate, for ``SGD`` and ``Adam`` the coupled one.

    Returns
    -------
    list of AuditRow
        One ``(name, shape, weight_decay)`` row per trainable parameter, in model order;
        ``weight_decay`` is None for a parameter the optimizer does not hold.

    Raises
    ------
    ValueError
        If ``model`` is not an ``nn.Module`` with a trainable parameter, or ``optimizer``
        is not a ``torch.optim.Optimizer``.
    """
    params = _trainable(model)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise ValueError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}."
        )
    decay_of = {}
    for group in optimizer.param_groups:
        for p in group["params"]:
            decay_of[id(p)] = float(group.get("weight_decay", 0.0))
    return [AuditRow(name, tuple(p.shape), decay_of.get(id(p))) for name, p in params]


_HEADERS = {
    "en": ("parameter", "shape", "weight_decay", "note"),
    "zh": ("参数", "形状", "weight_decay", "备注"),
}
_NOTES = {
    "en": ("1-D (bias or norm) decayed", "not in the optimizer"),
    "zh": ("一维参数（偏置或归一化）也被衰减", "不在优化器中"),
}


def format_audit(rows, lang: str = "en") -> str:
    """An aligned text table of :func:`decay_audit` rows, for printing in a notebook.

    Rows where a 1-D parameter (a bias or a norm layer's scale or shift) is decayed, or
    where the optimizer does not hold the parameter, get a note.

    Parameters
    ----------
    rows : iterable of AuditRow or (name, shape, weight_decay) tuples
    lang : {"en", "zh"}, optional
        Language of the headers and notes. Default ``"en"``.

    Returns
    -------
    str
        One line per row under a header line, no trailing spaces.

    Raises
    ------
    ValueError
        If ``lang`` is unknown or a row does not have three fields.
    """
    if lang not in _HEADERS:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}.")
    decayed_1d, missing = _NOTES[lang]
    table = [_HEADERS[lang]]
    for row in rows:
        try:
            name, shape, wd = row
        except (TypeError, ValueError):
            raise ValueError(
                f"each row must be (name, shape, weight_decay), got {row!r}."
            ) from None
        shape = tuple(shape)
        if wd is None:
            wd_text, note = "-", missing
        else:
            wd_text, note = f"{wd:g}", decayed_1d if len(shape) < 2 and wd > 0 else ""
        table.append((str(name), str(shape), wd_text, note))
    return format_table(table)


def manual_l2_penalty(model, lam):
    """The course penalty ``lam * sum ||W||_F^2`` over the trainable weights of ``model``.

    The same tensors :func:`decay_param_groups` decays: trainable parameters with
    ``ndim >= 2`` (weight matrices, conv kernels, embedding tables); biases and norm
    layers are not penalized, frozen parameters are left out.

    Parameters
    ----------
    model : torch.nn.Module
    lam : float
        Penalty strength, finite and >= 0 (``weight_decay / 2`` for SGD's ``weight_decay``).

    Returns
    -------
    torch.Tensor
        A 0-d tensor, differentiable: add it to the loss before ``backward()``.

    Raises
    ------
    ValueError
        If ``model`` is not an ``nn.Module``, has no trainable parameter with two or
        more dimensions, a weight holds NaN/inf, or ``lam`` is negative or not finite.
    """
    lam = check_lambda(lam)
    weights = [p for _, p in _trainable(model) if p.ndim >= 2]
    if not weights:
        raise ValueError(
            f"model ({type(model).__name__}) has no trainable weight matrix or kernel "
            "(no parameter with 2 or more dimensions) to penalize."
        )
    return l2_penalty(weights, lam)
