"""Lesson 7's arithmetic claims and its exercises, checked against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from l2lessons.exercises import get, grade


def steps_per_epoch(n_images, batch_size):
    return len(range(0, n_images, batch_size))  # the last, smaller batch is a step


def test_seed_000_recipe_in_steps():
    # seed 000 wrote 5 epochs of mini-batches of 64 for MNIST's 60,000 training images
    assert steps_per_epoch(60_000, 64) == 938
    assert 5 * steps_per_epoch(60_000, 64) == 4690
    # the lesson's digits: 1257 training images
    assert steps_per_epoch(1257, 64) == 20
    assert 5 * steps_per_epoch(1257, 64) == 100
    assert 235 * steps_per_epoch(1257, 64) == 4700  # the step-matched run of the lesson


def test_shrink_factor_exercise_values():
    ex = get("real_data.1")
    # by hand: (1 - 0.01 * 1e-4) ** 4690 = exp(4690 * log(1 - 1e-6))
    assert ex.solution(60_000, 64, 5, 0.01, 1e-4) == pytest.approx(math.exp(-4690e-6), rel=1e-6)
    assert ex.solution(1257, 64, 5, 0.01, 1e-4) == pytest.approx((1 - 1e-6) ** 100, rel=1e-12)
    assert bool(grade("real_data.1", ex.solution, lang="en"))


def test_one_standard_error_rule_by_hand():
    ex = get("real_data.2")
    # means 0.9 and 0.8; the best column's std (ddof=1) is 0.1, its standard error 0.1/√3 ≈ 0.058:
    # 0.8 is below 0.9 − 0.058, so the rule keeps λ = 0
    folds = np.array([[0.9, 0.8], [0.8, 0.8], [1.0, 0.8]])
    assert ex.solution([0.0, 1.0], folds) == 0.0
    assert ex.reference([0.0, 1.0], folds) == 0.0
    # a second λ within the band (0.88 ≥ 0.842) is preferred: it is the larger, simpler one
    folds[:, 1] = 0.88
    assert ex.solution([0.0, 1.0], folds) == 1.0
    assert ex.reference([0.0, 1.0], folds) == 1.0


@pytest.mark.parametrize("key", ["real_data.1", "real_data.2"])
def test_every_typical_mistake_fails_with_a_bilingual_hint(key):
    ex = get(key)
    assert len(ex.mistakes) >= 2
    for mistake in ex.mistakes:
        assert set(mistake.hint) == {"en", "zh"}
        assert not bool(grade(key, mistake.answer, lang="en"))
