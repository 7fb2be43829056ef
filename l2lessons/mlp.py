"""A two-layer neural network in NumPy, with the course's L2 penalty on its weights.

::

    X --(W1, b1)--> Z1 --ReLU--> H --(W2, b2)--> logits --softmax--> cross-entropy

The objective is ``mean cross-entropy + lam * (||W1||_F^2 + ||W2||_F^2)``; the
biases ``b1`` and ``b2`` are not penalized. Backpropagation is written out by hand,
one line per layer, and works on the whole batch at once (no loop over examples).

Examples
--------
>>> import numpy as np
>>> net = MLP(n_in=2, n_hidden=8, n_out=3, seed=0)
>>> X, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 2])
>>> loss, grads = net.loss_and_grads(X, y, lam=0.01)
>>> sorted(grads) == sorted(net.params)
True
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_lambda
from ._validate import check_int, check_labels, check_positive
from .softmax import _softmax_cross_entropy

__all__ = ["MLP"]

WEIGHTS = ("W1", "W2")  # the penalized parameters; "b1" and "b2" are not


class MLP:
    """Two-layer ReLU network for ``n_out``-class classification.

    Parameters
    ----------
    n_in : int
        Number of input features, >= 1.
    n_hidden : int
        Number of hidden units, >= 1.
    n_out : int
        Number of classes, >= 1.
    seed : int or None, optional
        Seed of ``np.random.default_rng`` for the initial weights (``None``: fresh
        entropy, not reproducible).

    Attributes
    ----------
    params : dict of str to ndarray
        ``"W1"`` (n_in, n_hidden), ``"b1"`` (n_hidden,), ``"W2"`` (n_hidden, n_out),
        ``"b2"`` (n_out,), all float64. :meth:`step` updates these arrays in place.

    Notes
    -----
    He initialization for every weight matrix: ``W ~ N(0, 2 / fan_in)``, i.e.
    ``W1 ~ N(0, 2 / n_in)`` and ``W2 ~ N(0, 2 / n_hidden)``, drawn in that order from
    one generator. The factor 2 makes up for ReLU zeroing about half of its inputs,
    so activations keep roughly the same scale from layer to layer. Biases start at 0.
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int, seed: int | None = 0):
        self.n_in = check_int(n_in, "n_in", minimum=1)
        self.n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
        self.n_out = check_int(n_out, "n_out", minimum=1)
        if seed is not None:
            seed = check_int(seed, "seed", minimum=0)
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": rng.normal(0.0, np.sqrt(2.0 / self.n_in), size=(self.n_in, self.n_hidden)),
            "b1": np.zeros(self.n_hidden),
            "W2": rng.normal(0.0, np.sqrt(2.0 / self.n_hidden), size=(self.n_hidden, self.n_out)),
            "b2": np.zeros(self.n_out),
        }

    def __repr__(self) -> str:
        return f"MLP(n_in={self.n_in}, n_hidden={self.n_hidden}, n_out={self.n_out})"

    # --- checks -------------------------------------------------------------------------

    def _check_X(self, X):
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.n_in:
            raise ValueError(
                f"X has {X.shape[1]} columns but the network expects n_in={self.n_in}."
            )
        return X

    # --- forward and backward -----------------------------------------------------------

    def _forward(self, X):
        """Logits and the intermediate values backpropagation needs (no checks)."""
        p = self.params
        Z1 = X @ p["W1"] + p["b1"]
        H = np.maximum(Z1, 0.0)
        logits = H @ p["W2"] + p["b2"]
        return Z1, H, logits

    def forward(self, X):
        """Logits (scores before softmax) for each row of ``X``.

        Parameters
        ----------
        X : array_like of shape (n, n_in)

        Returns
        -------
        ndarray of shape (n, n_out)

        Raises
        ------
        ValueError
            If ``X`` is not 2-D with ``n_in`` columns, is empty, or contains NaN/inf.
        """
        return self._forward(self._check_X(X))[2]

    def predict(self, X):
        """Predicted class of each row of ``X`` (argmax of the logits), shape (n,), int64."""
        return np.argmax(self.forward(X), axis=1)

    def loss_and_grads(self, X, y, lam):
        """Penalized loss and its gradient with respect to every parameter.

        Parameters
        ----------
        X : array_like of shape (n, n_in)
        y : array_like of shape (n,)
            Integer labels in ``[0, n_out)``.
        lam : float
            Penalty strength, finite and >= 0 (applied to ``W1`` and ``W2`` only).

        Returns
        -------
        loss : float
            ``mean cross-entropy + lam * (||W1||_F^2 + ||W2||_F^2)``.
        grads : dict of str to ndarray
            Same keys and shapes as :attr:`params`.

        Raises
        ------
        ValueError
            On a bad ``X`` (see :meth:`forward`), labels that are not whole numbers in
            ``[0, n_out)`` or whose count differs from ``n``, or a bad ``lam``.
        """
        X = self._check_X(X)
        y = check_labels(y, X.shape[0], self.n_out)
        lam = check_lambda(lam)
        p = self.params

        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
            Z1, H, logits = self._forward(X)
        if not np.all(np.isfinite(logits)):
            raise ValueError("The logits overflowed to infinity; scale X or the weights down.")
        data_loss, d_logits = _softmax_cross_entropy(logits, y)  # d_logits = (P - Y) / n
        loss = data_loss + lam * sum(float(np.sum(p[k] * p[k])) for k in WEIGHTS)

        # backward, layer by layer; the penalty adds 2 lam W to each weight gradient only
        grads = {}
        grads["W2"] = H.T @ d_logits + 2.0 * lam * p["W2"]
        grads["b2"] = d_logits.sum(axis=0)
        dH = d_logits @ p["W2"].T
        dZ1 = dH * (Z1 > 0)  # ReLU passes the gradient where its input was positive
        grads["W1"] = X.T @ dZ1 + 2.0 * lam * p["W1"]
        grads["b1"] = dZ1.sum(axis=0)
        return loss, grads

    def step(self, X, y, lam, lr):
        """One full-batch gradient-descent step, ``param -= lr * grad``, in place.

        Parameters
        ----------
        X, y, lam
            As for :meth:`loss_and_grads`.
        lr : float
            Step size, finite and > 0.

        Returns
        -------
        float
            The loss *before* the step.
        """
        lr = check_positive(lr, "lr")
        loss, grads = self.loss_and_grads(X, y, lam)
        for name, g in grads.items():
            self.params[name] -= lr * g  # in place: arrays held elsewhere see the update
        return loss

    def weight_norms(self):
        """Frobenius norm of each weight matrix: ``{"W1": ||W1||_F, "W2": ||W2||_F}``."""
        return {k: float(np.linalg.norm(self.params[k])) for k in WEIGHTS}
