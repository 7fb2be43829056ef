"""The framework rows of the convention table that need more than one line, proven by running them.

Each test runs the real library (PyTorch, Keras 3 on its torch backend, scikit-learn) for one
step, one epoch or a few steps from known weights, and compares the result with gradient
descent written by hand (torch autograd) on the course objective

    J(W) = (1/n) sum L + lam * sum ||W||_F^2     with lam = convert(knob, row, "course", ...),

to float tolerance; where the naive reading of the knob is a common mistake, it is shown to
give other weights.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import l2lessons.notebook
from l2lessons.conventions import convert

F64 = torch.float64


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """Refusals follow the lesson's language; these tests read the English ones."""
    monkeypatch.setitem(l2lessons.notebook._state, "lang", "en")


def _data(n=12, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = np.tanh(X @ rng.normal(size=p)) + 0.1 * rng.normal(size=n)
    return X, y, rng


def _max_diff(a, b) -> float:
    return max(
        float(np.abs(np.asarray(x) - np.asarray(y)).max()) for x, y in zip(a, b, strict=True)
    )


# --- PyTorch SGD with momentum and Nesterov ----------------------------------------------------


def _torch_run(lam, wd, momentum, nesterov, steps=6):
    torch.manual_seed(1)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).to(F64)
    X, y, _ = _data()
    X, y = torch.tensor(X), torch.tensor(y)[:, None]
    weights = [net[0].weight, net[2].weight]
    biases = [net[0].bias, net[2].bias]
    opt = torch.optim.SGD(
        [{"params": weights, "weight_decay": wd}, {"params": biases, "weight_decay": 0.0}],
        lr=0.1,
        momentum=momentum,
        nesterov=nesterov,
    )
    for _ in range(steps):
        opt.zero_grad()
        loss = ((net(X) - y) ** 2).mean() + lam * sum((W**2).sum() for W in weights)
        loss.backward()
        opt.step()
    return [p.detach().numpy().copy() for p in net.parameters()]


@pytest.mark.parametrize("nesterov", [False, True])
def test_torch_sgd_with_momentum_and_nesterov(nesterov):
    lam = 0.05
    wd = convert(lam, "course", "torch_sgd", momentum=0.9)
    manual = _torch_run(lam, 0.0, 0.9, nesterov)
    assert _max_diff(manual, _torch_run(0.0, wd, 0.9, nesterov)) < 1e-12
    assert _max_diff(manual, _torch_run(0.0, lam, 0.9, nesterov)) > 1e-5
    assert _max_diff(manual, _torch_run(0.0, 0.0, 0.9, nesterov)) > 1e-4


# --- Keras 3 (torch backend) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras(request):
    mp = pytest.MonkeyPatch()
    mp.setenv("KERAS_BACKEND", "torch")  # read once, when keras is first imported
    request.addfinalizer(mp.undo)
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip(f"keras was already imported with the {keras.backend.backend()} backend")
    return keras


# Keras's torch-backend matmul loses float64 precision (measured: 2.5e-8 on these inputs), so
# Keras runs are compared at KERAS_TOL; every naive reading below misses by more than 1e-3.
KERAS_TOL = 1e-6


def _keras_model(keras, regularizer=None):
    keras.utils.set_random_seed(0)
    layer = keras.layers.Dense(
        1,
        kernel_regularizer=regularizer,
        bias_initializer=keras.initializers.Constant(0.7),  # a nonzero bias: its decay shows
        dtype="float64",
    )
    model = keras.Sequential([keras.Input((3,), dtype="float64"), layer])
    return model, layer


def _keras_fit(keras, model, optimizer, X, y, steps):
    model.compile(optimizer=optimizer, loss="mse")
    for _ in range(steps):
        model.train_on_batch(X, y)
    return [v.value.detach().numpy().copy() for v in model.trainable_variables]


def _hand_gd(K, b, X, y, lr, lam_kernel, lam_bias, steps, momentum=0.0):
    """Gradient descent (heavy-ball momentum as Keras writes it) on the course objective."""
    K, b = torch.tensor(K, requires_grad=True), torch.tensor(b, requires_grad=True)
    X, y = torch.tensor(X), torch.tensor(y)
    vK, vb = torch.zeros_like(K), torch.zeros_like(b)
    for _ in range(steps):
        J = ((X @ K + b - y) ** 2).mean() + lam_kernel * (K**2).sum() + lam_bias * (b**2).sum()
        gK, gb = torch.autograd.grad(J, (K, b))
        with torch.no_grad():
            vK, vb = momentum * vK - lr * gK, momentum * vb - lr * gb
            K, b = (K + vK).requires_grad_(), (b + vb).requires_grad_()
    return [K.detach().numpy(), b.detach().numpy()]


def test_keras_l2_regularizer_one_training_step(keras):
    X, y, _ = _data()
    y = y[:, None]
    lam, lr = 0.0625, 0.125  # exact in float32, the dtype of Keras's learning rate
    model, layer = _keras_model(keras, keras.regularizers.l2(convert(lam, "course", "keras")))
    K0, b0 = (v.value.detach().numpy().copy() for v in (layer.kernel, layer.bias))
    got = _keras_fit(keras, model, keras.optimizers.SGD(learning_rate=lr), X, y, steps=3)
    assert _max_diff(got, _hand_gd(K0, b0, X, y, lr, lam, 0.0, 3)) < KERAS_TOL
    assert _max_diff(got, _hand_gd(K0, b0, X, y, lr, lam / 2, 0.0, 3)) > 1e-3


def test_keras_sgd_weight_decay_is_l2_for_plain_sgd_only(keras):
    X, y, _ = _data()
    y = y[:, None]
    lam, lr = 0.0625, 0.125  # exact in float32 (Keras keeps lr and wd in float32)
    wd = convert(lam, "course", "keras_sgd_weight_decay")
    assert wd == pytest.approx(2 * lam)
    model, layer = _keras_model(keras)
    K0, b0 = (v.value.detach().numpy().copy() for v in (layer.kernel, layer.bias))
    # given model.trainable_variables, the optimizer decays the bias too
    got = _keras_fit(keras, model, keras.optimizers.SGD(lr, weight_decay=wd), X, y, steps=3)
    assert _max_diff(got, _hand_gd(K0, b0, X, y, lr, lam, lam, 3)) < KERAS_TOL
    assert abs(got[1] - _hand_gd(K0, b0, X, y, lr, lam, 0.0, 3)[1]).max() > 1e-3
    # excluding the bias gives exactly the course's weights-only penalty
    model, layer = _keras_model(keras)
    opt = keras.optimizers.SGD(lr, weight_decay=wd)
    opt.exclude_from_weight_decay(var_names=["bias"])
    got = _keras_fit(keras, model, opt, X, y, steps=3)
    assert _max_diff(got, _hand_gd(K0, b0, X, y, lr, lam, 0.0, 3)) < KERAS_TOL
    # with momentum the decay stays outside the buffer: no L2 strength reproduces it
    model, layer = _keras_model(keras)
    opt = keras.optimizers.SGD(lr, momentum=0.9, weight_decay=wd)
    got = _keras_fit(keras, model, opt, X, y, steps=6)
    best = min(
        _max_diff(got, _hand_gd(K0, b0, X, y, lr, c, c, 6, momentum=0.9))
        for c in [0.0, lam, 2 * lam, *np.logspace(-4, 1, 51)]
    )
    assert best > 1e-3
    with pytest.raises(ValueError, match="decoupled decay"):
        convert(0.1, "keras_sgd_weight_decay", "course", momentum=0.9)


# --- scikit-learn: SGDRegressor / SGDClassifier --------------------------------------------------


def _course_sgd_epoch(X, y, w, b, lam, lr, per_sample_loss):
    """One epoch of per-sample gradient descent on L_i + lam ||w||^2 (torch autograd)."""
    w = torch.tensor(w, dtype=F64, requires_grad=True)
    b = torch.tensor(b, dtype=F64, requires_grad=True)
    for xi, yi in zip(torch.tensor(X), torch.tensor(y), strict=True):
        J = per_sample_loss(xi @ w + b, yi) + lam * (w**2).sum()
        gw, gb = torch.autograd.grad(J, (w, b))
        with torch.no_grad():
            w, b = (w - lr * gw).requires_grad_(), (b - lr * gb).requires_grad_()
    return w.detach().numpy(), float(b.detach())


def _sk_sgd(cls, X, y, w0, b0, alpha, eta, **kw):
    model = cls(
        penalty="l2",
        alpha=alpha,
        learning_rate="constant",
        eta0=eta,
        max_iter=1,
        tol=None,
        shuffle=False,
        **kw,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch does not converge, on purpose
        model.fit(X, y, coef_init=w0.copy(), intercept_init=[b0])
    return model.coef_.ravel(), float(model.intercept_[0])


def test_sklearn_sgd_regressor_one_epoch():
    from sklearn.linear_model import SGDRegressor

    X, y, rng = _data()
    w0, b0, alpha, eta = rng.normal(size=3), 0.2, 0.3, 0.05
    w_sk, b_sk = _sk_sgd(SGDRegressor, X, y, w0, b0, alpha, eta, loss="squared_error")
    # the course's (ŷ − y)²: λ = alpha, and the step is eta/2 (the ½ sklearn puts on the loss)
    lam = convert(alpha, "sklearn_sgd_regressor", "course", loss="mse")
    assert lam == pytest.approx(alpha)
    w, b = _course_sgd_epoch(X, y, w0, b0, lam, eta / 2, lambda p, t: (p - t) ** 2)
    assert np.abs(w - w_sk).max() < 1e-12 and abs(b - b_sk) < 1e-12
    # the course objective written with ½(ŷ − y)²: λ = alpha/2, the same step eta
    lam = convert(alpha, "sklearn_sgd_regressor", "course", loss="half_mse")
    w, b = _course_sgd_epoch(X, y, w0, b0, lam, eta, lambda p, t: 0.5 * (p - t) ** 2)
    assert np.abs(w - w_sk).max() < 1e-12
    # reading alpha as λ in the half_mse objective is twice the penalty
    w, _ = _course_sgd_epoch(X, y, w0, b0, alpha, eta, lambda p, t: 0.5 * (p - t) ** 2)
    assert np.abs(w - w_sk).max() > 1e-3


def test_sklearn_sgd_classifier_one_epoch():
    from sklearn.linear_model import SGDClassifier

    X, y, rng = _data()
    labels = (y > 0).astype(int)
    w0, b0, alpha, eta = rng.normal(size=3), 0.2, 0.3, 0.05
    w_sk, b_sk = _sk_sgd(SGDClassifier, X, labels, w0, b0, alpha, eta, loss="log_loss")
    lam = convert(alpha, "sklearn_sgd_classifier", "course")
    assert lam == pytest.approx(alpha / 2)

    def cross_entropy(p, t):
        return torch.nn.functional.binary_cross_entropy_with_logits(p, t.to(p.dtype))

    w, b = _course_sgd_epoch(X, labels, w0, b0, lam, eta, cross_entropy)
    assert np.abs(w - w_sk).max() < 1e-12 and abs(b - b_sk) < 1e-12
    w, _ = _course_sgd_epoch(X, labels, w0, b0, alpha, eta, cross_entropy)
    assert np.abs(w - w_sk).max() > 1e-3


# --- scikit-learn: MLPRegressor / MLPClassifier ------------------------------------------------


def _sk_mlp(cls, X, y, alpha, batch_size, lr, **kw):
    """Weights before and after one epoch of plain mini-batch SGD in scikit-learn."""
    model = cls(
        hidden_layer_sizes=(5,),
        activation="tanh",
        solver="sgd",
        learning_rate_init=lr,
        momentum=0.0,
        nesterovs_momentum=False,
        batch_size=batch_size,
        alpha=alpha,
        shuffle=False,
        random_state=0,
    )
    model.partial_fit(X, y, **kw)  # initializes the weights (and takes one epoch)
    before = [a.copy() for a in (*model.coefs_, *model.intercepts_)]
    model.partial_fit(X, y)
    return before, [*model.coefs_, *model.intercepts_]


def _course_epoch(params, X, y, lam, lr, batch_size, data_loss):
    """Mini-batch GD on the course objective, each batch's mean loss + lam ||W||^2."""
    params = [torch.tensor(p, requires_grad=True) for p in params]
    X, y = torch.tensor(X), torch.tensor(y)
    for start in range(0, len(X), batch_size):
        W1, W2, b1, b2 = params
        Xb, yb = X[start : start + batch_size], y[start : start + batch_size]
        out = torch.tanh(Xb @ W1 + b1) @ W2 + b2
        J = data_loss(out, yb) + lam * ((W1**2).sum() + (W2**2).sum())
        grads = torch.autograd.grad(J, params)
        with torch.no_grad():
            params = [(p - lr * g).requires_grad_() for p, g in zip(params, grads, strict=True)]
    return [p.detach().numpy() for p in params]


def _half_mse(out, y):
    return (0.5 * (out.ravel() - y) ** 2).mean()


def _ce(out, y):
    return torch.nn.functional.cross_entropy(out, y)


def test_sklearn_mlp_regressor_one_step():
    from sklearn.neural_network import MLPRegressor

    X, y, _ = _data()
    alpha, lr, n = 0.5, 0.1, len(y)
    before, after = _sk_mlp(MLPRegressor, X, y, alpha, n, lr)  # one full batch: one step
    lam = convert(alpha, "sklearn_mlp_regressor", "course", batch_size=n, loss="half_mse")
    assert lam == pytest.approx(alpha / (2 * n))
    assert _max_diff(after, _course_epoch(before, X, y, lam, lr, n, _half_mse)) < 1e-12
    # with the course's (ŷ − y)² the same run is λ = alpha/n and half the step
    lam_mse = convert(alpha, "sklearn_mlp_regressor", "course", batch_size=n, loss="mse")

    def mse(out, t):
        return ((out.ravel() - t) ** 2).mean()

    assert _max_diff(after, _course_epoch(before, X, y, lam_mse, lr / 2, n, mse)) < 1e-12
    # alpha read as a per-sample λ (alpha/2, as in SGDRegressor) is n times too strong
    assert _max_diff(after, _course_epoch(before, X, y, alpha / 2, lr, n, _half_mse)) > 1e-3


def test_sklearn_mlp_classifier_one_step():
    from sklearn.neural_network import MLPClassifier

    X, _, rng = _data()
    y = rng.integers(0, 3, size=len(X))
    alpha, lr, n = 0.5, 0.1, len(y)
    before, after = _sk_mlp(MLPClassifier, X, y, alpha, n, lr, classes=[0, 1, 2])
    lam = convert(alpha, "sklearn_mlp_classifier", "course", batch_size=n)
    assert lam == pytest.approx(alpha / (2 * n))
    assert _max_diff(after, _course_epoch(before, X, y, lam, lr, n, _ce)) < 1e-12
    assert _max_diff(after, _course_epoch(before, X, y, alpha / 2, lr, n, _ce)) > 1e-3


def test_sklearn_mlp_penalty_is_per_batch():
    """The batch-size trap: with batches of b the penalty of each step is alpha/(2b)."""
    from sklearn.neural_network import MLPClassifier

    X, _, rng = _data()
    y = rng.integers(0, 3, size=len(X))
    alpha, lr, n = 0.5, 0.1, len(y)
    for b in (4, 6):
        before, after = _sk_mlp(MLPClassifier, X, y, alpha, b, lr, classes=[0, 1, 2])
        lam = convert(alpha, "sklearn_mlp_classifier", "course", batch_size=b)
        assert lam == pytest.approx(alpha / (2 * b))
        assert _max_diff(after, _course_epoch(before, X, y, lam, lr, b, _ce)) < 1e-12
        # the λ of the full batch (alpha/(2n)) is not what these steps penalize
        lam_full = convert(alpha, "sklearn_mlp_classifier", "course", batch_size=n)
        assert _max_diff(after, _course_epoch(before, X, y, lam_full, lr, b, _ce)) > 1e-4


# --- a per-step shrink ---------------------------------------------------------------------------


def test_shrink_per_step_is_a_gradient_step():
    """W <- (1 - d) W - lr g is the course's step with lam = d / (2 lr): PyTorch SGD agrees."""
    lr, d = 0.2, 0.01
    lam = convert(d, "shrink_per_step", "course", lr=lr)
    assert lam == pytest.approx(d / (2 * lr))
    torch.manual_seed(0)
    W = torch.randn(4, 3, dtype=F64, requires_grad=True)
    X, Y = torch.randn(10, 4, dtype=F64), torch.randn(10, 3, dtype=F64)
    g = torch.autograd.grad(((X @ W - Y) ** 2).mean(), W)[0]
    shrunk = (1 - d) * W.detach() - lr * g
    W_sgd = torch.nn.Parameter(W.detach().clone())
    opt = torch.optim.SGD([W_sgd], lr=lr, weight_decay=convert(lam, "course", "torch_sgd"))
    ((X @ W_sgd - Y) ** 2).mean().backward()
    opt.step()
    assert (shrunk - W_sgd.detach()).abs().max().item() < 1e-14
    # the same d at another learning rate is another λ
    assert convert(d, "shrink_per_step", "course", lr=lr / 10) == pytest.approx(10 * lam)
    with pytest.raises(ValueError, match="pass lr"):
        convert(d, "shrink_per_step", "course")
