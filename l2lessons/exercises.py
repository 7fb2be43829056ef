"""Self-checking exercises: instant, specific feedback that never gives the answer away (plumbing).

Every exercise of the course is registered by key (``"<lesson topic>.<n>"``, for example
``"penalized_loss.1"``) in a module of :mod:`l2lessons.exercise_bank`, with an independent
reference, the cases it is tested on, a reference solution and typical mistakes. A lesson's
check cell is only ``grade(key, answer)``, and its collapsed solution cell only
``solution(key)``: neither the expected value nor the reference expression is on the page.

- :func:`grade` runs a student's function on the exercise's cases (or grades a typed number to
  the precision the question states) and returns a :class:`Feedback`: truthy when right; when
  wrong it says which case failed, a direction or a rough relative error, and the hint of a
  typical mistake the answer matches, never the expected value.
- :func:`solution` shows the reference solution, when the student asks for it.
- :func:`check` and :func:`check_value` are the same graders for a reference given directly
  (lesson 00 uses :func:`check` to show how the checks work).

Messages follow the notebook language set by :func:`l2lessons.setup`.

Examples
--------
>>> import numpy as np
>>> fb = check(lambda W: float(np.sum(W**2)), lambda W: float(np.linalg.norm(W) ** 2),
...            [np.eye(2)], lang="en")
>>> bool(fb)
True
>>> bool(check_value(0.00166, 0.00165877, digits=3, lang="en"))
True
"""

from __future__ import annotations

import copy
import html
import importlib
import inspect
import math
import pkgutil
import re
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import notebook

__all__ = [
    "Exercise",
    "Feedback",
    "Mistake",
    "all_exercises",
    "check",
    "check_value",
    "get",
    "grade",
    "register",
    "solution",
]

_MESSAGES = {
    "pass": {
        "en": "Correct: all {n} test cases pass.",
        "zh": "回答正确：{n} 个测试用例全部通过。",
    },
    "todo": {
        "en": (
            "Not attempted yet: your function returned {got!r}. Replace the `...` with your code."
        ),
        "zh": "尚未作答：你的函数返回了 {got!r}。请把 `...` 换成你的代码。",
    },
    "todo_raised": {
        "en": (
            "Not attempted yet: your function raises NotImplementedError; "
            "replace it with your code."
        ),
        "zh": "尚未作答：你的函数抛出了 NotImplementedError；请把它换成你的代码。",
    },
    "not_function": {
        "en": "This exercise asks for a function, but you gave {got}.",
        "zh": "这道题要求写一个函数，你给出的却是 {got}。",
    },
    "raised": {
        "en": "Case {i} of {n} raised {err} for input {args}.",
        "zh": "共 {n} 个用例，第 {i} 个出错：输入为 {args} 时抛出 {err}。",
    },
    "shape": {
        "en": "Case {i} of {n}: wrong shape for input {args}: expected {expected}, got {got}.",
        "zh": "共 {n} 个用例，第 {i} 个形状不对：输入为 {args} 时应为 {expected}，实际为 {got}。",
    },
    "value": {
        "en": "Case {i} of {n}: wrong value for input {args}: {error}.",
        "zh": "共 {n} 个用例，第 {i} 个结果不对：输入为 {args} 时{error}。",
    },
    "value_pass": {
        "en": "Correct: {got}.",
        "zh": "回答正确：{got}。",
    },
    "value_todo": {
        "en": "Not attempted yet: replace the `...` with your answer.",
        "zh": "尚未作答：请把 `...` 换成你的答案。",
    },
    "value_nan": {
        "en": "Not quite: {got} is not a finite number.",
        "zh": "还不对：{got} 不是一个有限的数。",
    },
    "value_wrong": {
        "en": "Not quite: your answer {got} is {error}.",
        "zh": "还不对：你的答案 {got} {error}。",
    },
}

# Rough relative errors: a direction and an order of magnitude, never the expected value.
_ERRORS = {
    "sign": {"en": "of the wrong sign", "zh": "符号反了"},
    "zero": {"en": "not 0", "zh": "应为 0"},
    "high": {"en": "too large", "zh": "偏大"},
    "low": {"en": "too small", "zh": "偏小"},
    "far": {"en": "off by more than a factor of 2", "zh": "差了 2 倍以上"},
    "ten": {"en": "off by 10 % or more", "zh": "相差 10% 以上"},
    "close": {"en": "off by less than 10 %", "zh": "相差不到 10%"},
    "result": {"en": "your result is {what}, {size}", "zh": "你的结果{what}，{size}"},
    "answer": {"en": "{what}, {size}", "zh": "{what}，{size}"},
    "differs": {"en": "your result differs in some entries", "zh": "你的结果有些分量不对"},
}


def _rough_error(got: float, expected: float, lang: str, template: str) -> str:
    """'too large by less than 10 %'-style text comparing two numbers (no expected value)."""
    if expected == 0:
        return _ERRORS["zero"][lang] if template == "answer" else _ERRORS["differs"][lang]
    if got != 0 and math.copysign(1, got) != math.copysign(1, expected):
        what = _ERRORS["sign"][lang]
        return what if template == "answer" else _ERRORS["differs"][lang]
    ratio = abs(got / expected) if expected else math.inf
    what = _ERRORS["high" if abs(got) > abs(expected) else "low"][lang]
    big = max(ratio, 1 / ratio) if ratio > 0 else math.inf
    size = _ERRORS["far" if big > 2 else "ten" if big > 1.1 else "close"][lang]
    return _ERRORS[template][lang].format(what=what, size=size)


@dataclass(frozen=True)
class Feedback:
    """Result of a check: ``passed`` and a human-readable ``message``.

    Shown in a notebook as a coloured line whose mark (✓, ✗ or ✎ on a coloured badge)
    needs no emoji font; the plain-text form starts with ✅, ❌ or ✏️.
    """

    passed: bool
    message: str
    attempted: bool = True

    def __bool__(self) -> bool:
        return self.passed

    def _state(self) -> str:
        return "pass" if self.passed else ("todo" if not self.attempted else "fail")

    def __repr__(self) -> str:
        mark = {"pass": "✅", "todo": "✏️", "fail": "❌"}[self._state()]
        return f"{mark} {self.message}"

    def _repr_html_(self) -> str:
        mark, colour = {
            "pass": ("✓", "#1a7f37"),
            "todo": ("✎", "#9a6700"),
            "fail": ("✗", "#cf222e"),
        }[self._state()]
        badge = (
            f'<span style="display:inline-block;min-width:1.4em;padding:0 .3em;margin-right:.4em;'
            f"border-radius:.3em;background:{colour};color:#fff;font-weight:bold;"
            f'text-align:center;font-family:DejaVu Sans,Arial,sans-serif">{mark}</span>'
        )
        return (
            f'<div class="l2-feedback l2-feedback-{self._state()}" style="color:{colour}">'
            f"{badge}{html.escape(self.message)}</div>"
        )


def _lang(lang):
    lang = lang or notebook.language()
    if lang not in notebook.LANGS:
        raise ValueError(f"lang must be one of {notebook.LANGS}, got {lang!r}.")
    return lang


def _short(x, limit: int = 80) -> str:
    if isinstance(x, np.ndarray):
        with np.printoptions(precision=4, suppress=True, threshold=12, edgeitems=2):
            text = np.array2string(x, separator=", ").replace("\n", "")
    elif isinstance(x, float):
        text = f"{x:.6g}"
    else:
        text = repr(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt_args(args) -> str:
    return "(" + ", ".join(_short(a) for a in args) + ")"


def _as_numeric(x):
    if hasattr(x, "detach"):  # a torch tensor
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=float)


def _fresh(args) -> tuple:
    """A private copy of a case's arguments (nested lists of arrays included), so that
    neither function can change the test data by mutating its input in place."""
    try:
        return copy.deepcopy(args)
    except Exception:  # e.g. a non-leaf torch tensor: copy the top-level arrays at least
        return tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in args)


def _not_attempted(x) -> bool:
    return x is None or x is Ellipsis


def _hint_text(hint, lang: str) -> str:
    if hint is None:
        return ""
    if isinstance(hint, str):
        if lang != "en":
            warnings.warn(
                "hint is a plain string, shown untranslated in a Chinese notebook; "
                'give a dict {"en": ..., "zh": ...}.',
                stacklevel=3,
            )
        return hint
    return hint.get(lang, "")


def _join(message: str, hint: str, lang: str) -> str:
    if not hint:
        return message
    return f"{message} {hint}" if lang == "en" else f"{message}{hint}"


def _same_shape_values(got, expected):
    """``got`` and ``expected`` as arrays; a 1-element answer counts as the scalar asked for."""
    exp_arr, got_arr = _as_numeric(expected), _as_numeric(got)
    if exp_arr.shape != got_arr.shape and got_arr.size == exp_arr.size == 1:
        got_arr = got_arr.reshape(exp_arr.shape)
    return got_arr, exp_arr


def _close(got_arr, exp_arr, rtol, atol) -> bool:
    return got_arr.shape == exp_arr.shape and bool(
        np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol)
    )


def _function_feedback(student_fn, reference_fn, cases, rtol, atol, lang, mistakes=()):
    msg = _MESSAGES
    if _not_attempted(student_fn):
        return Feedback(False, msg["value_todo"][lang], attempted=False)
    if not callable(student_fn):
        return Feedback(False, msg["not_function"][lang].format(got=_short(student_fn)))
    cases = [c if isinstance(c, tuple) else (c,) for c in cases]
    if not cases:
        raise ValueError("cases is empty; give at least one input to test.")
    n = len(cases)
    for i, args in enumerate(cases, start=1):
        expected = reference_fn(*_fresh(args))
        try:
            got = student_fn(*_fresh(args))
        except NotImplementedError:
            return Feedback(False, msg["todo_raised"][lang], attempted=False)
        except Exception as exc:  # report, never crash the notebook
            err = f"{type(exc).__name__}: {exc}"
            return Feedback(
                False, msg["raised"][lang].format(i=i, n=n, err=err, args=_fmt_args(args))
            )
        if _not_attempted(got):
            return Feedback(False, msg["todo"][lang].format(got=got), attempted=False)
        try:
            got_arr, exp_arr = _same_shape_values(got, expected)
        except (TypeError, ValueError):
            return Feedback(
                False,
                msg["value"][lang].format(
                    i=i, n=n, args=_fmt_args(args), error=_ERRORS["differs"][lang]
                ),
            )
        if got_arr.shape != exp_arr.shape:
            return Feedback(
                False,
                msg["shape"][lang].format(
                    i=i, n=n, args=_fmt_args(args), expected=exp_arr.shape, got=got_arr.shape
                ),
            )
        if not _close(got_arr, exp_arr, rtol, atol):
            if exp_arr.size == 1:
                error = _rough_error(float(got_arr.item()), float(exp_arr.item()), lang, "result")
            else:
                error = _ERRORS["differs"][lang]
            text = msg["value"][lang].format(i=i, n=n, args=_fmt_args(args), error=error)
            return Feedback(False, _join(text, _matching_hint(got_arr, args, mistakes, lang), lang))
    return Feedback(True, msg["pass"][lang].format(n=n))


def _matching_hint(got_arr, args, mistakes, lang) -> str:
    """The hint of the first typical mistake whose result equals the student's on this case."""
    for mistake in mistakes:
        try:
            wrong = _as_numeric(mistake.answer(*_fresh(args)))
        except Exception:
            continue
        if wrong.shape == got_arr.shape and np.allclose(got_arr, wrong, rtol=1e-6, atol=1e-12):
            return mistake.hint[lang]
    return ""


def check(student_fn, reference_fn, cases, *, rtol=1e-6, atol=1e-9, lang=None) -> Feedback:
    """Run ``student_fn`` on every case and compare it with ``reference_fn``.

    Parameters
    ----------
    student_fn, reference_fn : callable
        The student's function and an independent correct one.
    cases : sequence
        Inputs; each case is a tuple of positional arguments (a non-tuple is one argument).
    rtol, atol : float
        Tolerances for :func:`numpy.allclose`.
    lang : {"en", "zh"}, optional
        Language of the message; defaults to the notebook's language.

    Returns
    -------
    Feedback
        Passed if every case matches; otherwise says which case failed, its input, and
        whether the result is too large or too small (never the expected value), or the
        exception raised. A 1-element array counts as the scalar asked for. A function
        that returns ``None`` or ``...`` is reported as not attempted yet.
    """
    lang = _lang(lang)
    if not callable(reference_fn):
        raise ValueError("reference_fn must be a function.")
    return _function_feedback(student_fn, reference_fn, cases, rtol, atol, lang)


def _value_tolerance(expected: float, digits: int | None, rtol: float, atol: float) -> float:
    """How far an answer may be from ``expected``: half a unit in the last stated digit."""
    if digits is None or expected == 0:
        return max(atol, rtol * abs(expected))
    exponent = math.floor(math.log10(abs(expected)))
    return 0.5 * 10.0 ** (exponent - digits + 1) * (1 + 1e-9) + 1e-15 * abs(expected)


def _as_answer(answer) -> float:
    try:
        return float(np.asarray(_as_numeric(answer)).item())  # also a 1-element array or tensor
    except (TypeError, ValueError):
        return math.nan


def _value_feedback(answer, expected, digits, rtol, atol, lang, mistakes=(), hint=None):
    msg = _MESSAGES
    if _not_attempted(answer):
        return Feedback(False, msg["value_todo"][lang], attempted=False)
    got = _as_answer(answer)
    if not math.isfinite(got):
        return Feedback(False, msg["value_nan"][lang].format(got=_short(answer)))
    expected = float(expected)
    if abs(got - expected) <= _value_tolerance(expected, digits, rtol, atol):
        return Feedback(True, msg["value_pass"][lang].format(got=_short(got)))
    text = msg["value_wrong"][lang].format(
        got=_short(got), error=_rough_error(got, expected, lang, "answer")
    )
    extra = _hint_text(hint, lang)
    for mistake in mistakes:
        wrong = mistake.value()
        if math.isfinite(wrong) and abs(got - wrong) <= _value_tolerance(wrong, digits, rtol, atol):
            extra = mistake.hint[lang]
            break
    return Feedback(False, _join(text, extra, lang))


def check_value(
    answer, expected, *, digits=None, rtol=1e-6, atol=1e-9, hint=None, lang=None
) -> Feedback:
    """Grade a single numeric answer against ``expected``.

    Parameters
    ----------
    answer : number, 1-element array or tensor
        The student's answer.
    expected : float
    digits : int, optional
        Significant digits the question asks for: an answer correct to that many digits
        passes (0.00166 for 0.00165877 with ``digits=3``). Default: ``rtol``/``atol``.
    rtol, atol : float
        Tolerances when ``digits`` is not given.
    hint : dict or str, optional
        ``{"en": ..., "zh": ...}`` shown when the answer is wrong (a plain string is shown as
        it is, with a warning in a Chinese notebook).
    lang : {"en", "zh"}, optional

    Returns
    -------
    Feedback
        When wrong, it says whether the answer is too large or too small and roughly by how
        much, never the expected value.
    """
    lang = _lang(lang)
    if digits is not None:
        _check_digits(digits)
    return _value_feedback(answer, expected, digits, rtol, atol, lang, hint=hint)


# --- the registry -----------------------------------------------------------------------------

_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[1-9][0-9]*$")
_REGISTRY: dict[str, Exercise] = {}


def _check_digits(digits) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 15:
        raise ValueError(f"digits must be an integer from 1 to 15, got {digits!r}.")


def _check_hint(hint, what: str) -> None:
    if not (
        isinstance(hint, dict)
        and all(isinstance(hint.get(lang), str) and hint[lang].strip() for lang in notebook.LANGS)
    ):
        raise ValueError(
            f"{what} must be a dict with a non-empty 'en' and 'zh' text, got {hint!r}."
        )


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and the hint a student who made it gets.

    ``answer`` is a function (for a function exercise: called on each case like the
    student's) or a number, or a function of no arguments returning one (for a value
    exercise). ``hint`` is ``{"en": ..., "zh": ...}``.
    """

    answer: object
    hint: dict

    def __post_init__(self):
        _check_hint(self.hint, "a Mistake's hint")
        if not callable(self.answer) and _as_answer(self.answer) != _as_answer(self.answer):
            raise ValueError(
                f"a Mistake's answer must be a function or a number, got {self.answer!r}."
            )

    def value(self) -> float:
        """The wrong number (value exercises)."""
        return _as_answer(self.answer() if callable(self.answer) else self.answer)


@dataclass(frozen=True)
class Exercise:
    """One registered exercise.

    Parameters
    ----------
    key : str
        ``"<topic>.<n>"``: the lesson's file name without its number (``penalized_loss``) and
        the exercise's number in it.
    kind : {"function", "value"}
        The student writes a function, or types a number.
    solution : callable
        The reference solution, written as a student would: a function (function kind) or a
        function of no arguments returning the value (value kind). :func:`solution` shows its
        source (so write it as a named function, not a lambda); the tests check that it passes.
    reference : callable, optional
        Function kind: an independent correct implementation (from the package, a library...).
    cases : callable, optional
        Function kind: a function of no arguments returning the list of argument tuples.
    expected : callable, optional
        Value kind: a function of no arguments computing the expected value independently.
    digits : int, optional
        Value kind: the significant digits the question asks for.
    mistakes : sequence of Mistake
        Typical wrong answers (the tests check that each fails); a matching answer gets its hint.
    rtol, atol : float
        Tolerances (function kind, and value kind without ``digits``).
    explanation : dict, optional
        ``{"en": ..., "zh": ...}`` shown above the solution's code.
    """

    key: str
    kind: str
    solution: Callable
    reference: Callable | None = None
    cases: Callable | None = None
    expected: Callable | None = None
    digits: int | None = None
    mistakes: tuple = field(default_factory=tuple)
    rtol: float = 1e-6
    atol: float = 1e-9
    explanation: dict | None = None

    def __post_init__(self):
        if not isinstance(self.key, str) or not _KEY.match(self.key):
            raise ValueError(
                f"key must look like 'topic.1' (lowercase topic, a number), got {self.key!r}."
            )
        if self.kind not in ("function", "value"):
            raise ValueError(f"kind must be 'function' or 'value', got {self.kind!r}.")
        if not callable(self.solution):
            raise ValueError(f"{self.key}: solution must be a function.")
        if self.kind == "function":
            if not callable(self.reference) or not callable(self.cases):
                raise ValueError(
                    f"{self.key}: a function exercise needs a reference and cases (functions)."
                )
        else:
            if not callable(self.expected):
                raise ValueError(
                    f"{self.key}: a value exercise needs expected (a function of no arguments)."
                )
            if self.digits is not None:
                _check_digits(self.digits)
        mistakes = tuple(self.mistakes)
        if not all(isinstance(m, Mistake) for m in mistakes):
            raise ValueError(f"{self.key}: mistakes must be Mistake objects.")
        object.__setattr__(self, "mistakes", mistakes)
        if self.explanation is not None:
            _check_hint(self.explanation, f"{self.key}: explanation")

    @property
    def topic(self) -> str:
        return self.key.split(".")[0]


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to the registry (a later registration of the same key replaces it)."""
    if not isinstance(exercise, Exercise):
        raise ValueError(f"register takes an Exercise, got {type(exercise).__name__}.")
    _REGISTRY[exercise.key] = exercise
    return exercise


def _bank_modules() -> list[str]:
    from . import exercise_bank

    return sorted(m.name for m in pkgutil.iter_modules(exercise_bank.__path__))


def get(key: str) -> Exercise:
    """The registered exercise ``key`` (its lesson's bank module is imported on first use)."""
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"an exercise key looks like 'penalized_loss.1', got {key!r}.")
    if key not in _REGISTRY:
        topic = key.split(".")[0]
        if topic in _bank_modules():
            importlib.import_module(f"{__package__}.exercise_bank.{topic}")
    if key not in _REGISTRY:
        known = sorted(k for k in _REGISTRY if k.startswith(key.split(".")[0] + "."))
        raise ValueError(f"there is no exercise {key!r}; known in its lesson: {known or 'none'}.")
    return _REGISTRY[key]


def all_exercises() -> dict[str, Exercise]:
    """Every exercise of the course, by key (imports every bank module)."""
    for name in _bank_modules():
        importlib.import_module(f"{__package__}.exercise_bank.{name}")
    return dict(sorted(_REGISTRY.items()))


def grade(key: str, answer, *, lang=None) -> Feedback:
    """Grade a student's ``answer`` (a function, or a number) to the exercise ``key``.

    Returns
    -------
    Feedback
        Truthy when right. When wrong: the failing case and its input, a direction or a
        rough relative error, and the hint of the typical mistake the answer matches, if
        any; never the expected value.
    """
    lang = _lang(lang)
    ex = get(key)
    if ex.kind == "function":
        return _function_feedback(
            answer, ex.reference, ex.cases(), ex.rtol, ex.atol, lang, ex.mistakes
        )
    return _value_feedback(
        answer, ex.expected(), ex.digits, ex.rtol, ex.atol, lang, mistakes=ex.mistakes
    )


@dataclass(frozen=True)
class Solution:
    """A reference solution, displayed as Markdown (text and highlighted code)."""

    text: str
    code: str

    def _repr_markdown_(self) -> str:
        return (self.text + "\n\n" if self.text else "") + f"```python\n{self.code}\n```"

    def __repr__(self) -> str:
        return (self.text + "\n\n" if self.text else "") + self.code


_SOLUTION_LABEL = {"en": "Reference solution", "zh": "参考答案"}
_VALUE_LABEL = {"en": "value", "zh": "结果"}


def solution(key: str, *, lang=None) -> Solution:
    """The reference solution of exercise ``key``: its explanation and its code.

    For a value exercise the code is followed by the value it computes.
    """
    lang = _lang(lang)
    ex = get(key)
    try:
        code = textwrap.dedent(inspect.getsource(ex.solution)).strip()
    except (OSError, TypeError):
        code = repr(ex.solution)
    if ex.kind == "value":
        sep = "：" if lang == "zh" else ": "
        code += f"\n\n# {_VALUE_LABEL[lang]}{sep}{_short(_as_answer(ex.solution()))}"
    text = f"**{_SOLUTION_LABEL[lang]}**" + ("：" if lang == "zh" else ": ")
    if ex.explanation:
        text += ex.explanation[lang]
    return Solution(text.rstrip(": ").rstrip("："), code)
