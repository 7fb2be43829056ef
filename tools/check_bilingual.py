"""Check that the English and Chinese notebooks of the course are in step.

Every notebook in ``notebooks/en/`` must have a twin with the same file name in
``notebooks/zh/``, and the two must have the same cells in the same order: same
cell types, tags, slide metadata and ``metadata.jupyter``, and code cells that
differ in nothing but comments and string literals.  Markdown cells of the
Chinese notebook must contain Chinese characters.  Outputs are not compared.

Usage::

    python tools/check_bilingual.py [ROOT]

ROOT is the folder holding ``en/`` and ``zh/``; by default the ``notebooks``
folder of the repository.  Each problem is printed on its own line, prefixed
with the notebook file name; the exit status is 1 if there are problems, else 0.

Only the standard library and ``nbformat`` are used.
"""

from __future__ import annotations

import argparse
import io
import sys
import tokenize
from pathlib import Path

import nbformat

DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "notebooks"

# Placeholder that stands in for an IPython magic or shell line while tokenizing;
# the magic line's own text is put back into the normalized token sequence.
_MAGIC_PLACEHOLDER = "__ipython_magic_line__"
_STRING_PLACEHOLDER = "<str>"

# Token types that carry no meaning for the comparison.
_SKIPPED_TOKENS = {tokenize.COMMENT, tokenize.NL}
# Token types compared by type only (their text is whitespace or empty).
_LAYOUT_TOKENS = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
# Python 3.12+ splits f-strings into several tokens (3.14+ does the same for
# t-strings); older versions give one STRING token.  getattr keeps this portable.
_TEMPLATE_STARTS = {getattr(tokenize, name, None) for name in ("FSTRING_START", "TSTRING_START")}
_TEMPLATE_ENDS = {getattr(tokenize, name, None) for name in ("FSTRING_END", "TSTRING_END")}
_TEMPLATE_STARTS.discard(None)
_TEMPLATE_ENDS.discard(None)


class _TokenizeFailed(Exception):
    """Raised when a code cell cannot be tokenized as Python."""


# ----------------------------------------------------------------------------
# Code cells
# ----------------------------------------------------------------------------


def _is_magic_line(line: str) -> bool:
    """Return True if ``line`` is an IPython magic (``%``) or shell (``!``) line."""
    return line.lstrip().startswith(("%", "!"))


def _replace_magic_lines(source: str) -> tuple[str, dict[int, str]]:
    """Replace magic and shell lines by a placeholder name.

    A line counts as a magic line when its first non-blank character is ``%`` or
    ``!`` and the previous line does not end with a backslash continuation.
    (A ``%`` at the start of a line inside open brackets is the modulo operator;
    such a cell then fails to tokenize and is compared by the fallback.)

    Returns
    -------
    source : str
        The source with each magic line replaced by its indentation and a
        placeholder name, so line numbers are unchanged.
    magic_lines : dict[int, str]
        1-based line number -> stripped text of the magic line.
    """
    lines = source.splitlines(keepends=True)
    magic_lines: dict[int, str] = {}
    previous = ""
    for number, line in enumerate(lines, start=1):
        if _is_magic_line(line) and not previous.rstrip("\r\n").endswith("\\"):
            indent = line[: len(line) - len(line.lstrip())]
            ending = line[len(line.rstrip("\r\n")) :]
            lines[number - 1] = f"{indent}{_MAGIC_PLACEHOLDER}{ending}"
            magic_lines[number] = line.strip()
        previous = line
    return "".join(lines), magic_lines


_CLOSING_BRACKETS = {")", "]", "}"}


def normalize_code(source: str) -> list[tuple[str, str, int]]:
    """Turn code into the token sequence used for comparison.

    Comments and non-logical newlines are dropped, every string literal becomes
    ``"<str>"`` (adjacent literals, which Python concatenates, become one), and
    each magic or shell line becomes one ``MAGIC`` token holding the line's text.
    A whole f-string (or t-string) is one ``"<str>"``, *including* the
    expressions inside its braces: on Python 3.11 it is a single STRING token
    anyway, and 3.12+ is made to agree.  Indentation is compared by structure
    (INDENT/DEDENT), not by width. A trailing comma before a closing bracket is
    dropped: ruff/black add one when a long line is split, so the same code in
    two languages may differ only there.

    Parameters
    ----------
    source : str
        The code cell source.

    Returns
    -------
    list of (token type name, token text, 1-based line number)

    Raises
    ------
    _TokenizeFailed
        If the source cannot be tokenized.
    """
    prepared, magic_lines = _replace_magic_lines(source)
    normalized: list[tuple[str, str, int]] = []
    template_depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(prepared).readline):
            kind, text, row = token.type, token.string, token.start[0]
            if kind in _TEMPLATE_STARTS:
                if template_depth == 0:
                    _append_string(normalized, row)
                template_depth += 1
                continue
            if kind in _TEMPLATE_ENDS:
                template_depth -= 1
                continue
            if template_depth > 0 or kind in _SKIPPED_TOKENS:
                continue
            if kind == tokenize.ERRORTOKEN and text.strip():
                raise _TokenizeFailed(f"cannot tokenize {text!r} on line {row}")
            if kind == tokenize.STRING:
                _append_string(normalized, row)
            elif kind == tokenize.NAME and text == _MAGIC_PLACEHOLDER and row in magic_lines:
                normalized.append(("MAGIC", magic_lines[row], row))
            elif kind in _LAYOUT_TOKENS:
                normalized.append((tokenize.tok_name[kind], "", row))
            elif text in _CLOSING_BRACKETS and normalized and normalized[-1][1] == ",":
                # a trailing comma is layout: the formatter adds one when a line is split
                normalized[-1] = (tokenize.tok_name[kind], text, row)
            else:
                normalized.append((tokenize.tok_name[kind], text, row))
    except (tokenize.TokenError, SyntaxError) as error:  # IndentationError is a SyntaxError
        raise _TokenizeFailed(str(error)) from error
    return normalized


def _append_string(normalized: list[tuple[str, str, int]], row: int) -> None:
    """Append a string placeholder unless the previous token already is one."""
    if normalized and normalized[-1][:2] == ("STRING", _STRING_PLACEHOLDER):
        return
    normalized.append(("STRING", _STRING_PLACEHOLDER, row))


def _strip_comment(line: str) -> str:
    """Remove a ``#`` comment from one line, leaving ``#`` inside quotes alone."""
    quote = None
    escaped = False
    for position, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:position]
    return line


def _lines_without_comments(source: str) -> list[tuple[int, str]]:
    """Non-blank lines of ``source`` with comments removed, as (1-based number, text)."""
    kept = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = _strip_comment(line).rstrip()
        if code.strip():
            kept.append((number, code))
    return kept


def _source_line(source: str, number: int) -> str:
    """Return line ``number`` (1-based) of ``source``, or a marker past the end."""
    lines = source.splitlines()
    if 1 <= number <= len(lines):
        return repr(lines[number - 1].strip())
    return "<end of cell>"


def compare_code(en_source: str, zh_source: str) -> str | None:
    """Compare two code cells, ignoring comments and string literals.

    Parameters
    ----------
    en_source, zh_source : str
        Sources of the English and the Chinese code cell.

    Returns
    -------
    str or None
        None if the cells agree, else a description of the first difference,
        quoting the first differing line of each source.
    """
    try:
        en_tokens = normalize_code(en_source)
        zh_tokens = normalize_code(zh_source)
    except _TokenizeFailed:
        return _compare_code_fallback(en_source, zh_source)
    for en_token, zh_token in zip(en_tokens, zh_tokens, strict=False):
        if en_token[:2] != zh_token[:2]:
            return _describe_code_difference(
                "code differs (ignoring comments and strings)",
                en_source,
                en_token[2],
                zh_source,
                zh_token[2],
            )
    if len(en_tokens) != len(zh_tokens):  # cannot happen: both end with ENDMARKER
        return "code differs (ignoring comments and strings): different length"
    return None


def _compare_code_fallback(en_source: str, zh_source: str) -> str | None:
    """Compare code that does not tokenize, line by line with comments removed."""
    en_lines = _lines_without_comments(en_source)
    zh_lines = _lines_without_comments(zh_source)
    label = "code differs (could not tokenize; compared lines with comments stripped)"
    for (en_number, en_line), (zh_number, zh_line) in zip(en_lines, zh_lines, strict=False):
        if en_line.strip() != zh_line.strip():
            return _describe_code_difference(label, en_source, en_number, zh_source, zh_number)
    if len(en_lines) != len(zh_lines):
        en_number = en_lines[len(zh_lines)][0] if len(en_lines) > len(zh_lines) else 0
        zh_number = zh_lines[len(en_lines)][0] if len(zh_lines) > len(en_lines) else 0
        return _describe_code_difference(label, en_source, en_number, zh_source, zh_number)
    return None


def _describe_code_difference(
    label: str, en_source: str, en_line: int, zh_source: str, zh_line: int
) -> str:
    """Format a code difference that quotes one line of each source."""
    return (
        f"{label}: en line {en_line}: {_source_line(en_source, en_line)}"
        f" | zh line {zh_line}: {_source_line(zh_source, zh_line)}"
    )


# ----------------------------------------------------------------------------
# Cells and notebooks
# ----------------------------------------------------------------------------


def has_chinese(text: str) -> bool:
    """Return True if ``text`` holds a CJK ideograph (U+4E00-U+9FFF or U+3400-U+4DBF)."""
    return any("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" for char in text)


def _source(cell) -> str:
    """Return a cell's source as one string (nbformat may hold a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _show_metadata(value) -> str:
    """Format a metadata value for a message; absent values read '(none)'."""
    return "(none)" if value is None else repr(value)


def _compare_metadata(en_cell, zh_cell) -> list[str]:
    """Compare tags, ``slideshow`` and ``jupyter`` metadata of two cells."""
    problems = []
    en_tags = sorted(en_cell.get("metadata", {}).get("tags", []))
    zh_tags = sorted(zh_cell.get("metadata", {}).get("tags", []))
    if en_tags != zh_tags:
        problems.append(f"tags differ: en {en_tags}, zh {zh_tags}")
    for key in ("slideshow", "jupyter"):
        en_value = en_cell.get("metadata", {}).get(key)
        zh_value = zh_cell.get("metadata", {}).get(key)
        if en_value != zh_value:
            problems.append(
                f"{key} metadata differs: en {_show_metadata(en_value)}, "
                f"zh {_show_metadata(zh_value)}"
            )
    return problems


def check_pair(en_nb, zh_nb, name: str = "") -> list[str]:
    """Compare an English notebook with its Chinese twin.

    Parameters
    ----------
    en_nb, zh_nb : nbformat.NotebookNode
        The two notebooks (nbformat v4).
    name : str, optional
        Notebook file name; if given, every message starts with ``"{name}: "``.

    Returns
    -------
    list of str
        Human-readable problems, empty if the pair is in step.  Cells are
        numbered from 1.  Comparison of cells stops at the first cell-type
        mismatch, since the cells after it are out of step.
    """
    prefix = f"{name}: " if name else ""
    problems = []
    en_cells, zh_cells = en_nb.cells, zh_nb.cells
    if len(en_cells) != len(zh_cells):
        problems.append(
            f"{prefix}cell count differs: en has {len(en_cells)}, zh has {len(zh_cells)}"
        )
    for index, (en_cell, zh_cell) in enumerate(zip(en_cells, zh_cells, strict=False), start=1):
        if en_cell.cell_type != zh_cell.cell_type:
            problems.append(
                f"{prefix}cell {index}: cell type differs: en {en_cell.cell_type}, "
                f"zh {zh_cell.cell_type} (cells out of order; later cells not compared)"
            )
            break
        cell_problems = _compare_metadata(en_cell, zh_cell)
        if en_cell.cell_type == "code":
            code_problem = compare_code(_source(en_cell), _source(zh_cell))
            if code_problem:
                cell_problems.append(code_problem)
        problems.extend(f"{prefix}cell {index}: {problem}" for problem in cell_problems)
    for index, zh_cell in enumerate(zh_cells, start=1):
        source = _source(zh_cell)
        if zh_cell.cell_type == "markdown" and not has_chinese(source):
            problems.append(
                f"{prefix}cell {index}: zh markdown cell has no Chinese characters: "
                f"{source.strip()[:60]!r}"
            )
    return problems


def paired_notebook_names(root) -> list[str]:
    """Return the notebook file names present in both ``root/en`` and ``root/zh``."""
    root = Path(root)
    en_names = {path.name for path in (root / "en").glob("*.ipynb")}
    zh_names = {path.name for path in (root / "zh").glob("*.ipynb")}
    return sorted(en_names & zh_names)


def _read_notebook(path: Path, problems: list[str], label: str):
    """Read a notebook as nbformat v4, or record why it cannot be read."""
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # any unreadable file is a problem to report
        problems.append(f"{path.name}: cannot read {label} notebook: {error}")
        return None


def check_tree(root) -> list[str]:
    """Compare every ``root/en/*.ipynb`` with ``root/zh/*.ipynb``.

    Parameters
    ----------
    root : str or Path
        Folder holding the ``en`` and ``zh`` folders.

    Returns
    -------
    list of str
        Problems, each prefixed with the notebook file name (or the folder for
        problems with the folders themselves); empty if all is in step.
    """
    root = Path(root)
    en_dir, zh_dir = root / "en", root / "zh"
    missing = [folder for folder in (en_dir, zh_dir) if not folder.is_dir()]
    if missing:
        return [f"{folder}: folder missing" for folder in missing]
    en_names = {path.name for path in en_dir.glob("*.ipynb")}
    zh_names = {path.name for path in zh_dir.glob("*.ipynb")}
    if not en_names and not zh_names:
        return [f"{root}: no notebooks found in en/ or zh/"]
    problems = [f"{name}: only in en/ (no zh/{name})" for name in sorted(en_names - zh_names)]
    problems += [f"{name}: only in zh/ (no en/{name})" for name in sorted(zh_names - en_names)]
    for name in sorted(en_names & zh_names):
        en_nb = _read_notebook(en_dir / name, problems, "en")
        zh_nb = _read_notebook(zh_dir / name, problems, "zh")
        if en_nb is not None and zh_nb is not None:
            problems.extend(check_pair(en_nb, zh_nb, name=name))
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the check from the command line; return the exit status (0 OK, 1 problems)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root",
        nargs="?",
        default=DEFAULT_ROOT,
        type=Path,
        help=f"folder holding en/ and zh/ (default: {DEFAULT_ROOT})",
    )
    args = parser.parse_args(argv)
    problems = check_tree(args.root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"bilingual check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"bilingual check OK: {len(paired_notebook_names(args.root))} notebook pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
