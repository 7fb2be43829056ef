"""Data for the lessons (plumbing): seeded synthetic problems and basis features.

Everything here is generated from a seed, so it works offline and reproduces
exactly; real data (handwritten digits) comes from scikit-learn's bundled copy.

Examples
--------
>>> x, y = noisy_sine(5, seed=1)
>>> polynomial_features(x, degree=3).shape
(5, 3)
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.polynomial import legendre

from ._validate import as_float_array

__all__ = ["noisy_sine", "polynomial_features", "true_sine"]


def _check_count(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def true_sine(x):
    """The noise-free target of :func:`noisy_sine`: ``sin(pi * x)``."""
    return np.sin(np.pi * as_float_array(x, "x", allow_empty=True))


def noisy_sine(n: int, noise: float = 0.25, seed: int = 0):
    """``n`` points ``y = sin(pi x) + noise * N(0, 1)`` with ``x`` uniform on [-1, 1].

    Returns
    -------
    x, y : ndarray of shape (n,)
        ``x`` sorted ascending, for tidy plots.
    """
    n = _check_count(n, "n")
    if not (isinstance(noise, numbers.Real) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}.")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, size=n))
    return x, true_sine(x) + noise * rng.standard_normal(n)


def polynomial_features(x, degree: int):
    """Legendre polynomials ``P_1(x) ... P_degree(x)`` as columns, shape (n, degree).

    Legendre polynomials span the same functions as ``x, x**2, ...`` but are far
    better conditioned on [-1, 1]. The constant ``P_0`` is left out: the lessons
    handle the intercept separately (it is not penalized).
    """
    x = as_float_array(x, "x", ndim=1)
    degree = _check_count(degree, "degree")
    return legendre.legvander(x, degree)[:, 1:]
