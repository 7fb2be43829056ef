"""Every registered exercise: its reference solution passes, its typical mistakes fail (with
their hint), a typed answer correct to the stated precision passes, and the notebooks use the
registry without showing any answer.

The exercises live in l2lessons/exercise_bank/<topic>.py; a lesson's check cell is
``grade(key, answer)`` and its collapsed solution cell ``solution(key)``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from l2lessons import exercises as ex_mod
from l2lessons.exercises import Exercise, Mistake, all_exercises, grade, register, solution

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = all_exercises()
KEYS = sorted(EXERCISES)
LANGS = ("en", "zh")
CALL = re.compile(r"""\b(grade|solution)\(\s*["']([a-z0-9_]+\.[0-9]+)["']""")


def lesson_notebooks():
    """{topic: {lang: path}} for every lesson (the file stem without its number)."""
    found: dict[str, dict[str, Path]] = {}
    for lang in LANGS:
        for path in sorted((NOTEBOOKS / lang).glob("*.ipynb")):
            found.setdefault(path.stem.split("_", 1)[1], {})[lang] = path
    return found


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def test_there_are_exercises_and_each_topic_is_a_lesson():
    assert len(KEYS) >= 20, KEYS
    topics = lesson_notebooks()
    for key in KEYS:
        assert EXERCISES[key].topic in topics, f"{key}: no lesson named *_{EXERCISES[key].topic}"


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_reference_solution_passes(key, lang):
    ex = EXERCISES[key]
    answer = ex.solution if ex.kind == "function" else ex.solution()
    fb = grade(key, answer, lang=lang)
    assert fb.passed, fb.message


@pytest.mark.parametrize("key", KEYS)
def test_typical_mistakes_fail_with_a_hint(key):
    ex = EXERCISES[key]
    assert len(ex.mistakes) >= 2, f"{key}: give at least two typical wrong answers"
    hints = [m.hint for m in ex.mistakes]
    for i, mistake in enumerate(ex.mistakes):
        answer = mistake.answer if ex.kind == "function" else mistake.value()
        for lang in LANGS:
            fb = grade(key, answer, lang=lang)
            assert not fb.passed and fb.attempted, f"{key}: mistake {i} passes: {fb.message}"
            assert any(h[lang] in fb.message for h in hints[: i + 1]), (
                f"{key}: mistake {i} gets no hint: {fb.message}"
            )


def _roundings(value: float, digits: int):
    """``value`` rounded to ``digits`` significant digits, as a student would type it."""
    text = f"{value:.{digits - 1}e}"
    return float(text), text


@pytest.mark.parametrize("key", [k for k in KEYS if EXERCISES[k].kind == "value"])
def test_value_answers_at_the_stated_precision(key):
    ex = EXERCISES[key]
    assert ex.digits is not None, f"{key}: state the precision (digits=) the question asks for"
    expected = float(ex.expected())
    typed, text = _roundings(expected, ex.digits)
    assert grade(key, typed, lang="en").passed, f"{key}: {text} is right to {ex.digits} digits"
    assert grade(key, [typed], lang="en").passed  # a 1-element list or array is fine too
    if expected != 0:
        unit = 10.0 ** (math.floor(math.log10(abs(expected))) - ex.digits + 1)
        fb = grade(key, typed + 2 * unit, lang="en")
        assert not fb.passed, f"{key}: two units off in the last digit must fail"
        for shown in {text, f"{expected:.6g}", f"{typed:g}"}:
            assert shown not in fb.message.replace(f"{typed + 2 * unit:.6g}", ""), fb.message


@pytest.mark.parametrize("key", KEYS)
def test_the_solution_is_shown_on_request_in_both_languages(key):
    for lang in LANGS:
        shown = solution(key, lang=lang)
        first_line = shown.code.splitlines()[0]
        assert first_line.startswith("def ") and not re.search(r"\blambda\b", first_line), (
            f"{key}: write the solution as a named function, its source is what students see"
        )
        assert ("参考答案" in shown._repr_markdown_()) == (lang == "zh")


@pytest.mark.parametrize("topic", sorted({EXERCISES[k].topic for k in KEYS}))
def test_each_exercise_is_graded_and_solved_in_both_languages(topic):
    keys = {k for k in KEYS if EXERCISES[k].topic == topic}
    for path in lesson_notebooks()[topic].values():
        used = {"grade": set(), "solution": set()}
        for cell in cells(path):
            for fn, key in CALL.findall(source(cell)):
                used[fn].add(key)
        assert used["grade"] == keys, f"{path.relative_to(ROOT)} grades {sorted(used['grade'])}"
        assert used["solution"] == keys, (
            f"{path.relative_to(ROOT)} solves {sorted(used['solution'])}"
        )


def _all_cells():
    for _, paths in sorted(lesson_notebooks().items()):
        for path in paths.values():
            for i, cell in enumerate(cells(path)):
                yield path.relative_to(ROOT), i, cell


def test_no_answer_is_on_the_page():
    """Solution cells are collapsed, skipped in slides and stored without outputs; check cells
    hold only the grade call, and their stored feedback is 'not attempted yet'."""
    for rel, i, cell in _all_cells():
        text = source(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            assert cell.get("outputs") == [], f"{rel} cell {i}: a solution cell's output is stored"
            assert cell["metadata"].get("jupyter", {}).get("source_hidden"), f"{rel} cell {i}"
            assert cell["metadata"].get("slideshow", {}).get("slide_type") == "skip", f"{rel} {i}"
            assert CALL.search(text) and CALL.search(text).group(1) == "solution", f"{rel} {i}"
        elif cell["cell_type"] == "code" and "grade(" in text:
            for out in cell.get("outputs", []):
                plain = "".join(out.get("data", {}).get("text/plain", []))
                assert plain.startswith("✏️") or not plain, f"{rel} cell {i} shows {plain!r}"


def test_lessons_grade_through_the_registry():
    """Only the start page demonstrates the low-level check(); lessons use grade()."""
    for rel, i, cell in _all_cells():
        if rel.name.startswith("00_") or cell["cell_type"] != "code":
            continue
        text = source(cell)
        assert not re.search(r"\bcheck(_value)?\(", text), f"{rel} cell {i} calls check directly"


# --- the registry's own validation --------------------------------------------------------


def _ref(x):
    return 2 * x


def test_register_validates_its_input():
    hint = {"en": "h", "zh": "提示"}
    with pytest.raises(ValueError, match="key must look like"):
        Exercise("Bad Key", "value", solution=_ref, expected=lambda: 1.0)
    with pytest.raises(ValueError, match="kind must be"):
        Exercise("demo.1", "essay", solution=_ref)
    with pytest.raises(ValueError, match="needs a reference and cases"):
        Exercise("demo.1", "function", solution=_ref)
    with pytest.raises(ValueError, match="needs expected"):
        Exercise("demo.1", "value", solution=_ref)
    with pytest.raises(ValueError, match="non-empty 'en' and 'zh'"):
        Mistake(1.0, {"en": "only English"})
    with pytest.raises(ValueError, match="function or a number"):
        Mistake("abc", hint)
    with pytest.raises(ValueError, match="register takes an Exercise"):
        register("demo.1")
    with pytest.raises(ValueError, match="there is no exercise 'norms.999'"):
        grade("norms.999", 1.0)
    with pytest.raises(ValueError, match="an exercise key looks like"):
        grade("norms", 1.0)


def test_a_registered_exercise_grades_and_gives_the_mistake_hint(monkeypatch):
    monkeypatch.setattr(ex_mod, "_REGISTRY", dict(ex_mod._REGISTRY))
    hint = {"en": "Did you forget the 2?", "zh": "是否漏了系数 2？"}
    register(
        Exercise(
            "demo.1",
            "function",
            solution=_ref,
            reference=lambda x: x + x,
            cases=lambda: [1.0, 3.0],
            mistakes=[Mistake(lambda x: x, hint), Mistake(lambda x: 4 * x, hint)],
        )
    )
    assert grade("demo.1", lambda x: 2 * x, lang="en").passed
    fb = grade("demo.1", lambda x: x, lang="en")
    assert not fb.passed and fb.message.endswith("Did you forget the 2?")
    assert "2" not in fb.message.replace("2?", "").replace("of 2", "")  # no expected value
    fb = grade("demo.1", lambda x: x - 5, lang="zh")
    assert not fb.passed and "是否漏了" not in fb.message
