"""A two-layer neural network in NumPy, with the course's L2 penalty on its weights.

::

    X --(W1, b1)--> Z1 --ReLU--> H --(W2, b2)--> logits --softmax--> cross-entropy

The objective is ``mean cross-entropy + lam * (||W1||_F^2 + ||W2||_F^2)``; the
biases ``b1`` and ``b2`` are not penalized. Backpropagation is written out by hand,
one line per layer, and works on the whole batch at once (no loop over examples).
:func:`train_together` takes the same steps for several networks side by side (a sweep
over λ in one loop), and a run whose loss explodes stops with a
:class:`~l2lessons.softmax.DivergenceError` that names the step size.

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

from ._validate import as_float_array, check_int, check_labels, check_lambda, check_positive
from .softmax import _diverged, _divergence, _softmax_cross_entropy

__all__ = ["MLP", "train_together"]

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
        self._start_loss = None  # the loss at the first step(), for divergence detection
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

        Raises
        ------
        DivergenceError
            (a ``ValueError``) If the logits overflow, or the loss exceeds
            :data:`l2lessons.softmax.EXPLODE` times ``max(loss at the first step, 1)``:
            the step size ``lr`` is too large.
        """
        lr = check_positive(lr, "lr")
        try:
            loss, grads = self.loss_and_grads(X, y, lam)
        except ValueError as exc:
            if "overflowed" not in str(exc) or self._start_loss is None:
                raise
            raise _divergence("?", self._start_loss, np.inf, lr, lam, "MLP.step") from None
        if self._start_loss is None:
            self._start_loss = loss
        if _diverged(loss, self._start_loss):
            raise _divergence("?", self._start_loss, loss, lr, lam, "MLP.step")
        for name, g in grads.items():
            self.params[name] -= lr * g  # in place: arrays held elsewhere see the update
        return loss

    def weight_norms(self):
        """Frobenius norm of each weight matrix: ``{"W1": ||W1||_F, "W2": ||W2||_F}``."""
        return {k: float(np.linalg.norm(self.params[k])) for k in WEIGHTS}


def _per_net(value, count: int, name: str) -> list:
    """``value`` repeated for each of ``count`` nets, or the list of ``count`` values given."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(f"{name} has {len(value)} entries but there are {count} nets.")
        return list(value)
    return [value] * count


def _lams(lam) -> tuple[float, float]:
    """(lam for W1, lam for W2) from one penalty strength or a dict ``{"W1": .., "W2": ..}``."""
    if isinstance(lam, dict):
        if set(lam) != set(WEIGHTS):
            raise ValueError(
                f"a per-layer lam must have the keys 'W1' and 'W2', got {sorted(lam)}."
            )
        return check_lambda(lam["W1"], "lam['W1']"), check_lambda(lam["W2"], "lam['W2']")
    lam = check_lambda(lam)
    return lam, lam


def train_together(nets, X, y, lam, lr, steps, *, every=0, record=None):
    """Train several networks of the same shape side by side by full-batch gradient descent.

    Step for step, net ``k`` follows exactly what ``steps`` calls of
    ``nets[k].step(X_k, y_k, lam_k, lr_k)`` would do (the same formulas, one line per
    layer), computed for all the nets at once on stacked arrays: the Python overhead of a
    step is paid once for all the nets, which makes a sweep over λ several times faster.

    Parameters
    ----------
    nets : sequence of MLP
        Networks with the same ``n_in``, ``n_hidden`` and ``n_out``; trained in place.
    X : array_like of shape (n, n_in), or a list of one such array per net
        The same inputs for every net, or one data set each (the same ``n`` for all).
    y : array_like of shape (n,), or a list of one per net
        Integer labels.
    lam : float or dict, or a list of one per net
        Penalty strength (``>= 0``) on both weight matrices, or ``{"W1": .., "W2": ..}``
        to penalize the two layers differently (``{"W1": 0.0, "W2": 0.1}``: the output
        layer only). Biases are never penalized.
    lr : float, or a list of one per net
        Step sizes, > 0.
    steps : int
        Number of steps, >= 0.
    every : int, optional
        Call ``record(step)`` at step 0 and after every ``every`` steps (0: never).
    record : callable, optional
        ``record(step)``, called with the number of steps taken so far. During training
        each net's ``params`` hold views of the stacked arrays, so ``record`` can use
        ``nets[k].forward``, ``nets[k].params`` and the like.

    Returns
    -------
    ndarray of shape (steps, len(nets))
        The loss of each net before each step (what :meth:`MLP.step` returns).

    Raises
    ------
    DivergenceError
        (a ``ValueError``) If a net's loss stops being finite or exceeds
        :data:`l2lessons.softmax.EXPLODE` times ``max(its first loss, 1)``.
    ValueError
        On bad nets, inputs, λ, step sizes or counts.
    """
    nets = list(nets)
    if not nets or not all(isinstance(net, MLP) for net in nets):
        raise ValueError("nets must be a non-empty list of MLP networks.")
    sizes = {(net.n_in, net.n_hidden, net.n_out) for net in nets}
    if len(sizes) != 1:
        raise ValueError(f"all nets must have the same sizes, got {sorted(sizes)}.")
    K, first = len(nets), nets[0]
    Xs = [first._check_X(x) for x in _per_net(X, K, "X")]
    n = Xs[0].shape[0]
    if any(x.shape[0] != n for x in Xs):
        raise ValueError("every data set must have the same number of examples n.")
    ys = [check_labels(v, n, first.n_out) for v in _per_net(y, K, "y")]
    lam_pairs = [_lams(v) for v in _per_net(lam, K, "lam")]
    lrs = np.array([check_positive(v, "lr") for v in _per_net(lr, K, "lr")])
    steps = check_int(steps, "steps", minimum=0)
    every = check_int(every, "every", minimum=0)
    if every and not callable(record):
        raise ValueError("record must be a function of the step number when every > 0.")

    shared = all(x is Xs[0] for x in Xs)
    Xb = Xs[0] if shared else np.stack(Xs)  # (n, p) or (K, n, p)
    XbT = Xb.T if shared else Xb.transpose(0, 2, 1)
    Yb = np.stack(ys)  # (K, n)
    two_lam1 = (2.0 * np.array([a for a, _ in lam_pairs]))[:, None, None]
    two_lam2 = (2.0 * np.array([b for _, b in lam_pairs]))[:, None, None]
    lam1, lam2 = two_lam1[:, 0, 0] / 2.0, two_lam2[:, 0, 0] / 2.0
    lr3, lr2 = lrs[:, None, None], lrs[:, None]
    originals = [net.params for net in nets]
    P = {k: np.stack([net.params[k] for net in nets]) for k in first.params}
    for i, net in enumerate(nets):  # views: record() sees the current weights
        net.params = {k: P[k][i] for k in P}
    kk, rows = np.arange(K)[:, None], np.arange(n)[None, :]
    losses = np.empty((steps, K))
    try:
        if every:
            record(0)
        for step in range(steps):
            with np.errstate(over="ignore", invalid="ignore"):
                Z1 = Xb @ P["W1"] + P["b1"][:, None, :]
                H = np.maximum(Z1, 0.0)
                logits = H @ P["W2"] + P["b2"][:, None, :]
            shifted = logits - logits.max(axis=-1, keepdims=True)
            logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
            data = -logp[kk, rows, Yb].mean(axis=1)
            with np.errstate(over="ignore", invalid="ignore"):
                loss = data + lam1 * np.sum(P["W1"] ** 2, axis=(1, 2))
                loss += lam2 * np.sum(P["W2"] ** 2, axis=(1, 2))
            losses[step] = loss
            bad = [i for i in range(K) if _diverged(loss[i], losses[0, i])]
            if bad:
                i = bad[0]
                lam_i = lam_pairs[i][0] if lam_pairs[i][0] == lam_pairs[i][1] else lam_pairs[i]
                what = f"Training net {i} of {K}"
                raise _divergence(step, losses[0, i], loss[i], lrs[i], lam_i, what)
            d = np.exp(logp)
            d[kk, rows, Yb] -= 1.0
            d /= n
            gW2 = H.transpose(0, 2, 1) @ d + two_lam2 * P["W2"]
            gb2 = d.sum(axis=1)
            dZ1 = (d @ P["W2"].transpose(0, 2, 1)) * (Z1 > 0)
            gW1 = XbT @ dZ1 + two_lam1 * P["W1"]
            gb1 = dZ1.sum(axis=1)
            P["W2"] -= lr3 * gW2
            P["b2"] -= lr2 * gb2
            P["W1"] -= lr3 * gW1
            P["b1"] -= lr2 * gb1
            if every and (step + 1) % every == 0:
                record(step + 1)
    finally:  # the nets get their own arrays back, holding the trained values
        for i, net in enumerate(nets):
            for k, value in originals[i].items():
                value[...] = P[k][i]
            net.params = originals[i]
    return losses
