"""The summary lesson's exercises (keys ``summary.N``): each solution passes, each mistake fails."""

from __future__ import annotations

import math

import pytest

from l2lessons.exercises import get, grade

KEYS = ["summary.1", "summary.2", "summary.3", "summary.4"]


@pytest.mark.parametrize("key", KEYS)
def test_solution_passes_and_every_mistake_fails_with_its_hint(key):
    ex = get(key)
    answer = ex.solution if ex.kind == "function" else ex.solution()
    assert grade(key, answer, lang="en")
    assert len(ex.mistakes) >= 2
    for mistake in ex.mistakes:
        wrong = mistake.answer if ex.kind == "function" else mistake.value()
        for lang in ("en", "zh"):
            feedback = grade(key, wrong, lang=lang)
            assert not feedback
            assert mistake.hint[lang] in feedback.message


@pytest.mark.parametrize("key", [k for k in KEYS if get(k).kind == "value"])
def test_a_value_rounded_to_the_stated_digits_passes(key):
    ex = get(key)
    value = ex.expected()
    digits = ex.digits
    rounded = float(f"{value:.{digits - 1}e}")
    assert grade(key, rounded, lang="en")
    assert math.isclose(ex.solution(), value, rel_tol=1e-12)
