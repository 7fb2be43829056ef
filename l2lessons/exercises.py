"""Self-checking exercises: instant, specific feedback on a student's answer (plumbing).

``check`` runs a student's function on a list of inputs and compares each result
with a reference implementation; ``check_value`` grades a single number. Both
return a :class:`Feedback`, which shows as a one-paragraph message in a notebook
and is truthy when the answer is right. Messages follow the notebook language set
by :func:`l2lessons.setup`.

Examples
--------
>>> import numpy as np
>>> fb = check(lambda W: float(np.sum(W**2)), lambda W: float(np.linalg.norm(W) ** 2),
...            [np.eye(2)], lang="en")
>>> bool(fb)
True
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from . import notebook

__all__ = ["Feedback", "check", "check_value"]

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
    "raised": {
        "en": "Case {i} of {n} raised {err} for input {args}.",
        "zh": "第 {i}/{n} 个用例出错：输入 {args} 时抛出 {err}。",
    },
    "shape": {
        "en": "Case {i} of {n}: wrong shape for input {args}: expected {expected}, got {got}.",
        "zh": "第 {i}/{n} 个用例形状不对：输入 {args} 时应为 {expected}，实际为 {got}。",
    },
    "value": {
        "en": "Case {i} of {n}: wrong value for input {args}: expected {expected}, got {got}.",
        "zh": "第 {i}/{n} 个用例结果不对：输入 {args} 时应为 {expected}，实际为 {got}。",
    },
    "value_pass": {
        "en": "Correct: {got} (expected {expected}).",
        "zh": "回答正确：{got}（标准答案 {expected}）。",
    },
    "value_todo": {
        "en": "Not attempted yet: replace the `...` with your answer.",
        "zh": "尚未作答：请把 `...` 换成你的答案。",
    },
    "value_wrong": {
        "en": "Not quite: expected {expected}, got {got}.{hint}",
        "zh": "还不对：应为 {expected}，你的答案是 {got}。{hint}",
    },
}


@dataclass(frozen=True)
class Feedback:
    """Result of a check: ``passed`` and a human-readable ``message``."""

    passed: bool
    message: str
    attempted: bool = True

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        mark = "✅" if self.passed else ("✏️" if not self.attempted else "❌")
        return f"{mark} {self.message}"


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
        Passed if every case matches; otherwise says which case failed, its input,
        and expected vs got (or the exception raised). A function that returns
        ``None`` or ``...`` is reported as not attempted yet.
    """
    lang = _lang(lang)
    if not callable(student_fn) or not callable(reference_fn):
        raise ValueError("student_fn and reference_fn must both be functions.")
    cases = [c if isinstance(c, tuple) else (c,) for c in cases]
    if not cases:
        raise ValueError("cases is empty; give at least one input to test.")
    msg = _MESSAGES
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
            exp_arr, got_arr = _as_numeric(expected), _as_numeric(got)
        except (TypeError, ValueError):
            return Feedback(
                False,
                msg["value"][lang].format(
                    i=i, n=n, args=_fmt_args(args), expected=_short(expected), got=_short(got)
                ),
            )
        if exp_arr.shape != got_arr.shape:
            return Feedback(
                False,
                msg["shape"][lang].format(
                    i=i, n=n, args=_fmt_args(args), expected=exp_arr.shape, got=got_arr.shape
                ),
            )
        if not np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol):
            return Feedback(
                False,
                msg["value"][lang].format(
                    i=i, n=n, args=_fmt_args(args), expected=_short(expected), got=_short(got)
                ),
            )
    return Feedback(True, msg["pass"][lang].format(n=n))


def check_value(answer, expected, *, rtol=1e-6, atol=1e-9, hint=None, lang=None) -> Feedback:
    """Grade a single numeric answer against ``expected``.

    ``hint`` may be a string, or a dict with "en" and "zh" strings, shown when the
    answer is wrong.
    """
    lang = _lang(lang)
    if _not_attempted(answer):
        return Feedback(False, _MESSAGES["value_todo"][lang], attempted=False)
    try:
        got = float(np.asarray(_as_numeric(answer)).item())  # also a 1-element array or tensor
    except (TypeError, ValueError):
        got = math.nan
    ok = math.isfinite(got) and math.isclose(got, float(expected), rel_tol=rtol, abs_tol=atol)
    if ok:
        return Feedback(
            True,
            _MESSAGES["value_pass"][lang].format(got=_short(got), expected=_short(float(expected))),
        )
    if isinstance(hint, dict):
        hint = hint.get(lang, "")
    hint = f" {hint}" if hint and lang == "en" else (hint or "")
    return Feedback(
        False,
        _MESSAGES["value_wrong"][lang].format(
            expected=_short(float(expected)), got=_short(answer), hint=hint
        ),
    )
