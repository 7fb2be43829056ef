"""Input checks shared by the public functions (one sentence per error)."""

from __future__ import annotations

import math
import numbers

import numpy as np


def as_real(value, name: str) -> float:
    """Return ``value`` as a finite float; NumPy and torch scalars are accepted.

    Raises
    ------
    ValueError
        If ``value`` is not a real number (a bool or a string such as "0.1" is a
        mistake, not a number) or is NaN or infinite.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            item = np.asarray(value).item()  # NumPy / torch scalars
        except (TypeError, ValueError):
            item = None
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise ValueError(f"{name} must be a real number, got {type(value).__name__} {value!r}.")
        value = item
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    return value


def check_lambda(lam, name: str = "lam") -> float:
    """Return ``lam`` as a float after checking it is a finite number >= 0.

    Raises
    ------
    ValueError
        If ``lam`` is not a real number, is negative, NaN or infinite.
    """
    lam = as_real(lam, name)
    if lam < 0:
        raise ValueError(f"{name} must be >= 0 (a penalty strength), got {lam}.")
    return lam


def as_float_array(x, name: str, ndim: int | None = None, allow_empty: bool = False):
    """Convert ``x`` to a float64 NumPy array, checking dtype, dimension and finiteness.

    Raises
    ------
    ValueError
        If ``x`` is not numeric, has the wrong number of dimensions, is empty
        (unless ``allow_empty``) or contains NaN or infinity.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be read as an array ({exc}).") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"{name} must be numeric, got an array of dtype {arr.dtype}.")
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} must be real, got complex values.")
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}.")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one value.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr


def check_positive(value, name: str) -> float:
    """Return ``value`` as a float after checking it is a finite real number > 0."""
    value = as_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}.")
    return value


def check_int(value, name: str, minimum: int) -> int:
    """Return ``value`` as an int after checking it is an integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_labels(y, n: int, n_classes: int | None, name: str = "y"):
    """Return ``y`` as an int64 vector of length ``n`` with labels in ``[0, n_classes)``.

    Integer arrays are accepted, and float arrays whose values are whole numbers
    (``1.0``); ``1.5``, negative labels and labels ``>= n_classes`` are rejected.
    ``n_classes=None`` skips the upper bound.
    """
    arr = np.asarray(y)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(
            f"{name} must hold integer class labels, got an array of dtype {arr.dtype}."
        )
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D vector of integer labels (not one-hot), got shape {arr.shape}."
        )
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} labels but X has {n} rows.")
    if np.issubdtype(arr.dtype, np.floating):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values.")
        fractional = arr[arr != np.round(arr)]
        if fractional.size:
            raise ValueError(
                f"{name} must hold integer class labels, "
                f"got {fractional[0].item()!r} (not a whole number)."
            )
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must hold labels >= 0, got {arr.min().item()!r}.")
    if n_classes is not None and arr.size and arr.max() >= n_classes:
        raise ValueError(
            f"{name} holds label {arr.max().item()!r} but there are only {n_classes} classes "
            f"(labels 0 to {n_classes - 1})."
        )
    return arr.astype(np.int64)
