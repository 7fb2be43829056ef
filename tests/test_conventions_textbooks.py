"""The textbook rows of the convention table, proven by the algebra with numbers.

A textbook objective and the course objective with ``lam = convert(book_lam, book, "course")``
must differ by a positive constant factor c, the same for every weight vector, so that they
have the same minimizer. Each test writes the book's objective literally, evaluates both on
several random weights, and checks that the ratio is the stated c to 1e-12 (and, for least
squares, that the minimizers agree); reading the book's λ as the course's is shown to break it.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import l2lessons.notebook
from l2lessons.conventions import convert
from l2lessons.ridge import ridge_fit

N, P = 40, 5


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    monkeypatch.setitem(l2lessons.notebook._state, "lang", "en")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(N, P))
    y = X @ rng.normal(size=P) + 0.3 * rng.normal(size=N)
    labels = rng.integers(0, 2, size=N)
    weights = [rng.normal(size=P) for _ in range(6)]
    return X, y, labels, weights


def _sq(X, y, w):
    return (X @ w - y) ** 2  # the course's per-example squared error (no ½)


def _ce(X, t, w):
    z = X @ w  # logistic cross-entropy with labels t in {0, 1}
    return np.logaddexp(0.0, z) - t * z


def course(X, target, w, lam, loss):
    """The course objective: (1/n) Σ L + λ‖w‖², L = (ŷ−y)², ½(ŷ−y)² or cross-entropy."""
    per_example = {
        "mse": lambda: _sq(X, target, w),
        "half_mse": lambda: 0.5 * _sq(X, target, w),
        "cross_entropy": lambda: _ce(X, target, w),
    }[loss]()
    return per_example.mean() + lam * w @ w


def assert_constant_ratio(book, course_objective, weights, c):
    ratios = [book(w) / course_objective(w) for w in weights]
    np.testing.assert_allclose(ratios, c, rtol=1e-12)


def test_d2l(data):
    """d2l §3.7.1 (en) / §4.5.1 (zh): L(w, b) + (λ/2)‖w‖², L the mean of ½(ŷ − y)²."""
    X, y, t, weights = data
    lam_d2l = 3.0  # the λ of d2l's own run

    def d2l(w):
        return np.mean(0.5 * _sq(X, y, w)) + lam_d2l / 2 * w @ w

    lam = convert(lam_d2l, "d2l", "course", loss="mse")
    assert lam == pytest.approx(lam_d2l)  # the ½ on the loss cancels the λ/2
    assert_constant_ratio(d2l, lambda w: course(X, y, w, lam, "mse"), weights, 0.5)
    lam_half = convert(lam_d2l, "d2l", "course", loss="half_mse")
    assert_constant_ratio(d2l, lambda w: course(X, y, w, lam_half, "half_mse"), weights, 1.0)

    def d2l_ce(w):
        return np.mean(_ce(X, t, w)) + lam_d2l / 2 * w @ w

    lam_ce = convert(lam_d2l, "d2l", "course", loss="cross_entropy")
    assert lam_ce == pytest.approx(lam_d2l / 2)
    assert_constant_ratio(d2l_ce, lambda w: course(X, t, w, lam_ce, "cross_entropy"), weights, 1)
    with pytest.raises(ValueError, match="pass loss="):
        convert(lam_d2l, "d2l", "course")
    # the same λ read as the course's on cross-entropy is not a constant multiple
    ratios = [d2l_ce(w) / course(X, t, w, lam_d2l, "cross_entropy") for w in weights]
    assert np.ptp(ratios) > 1e-3


def test_d2l_concise_weight_decay_is_half_the_scratch_lambda(data):
    """d2l's concise version: SGD(weight_decay=wd) on MSELoss (no ½), weights only: λ = wd/2.

    Its from-scratch version with the same number (λ = wd, ½ on the loss) is the course's
    λ = wd: twice the penalty of the concise version, which is the course's λ = wd/2.
    """
    X, y, _, weights = data
    wd, lr = 3.0, 0.003
    Xt, yt = torch.tensor(X), torch.tensor(y)
    w0 = torch.tensor(weights[0])

    w = torch.nn.Parameter(w0.clone())
    opt = torch.optim.SGD([{"params": [w], "weight_decay": wd}], lr=lr)
    torch.nn.functional.mse_loss(Xt @ w, yt).backward()
    opt.step()
    concise = w.detach().numpy()

    def course_step(lam):
        v = w0.clone().requires_grad_()
        J = ((Xt @ v - yt) ** 2).mean() + lam * (v**2).sum()
        (g,) = torch.autograd.grad(J, v)
        return (v - lr * g).detach().numpy()

    assert np.abs(concise - course_step(convert(wd, "torch_sgd", "course"))).max() < 1e-14
    # d2l's scratch λ = 3 is the course's λ = 3 (loss "mse"); the concise wd = 3 is λ = 1.5
    assert convert(wd, "d2l", "course", loss="mse") == pytest.approx(wd)
    assert convert(wd, "torch_sgd", "course") == pytest.approx(wd / 2)
    assert np.abs(concise - course_step(convert(wd, "d2l", "course", loss="mse"))).max() > 1e-4


def test_goodfellow(data):
    """Deep Learning §7.1.1: J̃ = J + (α/2) wᵀw, with J the mean loss."""
    X, y, t, weights = data
    alpha = 0.2
    lam = convert(alpha, "goodfellow", "course")
    for target, loss, L in ((y, "mse", _sq), (t, "cross_entropy", _ce)):

        def book(w, target=target, L=L):
            return np.mean(L(X, target, w)) + alpha / 2 * w @ w

        assert_constant_ratio(
            book, lambda w, tg=target, lo=loss: course(X, tg, w, lam, lo), weights, 1
        )
    assert lam == pytest.approx(alpha / 2)


def test_cs231n(data):
    """CS231n: ½·reg·ΣW² in the neural-network notes and assignments, λΣW² in the linear notes."""
    X, _, t, weights = data
    reg = 1e-3 * 100  # the notes' reg = 1e-3, scaled so the penalty is visible

    def nets(w):
        return np.mean(_ce(X, t, w)) + 0.5 * reg * np.sum(w * w)

    def linear(w):
        return np.mean(_ce(X, t, w)) + reg * np.sum(w * w)

    lam = convert(reg, "cs231n", "course")
    assert_constant_ratio(nets, lambda w: course(X, t, w, lam, "cross_entropy"), weights, 1)
    lam_lin = convert(reg, "cs231n_linear", "course")
    assert_constant_ratio(linear, lambda w: course(X, t, w, lam_lin, "cross_entropy"), weights, 1)
    assert lam == pytest.approx(lam_lin / 2)


def test_bishop(data):
    """PRML eq. 3.27: ½Σ(t − wᵀφ)² + (λ/2)wᵀw; with a summed cross-entropy (§5.5) the same λ/2."""
    X, y, t, weights = data
    lam_b = 2.0

    def prml(w):
        return 0.5 * np.sum(_sq(X, y, w)) + lam_b / 2 * w @ w

    lam = convert(lam_b, "bishop", "course", n=N, loss="mse")
    assert lam == pytest.approx(lam_b / N)
    assert_constant_ratio(prml, lambda w: course(X, y, w, lam, "mse"), weights, N / 2)
    # PRML eq. 3.28: w = (λI + ΦᵀΦ)⁻¹Φᵀt, the course's ridge with that λ
    w_book = np.linalg.solve(lam_b * np.eye(P) + X.T @ X, X.T @ y)
    np.testing.assert_allclose(w_book, ridge_fit(X, y, lam), rtol=1e-12)

    def prml_ce(w):
        return np.sum(_ce(X, t, w)) + lam_b / 2 * w @ w

    lam_ce = convert(lam_b, "bishop", "course", n=N, loss="cross_entropy")
    assert lam_ce == pytest.approx(lam_b / (2 * N))
    assert_constant_ratio(prml_ce, lambda w: course(X, t, w, lam_ce, "cross_entropy"), weights, N)
    assert np.abs(w_book - ridge_fit(X, y, lam_b)).max() > 1e-3


@pytest.mark.parametrize("book", ["esl", "zhou_zhihua"])
def test_esl_and_zhou_zhihua(data, book):
    """ESL eq. 3.41 and 周志华 §11.4: Σ(y − xᵀβ)² + λΣβ², a sum as in scikit-learn's Ridge."""
    X, y, _, weights = data
    lam_book = 4.0

    def objective(w):
        return np.sum(_sq(X, y, w)) + lam_book * w @ w

    lam = convert(lam_book, book, "course", n=N)
    assert lam == pytest.approx(lam_book / N)
    assert_constant_ratio(objective, lambda w: course(X, y, w, lam, "mse"), weights, N)
    w_book = np.linalg.solve(X.T @ X + lam_book * np.eye(P), X.T @ y)  # ESL eq. 3.44
    np.testing.assert_allclose(w_book, ridge_fit(X, y, lam), rtol=1e-12)
    assert convert(lam_book, book, "sklearn_ridge", n=N) == pytest.approx(lam_book)
    with pytest.raises(ValueError, match="does not fit loss='cross_entropy'"):
        convert(lam_book, book, "course", n=N, loss="cross_entropy")


def test_li_hang(data):
    """李航 §1.5.1: (1/N) Σ (f(x) − y)² + (λ/2)‖w‖² (the L2 example; the squared loss has no ½)."""
    X, y, t, weights = data
    lam_lh = 0.5

    def objective(w):
        return np.mean(_sq(X, y, w)) + lam_lh / 2 * w @ w

    lam = convert(lam_lh, "li_hang", "course")
    assert lam == pytest.approx(lam_lh / 2)
    assert_constant_ratio(objective, lambda w: course(X, y, w, lam, "mse"), weights, 1)
    lam_half = convert(lam_lh, "li_hang", "course", loss="half_mse")
    assert_constant_ratio(objective, lambda w: course(X, y, w, lam_half, "half_mse"), weights, 2)


def test_ng_squared_error(data):
    """Ng's linear regression, J = (1/(2m))[Σ(h − y)² + λΣθ²]: λ = λ'/m for the course's mse."""
    X, y, _, weights = data
    lambd = 1.5

    def objective(w):
        return (np.sum(_sq(X, y, w)) + lambd * w @ w) / (2 * N)

    lam = convert(lambd, "ng", "course", n=N, loss="mse")
    assert lam == pytest.approx(lambd / N)
    assert_constant_ratio(objective, lambda w: course(X, y, w, lam, "mse"), weights, 0.5)
    # the cross-entropy default is λ'/(2m), as in the Deep Learning Specialization
    assert convert(lambd, "ng", "course", n=N) == pytest.approx(lambd / (2 * N))
