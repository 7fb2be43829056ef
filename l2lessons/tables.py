"""Plain-text tables aligned by display width (plumbing, pure Python).

A Chinese character takes two columns in a monospaced font, so padding by ``len``
misaligns any table with Chinese labels. Every module and lesson that prints a table
pads with :func:`pad` or builds it with :func:`format_table`.

Examples
--------
>>> print(format_table([("λ", "验证误差"), ("0.01", "0.12")]))
λ     验证误差
0.01  0.12
"""

from __future__ import annotations

import unicodedata

__all__ = ["display_width", "format_table", "pad"]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font (wide and full-width characters take two)."""
    text = str(text)
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def pad(text, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` display columns (``align`` "<", ">" or "^")."""
    if align not in ("<", ">", "^"):
        raise ValueError(f"align must be '<', '>' or '^', got {align!r}.")
    text = str(text)
    gap = max(0, int(width) - display_width(text))
    if align == "<":
        return text + " " * gap
    if align == ">":
        return " " * gap + text
    left = gap // 2
    return " " * left + text + " " * (gap - left)


def format_table(rows, align=None, sep: str = "  ") -> str:
    """Rows of cells as aligned text lines (no trailing spaces).

    Parameters
    ----------
    rows : sequence of sequences
        The first row is usually the header; every row must have the same length.
        Cells are converted with ``str``.
    align : str, optional
        One character per column, each "<" (left), ">" (right) or "^" (centre).
        Default: every column left-aligned.
    sep : str, optional
        Between columns. Default two spaces.

    Raises
    ------
    ValueError
        If ``rows`` is empty, the rows differ in length or ``align`` does not fit them.
    """
    table = [[str(cell) for cell in row] for row in rows]
    if not table:
        raise ValueError("rows is empty; give at least one row.")
    ncols = len(table[0])
    for i, row in enumerate(table):
        if len(row) != ncols:
            raise ValueError(f"row {i} has {len(row)} cells but row 0 has {ncols}.")
    align = align or "<" * ncols
    if len(align) != ncols:
        raise ValueError(f"align has {len(align)} characters but the rows have {ncols} cells.")
    widths = [max(display_width(row[j]) for row in table) for j in range(ncols)]
    return "\n".join(
        sep.join(pad(cell, w, a) for cell, w, a in zip(row, widths, align, strict=True)).rstrip()
        for row in table
    )
