"""PyTorch helpers for L2 regularization (a bridge: torch on top of the math layer).

``torch.optim.SGD(model.parameters(), weight_decay=wd)`` decays *every* parameter it
holds: the biases and the scale and shift of BatchNorm and LayerNorm too, which the
course's penalty ``lam * sum_l ||W_l||_F^2`` leaves alone. Three helpers:

- :func:`decay_param_groups` splits a model's trainable parameters into two optimizer
  parameter groups: tensors with two or more dimensions (weight matrices, conv kernels,
  embedding tables) get ``weight_decay``; one-dimensional ones (biases, norm-layer
  weights and biases) get 0.
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
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from ._validate import check_lambda
from .penalty import l2_penalty
from .tables import format_table

__all__ = ["AuditRow", "decay_audit", "decay_param_groups", "format_audit", "manual_l2_penalty"]


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


def decay_param_groups(model, weight_decay) -> list[dict]:
    """Optimizer parameter groups that decay weight matrices and kernels, not biases or norms.

    Parameters
    ----------
    model : torch.nn.Module
        With at least one parameter that requires a gradient.
    weight_decay : float
        The optimizer's ``weight_decay`` for the decayed group, finite and >= 0. With
        ``SGD`` or ``Adam`` this is ``2 * lam`` in course terms (see
        :func:`l2lessons.conventions.convert`).

    Returns
    -------
    list of dict
        Up to two groups, each ``{"params": [...], "param_names": [...],
        "weight_decay": ...}``: parameters with ``ndim >= 2`` (``nn.Linear`` and conv
        weights, and also ``nn.Embedding`` tables, which are 2-D) get ``weight_decay``;
        every 1-D parameter (biases, BatchNorm/LayerNorm weight and bias) gets 0.0.
        Frozen parameters (``requires_grad=False``) are left out, and an empty group is
        omitted. ``"param_names"`` is PyTorch's own key for parameter names (kept by the
        optimizer and its ``state_dict``); pass the list straight to any
        ``torch.optim`` optimizer, e.g. ``torch.optim.AdamW(groups, lr=1e-3)``.

    Raises
    ------
    ValueError
        If ``model`` is not an ``nn.Module``, has no trainable parameter, or
        ``weight_decay`` is negative, NaN or infinite.
    """
    weight_decay = check_lambda(weight_decay, name="weight_decay")
    params = _trainable(model)
    decayed = [(name, p) for name, p in params if p.ndim >= 2]
    exempt = [(name, p) for name, p in params if p.ndim < 2]
    groups = []
    for members, wd in ((decayed, weight_decay), (exempt, 0.0)):
        if members:
            groups.append(
                {
                    "params": [p for _, p in members],
                    "param_names": [name for name, _ in members],
                    "weight_decay": wd,
                }
            )
    return groups


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
