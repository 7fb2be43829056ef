"""The L2 penalty in the course convention: ``lam * sum_l ||W_l||_F^2``.

Works on NumPy arrays (returns a Python float) and on PyTorch tensors (returns a
0-d tensor that autograd can differentiate), without importing torch itself.

Examples
--------
>>> import numpy as np
>>> frobenius_sq(np.array([[3.0, 0.0], [0.0, 4.0]]))
25.0
>>> l2_penalty([np.ones((2, 2)), np.ones(3)], lam=0.5)
3.5
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_lambda

__all__ = ["frobenius_sq", "l2_penalty"]


def _is_torch_tensor(x) -> bool:
    return type(x).__module__.split(".")[0] == "torch" and hasattr(x, "detach")


def _check_tensor(W, name: str):
    if not W.is_floating_point():
        raise ValueError(f"{name} must be a floating-point tensor, got dtype {W.dtype}.")
    if W.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(W.shape)}); it needs at least one value.")
    if not bool(W.detach().isfinite().all()):
        raise ValueError(f"{name} contains NaN or infinite values.")


def frobenius_sq(W, *, name: str = "W"):
    """Squared Frobenius norm: the sum of the squares of every entry of ``W``.

    For a vector this is the squared Euclidean norm; for a matrix it equals
    ``trace(W.T @ W)`` and the sum of squared singular values; for a conv kernel
    it is the sum over all of its entries.

    Parameters
    ----------
    W : array_like or torch.Tensor
        Numeric, non-empty, finite.
    name : str, optional
        Name used in error messages.

    Returns
    -------
    float or torch.Tensor
        A Python float for NumPy input; a 0-d tensor (differentiable) for a tensor.

    Raises
    ------
    ValueError
        If ``W`` is empty, not numeric, or contains NaN/inf.
    """
    if _is_torch_tensor(W):
        _check_tensor(W, name)
        return (W * W).sum()
    arr = as_float_array(W, name)
    return float(np.sum(arr * arr))


def l2_penalty(weights, lam):
    """The course's L2 penalty ``lam * sum_l ||W_l||_F^2``.

    Parameters
    ----------
    weights : array_like, torch.Tensor, or an iterable of them
        One weight array, or a list (or any iterable, e.g. a generator of
        parameters) of weight arrays. Pass weight matrices only: the course does
        not penalize biases.
    lam : float
        Penalty strength, finite and >= 0.

    Returns
    -------
    float or torch.Tensor
        A float for NumPy input; a differentiable 0-d tensor if any weight is a tensor.

    Raises
    ------
    ValueError
        If ``lam`` is negative or not finite, the list is empty, or any array is
        empty, non-numeric or contains NaN/inf.
    """
    lam = check_lambda(lam)
    if isinstance(weights, np.ndarray) or _is_torch_tensor(weights):
        items = [weights]
    elif isinstance(weights, (list, tuple)) and weights and all(np.isscalar(v) for v in weights):
        items = [weights]  # a plain list of numbers is one vector
    elif isinstance(weights, (str, bytes)):
        raise ValueError(f"weights must be arrays of numbers, got a {type(weights).__name__}.")
    else:
        try:
            items = list(weights)
        except TypeError:
            raise ValueError(
                f"weights must be an array or a list of arrays, got {type(weights).__name__}."
            ) from None
    if not items:
        raise ValueError("weights is an empty list; pass at least one weight array.")
    total = 0.0
    for i, W in enumerate(items):
        total = total + frobenius_sq(W, name=f"weights[{i}]")
    return lam * total
