"""Lint the Chinese edition's typography: markdown, printed outputs and Chinese string literals.

Usage:
    python tools/zh_lint.py [ROOT]        # counts per pattern, then every finding; exit 1 if any

The patterns are those of the Chinese review (shared/reviews/lessons-zh.md, part (d)):
spaces after (or before) full-width punctuation, italics on Chinese text, single em dashes and
en dashes in Chinese prose, ASCII quotation marks in Chinese prose, thin-space or short comma
thousands, half-width colons in Chinese output and figure text, two full-width colons in one
printed line, and emphasis that Markdown leaves unrendered (CommonMark does not close ``**``
right after full-width punctuation when Chinese follows: write ``**标签**：文字``).
Markdown is checked with its code spans and math removed; code cells are checked
through their string literals that contain Chinese (figure titles, printed labels), and so are
the package's own Chinese strings (l2lessons/*.py).
"""

from __future__ import annotations

import io
import json
import re
import sys
import tokenize
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CJK = "\u3400-\u9fff"
FULL_PUNCT = "，。、：；！？）」』》"
PATTERNS: dict[str, tuple[str, re.Pattern | None]] = {
    "unrendered_emphasis": (
        "asterisks that Markdown does not render as bold or italics (write **标签**：文字)",
        None,
    ),
    "line_break_in_chinese": (
        "a line break inside a Chinese sentence (the browser shows it as a space)",
        None,
    ),
    "space_after_full_width": (
        "a space after full-width punctuation (also after a bold label: **标签**： 文字)",
        re.compile(rf"[{FULL_PUNCT}]\**[ \t\u3000]+(?=[^\s|])"),
    ),
    "space_before_full_width": (
        "a space before full-width punctuation",
        re.compile(r"(?<=[^\s|])[ \t]+[，。、：；！？]"),
    ),
    "italic_chinese": (
        "italics on Chinese text (*…* or _…_)",
        re.compile(
            rf"(?<![*\\A-Za-z0-9])\*(?![*\s])[^*\n]*[{CJK}][^*\n]*(?<![*\s])\*(?!\*)"
            rf"|(?<![A-Za-z0-9_\\])_(?![_\s])[^_\n]*[{CJK}][^_\n]*(?<![_\s])_(?![A-Za-z0-9_])"
        ),
    ),
    "single_or_en_dash": (
        "a single — or an en dash – in Chinese prose (use ——, ～ for ranges, 偏差-方差)",
        re.compile(r"(?<!—)—(?!—)|–"),
    ),
    "ascii_quotes": (
        'ASCII quotation marks "…" in Chinese prose',
        re.compile(r'"[^"\n]+"'),
    ),
    "thousands": (
        "thousands written with a thin space, or a comma in a 4-digit number (1257, 70,000)",
        re.compile(
            r"(?<![\d.,])\d{1,3}(?:[\u2009\u202f ]\d{3})+(?![\d.])|(?<![\d.,])\d,\d{3}(?![\d,])"
        ),
    ),
    "half_width_colon": (
        "a half-width colon next to Chinese text in output or figure text (use ：)",
        re.compile(rf"[{CJK}）]\s*:(?!//)|(?<![:/]):[ \t]*[{CJK}]"),
    ),
    "two_colons": (
        "two full-width colons in one printed line",
        re.compile(r"：(?:(?! {2}|[，；。])[^\n：])*："),
    ),
}
MARKDOWN = (
    "unrendered_emphasis",
    "line_break_in_chinese",
    "space_after_full_width",
    "space_before_full_width",
    "italic_chinese",
    "single_or_en_dash",
    "ascii_quotes",
    "thousands",
)
OUTPUT = ("space_after_full_width", "space_before_full_width", "half_width_colon", "two_colons")
STRINGS = ("space_after_full_width", "space_before_full_width", "half_width_colon")

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
_TAG = re.compile(r"<[^>]+>")
_CODE_HTML = re.compile(r"<code>.*?</code>|<pre>.*?</pre>", re.S)
_LEFT_OVER = re.compile(r"\*\*|(?<![*\w])\*(?=\S)")


def unrendered_emphasis(markdown: str) -> list[str]:
    """Excerpts where ``*`` or ``**`` survive CommonMark rendering as literal asterisks.

    Math is replaced first by a placeholder, as JupyterLab does before rendering Markdown.
    """
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(_MATH.sub("@@0@@", markdown))
    text = _TAG.sub("", _CODE_HTML.sub("", html))
    return [
        text[max(0, m.start() - 12) : m.end() + 12].replace("\n", "⏎")
        for m in _LEFT_OVER.finditer(text)
    ]


_CODE_AND_MATH = re.compile(r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|https?://[^\s)]+", re.S)
_INVISIBLE = re.compile(r"<[^>\n]*>|(?<=\])\([^)\n]*\)")
_HAS_CJK = re.compile(rf"[{CJK}]")
_PROGRESS = re.compile(r"\d+%\|")  # a tqdm progress bar: its "desc: " colon is tqdm's own


def prose(markdown: str) -> str:
    """``markdown`` with code and math replaced by ``X``, HTML tags and link targets dropped."""
    return _CODE_AND_MATH.sub("X", _INVISIBLE.sub("", markdown))


def chinese_strings(code: str) -> list[str]:
    """The string literals of ``code`` that contain Chinese (empty if it does not tokenize)."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.STRING and _HAS_CJK.search(tok.string):
                found.append(tok.string)
            elif getattr(tokenize, "FSTRING_MIDDLE", None) == tok.type and _HAS_CJK.search(
                tok.string
            ):
                found.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def _outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", [])))
        else:
            data = out.get("data", {})
            if "text/html" not in data:  # HTML outputs (scrubbers) are checked by the browser suite
                parts.append("".join(data.get("text/plain", [])))
    return "\n".join(parts)


def _scan(text: str, names, where: str, findings: list) -> None:
    for name in names:
        if PATTERNS[name][1] is None:
            continue  # needs the Markdown source: see _scan_markdown
        for match in PATTERNS[name][1].finditer(text):
            start = max(0, match.start() - 12)
            findings.append((name, where, text[start : match.end() + 12].replace("\n", "⏎")))


_WIDE = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_ENDS_WIDE = re.compile(rf"[{_WIDE}]$")
_ENDS_PUNCT = re.compile(r"[，。、：；！？）」』》”]$")
_STARTS_WIDE = re.compile(rf"^[ \t]*[{_WIDE}]")
_BLOCK_START = re.compile(r"^\s*([-*+]\s|\d+\.\s|#|\||>|\$\$|```|<|$)")


def soft_breaks(markdown: str) -> list[str]:
    """Line breaks inside a Chinese paragraph: after a Chinese character before another, or
    after full-width punctuation before anything but a new block. Markdown turns them into a
    space, which Chinese text must not have (code fences and display math are skipped)."""
    found, previous, fence, math = [], "", False, False
    for line in markdown.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
        elif stripped.startswith("$$") and not (stripped.endswith("$$") and len(stripped) > 2):
            math = not math
        elif (
            not (fence or math)
            and previous.strip()
            and not previous.lstrip().startswith(("#", "|", "$$", "<", ">"))
            and not _BLOCK_START.match(line)
        ):
            wide = _ENDS_WIDE.search(previous) and _STARTS_WIDE.search(line)
            if wide or _ENDS_PUNCT.search(previous):
                found.append(f"{previous[-12:]}⏎{line.strip()[:12]}")
        previous = line
    return found


def _scan_markdown(text: str, where: str, findings: list) -> None:
    _scan(prose(text), MARKDOWN, where, findings)
    findings += [("unrendered_emphasis", where, e) for e in unrendered_emphasis(text)]
    findings += [("line_break_in_chinese", where, e) for e in soft_breaks(text)]


def lint_notebook(path: Path) -> list[tuple[str, str, str]]:
    """Findings (pattern, where, excerpt) of one Chinese notebook."""
    findings: list = []
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        where = f"{path.name} cell {i}"
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            _scan_markdown(text, where, findings)
        elif cell["cell_type"] == "code":
            for literal in chinese_strings(text):
                _scan(literal, STRINGS, where + " (string)", findings)
            out = "\n".join(
                line
                for line in _outputs_text(cell).splitlines()
                if _HAS_CJK.search(line) and not _PROGRESS.search(line)
            )
            _scan(out, OUTPUT, where + " (output)", findings)
    return findings


def lint_python(path: Path) -> list[tuple[str, str, str]]:
    """Findings in the Chinese string literals of a Python module."""
    findings: list = []
    for literal in chinese_strings(path.read_text(encoding="utf-8")):
        _scan(literal, STRINGS, path.relative_to(path.parents[1]).as_posix(), findings)
    return findings


def lint_docs(path: Path) -> list[tuple[str, str, str]]:
    """Findings in a Chinese Markdown document (README.zh-CN.md, docs/*.zh-CN.md)."""
    findings: list = []
    _scan_markdown(path.read_text(encoding="utf-8"), path.name, findings)
    return findings


def lint(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """Every finding in the Chinese notebooks, Chinese docs and the package's Chinese strings."""
    findings = []
    for path in sorted((root / "notebooks" / "zh").glob("*.ipynb")):
        findings += lint_notebook(path)
    for path in [root / "README.zh-CN.md", *sorted((root / "docs").glob("*.zh-CN.md"))]:
        if path.exists():
            findings += lint_docs(path)
    for path in sorted((root / "l2lessons").rglob("*.py")):
        findings += lint_python(path)
    return findings


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    findings = lint(Path(args[0]) if args else ROOT)
    counts = Counter(name for name, _, _ in findings)
    for name, (description, _) in PATTERNS.items():
        print(f"{counts.get(name, 0):4d}  {name}: {description}")
    for name, where, excerpt in findings:
        print(f"{name}  {where}: {excerpt}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
