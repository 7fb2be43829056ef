"""Tests of the self-checking exercises: ``check``, ``check_value`` and ``Feedback``."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from l2lessons import notebook
from l2lessons.exercises import Feedback, check, check_value

CJK = re.compile(r"[\u4e00-\u9fff]")
MARKS = ("✅", "❌", "✏️")


@pytest.fixture(autouse=True)
def _reset_notebook_state():
    saved = dict(notebook._state)
    yield
    notebook._state.clear()
    notebook._state.update(saved)


def squash(text: str) -> str:
    """``text`` without spaces (NumPy pads printed arrays)."""
    return text.replace(" ", "")


def reference(W):
    """Sum of squares of every entry, by an explicit loop (independent of the student's code)."""
    total = 0.0
    for x in np.asarray(W, dtype=float).ravel().tolist():
        total += x * x
    return total


def reference_list(weights, lam):
    return lam * sum(reference(W) for W in weights)


CASES = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([3.0, 4.0]), np.arange(6.0).reshape(2, 3)]


def test_correct_student_passes():
    fb = check(lambda W: float(np.sum(W**2)), reference, CASES, lang="en")
    assert isinstance(fb, Feedback)
    assert fb.passed and fb.attempted and bool(fb)
    assert fb.message == "Correct: all 3 test cases pass."


def test_tuple_cases_are_unpacked_as_arguments():
    cases = [([np.ones((2, 2)), np.array([2.0])], 0.5), ([np.eye(3)], 0.1)]
    fb = check(lambda ws, lam: lam * sum(float((w**2).sum()) for w in ws), reference_list, cases)
    assert fb.passed, fb.message


def test_wrong_value_reports_case_input_expected_and_got():
    def student(W):  # forgets to square the second case's entries correctly: uses abs
        return float(np.sum(np.abs(W)))

    # case 1 ([[1,-2],[0.5,0]]): abs sum 3.5 vs 5.25 -> fails at case 1
    fb = check(student, reference, CASES, lang="en")
    assert not fb.passed and fb.attempted and not bool(fb)
    assert "Case 1 of 3" in fb.message
    assert "wrong value" in fb.message
    assert "input([[1.,-2.],[0.5,0.]])" in squash(fb.message)  # the input
    assert "too small" in fb.message  # a direction, never the expected value
    assert "5.25" not in fb.message


def test_wrong_value_names_the_first_failing_case():
    def student(W):  # right except when W has more than 4 entries (the 3rd case)
        return float(np.sum(W**2)) + (1.0 if W.size > 4 else 0.0)

    fb = check(student, reference, CASES, lang="en")
    assert not fb.passed
    assert "Case 3 of 3" in fb.message
    assert "too large, off by less than 10 %" in fb.message
    assert "55" not in fb.message


def test_wrong_shape_is_reported_as_shape():
    fb = check(lambda W: W**2, reference, CASES, lang="en")  # forgets to sum
    assert not fb.passed and fb.attempted
    assert "wrong shape" in fb.message
    assert "expected ()" in fb.message and "got (2, 2)" in fb.message
    assert "Case 1 of 3" in fb.message


def test_student_exception_is_reported_not_raised():
    def student(W):
        raise KeyError("oops")

    fb = check(student, reference, CASES, lang="en")
    assert not fb.passed and fb.attempted
    assert "Case 1 of 3 raised KeyError: 'oops'" in fb.message

    fb = check(lambda W: W @ np.ones(5), reference, CASES, lang="en")
    assert not fb.passed
    assert "raised ValueError" in fb.message
    assert "input([[1.,-2.],[0.5,0.]])" in squash(fb.message)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", ["none", "ellipsis", "notimplemented"])
def test_not_attempted(kind, lang):
    def student(W):
        if kind == "none":
            return None
        if kind == "ellipsis":
            return ...
        raise NotImplementedError

    fb = check(student, reference, CASES, lang=lang)
    assert fb.passed is False
    assert fb.attempted is False
    assert not bool(fb)
    assert repr(fb).startswith("✏️")
    expected_hint = "NotImplementedError" if kind == "notimplemented" else "`...`"
    assert expected_hint in fb.message


def test_non_numeric_output_is_a_wrong_value():
    fb = check(lambda W: "five", reference, CASES, lang="en")
    assert not fb.passed and fb.attempted
    assert "wrong value" in fb.message


def test_nan_output_is_wrong():
    fb = check(lambda W: float("nan"), reference, CASES, lang="en")
    assert not fb.passed and "wrong value" in fb.message


@pytest.mark.parametrize(
    "student",
    [
        lambda W: float(np.sum(W**2)),  # right
        lambda W: float(np.sum(W)),  # wrong value
        lambda W: W,  # wrong shape
        lambda W: 1 / 0,  # raises
        lambda W: None,  # not attempted
    ],
    ids=["pass", "value", "shape", "raised", "todo"],
)
def test_messages_follow_language(student):
    zh = check(student, reference, CASES, lang="zh")
    en = check(student, reference, CASES, lang="en")
    assert CJK.search(zh.message), zh.message
    assert not CJK.search(en.message), en.message
    assert zh.passed == en.passed and zh.attempted == en.attempted


def test_language_defaults_to_notebook_language():
    notebook._state["lang"] = "zh"
    assert CJK.search(check(lambda W: float(np.sum(W**2)), reference, CASES).message)
    notebook._state["lang"] = "en"
    assert not CJK.search(check(lambda W: float(np.sum(W**2)), reference, CASES).message)


def test_zh_wrong_value_message_has_case_and_direction_not_values():
    fb = check(lambda W: float(np.sum(np.abs(W))), reference, CASES, lang="zh")
    assert "共 3 个用例，第 1 个结果不对" in fb.message
    assert "偏小" in fb.message
    assert "5.25" not in fb.message


def test_invalid_language_raises():
    with pytest.raises(ValueError, match=r"lang must be one of"):
        check(reference, reference, CASES, lang="fr")
    with pytest.raises(ValueError, match=r"lang must be one of"):
        check_value(1.0, 1.0, lang="de")


def test_student_mutating_its_input_cannot_corrupt_reference_or_cases():
    seen_by_reference = []

    def ref(W):
        seen_by_reference.append(W.copy())
        return reference(W)

    def student(W):
        answer = float(np.sum(W**2))
        W *= 0.0  # vandalize the input in place
        W[...] = 99.0
        return answer

    originals = [W.copy() for W in CASES]
    cases = [W.copy() for W in CASES]
    first = check(student, ref, cases, lang="en")
    second = check(student, ref, cases, lang="en")  # the cell is run again
    assert first.passed and second.passed, (first.message, second.message)
    assert len(seen_by_reference) == 2 * len(originals)
    for i, seen in enumerate(seen_by_reference):
        np.testing.assert_array_equal(seen, originals[i % len(originals)])
    for W, orig in zip(cases, originals, strict=True):
        np.testing.assert_array_equal(W, orig)


def test_reference_mutating_its_input_does_not_change_what_the_student_sees():
    def ref(W):
        value = reference(W)
        W[...] = -1.0  # a careless reference
        return value

    seen_by_student = []

    def student(W):
        seen_by_student.append(W.copy())
        return float(np.sum(W**2))

    fb = check(student, ref, CASES, lang="en")
    assert fb.passed, fb.message
    for seen, orig in zip(seen_by_student, CASES, strict=True):
        np.testing.assert_array_equal(seen, orig)


def test_nested_inputs_are_copied_too():
    """A list of weight arrays (the l2_penalty exercise) must not be mutated through the list."""
    cases = [([np.array([1.0, 2.0]), np.array([[3.0]])], 0.1)]
    originals = [W.copy() for W in cases[0][0]]

    def student(weights, lam):
        answer = lam * sum(float(np.sum(W**2)) for W in weights)
        for W in weights:
            W *= 0.0
        weights.append(np.ones(100))
        return answer

    assert check(student, reference_list, cases, lang="en").passed
    assert len(cases[0][0]) == 2
    for W, orig in zip(cases[0][0], originals, strict=True):
        np.testing.assert_array_equal(W, orig)

    # a wrong answer is reported with the input as it was, not as the student left it
    def wrong(weights, lam):
        for W in weights:
            W *= 0.0
        return 123.0

    fb = check(wrong, reference_list, cases, lang="en")
    assert not fb.passed
    assert "[1., 2.]" in fb.message and "too large" in fb.message and "1.4" not in fb.message


def test_torch_tensor_inputs_are_not_mutated():
    cases = [torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)]
    original = cases[0].clone()

    def student(W):
        answer = (W**2).sum()
        W.mul_(0)
        return answer

    fb = check(student, lambda W: float((W**2).sum()), cases, lang="en")
    assert fb.passed, fb.message
    torch.testing.assert_close(cases[0], original)


def test_student_torch_tensor_output_is_accepted():
    def student(W):
        t = torch.tensor(W, requires_grad=True)
        return (t * t).sum()  # a tensor that needs grad

    assert check(student, reference, CASES, lang="en").passed

    def student_wrong(W):
        return torch.tensor(float(np.sum(W**2)) + 1.0)

    fb = check(student_wrong, reference, CASES, lang="en")
    assert not fb.passed and "wrong value" in fb.message


def test_array_valued_functions_are_compared_elementwise():
    def ref_grad(W, lam):
        return 2 * lam * W

    cases = [(np.array([[1.0, -1.0], [2.0, 0.5]]), 0.1), (np.arange(3.0), 2.0)]
    assert check(lambda W, lam: 2 * lam * W, ref_grad, cases, lang="en").passed
    fb = check(lambda W, lam: lam * W, ref_grad, cases, lang="en")  # forgets the 2
    assert not fb.passed and "Case 1 of 2" in fb.message and "wrong value" in fb.message


def test_tolerances_are_respected():
    def slightly_off(W):
        return reference(W) * (1 + 1e-4)

    assert not check(slightly_off, reference, CASES, lang="en").passed
    assert check(slightly_off, reference, CASES, rtol=1e-3, lang="en").passed


def test_empty_cases_raise():
    with pytest.raises(ValueError, match=r"^cases is empty; give at least one input to test\.$"):
        check(reference, reference, [], lang="en")


def test_non_callable_reference_raises_and_non_callable_answer_is_feedback():
    with pytest.raises(ValueError, match=r"reference_fn must be a function"):
        check(reference, 1.0, CASES, lang="en")
    fb = check(1.0, reference, CASES, lang="en")
    assert not fb.passed and fb.attempted and "asks for a function" in fb.message


def test_one_element_array_counts_as_the_scalar_asked_for():
    assert check(lambda W: np.array([np.sum(W**2)]), reference, CASES, lang="en").passed
    assert check(lambda W: np.sum(W**2).reshape(1, 1), reference, CASES, lang="en").passed
    assert not check(lambda W: np.array([np.sum(W**2), 0.0]), reference, CASES, lang="en").passed


# --- check_value ------------------------------------------------------------------------


def test_check_value_right():
    expected = 0.01 * (1 + 4 + 0.25 + 1 + 9)
    fb = check_value(0.1525, expected, lang="en")
    assert fb.passed and fb.attempted and bool(fb)
    assert repr(fb).startswith("✅")
    assert fb.message == "Correct: 0.1525."
    assert check_value(np.float64(0.1525), expected, lang="en").passed
    assert check_value(torch.tensor(0.1525, dtype=torch.float64), expected, lang="en").passed


def test_check_value_wrong_with_dict_hint_in_both_languages():
    hint = {"en": "Square every entry first.", "zh": "先把每个元素平方。"}
    en = check_value(0.155, 0.1525, hint=hint, lang="en")
    assert not en.passed and en.attempted
    assert repr(en).startswith("❌")
    assert en.message == (
        "Not quite: your answer 0.155 is too large, off by less than 10 %. "
        "Square every entry first."
    )
    assert not CJK.search(en.message)
    zh = check_value(0.155, 0.1525, hint=hint, lang="zh")
    assert not zh.passed
    assert "先把每个元素平方。" in zh.message
    assert "Square" not in zh.message
    assert "0.1525" not in zh.message and "0.155" in zh.message and "偏大" in zh.message


def test_check_value_wrong_with_string_hint_and_without_hint():
    fb = check_value(2.0, 1.0, hint="Recount.", lang="en")
    assert fb.message.endswith("off by 10 % or more. Recount.")
    fb = check_value(3.0, 1.0, lang="en")
    assert fb.message == "Not quite: your answer 3 is too large, off by more than a factor of 2."
    fb = check_value(-1.0, 1.0, lang="en")
    assert fb.message == "Not quite: your answer -1 is of the wrong sign."


def test_a_plain_string_hint_warns_in_a_chinese_notebook():
    with pytest.warns(UserWarning, match="plain string"):
        fb = check_value(2.0, 1.0, hint="Recount.", lang="zh")
    assert not fb.passed


@pytest.mark.parametrize(
    ("answer", "digits", "passed"),
    [
        (0.00166, 3, True),  # correctly rounded to the 3 digits asked for
        (0.0016588, 3, True),  # more digits than asked, still right
        (0.001659, 3, True),
        (0.00165, 3, False),  # truncated, not rounded: off by 0.88 units of the last digit
        (0.0017, 3, False),  # only 2 digits
        (0.0017, 2, True),
        (1.343, 4, True),  # the review's 1.34303 typed as 1.343
        (1.344, 4, False),
    ],
)
def test_check_value_digits_accepts_an_answer_correct_to_the_stated_precision(
    answer, digits, passed
):
    expected = 0.00165877 if answer < 1 else 1.34303
    assert check_value(answer, expected, digits=digits, lang="en").passed is passed


def test_check_value_digits_is_validated():
    for bad in (0, 16, 2.5, True):
        with pytest.raises(ValueError, match="digits must be an integer from 1 to 15"):
            check_value(1.0, 1.0, digits=bad, lang="en")


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf"), [1, 2]])
def test_check_value_non_numbers_are_wrong_not_errors(bad):
    fb = check_value(bad, 1.0, lang="en")
    assert not fb.passed and fb.attempted


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("answer", [None, ...])
def test_check_value_not_attempted(answer, lang):
    fb = check_value(answer, 1.0, lang=lang)
    assert fb.passed is False and fb.attempted is False
    assert repr(fb).startswith("✏️")
    assert bool(CJK.search(fb.message)) == (lang == "zh")


def test_check_value_tolerance():
    assert check_value(1.0 + 1e-8, 1.0, lang="en").passed
    assert not check_value(1.001, 1.0, lang="en").passed
    assert check_value(1.001, 1.0, rtol=1e-2, lang="en").passed


# --- Feedback ---------------------------------------------------------------------------


def test_feedback_bool_and_repr():
    ok = Feedback(True, "fine")
    wrong = Feedback(False, "nope")
    todo = Feedback(False, "later", attempted=False)
    assert bool(ok) is True and bool(wrong) is False and bool(todo) is False
    assert repr(ok) == "✅ fine"
    assert repr(wrong) == "❌ nope"
    assert repr(todo) == "✏️ later"
    for fb in (ok, wrong, todo):
        assert repr(fb).startswith(MARKS)
    with pytest.raises(AttributeError):
        ok.passed = False  # frozen


def test_feedback_html_marks_need_no_emoji_font():
    """A coloured badge with a DejaVu glyph: ✓, ✗ and ✎ differ in shape and colour."""
    ok, wrong, todo = (
        Feedback(True, "a"),
        Feedback(False, "b"),
        Feedback(False, "c", attempted=False),
    )
    marks = [fb._repr_html_() for fb in (ok, wrong, todo)]
    for glyph, html in zip("✓✗✎", marks, strict=True):
        assert glyph in html
        assert not any(e in html for e in MARKS)
    assert len({html.split("background:")[1][:7] for html in marks}) == 3
    assert "&lt;b&gt;" in Feedback(False, "<b>")._repr_html_()  # the message is escaped
