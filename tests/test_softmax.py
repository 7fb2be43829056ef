"""Tests of L2-penalized softmax regression against torch.autograd and scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from reference import course_softmax_solution
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from l2lessons.softmax import (
    DivergenceError,
    fit_softmax_gd,
    log_softmax,
    predict,
    softmax,
    softmax_ce_l2,
)


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


def random_problem(rng, n, p, c, scale=1.0):
    W = rng.normal(size=(p, c))
    b = rng.normal(size=c)
    X = scale * rng.normal(size=(n, p))
    y = rng.integers(0, c, size=n)
    return W, b, X, y


def torch_reference(W, b, X, y, lam):
    """Loss and gradients from torch.autograd in float64 (an independent implementation)."""
    Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    Xt = torch.tensor(X, dtype=torch.float64)
    loss = F.cross_entropy(Xt @ Wt + bt, torch.as_tensor(y, dtype=torch.long))
    loss = loss + lam * (Wt**2).sum()
    loss.backward()
    return loss.item(), Wt.grad.numpy(), bt.grad.numpy()


def rel_err(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


# --- softmax and log_softmax ----------------------------------------------------------------


def test_softmax_matches_torch_and_rows_sum_to_one(rng):
    Z = rng.normal(scale=3.0, size=(6, 5))
    P = softmax(Z)
    np.testing.assert_allclose(P, torch.softmax(torch.from_numpy(Z), dim=1).numpy(), rtol=1e-13)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(
        log_softmax(Z), torch.log_softmax(torch.from_numpy(Z), dim=1).numpy(), atol=1e-13
    )


def test_softmax_of_a_vector_and_by_hand():
    z = [0.0, math.log(2.0), math.log(5.0)]  # exp: 1, 2, 5 -> total 8
    np.testing.assert_allclose(softmax(z), [1 / 8, 2 / 8, 5 / 8], rtol=1e-14)
    np.testing.assert_allclose(log_softmax(z), np.log([1 / 8, 2 / 8, 5 / 8]), rtol=1e-14)


def test_softmax_is_unchanged_by_adding_a_constant_to_a_row(rng):
    Z = rng.normal(size=(4, 3))
    shifts = rng.normal(scale=100.0, size=(4, 1))
    np.testing.assert_allclose(softmax(Z + shifts), softmax(Z), rtol=1e-12)


def test_softmax_of_huge_logits_is_finite():
    Z = np.array([[1e4, 0.0, -1e4], [1000.0, 1000.0, 999.0]])
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(Z)).any()  # the naive formula would give inf / inf = nan
    P = softmax(Z)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P[0], [1.0, 0.0, 0.0])
    e = math.exp(-1.0)
    np.testing.assert_allclose(P[1], [1 / (2 + e), 1 / (2 + e), e / (2 + e)], rtol=1e-14)
    np.testing.assert_allclose(log_softmax(Z)[0], [0.0, -1e4, -2e4])  # log(0) avoided


# --- softmax_ce_l2 against torch ------------------------------------------------------------

CASES = [  # (n, p, c, lam)
    (50, 4, 3, 0.1),
    (20, 5, 2, 0.0),
    (1, 3, 4, 0.5),
    (7, 1, 5, 1e-3),
    (100, 10, 10, 2.0),
    (3, 6, 2, 0.05),
]


@pytest.mark.parametrize(("n", "p", "c", "lam"), CASES, ids=lambda v: str(v))
def test_loss_and_gradients_match_torch_autograd(rng, n, p, c, lam):
    W, b, X, y = random_problem(rng, n, p, c)
    loss, dW, db = softmax_ce_l2(W, b, X, y, lam)
    t_loss, t_dW, t_db = torch_reference(W, b, X, y, lam)
    assert isinstance(loss, float)
    assert dW.shape == (p, c) and db.shape == (c,)
    assert loss == pytest.approx(t_loss, rel=1e-12)
    assert rel_err(dW, t_dW) < 1e-12
    assert rel_err(db, t_db) < 1e-12


def test_loss_matches_an_explicit_loop(rng):
    W, b, X, y = random_problem(rng, 6, 3, 4)
    lam = 0.3
    total = 0.0
    for i in range(6):
        z = [sum(X[i, k] * W[k, j] for k in range(3)) + b[j] for j in range(4)]
        total += math.log(sum(math.exp(v) for v in z)) - z[y[i]]
    penalty = lam * sum(W[k, j] ** 2 for k in range(3) for j in range(4))
    assert softmax_ce_l2(W, b, X, y, lam)[0] == pytest.approx(total / 6 + penalty, rel=1e-12)


def test_huge_logits_give_finite_values_that_still_match_torch(rng):
    W, b, X, y = random_problem(rng, 30, 5, 4, scale=1e4)
    assert np.abs(X @ W + b).max() > 1e4  # exp would overflow far below this
    loss, dW, db = softmax_ce_l2(W, b, X, y, 0.1)
    assert np.isfinite(loss) and np.all(np.isfinite(dW)) and np.all(np.isfinite(db))
    t_loss, t_dW, t_db = torch_reference(W, b, X, y, 0.1)
    assert loss == pytest.approx(t_loss, rel=1e-12)
    assert rel_err(dW, t_dW) < 1e-12
    np.testing.assert_allclose(db, t_db, atol=1e-12)


def test_bias_is_not_penalized_and_the_penalty_adds_exactly_2_lam_w(rng):
    W, b, X, y = random_problem(rng, 25, 4, 3)
    loss0, dW0, db0 = softmax_ce_l2(W, b, X, y, 0.0)
    for lam in (0.01, 0.5, 7.0):
        loss, dW, db = softmax_ce_l2(W, b, X, y, lam)
        np.testing.assert_array_equal(db, db0)  # lambda does not touch the bias gradient
        np.testing.assert_allclose(dW - dW0, 2 * lam * W, rtol=1e-12, atol=1e-15)
        assert loss - loss0 == pytest.approx(lam * np.sum(W**2), rel=1e-10)
    # nor is the bias charged in the loss: W = 0 with equal large biases predicts 1/3 each
    loss_b = softmax_ce_l2(np.zeros((4, 3)), np.full(3, 100.0), X, y, 7.0)[0]
    assert loss_b == pytest.approx(math.log(3), rel=1e-12)


def test_float_labels_that_are_whole_numbers_are_accepted(rng):
    W, b, X, y = random_problem(rng, 10, 3, 3)
    a = softmax_ce_l2(W, b, X, y, 0.1)
    f = softmax_ce_l2(W, b, X, y.astype(float), 0.1)
    assert a[0] == f[0]
    np.testing.assert_array_equal(a[1], f[1])


def test_inputs_are_not_modified(rng):
    W, b, X, y = random_problem(rng, 10, 3, 3)
    saved = [a.copy() for a in (W, b, X, y)]
    softmax_ce_l2(W, b, X, y, 0.2)
    fit_softmax_gd(X, y, 0.1, 0.1, 5, W0=W, b0=b)
    for a, s in zip((W, b, X, y), saved, strict=True):
        np.testing.assert_array_equal(a, s)


# --- predict and gradient descent -----------------------------------------------------------


def test_predict_is_the_argmax_of_the_logits():
    W = np.array([[1.0, 0.0, -1.0], [0.0, 2.0, 0.0]])
    b = np.array([0.0, 0.0, 0.5])
    X = np.array([[2.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(predict(W, b, X), [0, 1, 2, 2])


def test_gd_losses_decrease_and_the_weight_decay_form_equals_plain_gd(rng):
    W0, b0, X, y = random_problem(rng, 40, 3, 3)
    lam, lr, steps = 0.05, 0.3, 25
    W, b, losses = fit_softmax_gd(X, y, lam, lr, steps, W0=W0, b0=b0)
    assert losses.shape == (steps + 1,)
    assert np.all(np.diff(losses) < 0)
    # the same steps written as W <- W - lr * dW with the full gradient
    Wr, br = W0.copy(), b0.copy()
    for k in range(steps):
        loss, dW, db = softmax_ce_l2(Wr, br, X, y, lam)
        assert losses[k] == pytest.approx(loss, rel=1e-12)
        Wr, br = Wr - lr * dW, br - lr * db
    np.testing.assert_allclose(W, Wr, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(b, br, rtol=1e-11, atol=1e-13)
    assert losses[-1] == pytest.approx(softmax_ce_l2(W, b, X, y, lam)[0], rel=1e-12)


def test_gd_is_deterministic_and_starts_from_zeros(rng):
    _, _, X, y = random_problem(rng, 30, 4, 3)
    W1, b1, l1 = fit_softmax_gd(X, y, 0.01, 0.5, 10)
    W2, b2, l2 = fit_softmax_gd(X, y, 0.01, 0.5, 10)
    np.testing.assert_array_equal(W1, W2)
    np.testing.assert_array_equal(b1, b2)
    np.testing.assert_array_equal(l1, l2)
    assert l1[0] == pytest.approx(math.log(3))  # W = 0, b = 0: uniform probabilities
    W, b, losses = fit_softmax_gd(X, y, 0.01, 0.5, 0)
    assert not W.any() and not b.any() and losses.shape == (1,)


# --- agreement with scikit-learn ------------------------------------------------------------


@pytest.fixture(scope="module")
def sklearn_problem():
    X, y = make_classification(
        n_samples=200,
        n_features=10,
        n_informative=6,
        n_redundant=2,
        n_classes=3,
        n_clusters_per_class=1,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def sklearn_fit(X, y, C):
    # sklearn >= 1.5 fits the multinomial model by default (multi_class is not passed)
    clf = LogisticRegression(C=C, fit_intercept=True, tol=1e-10, max_iter=10000)
    return clf.fit(X, y)


def centered(b):
    return b - b.mean()


def test_gd_matches_sklearn_logistic_regression_with_c_equal_1_over_2_n_lam(sklearn_problem):
    # sklearn minimizes C * sum_i CE_i + 1/2 ||W||^2; dividing by C n gives the course's
    # (1/n) sum_i CE_i + lam ||W||^2 with lam = 1 / (2 n C).
    X, y = sklearn_problem
    n, p = X.shape
    lam = 1e-2
    clf = sklearn_fit(X, y, C=1 / (2 * n * lam))
    W_sk, b_sk = clf.coef_.T, clf.intercept_  # coef_ is (c, p) = W.T
    # step 1 / L with L an upper bound of the curvature: the CE Hessian in the logits is
    # at most 1/2, the penalty adds 2 lam
    X1 = np.c_[X, np.ones(n)]
    lr = 1.0 / (0.5 * np.linalg.eigvalsh(X1.T @ X1 / n).max() + 2 * lam)
    W, b, losses = fit_softmax_gd(X, y, lam, lr, 3000)
    assert np.all(np.diff(losses) <= 1e-14)  # 1/L steps never go uphill (up to rounding)
    assert np.abs(W - W_sk).max() < 1e-6
    assert np.abs(centered(b) - centered(b_sk)).max() < 1e-6
    np.testing.assert_allclose(softmax(X @ W + b), clf.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(predict(W, b, X), clf.predict(X))
    # both reach the same objective value
    J_sk = softmax_ce_l2(W_sk, b_sk, X, y, lam)[0]
    assert losses[-1] == pytest.approx(J_sk, rel=1e-12)
    # the penalty leaves each row of W with zero mean across classes, like sklearn's
    np.testing.assert_allclose(W.sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(W_sk.sum(axis=1), 0.0, atol=1e-10)


@pytest.mark.parametrize("lam", [1e-3, 1e-1])
def test_lbfgs_on_softmax_ce_l2_matches_sklearn(sklearn_problem, lam):
    X, y = sklearn_problem
    n = len(y)
    W, b = course_softmax_solution(X, y, lam)
    clf = sklearn_fit(X, y, C=1 / (2 * n * lam))
    assert np.abs(W - clf.coef_.T).max() < 1e-6
    assert np.abs(centered(b) - centered(clf.intercept_)).max() < 1e-6
    np.testing.assert_allclose(softmax(X @ W + b), clf.predict_proba(X), atol=1e-6)
    # the factor 2 matters: C = 1 / (n lam) is a different (weaker) penalty
    wrong = sklearn_fit(X, y, C=1 / (n * lam))
    assert np.abs(W - wrong.coef_.T).max() > 1e-3


# --- bad input: one specific sentence -------------------------------------------------------


def good():
    rng = np.random.default_rng(0)
    return rng.normal(size=(4, 3)), np.zeros(3), rng.normal(size=(10, 4)), np.arange(10) % 3


def with_(**changes):
    W, b, X, y = good()
    args = {"W": W, "b": b, "X": X, "y": y, "lam": 0.1}
    args.update(changes)
    return args


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (with_(W=np.ones(4)), r"^W must be 2-D, got shape \(4,\)\.$"),
        (with_(b=np.zeros(2)), r"^b has length 2 but W has 3 columns \(classes\)\.$"),
        (with_(X=np.ones((10, 5))), r"^X has 5 columns but W has 4 rows \(features\)\.$"),
        (with_(X=np.ones((0, 4)), y=np.zeros(0, int)), r"^X is empty \(shape \(0, 4\)\)"),
        (with_(X=np.full((10, 4), np.nan)), r"^X contains NaN or infinite values\.$"),
        (with_(W=np.full((4, 3), np.inf)), r"^W contains NaN or infinite values\.$"),
        (with_(y=np.zeros(9, int)), r"^y has 9 labels but X has 10 rows\.$"),
        (
            with_(y=np.r_[1.5, np.zeros(9)]),
            r"^y must hold integer class labels, got 1\.5 \(not a whole number\)\.$",
        ),
        (with_(y=np.r_[-1, np.zeros(9, int)]), r"^y must hold labels >= 0, got -1\.$"),
        (
            with_(y=np.r_[3, np.zeros(9, int)]),
            r"^y holds label 3 but there are only 3 classes \(labels 0 to 2\)\.$",
        ),
        (
            with_(y=np.eye(3)[np.arange(10) % 3]),
            r"^y must be a 1-D vector of integer labels \(not one-hot\), got shape \(10, 3\)\.$",
        ),
        (with_(y=np.array(list("abcabcabca"))), r"^y must hold integer class labels, got an"),
        (with_(y=np.ones(10, bool)), r"^y must hold integer class labels, got an array of dtype"),
        (with_(y=np.r_[np.nan, np.zeros(9)]), r"^y contains NaN or infinite values\.$"),
        (with_(lam=-1.0), r"^lam must be >= 0 \(a penalty strength\), got -1\.0\.$"),
        (with_(lam=float("nan")), r"^lam must be finite, got nan\.$"),
        (
            with_(W=np.full((4, 3), 1e200), X=np.full((10, 4), 1e200)),
            r"^The logits X @ W \+ b overflowed to infinity; scale X or W down\.$",
        ),
    ],
    ids=[
        "W-1d",
        "b-length",
        "X-columns",
        "X-empty",
        "X-nan",
        "W-inf",
        "y-length",
        "y-fraction",
        "y-negative",
        "y-too-big",
        "y-one-hot",
        "y-str",
        "y-bool",
        "y-nan",
        "lam-negative",
        "lam-nan",
        "overflow",
    ],
)
def test_bad_inputs_raise(args, match):
    with pytest.raises(ValueError, match=match):
        softmax_ce_l2(**args)


def test_bad_softmax_and_predict_inputs_raise():
    with pytest.raises(ValueError, match=r"^Z must be 1-D or 2-D, got shape \(2, 2, 2\)\.$"):
        softmax(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match=r"^Z contains NaN or infinite values\.$"):
        log_softmax([0.0, np.inf])
    with pytest.raises(ValueError, match=r"^X has 2 columns but W has 4 rows \(features\)\.$"):
        predict(np.ones((4, 3)), np.zeros(3), np.ones((5, 2)))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lr": 0.0}, r"^lr must be > 0, got 0\.0\.$"),
        ({"lr": -0.1}, r"^lr must be > 0, got -0\.1\.$"),
        ({"lr": float("inf")}, r"^lr must be finite, got inf\.$"),
        ({"lr": "0.1"}, r"^lr must be a real number, got str '0\.1'\.$"),
        ({"steps": -1}, r"^steps must be an integer >= 0, got -1\.$"),
        ({"steps": 2.5}, r"^steps must be an integer >= 0, got 2\.5\.$"),
        ({"lam": -0.5}, r"^lam must be >= 0 \(a penalty strength\), got -0\.5\.$"),
        ({"y": np.zeros(10, int)}, r"^y holds only class 0; softmax regression needs at least 2"),
        ({"W0": np.zeros((4, 2))}, r"^y holds label 2 but there are only 2 classes"),
        ({"b0": np.zeros(2)}, r"^b0 has length 2 but W0 has 3 columns \(classes\)\.$"),
    ],
    ids=[
        "lr-0",
        "lr-neg",
        "lr-inf",
        "lr-str",
        "steps-neg",
        "steps-float",
        "lam",
        "one-class",
        "W0-classes",
        "b0-length",
    ],
)
def test_bad_fit_inputs_raise(kwargs, match):
    _, _, X, y = good()
    args = {"X": X, "y": y, "lam": 0.1, "lr": 0.1, "steps": 3}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        fit_softmax_gd(**args)


# --- a run that diverges says so ------------------------------------------------------------


def test_a_too_large_step_raises_a_divergence_error_naming_lr_and_the_rule(rng):
    _, _, X, y = random_problem(rng, 30, 4, 3)
    lam, lr = 1.0, 1.5  # 1 - 2 lr lam = -2: the weights double (and flip) every step
    # without the check, the same steps blow the weights up silently
    W, b = np.zeros((4, 3)), np.zeros(3)
    for _ in range(200):
        _, dW, db = softmax_ce_l2(W, b, X, y, lam)
        W, b = W - lr * dW, b - lr * db
    assert np.abs(W).max() > 1e50
    with pytest.raises(
        DivergenceError, match=r"diverged at step \d+ .*lr = 1\.5 is too large"
    ) as err:
        fit_softmax_gd(X, y, lam, lr, 200)
    message = str(err.value)
    assert "lr < 2 / h_max" in message and "2·lam" in message and "lam = 1" in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert isinstance(err.value, ValueError)


def test_overflowing_weights_during_fit_raise_a_divergence_error(rng):
    _, _, X, y = random_problem(rng, 20, 3, 2)
    with pytest.raises(DivergenceError, match=r"lr = 1e\+06 is too large"):
        fit_softmax_gd(X, y, 10.0, 1e6, 50)


def test_2_lr_lam_above_1_still_converges_when_lr_is_below_2_over_h_max(rng):
    # 2 lr lam = 1.8 (the decay factor is -0.8), but the data term is nearly flat (small X):
    # lr (h_data + 2 lam) < 2, so the run oscillates and converges, with no error
    _, _, X, y = random_problem(rng, 40, 3, 3, scale=0.1)
    lam, lr = 3.0, 0.3
    h_data_bound = 0.5 * np.linalg.eigvalsh(X.T @ X / len(y)).max()  # >= CE curvature bound
    assert lr * (h_data_bound + 2 * lam) < 2 and 2 * lr * lam > 1
    W, b, losses = fit_softmax_gd(X, y, lam, lr, 300)
    W_slow, b_slow, _ = fit_softmax_gd(X, y, lam, 0.01, 20000)
    np.testing.assert_allclose(W, W_slow, atol=1e-8)
    assert losses[-1] == pytest.approx(losses[-2], rel=1e-12)


def test_the_divergence_error_carries_its_numbers(rng):
    _, _, X, y = random_problem(rng, 30, 4, 3)
    with pytest.raises(DivergenceError) as err:
        fit_softmax_gd(X, y, 1.0, 1.5, 200)
    e = err.value
    assert e.lr == 1.5 and e.lam == 1.0 and e.step > 0
    assert e.start == pytest.approx(math.log(3)) and e.now > 1e3 * e.start
