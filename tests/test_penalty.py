"""Tests of the course's L2 penalty, ``lam * sum_l ||W_l||_F^2``, against independent formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from l2lessons.penalty import frobenius_sq, l2_penalty

SHAPES = [(7,), (1,), (9, 3), (3, 9), (5, 5), (4, 3, 3, 3), (2, 1, 5, 5)]


@pytest.fixture
def rng():
    return np.random.default_rng(20240602)


def loop_sum_sq(W) -> float:
    """Sum of squares by an explicit Python loop over every entry."""
    total = 0.0
    for x in np.asarray(W, dtype=float).ravel().tolist():
        total += x * x
    return total


# --- frobenius_sq -------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_frobenius_sq_matches_loop_and_fro_norm(rng, shape):
    W = rng.normal(size=shape)
    got = frobenius_sq(W)
    assert isinstance(got, float)
    assert got == pytest.approx(loop_sum_sq(W), rel=1e-12)
    # np.linalg.norm of the flattened array is the Frobenius norm for any number of axes
    assert got == pytest.approx(np.linalg.norm(W.ravel()) ** 2, rel=1e-12)


@pytest.mark.parametrize("shape", [(9, 3), (3, 9), (5, 5), (1, 4)])
def test_frobenius_sq_of_matrix_equals_trace_and_singular_values(rng, shape):
    W = rng.normal(size=shape)
    got = frobenius_sq(W)
    assert got == pytest.approx(np.linalg.norm(W, "fro") ** 2, rel=1e-12)
    assert got == pytest.approx(np.trace(W.T @ W), rel=1e-12)
    assert got == pytest.approx(np.trace(W @ W.T), rel=1e-12)
    assert got == pytest.approx(np.sum(np.linalg.svd(W, compute_uv=False) ** 2), rel=1e-10)


def test_frobenius_sq_of_conv_kernel_equals_sum_of_per_filter_norms(rng):
    K = rng.normal(size=(6, 3, 3, 3))  # (out_channels, in_channels, kh, kw)
    per_filter = sum(np.linalg.norm(K[o].reshape(-1)) ** 2 for o in range(K.shape[0]))
    assert frobenius_sq(K) == pytest.approx(per_filter, rel=1e-12)
    assert frobenius_sq(K) == pytest.approx(loop_sum_sq(K), rel=1e-12)


@pytest.mark.parametrize("shape", [(9, 3), (3, 9), (4, 3, 3, 3)])
def test_frobenius_sq_of_tensor_matches_torch(rng, shape):
    W = torch.from_numpy(rng.normal(size=shape))
    got = frobenius_sq(W)
    assert isinstance(got, torch.Tensor) and got.ndim == 0
    flat = W.reshape(W.shape[0], -1)  # same entries, as a matrix
    expected = torch.linalg.matrix_norm(flat, ord="fro") ** 2
    torch.testing.assert_close(got, expected)
    assert got.item() == pytest.approx(loop_sum_sq(W.numpy()), rel=1e-12)


def test_frobenius_sq_accepts_integer_arrays_and_lists():
    W = np.array([[1, -2, 3], [4, 0, -5]], dtype=np.int32)
    assert frobenius_sq(W) == loop_sum_sq(W.astype(float))
    assert frobenius_sq([[1, 2], [3, 4]]) == 1 + 4 + 9 + 16
    # int8 would overflow if squared in its own dtype: 100**2 does not fit in 8 bits
    big = np.array([100, -100], dtype=np.int8)
    assert frobenius_sq(big) == 20000.0


# --- l2_penalty -----------------------------------------------------------------------------


def test_l2_penalty_of_numpy_list_matches_loops(rng):
    weights = [rng.normal(size=s) for s in SHAPES]
    lam = float(rng.uniform(0.001, 2.0))
    got = l2_penalty(weights, lam)
    assert type(got) is float
    expected = lam * sum(loop_sum_sq(W) for W in weights)
    assert got == pytest.approx(expected, rel=1e-12)


def test_l2_penalty_of_single_array_and_of_plain_number_list(rng):
    W = rng.normal(size=(4, 5))
    assert l2_penalty(W, 0.3) == pytest.approx(0.3 * np.linalg.norm(W, "fro") ** 2, rel=1e-12)
    assert l2_penalty([3.0, 4.0], 0.5) == pytest.approx(0.5 * 25.0)


def test_l2_penalty_zero_lambda_and_zero_weights():
    assert l2_penalty([np.ones((2, 2))], 0.0) == 0.0
    assert l2_penalty([np.zeros((3, 3))], 5.0) == 0.0


def test_l2_penalty_accepts_integer_arrays():
    weights = [np.array([[1, -2], [3, 4]]), np.array([5, -6], dtype=np.int16)]
    expected = 0.1 * (1 + 4 + 9 + 16 + 25 + 36)
    assert l2_penalty(weights, 0.1) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("trial", range(5))
def test_l2_penalty_scales_quadratically(rng, trial):
    weights = [rng.normal(size=(4, 3)), rng.normal(size=(3,)), rng.normal(size=(2, 2, 3, 3))]
    c = float(rng.uniform(-5, 5))
    lam = float(rng.uniform(0.01, 1.0))
    scaled = l2_penalty([c * W for W in weights], lam)
    assert scaled == pytest.approx(c**2 * l2_penalty(weights, lam), rel=1e-10)
    # and it is linear in lambda
    assert l2_penalty(weights, 3 * lam) == pytest.approx(3 * l2_penalty(weights, lam), rel=1e-12)


def test_l2_penalty_of_tensors_has_gradient_2_lambda_w(rng):
    lam = 0.37
    weights = [
        torch.tensor(rng.normal(size=s), dtype=torch.float64, requires_grad=True)
        for s in [(5, 3), (3,), (2, 3, 3, 3)]
    ]
    pen = l2_penalty(weights, lam)
    assert isinstance(pen, torch.Tensor) and pen.ndim == 0 and pen.requires_grad
    expected = lam * sum(torch.linalg.vector_norm(W.detach()) ** 2 for W in weights)
    torch.testing.assert_close(pen.detach(), expected)
    grads = torch.autograd.grad(pen, weights)
    for W, g in zip(weights, grads, strict=True):
        torch.testing.assert_close(g, 2 * lam * W.detach(), rtol=1e-12, atol=1e-12)


def test_l2_penalty_gradient_agrees_with_finite_difference(rng):
    W = torch.tensor(rng.normal(size=(3, 2)), dtype=torch.float64, requires_grad=True)
    lam, h = 0.8, 1e-6
    (g,) = torch.autograd.grad(l2_penalty([W], lam), [W])
    base = W.detach().numpy()
    for idx in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()
        plus[idx] += h
        minus[idx] -= h
        fd = (l2_penalty([plus], lam) - l2_penalty([minus], lam)) / (2 * h)
        assert g[idx].item() == pytest.approx(fd, rel=1e-6, abs=1e-8)


def test_l2_penalty_accepts_a_generator_of_parameters():
    torch.manual_seed(0)
    layer = torch.nn.Linear(3, 2)
    lam = 0.25
    pen = l2_penalty(layer.parameters(), lam)  # a generator, consumed once
    expected = lam * (
        torch.linalg.matrix_norm(layer.weight.detach()) ** 2
        + torch.linalg.vector_norm(layer.bias.detach()) ** 2
    )
    torch.testing.assert_close(pen.detach(), expected)
    pen.backward()
    torch.testing.assert_close(layer.weight.grad, 2 * lam * layer.weight.detach())
    # weights only (the course does not penalize biases), from a generator expression
    only_w = l2_penalty((p for n, p in layer.named_parameters() if n == "weight"), lam)
    torch.testing.assert_close(
        only_w.detach(), lam * torch.linalg.matrix_norm(layer.weight.detach()) ** 2
    )


def test_l2_penalty_mixes_numpy_arrays_and_tensors():
    a = np.array([[1.0, 2.0]])
    t = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    pen = l2_penalty([a, t], 0.5)
    assert isinstance(pen, torch.Tensor)
    assert pen.item() == pytest.approx(0.5 * (1 + 4 + 9 + 16))
    (g,) = torch.autograd.grad(pen, [t])
    torch.testing.assert_close(g, 2 * 0.5 * t.detach())


def test_seed_002_example_value_is_0_1525_not_0_155():
    # Seed 002 of the course says this example has "sum of squared values 15.5", i.e. 0.155.
    weights = [[[1, -2], [0.5, 0]], [-1, 3]]
    lam = 0.01
    total = 0.0
    for W in weights:
        for entry in np.ravel(np.array(W, dtype=float)).tolist():
            total += entry * entry
    assert total == pytest.approx(1 + 4 + 0.25 + 0 + 1 + 9)  # 15.25, not 15.5
    got = l2_penalty(weights, lam)
    assert got == pytest.approx(lam * total, rel=1e-12)
    assert got != pytest.approx(0.155, rel=1e-6)


# --- bad input: a ValueError with one specific sentence ----------------------------------


@pytest.mark.parametrize(
    ("lam", "match"),
    [
        (-0.1, r"^lam must be >= 0 \(a penalty strength\), got -0\.1\.$"),
        (float("nan"), r"^lam must be finite, got nan\.$"),
        (math.inf, r"^lam must be finite, got inf\.$"),
        (-math.inf, r"^lam must be finite, got -inf\.$"),
        ("0.1", r"^lam must be a real number, got str '0\.1'\.$"),
        ("abc", r"^lam must be a real number, got str 'abc'\.$"),
        (True, r"^lam must be a real number, got bool True\.$"),
        (np.bool_(False), r"^lam must be a real number, got bool (np\.)?False_?\.$"),
        (None, r"^lam must be a real number, got NoneType None\.$"),
        (1j, r"^lam must be a real number, got complex 1j\.$"),
    ],
    ids=["negative", "nan", "inf", "-inf", "str-number", "str", "bool", "np-bool", "None", "cplx"],
)
def test_bad_lambda_raises(lam, match):
    with pytest.raises(ValueError, match=match):
        l2_penalty([np.ones(2)], lam)


@pytest.mark.parametrize(
    "lam", [np.float32(0.5), np.float64(0.5), np.array(0.5), torch.tensor(0.5), 1, np.int64(2)]
)
def test_numeric_scalar_lambdas_are_accepted(lam):
    assert l2_penalty([np.array([1.0, 1.0])], lam) == pytest.approx(2 * float(lam))


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ([], r"^weights is an empty list; pass at least one weight array\.$"),
        ((), r"^weights is an empty list; pass at least one weight array\.$"),
        (np.array([]), r"^weights\[0\] is empty \(shape \(0,\)\); it needs at least one value\.$"),
        (
            [np.ones(2), np.zeros((0, 3))],
            r"^weights\[1\] is empty \(shape \(0, 3\)\); it needs at least one value\.$",
        ),
        (np.array(["a", "b"]), r"^weights\[0\] must be numeric, got an array of dtype <U1\.$"),
        (["a", "b"], r"^weights\[0\] must be numeric, got an array of dtype <U1\.$"),
        (
            np.array([1.0, None], dtype=object),
            r"^weights\[0\] must be numeric, got an array of dtype object\.$",
        ),
        (np.array([1.0, np.nan]), r"^weights\[0\] contains NaN or infinite values\.$"),
        ([np.ones(2), np.array([np.inf])], r"^weights\[1\] contains NaN or infinite values\.$"),
        (torch.tensor([1.0, float("inf")]), r"^weights\[0\] contains NaN or infinite values\.$"),
        (torch.tensor([1.0, float("nan")]), r"^weights\[0\] contains NaN or infinite values\.$"),
        (
            torch.tensor([1, 2]),
            r"^weights\[0\] must be a floating-point tensor, got dtype torch\.int64\.$",
        ),
        (
            torch.empty(0),
            r"^weights\[0\] is empty \(shape \(0,\)\); it needs at least one value\.$",
        ),
        ("abc", r"^weights must be arrays of numbers, got a str\.$"),
        (3.0, r"^weights must be an array or a list of arrays, got float\.$"),
        (np.array([1 + 2j]), r"^weights\[0\] must be real, got complex values\.$"),
    ],
    ids=[
        "empty-list",
        "empty-tuple",
        "empty-array",
        "empty-second",
        "str-array",
        "str-list",
        "object-array",
        "nan-array",
        "inf-second",
        "inf-tensor",
        "nan-tensor",
        "int-tensor",
        "empty-tensor",
        "string",
        "float",
        "complex",
    ],
)
def test_bad_weights_raise(weights, match):
    with pytest.raises(ValueError, match=match):
        l2_penalty(weights, 0.1)


def test_frobenius_sq_error_uses_the_given_name():
    with pytest.raises(ValueError, match=r"^W1 contains NaN or infinite values\.$"):
        frobenius_sq(np.array([np.nan]), name="W1")
    with pytest.raises(ValueError, match=r"^W must be a floating-point tensor, got dtype"):
        frobenius_sq(torch.tensor([[1, 2]]))
