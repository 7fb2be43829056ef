"""The digits stored in the package, and the split that replaces scikit-learn's, against
scikit-learn itself (which the package no longer imports for them)."""

import numpy as np
import pytest
from sklearn.datasets import load_digits as sklearn_digits
from sklearn.model_selection import train_test_split

from l2lessons.data import digits_split, load_digits, stratified_split


def test_stored_digits_are_exactly_scikit_learns():
    X, y = load_digits()
    X_ref, y_ref = sklearn_digits(return_X_y=True)
    assert X.dtype == X_ref.dtype and y.dtype == y_ref.dtype
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)
    X[0, 0] = -1.0  # a fresh copy each time: the next caller is not affected
    assert load_digits()[0][0, 0] == X_ref[0, 0]


SIZES = [  # (test_size, train_size): the lessons' calls and the edge cases of the rules
    (0.3, None),
    (None, 100),
    (None, 300),
    (0.3, 300),
    (None, None),
    (540, None),
    (20, 60),
    (0.1, 0.2),
    (None, 0.5),
    (0.99, None),
]


@pytest.mark.parametrize("test_size, train_size", SIZES)
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 17])
def test_stratified_split_picks_what_train_test_split_picks(test_size, train_size, seed):
    y = sklearn_digits().target
    index = np.arange(len(y))
    expected = train_test_split(
        index, test_size=test_size, train_size=train_size, stratify=y, random_state=seed
    )
    got = stratified_split(y, test_size=test_size, train_size=train_size, seed=seed)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("seed", range(8))
def test_stratified_split_breaks_ties_like_scikit_learn(seed):
    # uneven classes and sizes whose shares leave tied remainders: the random tie-breaks
    rng = np.random.default_rng(seed)
    y = rng.choice(["a", "b", "c", "d", "e"], size=61, p=[0.3, 0.3, 0.2, 0.1, 0.1])
    for train_size in (7, 10, 23):
        expected = train_test_split(
            np.arange(61), train_size=train_size, test_size=11, stratify=y, random_state=seed
        )
        got = stratified_split(y, test_size=11, train_size=train_size, seed=seed)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("kwargs", [{}, {"train_size": 100, "test_size": None, "seed": 2}])
def test_digits_split_is_the_scikit_learn_split_of_the_stored_digits(kwargs):
    X, y = sklearn_digits(return_X_y=True)
    args = {"test_size": 0.3, "seed": 0, **kwargs}
    expected = train_test_split(
        X / 16.0,
        y,
        test_size=args["test_size"],
        train_size=args.get("train_size"),
        stratify=y,
        random_state=args["seed"],
    )
    for g, e in zip(digits_split(**kwargs), expected, strict=True):
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"test_size": 0}, "test_size must be a count"),
        ({"test_size": 1.0}, "test_size must be a fraction"),
        ({"train_size": True}, "train_size must be a fraction"),
        ({"test_size": 0.6, "train_size": 0.6}, "are more than"),
        ({"seed": -1}, "seed must be an integer"),
        ({"test_size": 5}, "cannot each hold"),
    ],
)
def test_stratified_split_rejects_bad_sizes_in_one_sentence(kwargs, message):
    y = np.repeat(np.arange(10), 10)
    with pytest.raises(ValueError, match=message):
        stratified_split(y, **kwargs)
    with pytest.raises(ValueError, match="2 members"):
        stratified_split(np.array([0, 0, 1]), test_size=1)
