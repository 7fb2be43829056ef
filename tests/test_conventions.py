"""Every row of the convention table, proven by running both sides.

Each test trains or evaluates the same model twice, once written in the course's
convention and once in the other one with the value :func:`convert` gives, and checks
that the numbers agree (and, where it teaches something, that the naive reading does not).
"""

from __future__ import annotations

import doctest
import itertools
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from reference import course_softmax_solution
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler
from torch import nn

import l2lessons.conventions
import l2lessons.notebook
from l2lessons.conventions import LOSSES, NAMES, REFUSED, convert, describe, rows
from l2lessons.ridge import ridge_fit
from l2lessons.softmax import softmax_ce_l2


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """Refusals follow the lesson's language (l2lessons.setup); these tests read English."""
    monkeypatch.setitem(l2lessons.notebook._state, "lang", "en")


@pytest.fixture
def rng():
    return np.random.default_rng(20240620)


# --- PyTorch: SGD and Adam (coupled L2), AdamW (decoupled) -----------------------------------


def make_net():
    """Two bias-free layers with tanh, float64, the same initial weights on every call."""
    torch.manual_seed(3)
    return nn.Sequential(nn.Linear(5, 4, bias=False), nn.Tanh(), nn.Linear(4, 3, bias=False)).to(
        torch.float64
    )


def regression_data():
    g = torch.Generator().manual_seed(11)
    X = torch.randn(24, 5, generator=g, dtype=torch.float64)
    Y = torch.randn(24, 3, generator=g, dtype=torch.float64)
    return X, Y


def train(optimizer_cls, lr, *, manual_lam=0.0, weight_decay=0.0, steps=5):
    """Weights after ``steps`` full-batch steps on the mean squared error.

    ``manual_lam`` adds the course penalty ``lam * sum ||W||_F^2`` to the loss by hand;
    ``weight_decay`` is handed to the optimizer.
    """
    net = make_net()
    X, Y = regression_data()
    opt = optimizer_cls(net.parameters(), lr=lr, weight_decay=weight_decay)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((net(X) - Y) ** 2).mean()
        if manual_lam:
            loss = loss + manual_lam * sum((W**2).sum() for W in net.parameters())
        loss.backward()
        opt.step()
    return torch.cat([W.detach().ravel() for W in net.parameters()])


def max_diff(a, b) -> float:
    return (a - b).abs().max().item()


LAM = 0.05


def test_torch_sgd_weight_decay_is_twice_the_course_lambda():
    manual = train(torch.optim.SGD, 0.1, manual_lam=LAM)
    wd = convert(LAM, "course", "torch_sgd")
    assert wd == pytest.approx(2 * LAM)
    assert max_diff(manual, train(torch.optim.SGD, 0.1, weight_decay=wd)) < 1e-12
    # the naive reading weight_decay = lam is half the penalty: visibly different weights
    assert max_diff(manual, train(torch.optim.SGD, 0.1, weight_decay=LAM)) > 1e-6
    # and the weights did move: the test is not comparing two untouched initializations
    assert max_diff(manual, train(torch.optim.SGD, 0.1, steps=0)) > 1e-3


def test_torch_adam_weight_decay_is_coupled_l2_with_the_same_factor_two():
    manual = train(torch.optim.Adam, 1e-2, manual_lam=LAM)
    wd = convert(LAM, "course", "torch_adam")
    assert max_diff(manual, train(torch.optim.Adam, 1e-2, weight_decay=wd)) < 1e-12
    assert max_diff(manual, train(torch.optim.Adam, 1e-2, weight_decay=LAM)) > 1e-6


def test_adamw_has_no_fixed_lambda_equivalent():
    lr, steps = 1e-2, 8
    manual = train(torch.optim.Adam, lr, manual_lam=LAM, steps=steps)
    # the obvious candidates, and a fine logarithmic grid around them
    candidates = [0.0, LAM, 2 * LAM, LAM / lr, 2 * LAM / lr, *np.logspace(-4, 3, 71)]
    diffs = {
        wd: max_diff(manual, train(torch.optim.AdamW, lr, weight_decay=float(wd), steps=steps))
        for wd in candidates
    }
    best_wd = min(diffs, key=diffs.get)
    assert diffs[best_wd] > 1e-6, f"AdamW(weight_decay={best_wd}) matched Adam + L2"
    # Adam's own coupled weight_decay does match, on the very same run
    coupled = train(torch.optim.Adam, lr, weight_decay=2 * LAM, steps=steps)
    assert max_diff(manual, coupled) < 1e-12


# --- Keras ------------------------------------------------------------------------------------


def test_keras_l2_regularizer_is_the_course_lambda_and_skips_the_bias(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "torch")  # read once, when keras is first imported
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip(f"keras was already imported with the {keras.backend.backend()} backend")
    keras.utils.set_random_seed(0)
    lam = 0.03
    x = convert(lam, "course", "keras")
    layers = [
        keras.layers.Dense(
            6,
            activation="tanh",
            kernel_regularizer=keras.regularizers.l2(l2=x),
            bias_initializer="ones",  # a nonzero bias, so leaving it out is visible
            dtype="float64",
        ),
        keras.layers.Dense(
            3,
            kernel_regularizer=keras.regularizers.l2(l2=x),
            bias_initializer="ones",
            dtype="float64",
        ),
    ]
    model = keras.Sequential([keras.Input((4,)), *layers])
    # with the torch backend a Keras variable's .value is a torch Parameter and model.losses
    # holds torch tensors (keras.ops.convert_to_numpy would warn under NumPy 2)
    penalty = sum(float(loss.detach()) for loss in model.losses)
    kernels = [layer.kernel.value.detach().numpy() for layer in layers]
    biases = [layer.bias.value.detach().numpy() for layer in layers]
    course = lam * sum(float(np.sum(K**2)) for K in kernels)
    assert penalty == pytest.approx(course, rel=1e-12)
    with_bias = course + lam * sum(float(np.sum(b**2)) for b in biases)
    assert abs(penalty - with_bias) > 1e-3


# --- scikit-learn -------------------------------------------------------------------------------


def test_sklearn_ridge_alpha_is_n_lambda(rng):
    n, p, lam = 40, 6, 0.07
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + 0.5 * rng.normal(size=n)
    alpha = convert(lam, "course", "sklearn_ridge", n=n)
    assert alpha == pytest.approx(n * lam)
    coef = Ridge(alpha=alpha, fit_intercept=False).fit(X, y).coef_
    np.testing.assert_allclose(coef, ridge_fit(X, y, lam), rtol=1e-10, atol=1e-12)
    naive = Ridge(alpha=lam, fit_intercept=False).fit(X, y).coef_
    assert np.abs(naive - ridge_fit(X, y, lam)).max() > 1e-3


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(
        n_samples=60, n_features=4, n_informative=3, n_redundant=0, n_classes=3, random_state=5
    )
    return StandardScaler().fit_transform(X), y


def test_sklearn_logistic_regression_C_is_one_over_2_n_lambda(classification):
    X, y = classification
    n, lam = X.shape[0], 0.02
    W, _ = course_softmax_solution(X, y, lam)
    C = convert(lam, "course", "sklearn_logreg", n=n)
    clf = LogisticRegression(C=C, tol=1e-10, max_iter=10000).fit(X, y)
    assert np.abs(clf.coef_.T - W).max() < 1e-5
    # C = 1 / (n lam), forgetting sklearn's 1/2 in front of ||W||^2, is a weaker penalty
    naive = LogisticRegression(C=1 / (n * lam), tol=1e-10, max_iter=10000).fit(X, y)
    assert np.abs(naive.coef_.T - W).max() > 1e-3


# --- Ng's course and seed 004: their cost functions, written literally -------------------------


def ng_cost_and_grads(W, b, X, Y, lambd):
    """Ng's layout (examples in columns, W of shape (c, p)) and his regularized cost.

    As in his "Regularization" assignment: cross_entropy_cost + (1/m)(lambd/2) sum W^2,
    and dW = (1/m) dZ X^T + (lambd/m) W.
    """
    m = X.shape[1]
    Z = W @ X + b[:, None]
    A = np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=0)
    cross_entropy_cost = -np.sum(Y * np.log(A)) / m
    L2_regularization_cost = (1 / m) * (lambd / 2) * np.sum(np.square(W))
    cost = cross_entropy_cost + L2_regularization_cost
    dZ = A - Y
    dW = 1.0 / m * dZ @ X.T + (lambd / m) * W
    db = 1.0 / m * np.sum(dZ, axis=1)
    return cost, dW, db


def test_ng_lambda_over_2m_is_the_course_lambda(rng):
    m, p, c, lambd = 30, 4, 3, 0.7
    W, b = rng.normal(size=(c, p)), rng.normal(size=c)
    X, y = rng.normal(size=(p, m)), rng.integers(0, c, size=m)
    Y = np.eye(c)[y].T  # one-hot, one column per example
    cost, dW, db = ng_cost_and_grads(W, b, X, Y, lambd)
    lam = convert(lambd, "ng", "course", n=m)
    loss, dW_course, db_course = softmax_ce_l2(W.T, b, X.T, y, lam)
    assert cost == pytest.approx(loss, rel=1e-13)
    np.testing.assert_allclose(dW, dW_course.T, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(db, db_course, rtol=1e-12, atol=1e-14)
    # reading Ng's lambd as the course's lam gives a different cost
    assert abs(cost - softmax_ce_l2(W.T, b, X.T, y, lambd)[0]) > 1e-3


def test_seed004_lambda_over_n_is_the_course_lambda(rng):
    n, p, c, lam_prime = 25, 4, 3, 0.4
    W, b = rng.normal(size=(p, c)), rng.normal(size=c)
    X, y = rng.normal(size=(n, p)), rng.integers(0, c, size=n)
    # seed 004's cost, (1/n) sum L + (lambda'/n) sum ||W||^2, differentiated by autograd
    Wt = torch.tensor(W, requires_grad=True)
    Z = torch.from_numpy(X) @ Wt + torch.from_numpy(b)
    losses = torch.nn.functional.cross_entropy(Z, torch.from_numpy(y), reduction="none")
    cost = losses.sum() / n + (lam_prime / n) * (Wt**2).sum()
    cost.backward()
    lam = convert(lam_prime, "seed004", "course", n=n)
    loss, dW, _ = softmax_ce_l2(W, b, X, y, lam)
    assert cost.item() == pytest.approx(loss, rel=1e-13)
    np.testing.assert_allclose(Wt.grad.numpy(), dW, rtol=1e-12, atol=1e-14)
    # the penalty's gradient is (2 lambda'/n) W = 2 lam W, not 2 lambda' W as the seed writes
    assert lam == pytest.approx(lam_prime / n)


# --- the converter itself ----------------------------------------------------------------------

PAIRS = list(itertools.product(NAMES, repeat=2))
CONTEXT = {"n": 37, "batch_size": 8, "lr": 0.3}


@pytest.mark.parametrize(("src", "dst"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_round_trip_and_going_through_the_course(src, dst):
    tried = 0
    for loss in (None, *LOSSES):
        try:
            there = convert(0.3, src, dst, loss=loss, **CONTEXT)
        except ValueError as error:  # a loss one of the two rows does not fit, or must be named
            assert "does not fit loss" in str(error) or "pass loss=" in str(error)
            continue
        tried += 1
        for v in (1e-4, 0.3, 12.0):
            there = convert(v, src, dst, loss=loss, **CONTEXT)
            assert convert(there, dst, src, loss=loss, **CONTEXT) == pytest.approx(v, rel=1e-13)
            if loss is None:  # the pair is read with one of the named losses (a row's default)
                named = []
                for other in LOSSES:
                    try:
                        named.append(convert(v, src, dst, loss=other, **CONTEXT))
                    except ValueError:
                        pass
                assert any(there == pytest.approx(x, rel=1e-15) for x in named)
                continue
            to_course = convert(v, src, "course", loss=loss, **CONTEXT)
            via_course = convert(to_course, "course", dst, loss=loss, **CONTEXT)
            assert there == pytest.approx(via_course, rel=1e-15)
    # every pair has a loss in common except a classifier with a least-squares row
    squared = {"sklearn_ridge", "esl", "zhou_zhihua", "sklearn_sgd_regressor"}
    squared.add("sklearn_mlp_regressor")
    classifiers = {"sklearn_logreg", "sklearn_sgd_classifier", "sklearn_mlp_classifier"}
    incompatible = bool({src, dst} & squared) and bool({src, dst} & classifiers)
    assert (tried == 0) == incompatible


def test_known_values_and_zero():
    assert convert(1e-4, "torch_sgd", "course") == pytest.approx(5e-5)
    assert convert(0.01, "course", "keras") == 0.01
    assert convert(0.01, "course", "sklearn_ridge", n=200) == pytest.approx(2.0)
    assert convert(0.01, "course", "sklearn_logreg", n=50) == pytest.approx(1.0)
    assert convert(0.7, "ng", "course", n=350) == pytest.approx(1e-3)
    assert convert(0.5, "seed004", "course", n=50) == pytest.approx(1e-2)
    # the rows added for the textbooks and the other frameworks, each factor by hand
    assert convert(3.0, "d2l", "course", loss="mse") == pytest.approx(3.0)
    assert convert(3.0, "d2l", "course", loss="cross_entropy") == pytest.approx(1.5)
    assert convert(0.2, "goodfellow", "course") == pytest.approx(0.1)
    assert convert(1e-3, "cs231n", "course") == pytest.approx(5e-4)
    assert convert(1e-3, "cs231n_linear", "course") == pytest.approx(1e-3)
    assert convert(2.0, "bishop", "course", n=40, loss="mse") == pytest.approx(0.05)
    assert convert(2.0, "bishop", "course", n=40, loss="cross_entropy") == pytest.approx(0.025)
    assert convert(4.0, "esl", "course", n=40) == pytest.approx(0.1)
    assert convert(4.0, "zhou_zhihua", "course", n=40) == pytest.approx(0.1)
    assert convert(4.0, "esl", "course", n=40, loss="half_mse") == pytest.approx(0.05)
    assert convert(0.5, "li_hang", "course") == pytest.approx(0.25)
    assert convert(0.5, "li_hang", "course", loss="half_mse") == pytest.approx(0.125)
    assert convert(1e-4, "sklearn_sgd_classifier", "course") == pytest.approx(5e-5)
    assert convert(1e-4, "sklearn_sgd_regressor", "course", loss="mse") == pytest.approx(1e-4)
    assert convert(1e-4, "sklearn_mlp_classifier", "course", batch_size=200) == pytest.approx(
        2.5e-7
    )
    assert convert(
        1e-4, "sklearn_mlp_regressor", "course", batch_size=200, loss="mse"
    ) == pytest.approx(5e-7)
    assert convert(0.02, "keras_sgd_weight_decay", "course") == pytest.approx(0.01)
    assert convert(0.01, "course", "shrink_per_step", lr=0.1) == pytest.approx(0.002)
    classifiers = ("sklearn_sgd_classifier", "sklearn_mlp_classifier")
    for name in NAMES:
        if name != "sklearn_logreg":
            loss = "cross_entropy" if name in classifiers else "mse"
            assert convert(0.0, "course", name, n=10, batch_size=4, lr=0.1, loss=loss) == 0.0
    assert isinstance(convert(np.float32(0.5), "course", "torch_sgd"), float)


def test_describe_every_name_in_both_languages():
    for name in (*NAMES, "torch_adamw"):
        for lang in ("en", "zh"):
            line = describe(name, lang)
            assert line and "\n" not in line
    assert "2λ" in describe("torch_sgd") and "2λ" in describe("torch_sgd", "zh")
    assert "Loshchilov" in describe("torch_adamw")
    with pytest.raises(ValueError, match="lang"):
        describe("course", "fr")
    with pytest.raises(ValueError, match="must be one of"):
        describe("sgd")


def test_module_doctests():
    result = doctest.testmod(l2lessons.conventions)
    assert result.attempted >= 10 and result.failed == 0


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((0.1, "torch_adamw", "course"), {}), ((0.1, "course", "torch_adamw"), {})],
    ids=["from", "to"],
)
def test_adamw_is_refused_with_the_reason(args, kwargs):
    with pytest.raises(ValueError, match="decoupled") as info:
        convert(*args, **kwargs)
    assert "Loshchilov" in str(info.value) and "learning rate" in str(info.value)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: convert(0.1, "sgd", "course"), "must be one of course, torch_sgd"),
        (lambda: convert(0.1, "course", "pytorch"), "dst must be one of"),
        (lambda: convert(0.1, "course", None), "dst must be one of"),
        (lambda: convert(0.1, "course", "sklearn_ridge"), "sklearn_ridge depends on the number"),
        (lambda: convert(0.1, "ng", "course"), "ng depends on the number"),
        (lambda: convert(0.1, "seed004", "keras"), "pass n"),
        (lambda: convert(0.1, "course", "sklearn_logreg", n=0), "n must be a positive integer"),
        (lambda: convert(0.1, "course", "ng", n=-3), "n must be a positive integer"),
        (lambda: convert(0.1, "course", "ng", n=10.0), "n must be a positive integer"),
        (lambda: convert(0.1, "course", "sklearn_mlp_classifier", batch_size=0), "batch_size must"),
        (lambda: convert(0.1, "course", "shrink_per_step", lr=0.0), "lr must be > 0"),
        (lambda: convert(0.1, "course", "d2l", loss="mae"), "loss must be one of mse"),
        (lambda: convert(0.1, "course", "ng", n=True), "n must be a positive integer"),
        (lambda: convert(-0.1, "course", "torch_sgd"), r"value \(the lam of course\) must be >= 0"),
        (lambda: convert(float("nan"), "torch_sgd", "course"), "weight_decay of torch_sgd"),
        (lambda: convert(math.inf, "keras", "course"), "must be finite"),
        (lambda: convert("0.1", "course", "keras"), "must be a real number"),
        (lambda: convert(0.0, "course", "sklearn_logreg", n=10), "C=np.inf"),
        (lambda: convert(0.0, "keras", "sklearn_logreg", n=10), "penalty=None"),
        (
            lambda: convert(0.0, "sklearn_logreg", "course", n=10),
            "C of sklearn_logreg\\) must be > 0",
        ),
        (lambda: convert(-1.0, "sklearn_logreg", "course", n=10), "must be >= 0"),
        (lambda: convert(1e-320, "course", "sklearn_logreg", n=10), "overflows"),
    ],
)
def test_bad_input_is_one_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


NEEDS = {
    "n": {"sklearn_ridge", "sklearn_logreg", "ng", "seed004", "bishop", "esl", "zhou_zhihua"},
    "batch_size": {"sklearn_mlp_regressor", "sklearn_mlp_classifier"},
    "lr": {"shrink_per_step"},
    "loss": {"d2l", "bishop", "sklearn_sgd_regressor", "sklearn_mlp_regressor"},
}


@pytest.mark.parametrize("keyword", sorted(NEEDS))
def test_each_keyword_is_needed_exactly_where_the_table_says(keyword):
    full = {"n": 10, "batch_size": 4, "lr": 0.1, "loss": "mse"}
    for name in NAMES:
        kwargs = {k: v for k, v in full.items() if k != keyword}
        if name in {"sklearn_logreg", "sklearn_sgd_classifier", "sklearn_mlp_classifier"}:
            kwargs["loss"] = None if keyword == "loss" else "cross_entropy"
        if name in NEEDS[keyword]:
            with pytest.raises(ValueError, match=f"pass {keyword}"):
                convert(0.1, "course", name, **kwargs)
        else:
            assert convert(0.1, "course", name, **kwargs) > 0
        row = next(r for r in rows() if r["name"] == name)
        assert (keyword in row["needs"]) == (name in NEEDS[keyword])


def test_refusals_have_one_sentence_and_follow_the_lesson_language(monkeypatch):
    with pytest.raises(ValueError, match="decoupled decay") as en:
        convert(0.1, "keras_sgd_weight_decay", "course", momentum=0.9)
    assert str(en.value).count(". ") == 0 and str(en.value).endswith(".")
    with pytest.raises(ValueError, match="does not fit loss='mse'"):
        convert(0.1, "sklearn_logreg", "course", n=10, loss="mse")
    with pytest.raises(ValueError, match="does not fit loss='cross_entropy'"):
        convert(0.1, "course", "sklearn_ridge", n=10, loss="cross_entropy")
    with pytest.raises(ValueError, match="解耦"):
        convert(0.1, "torch_adamw", "course", lang="zh")
    with pytest.raises(ValueError, match="请传入 n"):
        convert(0.1, "esl", "course", lang="zh")
    with pytest.raises(ValueError, match="lang"):
        convert(0.1, "course", "keras", lang="fr")
    # inside a lesson set up in Chinese the refusal is Chinese without asking (lesson 06)
    monkeypatch.setitem(l2lessons.notebook._state, "lang", "zh")
    with pytest.raises(ValueError, match="没有固定的 λ") as zh:
        convert(0.01, "torch_adamw", "course")
    assert "Loshchilov" in str(zh.value) and "torch_adam" in str(zh.value)


def test_rows_list_every_name_with_a_proof_that_exists():
    tests_dir = Path(__file__).parent
    for lang in ("en", "zh"):
        table = rows(lang)
        assert sorted(r["name"] for r in table) == sorted((*NAMES, *REFUSED))
        for row in table:
            assert row["objective"] and row["rule"] and row["source"]
            cited = re.findall(r"(tests/[\w/]+\.py)::(\w+)", row["proven"])
            assert cited or row["name"] == "course", f"{row['name']} cites no test"
            for path, test in cited:
                text = (tests_dir.parent / path).read_text(encoding="utf-8")
                assert f"def {test}(" in text, f"{row['name']}: {path}::{test} does not exist"
    assert [r["name"] for r in rows("zh")][:5] == ["course", "d2l", "li_hang", "zhou_zhihua", "ng"]
    assert "种子文档 004" in describe("seed004", "zh") and "学习笔记" not in describe(
        "seed004", "zh"
    )
    with pytest.raises(ValueError, match="lang"):
        rows("fr")


def test_the_converter_is_math_it_imports_no_framework():
    code = (
        "import sys, l2lessons.conventions; "
        "print(sorted(m for m in ('torch', 'keras', 'sklearn', 'pooch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _cells(line):
    """The cells of one Markdown table line (no ``|`` inside a cell in these tables)."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("group", ["framework", "textbook"])
def test_markdown_table_columns_and_span_cut_the_full_table(group, lang):
    """A slide's table (a few columns, a few rows) is exactly a block of the full table."""
    from l2lessons.conventions import COLUMNS, markdown_table

    full = [_cells(line) for line in markdown_table(group, lang).splitlines()]
    header, body = full[0], full[2:]
    assert len(header) == len(COLUMNS) and body
    assert markdown_table(group, lang, columns=COLUMNS, span=(0, len(body))) == markdown_table(
        group, lang
    )
    for columns in [("row", "objective", "rule", "needs"), ("row", "source", "proven"), ("rule",)]:
        at = [COLUMNS.index(c) for c in columns]
        for start, stop in [(0, 4), (4, 8), (8, 100)]:
            part = markdown_table(group, lang, columns=columns, span=(start, stop))
            lines = part.splitlines()
            assert _cells(lines[0]) == [header[k] for k in at]
            assert lines[1] == "|---" * len(columns) + "|"
            assert [_cells(line) for line in lines[2:]] == [
                [row[k] for k in at] for row in body[start:stop]
            ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"columns": ()},
        {"columns": ("row", "row")},
        {"columns": ("row", "lambda")},
        {"span": (3, 3)},
        {"span": (-1, 2)},
        {"span": (0.0, 2)},
        {"span": 4},
    ],
)
def test_markdown_table_refuses_bad_columns_and_spans(kwargs):
    from l2lessons.conventions import markdown_table

    with pytest.raises(ValueError, match="columns|span"):
        markdown_table("framework", "en", **kwargs)
