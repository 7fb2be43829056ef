"""Tests of the two-layer NumPy network against torch.autograd and finite differences."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

import l2lessons
from l2lessons.gradcheck import numerical_gradient, relative_error
from l2lessons.mlp import MLP, train_together
from l2lessons.softmax import DivergenceError

KEYS = ("W1", "b1", "W2", "b2")


@pytest.fixture
def rng():
    return np.random.default_rng(31)


def problem(rng, n, n_in, n_out):
    return rng.normal(size=(n, n_in)), rng.integers(0, n_out, size=n)


def randomize_biases(net, rng):
    """Nonzero biases, so that a penalized bias would show up in the gradients."""
    net.params["b1"][:] = rng.normal(scale=0.5, size=net.n_hidden)
    net.params["b2"][:] = rng.normal(scale=0.5, size=net.n_out)


def torch_reference(params, X, y, lam):
    """Loss and gradients of the same network written with torch.autograd, float64."""
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    Xt = torch.tensor(X, dtype=torch.float64)
    logits = torch.relu(Xt @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    loss = F.cross_entropy(logits, torch.as_tensor(y, dtype=torch.long))
    loss = loss + lam * ((t["W1"] ** 2).sum() + (t["W2"] ** 2).sum())
    loss.backward()
    return loss.item(), logits.detach().numpy(), {k: t[k].grad.numpy() for k in KEYS}


CASES = [  # (n, n_in, n_hidden, n_out, lam)
    (16, 4, 8, 3, 0.1),
    (1, 3, 5, 2, 0.0),
    (50, 10, 20, 5, 1e-3),
    (7, 2, 1, 4, 1.0),
    (30, 6, 12, 2, 0.05),
]


@pytest.mark.parametrize(("n", "n_in", "n_hidden", "n_out", "lam"), CASES, ids=lambda v: str(v))
def test_loss_and_grads_match_torch_autograd(rng, n, n_in, n_hidden, n_out, lam):
    net = MLP(n_in, n_hidden, n_out, seed=int(rng.integers(1000)))
    randomize_biases(net, rng)
    X, y = problem(rng, n, n_in, n_out)
    loss, grads = net.loss_and_grads(X, y, lam)
    t_loss, t_logits, t_grads = torch_reference(net.params, X, y, lam)
    np.testing.assert_allclose(net.forward(X), t_logits, rtol=1e-13, atol=1e-13)
    assert isinstance(loss, float)
    assert loss == pytest.approx(t_loss, rel=1e-12)
    assert set(grads) == set(KEYS)
    for k in KEYS:
        assert grads[k].shape == net.params[k].shape
        assert relative_error(grads[k], t_grads[k]) < 1e-12, k


@pytest.mark.parametrize("lam", [0.0, 0.3])
def test_every_gradient_passes_a_finite_difference_check(rng, lam):
    net = MLP(5, 7, 3, seed=2)
    randomize_biases(net, rng)
    X, y = problem(rng, 12, 5, 3)
    _, grads = net.loss_and_grads(X, y, lam)
    for k in KEYS:
        original = net.params[k]

        def f(value, k=k):
            net.params[k] = value
            return net.loss_and_grads(X, y, lam)[0]

        num = numerical_gradient(f, original.copy())
        net.params[k] = original
        assert relative_error(grads[k], num) < 1e-7, k


def test_biases_are_not_penalized(rng):
    net = MLP(4, 6, 3, seed=1)
    randomize_biases(net, rng)
    X, y = problem(rng, 20, 4, 3)
    loss0, g0 = net.loss_and_grads(X, y, 0.0)
    lam = 0.7
    loss, g = net.loss_and_grads(X, y, lam)
    np.testing.assert_array_equal(g["b1"], g0["b1"])
    np.testing.assert_array_equal(g["b2"], g0["b2"])
    for k in ("W1", "W2"):
        np.testing.assert_allclose(g[k] - g0[k], 2 * lam * net.params[k], rtol=1e-12, atol=1e-15)
    norms = net.weight_norms()
    assert loss - loss0 == pytest.approx(lam * (norms["W1"] ** 2 + norms["W2"] ** 2), rel=1e-10)


def test_init_is_deterministic_he_scaled_with_zero_biases():
    a, b = MLP(3, 4, 2, seed=5), MLP(3, 4, 2, seed=5)
    for k in KEYS:
        assert a.params[k].dtype == np.float64
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert not np.array_equal(a.params["W1"], MLP(3, 4, 2, seed=6).params["W1"])
    assert not a.params["b1"].any() and not a.params["b2"].any()
    big = MLP(400, 300, 200, seed=0)
    assert big.params["W1"].shape == (400, 300) and big.params["W2"].shape == (300, 200)
    assert big.params["W1"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert big.params["W2"].std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    assert repr(big) == "MLP(n_in=400, n_hidden=300, n_out=200)"


def test_step_lowers_the_loss_in_place_and_is_deterministic(rng):
    X, y = problem(rng, 40, 5, 3)
    net = MLP(5, 16, 3, seed=0)
    W1 = net.params["W1"]  # the same array object must see the updates
    before, grads = net.loss_and_grads(X, y, 1e-3)
    expected_W1 = W1 - 0.1 * grads["W1"]
    assert net.step(X, y, 1e-3, 0.1) == before  # returns the loss before the step
    assert net.params["W1"] is W1
    np.testing.assert_allclose(W1, expected_W1, rtol=1e-14)
    losses = [net.step(X, y, 1e-3, 0.1) for _ in range(50)]
    assert losses[-1] < 0.8 * losses[0]
    assert net.loss_and_grads(X, y, 1e-3)[0] < losses[-1]
    twin = MLP(5, 16, 3, seed=0)
    twin_losses = [twin.step(X, y, 1e-3, 0.1) for _ in range(51)]
    assert twin_losses[1:] == losses
    for k in KEYS:
        np.testing.assert_array_equal(twin.params[k], net.params[k])


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return data.data[:300] / 16.0, data.target[:300]


def train(X, y, lam, steps=300, lr=0.1, seed=0):
    net = MLP(64, 32, 10, seed=seed)
    for _ in range(steps):
        net.step(X, y, lam, lr)
    return net


def test_training_on_digits_reaches_90_percent(digits):
    X, y = digits
    start = time.perf_counter()
    net = train(X, y, lam=1e-4)
    elapsed = time.perf_counter() - start
    accuracy = np.mean(net.predict(X) == y)
    assert accuracy > 0.9, accuracy
    assert elapsed < 3.0, elapsed
    assert np.mean(MLP(64, 32, 10, seed=0).predict(X) == y) < 0.5  # it was learned


def test_weight_norms_shrink_as_lambda_grows(digits):
    X, y = digits
    norms = [train(X, y, lam, steps=200, lr=0.3).weight_norms() for lam in (0.0, 1e-3, 1e-2)]
    assert set(norms[0]) == {"W1", "W2"}
    for k in ("W1", "W2"):
        assert norms[0][k] > norms[1][k] > norms[2][k], (k, norms)
    assert norms[2]["W1"] < 0.7 * norms[0]["W1"]


def test_weight_norms_are_frobenius_norms():
    net = MLP(3, 2, 2, seed=0)
    net.params["W1"][:] = [[3.0, 0.0], [0.0, 0.0], [0.0, 4.0]]
    assert net.weight_norms()["W1"] == pytest.approx(5.0)
    assert net.weight_norms()["W2"] == pytest.approx(np.sqrt(np.sum(net.params["W2"] ** 2)))


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, 4, 2), r"^n_in must be an integer >= 1, got 0\.$"),
        ((3, 2.0, 2), r"^n_hidden must be an integer >= 1, got 2\.0\.$"),
        ((3, 4, True), r"^n_out must be an integer >= 1, got True\.$"),
        ((3, 4, -2), r"^n_out must be an integer >= 1, got -2\.$"),
    ],
)
def test_bad_sizes_raise(args, match):
    with pytest.raises(ValueError, match=match):
        MLP(*args)
    with pytest.raises(ValueError, match=r"^seed must be an integer >= 0, got -1\.$"):
        MLP(3, 4, 2, seed=-1)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda n, X, y: n.forward(np.ones((5, 4))), r"^X has 4 columns but the network expects"),
        (lambda n, X, y: n.predict(np.ones(3)), r"^X must be 2-D, got shape \(3,\)\.$"),
        (lambda n, X, y: n.forward(X * np.nan), r"^X contains NaN or infinite values\.$"),
        (lambda n, X, y: n.loss_and_grads(X, y[:-1], 0.1), r"^y has 5 labels but X has 6 rows"),
        (
            lambda n, X, y: n.loss_and_grads(X, y + 1, 0.1),
            r"^y holds label 2 but there are only 2 classes \(labels 0 to 1\)\.$",
        ),
        (lambda n, X, y: n.loss_and_grads(X, y - 1, 0.1), r"^y must hold labels >= 0, got -1\.$"),
        (lambda n, X, y: n.loss_and_grads(X, y + 0.5, 0.1), r"^y must hold integer class labels"),
        (lambda n, X, y: n.loss_and_grads(X, y, -1.0), r"^lam must be >= 0"),
        (lambda n, X, y: n.step(X, y, 0.1, 0.0), r"^lr must be > 0, got 0\.0\.$"),
        (lambda n, X, y: n.step(X, y, 0.1, float("nan")), r"^lr must be finite, got nan\.$"),
    ],
    ids=[
        "X-cols",
        "X-1d",
        "X-nan",
        "y-len",
        "y-big",
        "y-neg",
        "y-frac",
        "lam",
        "lr-0",
        "lr-nan",
    ],
)
def test_bad_inputs_raise(call, match):
    net = MLP(3, 4, 2, seed=0)
    X = np.arange(18.0).reshape(6, 3)
    y = np.array([0, 1, 1, 0, 1, 0])
    saved = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(ValueError, match=match):
        call(net, X, y)
    for k in KEYS:  # a failed call changes nothing
        np.testing.assert_array_equal(net.params[k], saved[k])


def test_overflowing_logits_raise():
    net = MLP(3, 4, 2, seed=0)
    net.params["W1"][:] = 1e200
    net.params["W2"][:] = 1e200
    with pytest.raises(ValueError, match=r"^The logits overflowed to infinity; scale X or the"):
        net.loss_and_grads(np.ones((2, 3)), [0, 1], 0.0)


# --- the math layer imports NumPy only ------------------------------------------------------


@pytest.mark.parametrize("module", ["softmax", "gradcheck", "mlp"])
def test_math_modules_import_only_numpy_and_the_standard_library(module):
    source = Path(l2lessons.__file__).with_name(f"{module}.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "dataclasses", "math", "numbers", "numpy"}, imported


# --- several nets trained side by side, and divergence ----------------------------------------


def test_train_together_takes_exactly_the_steps_of_mlp_step(rng):
    X, y = problem(rng, 30, 5, 3)
    lams, lrs = [0.0, 1e-3, 0.1], [0.3, 0.1, 0.2]
    nets = [MLP(5, 8, 3, seed=s) for s in (0, 1, 2)]
    arrays = [net.params["W1"] for net in nets]
    recorded = []
    losses = train_together(
        nets,
        X,
        y,
        lams,
        lrs,
        40,
        every=10,
        record=lambda k: recorded.append((k, nets[1].params["W2"].copy())),
    )
    assert losses.shape == (40, 3)
    assert [k for k, _ in recorded] == [0, 10, 20, 30, 40]
    for i, (lam, lr) in enumerate(zip(lams, lrs, strict=True)):
        twin = MLP(5, 8, 3, seed=i)
        twin_losses = [twin.step(X, y, lam, lr) for _ in range(40)]
        np.testing.assert_allclose(losses[:, i], twin_losses, rtol=1e-12)
        for k in KEYS:
            np.testing.assert_allclose(nets[i].params[k], twin.params[k], rtol=1e-12, atol=1e-15)
        assert nets[i].params["W1"] is arrays[i]  # trained in place, the same arrays
    twin = MLP(5, 8, 3, seed=1)
    for _ in range(20):
        twin.step(X, y, 1e-3, 0.1)
    np.testing.assert_allclose(recorded[2][1], twin.params["W2"], rtol=1e-12)


def test_train_together_with_one_data_set_per_net_and_a_per_layer_penalty(rng):
    Xa, ya = problem(rng, 20, 4, 3)
    Xb, yb = problem(rng, 20, 4, 3)
    nets = [MLP(4, 6, 3, seed=0), MLP(4, 6, 3, seed=0)]
    train_together(nets, [Xa, Xb], [ya, yb], [0.05, {"W1": 0.0, "W2": 0.05}], 0.2, 30)
    by_hand = MLP(4, 6, 3, seed=0)  # the output layer penalized only, written by hand
    for _ in range(30):
        _, g = by_hand.loss_and_grads(Xb, yb, 0.0)
        g["W2"] += 2 * 0.05 * by_hand.params["W2"]
        for k in g:
            by_hand.params[k] -= 0.2 * g[k]
    plain = MLP(4, 6, 3, seed=0)
    for _ in range(30):
        plain.step(Xa, ya, 0.05, 0.2)
    for k in KEYS:
        np.testing.assert_allclose(nets[1].params[k], by_hand.params[k], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(nets[0].params[k], plain.params[k], rtol=1e-12, atol=1e-15)


def test_a_diverging_step_says_so(rng):
    X, y = problem(rng, 20, 4, 3)
    net = MLP(4, 6, 3, seed=0)
    with pytest.raises(DivergenceError, match=r"lr = 5 is too large.*lr < 2 / h_max"):
        for _ in range(500):
            net.step(X, y, 1.0, 5.0)  # 1 - 2 lr lam = -9
    nets = [MLP(4, 6, 3, seed=0), MLP(4, 6, 3, seed=1)]
    with pytest.raises(DivergenceError, match=r"^Training net 1 of 2 diverged .*lr = 5 is"):
        train_together(nets, X, y, [0.01, 1.0], [0.1, 5.0], 500)


def test_a_stable_run_does_not_raise(rng):
    X, y = problem(rng, 20, 4, 3)
    nets = [MLP(4, 6, 3, seed=0)]
    losses = train_together(nets, X, y, 0.01, 0.1, 300)
    assert np.all(np.isfinite(losses)) and losses[-1, 0] < losses[0, 0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"nets": []}, r"^nets must be a non-empty list of MLP networks\.$"),
        ({"nets": [MLP(4, 6, 3), MLP(4, 5, 3)]}, r"^all nets must have the same sizes"),
        ({"lam": [0.1]}, r"^lam has 1 entries but there are 2 nets\.$"),
        ({"lam": {"W1": 0.1}}, r"^a per-layer lam must have the keys 'W1' and 'W2'"),
        ({"lr": -1.0}, r"^lr must be > 0, got -1\.0\.$"),
        ({"steps": -1}, r"^steps must be an integer >= 0, got -1\.$"),
        ({"every": 5}, r"^record must be a function of the step number when every > 0\.$"),
    ],
)
def test_train_together_bad_inputs_raise(rng, kwargs, match):
    X, y = problem(rng, 10, 4, 3)
    args = {"nets": [MLP(4, 6, 3), MLP(4, 6, 3)], "X": X, "y": y, "lam": 0.1, "lr": 0.1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        train_together(
            args.pop("nets"),
            args.pop("X"),
            args.pop("y"),
            args.pop("lam"),
            args.pop("lr"),
            args.pop("steps", 3),
            **args,
        )
