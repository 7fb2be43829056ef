"""Synthetic data, basis features, the ridge explorer behind lesson 02's slider, plot helpers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.polynomial import Legendre
from sklearn.linear_model import Ridge

from l2lessons.data import digits_split, noisy_sine, polynomial_features, true_sine
from l2lessons.explorers import GradientDescentExplorer, RidgeFitExplorer
from l2lessons.plots import draw_ball, loss_contours
from l2lessons.softmax import fit_softmax_gd

# --- data -------------------------------------------------------------------------------


def test_noisy_sine_is_seeded_sorted_and_centred_on_the_sine():
    x1, y1 = noisy_sine(500, noise=0.25, seed=7)
    x2, y2 = noisy_sine(500, noise=0.25, seed=7)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert np.all(np.diff(x1) >= 0) and x1.min() >= -1 and x1.max() <= 1
    residual = y1 - np.sin(np.pi * x1)
    assert abs(residual.mean()) < 0.05 and 0.2 < residual.std() < 0.3
    x0, y0 = noisy_sine(20, noise=0.0, seed=1)
    np.testing.assert_allclose(y0, np.sin(np.pi * x0))
    assert not np.array_equal(noisy_sine(5, seed=1)[0], noisy_sine(5, seed=2)[0])


def test_polynomial_features_are_legendre_polynomials_without_the_constant():
    x = np.linspace(-1, 1, 9)
    features = polynomial_features(x, 5)
    assert features.shape == (9, 5)
    for k in range(1, 6):  # independent evaluation of P_k
        np.testing.assert_allclose(features[:, k - 1], Legendre.basis(k)(x), atol=1e-12)


def test_polynomial_features_span_the_monomials():
    x = np.random.default_rng(0).uniform(-1, 1, 30)
    monomials = np.vander(x, 5, increasing=True)  # 1, x, ..., x^4
    basis = np.column_stack([np.ones_like(x), polynomial_features(x, 4)])
    coef, *_ = np.linalg.lstsq(basis, monomials, rcond=None)
    np.testing.assert_allclose(basis @ coef, monomials, atol=1e-10)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: noisy_sine(0), "n must be an integer >= 1"),
        (lambda: noisy_sine(2.5), "n must be an integer"),
        (lambda: noisy_sine(5, noise=-1.0), "noise must be a finite number >= 0"),
        (lambda: noisy_sine(5, noise=np.nan), "noise must be a finite number"),
        (lambda: polynomial_features(np.ones((2, 2)), 3), "x must be 1-D"),
        (lambda: polynomial_features([0.1, np.nan], 3), "NaN or infinite"),
        (lambda: polynomial_features([0.1, 0.2], 0), "degree must be an integer >= 1"),
    ],
)
def test_data_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_true_sine():
    np.testing.assert_allclose(true_sine([0.0, 0.5, -0.5]), [0.0, 1.0, -1.0], atol=1e-15)


# --- the explorer ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer():
    x, y = noisy_sine(15, noise=0.25, seed=22)
    xv, yv = noisy_sine(200, noise=0.25, seed=100)
    return RidgeFitExplorer(x, y, xv, yv, degree=12, lams=np.logspace(-8, 2, 81))


def test_state_matches_scikit_learn_ridge_at_every_tested_lambda(explorer):
    """The precomputed path equals an independent fit with an unpenalized intercept:
    Ridge(alpha = n λ, fit_intercept=True) on the raw (uncentred) features."""
    phi = polynomial_features(explorer.x_train, 12)
    phi_val = polynomial_features(explorer.x_val, 12)
    n = len(explorer.y_train)
    for lam in explorer.lams[::10]:
        s = explorer.state(lam)
        model = Ridge(alpha=n * lam, fit_intercept=True, solver="svd").fit(phi, explorer.y_train)
        np.testing.assert_allclose(s["weights"], model.coef_, rtol=1e-6, atol=1e-8)
        assert s["intercept"] == pytest.approx(model.intercept_, rel=1e-6, abs=1e-8)
        pred_val = model.predict(phi_val)
        assert s["val_mse"] == pytest.approx(np.mean((pred_val - explorer.y_val) ** 2), rel=1e-6)
        assert s["norm"] == pytest.approx(np.linalg.norm(model.coef_), rel=1e-6)
        pred_train = model.predict(phi)
        assert s["train_mse"] == pytest.approx(np.mean((pred_train - explorer.y_train) ** 2))
        np.testing.assert_allclose(
            s["curve"], model.predict(polynomial_features(explorer.x_plot, 12))
        )


def test_the_intercept_is_fitted_not_fixed_at_the_mean(explorer):
    """Lesson 02's earlier model (offset fixed at mean(y), ridge on uncentred features) is a
    different, worse model on this data: the explorer must not be it (review finding E5)."""
    phi = polynomial_features(explorer.x_train, 12)
    phi_val = polynomial_features(explorer.x_val, 12)
    y_mean = explorer.y_train.mean()
    s = explorer.state(1e-2)
    w_fixed = Ridge(alpha=15 * 1e-2, fit_intercept=False, solver="svd")
    w_fixed = w_fixed.fit(phi, explorer.y_train - y_mean).coef_
    fixed_val = np.mean((y_mean + phi_val @ w_fixed - explorer.y_val) ** 2)
    assert s["val_mse"] == pytest.approx(0.0883, abs=5e-5)  # the number lesson 02 prints
    assert fixed_val == pytest.approx(0.1376, abs=5e-5)
    assert s["intercept"] != pytest.approx(y_mean, abs=1e-3)


def test_state_snaps_to_the_nearest_grid_value_on_a_log_scale(explorer):
    lams = explorer.lams
    assert explorer.state(lams[10])["lam"] == lams[10]
    between = np.sqrt(lams[10] * lams[11]) * 0.99  # just below the log-midpoint
    assert explorer.state(between)["lam"] == lams[10]
    assert explorer.state(1e-20)["lam"] == lams[0]
    assert explorer.state(1e9)["lam"] == lams[-1]


def test_overfitting_and_underfitting_show_in_the_precomputed_errors(explorer):
    assert np.all(np.diff(explorer.train_mse) >= -1e-12)  # training error grows with λ
    assert np.all(np.diff(explorer.norms) <= 1e-12)  # ‖w‖ shrinks with λ
    best = explorer.best_lam()
    assert explorer.lams[0] < best < explorer.lams[-1]
    assert explorer.state(explorer.lams[0])["val_mse"] > 10 * explorer.state(best)["val_mse"]
    assert explorer.state(explorer.lams[-1])["val_mse"] > 3 * explorer.state(best)["val_mse"]


def test_update_moves_the_artists_in_place(explorer):
    fig = explorer.figure(1e-2)
    curve = explorer._curve
    before = np.array(curve.get_ydata(), copy=True)
    state = explorer.update(1e-6)
    assert explorer._curve is curve  # the same artist, updated, not redrawn
    np.testing.assert_allclose(curve.get_ydata(), state["curve"])
    assert not np.allclose(before, curve.get_ydata())
    assert all(m.get_xdata()[0] == state["lam"] for m in explorer._markers)
    assert f"{state['lam']:.1e}" in explorer._ax_fit.get_title()
    plt.close(fig)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_state_rejects_bad_lambda(explorer, bad):
    with pytest.raises(ValueError, match="lam must be a finite number > 0"):
        explorer.state(bad)


def test_explorer_rejects_bad_grids_and_mismatched_data():
    x, y = noisy_sine(10, seed=0)
    with pytest.raises(ValueError, match="strictly increasing"):
        RidgeFitExplorer(x, y, x, y, 3, [1e-2, 1e-3])
    with pytest.raises(ValueError, match="positive"):
        RidgeFitExplorer(x, y, x, y, 3, [0.0, 1.0])
    with pytest.raises(ValueError, match="as many entries"):
        RidgeFitExplorer(x, y[:-1], x, y, 3, [1e-3, 1e-2])


# --- plot helpers -------------------------------------------------------------------------


def test_draw_ball_shapes():
    fig, ax = plt.subplots()
    (l1,) = draw_ball(ax, 0.5, "l1")
    xy = l1.get_xy()
    np.testing.assert_allclose(np.abs(xy[:, 0]) + np.abs(xy[:, 1]), 0.5, atol=1e-12)
    (l2,) = draw_ball(ax, 2.0, "l2")
    np.testing.assert_allclose(np.hypot(*l2.get_xy().T), 2.0, atol=1e-12)
    with pytest.raises(ValueError, match="kind must be"):
        draw_ball(ax, 1.0, "linf")
    plt.close(fig)


def test_loss_contours_validates_and_highlights_the_level_through_a_point():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    fig, ax = plt.subplots()
    loss_contours(ax, X, y, (-1, 1), (-1, 1), through=(0.2, -0.1))
    highlighted = ax.collections[-1]
    assert highlighted.levels[0] == pytest.approx(np.mean((X @ [0.2, -0.1] - y) ** 2))
    with pytest.raises(ValueError, match=r"need X of shape \(n, 2\)"):
        loss_contours(ax, rng.normal(size=(20, 3)), y, (-1, 1), (-1, 1))
    plt.close(fig)


# --- the gradient-descent explorer (lesson 04) ----------------------------------------------


def _classification_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    return X, np.argmax(X @ rng.normal(size=(4, 3)), axis=1)


@pytest.fixture(scope="module")
def gd_explorer():
    X, y = _classification_data()
    return GradientDescentExplorer(X[:40], y[:40], X[40:], y[40:], [0.0, 0.1, 3.0], [0.1, 1.0], 30)


def test_gd_runs_match_fit_softmax_gd(gd_explorer):
    """A stable run records the same objective as the package's independent training loop."""
    X, y = _classification_data()
    for lam in (0.0, 0.1):
        s = gd_explorer.state(lam, 0.1)
        W, b, losses = fit_softmax_gd(X[:40], y[:40], lam, lr=0.1, steps=30)
        np.testing.assert_allclose(s["losses"], losses, rtol=1e-12)
        assert s["norms"][-1] == pytest.approx(np.linalg.norm(W))
        assert s["diverged_at"] is None and 0 <= s["test_acc"] <= 1


def test_gd_explorer_flags_divergence_and_the_decay_factor(gd_explorer):
    s = gd_explorer.state(3.0, 1.0)  # 1 - 2 lr lam = -5: |factor| > 1 blows up
    assert s["shrink"] == pytest.approx(-5.0)
    assert s["diverged_at"] is not None and np.isnan(s["losses"][-1]) and np.isnan(s["test_acc"])
    assert gd_explorer.state(0.1, 0.1)["shrink"] == pytest.approx(0.98)


def test_gd_explorer_updates_in_place_and_rejects_off_grid_values(gd_explorer):
    fig = gd_explorer.figure(0.0, 0.1)
    line = gd_explorer._loss_line
    gd_explorer.update(0.1, 1.0)
    assert gd_explorer._loss_line is line
    np.testing.assert_allclose(line.get_ydata(), gd_explorer.state(0.1, 1.0)["losses"])
    assert "lr = 1" in gd_explorer._title.get_text()
    plt.close(fig)
    with pytest.raises(ValueError, match="not on the grid"):
        gd_explorer.state(0.05, 0.1)


# --- digits ---------------------------------------------------------------------------------


def test_digits_split_is_stratified_seeded_and_scaled():
    from sklearn.datasets import load_digits

    X_train, X_test, y_train, y_test = digits_split(test_size=0.3, seed=0)
    assert X_train.shape == (1257, 64) and X_test.shape == (540, 64)
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    counts = np.bincount(y_train, minlength=10) / len(y_train)
    expected = np.bincount(load_digits().target, minlength=10) / 1797
    np.testing.assert_allclose(counts, expected, atol=0.01)
    again = digits_split(test_size=0.3, seed=0)
    np.testing.assert_array_equal(again[0], X_train)
    assert not np.array_equal(digits_split(seed=1)[0], X_train)


def test_digits_split_standardizes_with_training_statistics_only():
    X_train, X_test, y_train, _ = digits_split(scale="standard", train_size=300, seed=0)
    assert len(y_train) == 300
    varying = X_train.std(axis=0) > 0
    np.testing.assert_allclose(X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X_train.std(axis=0)[varying], 1.0)
    assert not np.allclose(X_test.mean(axis=0)[varying], 0.0, atol=1e-3)  # test set not used
    with pytest.raises(ValueError, match="scale must be"):
        digits_split(scale="minmax")
