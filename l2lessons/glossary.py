"""The course's bilingual glossary: one English term, one Chinese term (plumbing).

The terms live in ``glossary.tsv`` next to this file, with the Chinese variants
the course avoids; a test keeps the Chinese notebooks free of those variants.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import notebook

__all__ = ["Term", "terms", "lookup", "table"]

PATH = Path(__file__).with_name("glossary.tsv")


@dataclass(frozen=True)
class Term:
    en: str
    zh: str
    avoid: tuple = ()
    note: str = ""


@lru_cache(maxsize=1)
def terms() -> tuple:
    """Every glossary entry, in file order."""
    with PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return tuple(
        Term(
            r["en"].strip(),
            r["zh"].strip(),
            tuple(v.strip() for v in (r["avoid"] or "").split(",") if v.strip()),
            (r["note"] or "").strip(),
        )
        for r in rows
    )


def lookup(en: str) -> Term:
    """The entry for an English term (case-insensitive)."""
    for t in terms():
        if t.en.lower() == en.lower():
            return t
    raise ValueError(f"{en!r} is not in the glossary ({PATH.name}); add it there first.")


class _Markdown(str):
    def _repr_markdown_(self):
        return str(self)


def table(words, lang=None) -> str:
    """A Markdown table of the given English terms in both languages, for a lesson.

    The notebook's language (see :func:`l2lessons.setup`) comes first.
    """
    lang = lang or notebook.language()
    rows = [lookup(w) for w in words]
    if not rows:
        raise ValueError("words is empty; name at least one glossary term.")
    if lang == "zh":
        lines = ["| 中文 | English |", "|---|---|"] + [f"| {t.zh} | {t.en} |" for t in rows]
    else:
        lines = ["| English | 中文 |", "|---|---|"] + [f"| {t.en} | {t.zh} |" for t in rows]
    return _Markdown("\n".join(lines))
