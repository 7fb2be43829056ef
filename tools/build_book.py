"""Build the course website, one site per language, offline (`make book`).

    python tools/build_book.py [--out build/book] [--force] [--lang en zh]

writes

    build/book/index.html              the landing page: pick a language
    build/book/en/index.html           the English site: the course map, every lesson (00-10),
    build/book/zh/index.html           the benchmarks page, the glossary, the licences
    build/book-src/<lang>/             the Sphinx sources this tool writes (and Sphinx's cache)

Sphinx (with MyST-NB and sphinx-book-theme, the ``[book]`` extra of pyproject.toml) renders
the committed notebooks **with their stored outputs; nothing is executed**. The configuration
is the committed folder ``tools/book/`` (``conf.py``, templates, CSS), the same for both sites;
the environment variable ``L2BOOK_LANG`` tells it which site it builds.

What this tool changes, on its copy of each notebook (the committed notebooks are only read):

* the Binder/Colab badge line under the title is dropped (its images come from the web; the
  theme's launch buttons, made from the same repository address, replace it);
* a ``solution`` cell (``solution("key")``, stored without output) gets the reference solution
  as its output, rendered by ``l2lessons.exercises.solution`` (the text the cell prints when a
  student runs it), and is shown collapsed under "Show the reference solution" (MyST-NB's
  ``remove-input`` + ``hide-output`` tags); the ``install`` cell is collapsed (``hide-input``);
* a slider output shows its kernel-free scrubber (the ``text/html`` part of the same output; a
  website has no kernel), never the widget view; the old "Run this cell to show the slider"
  placeholder of older notebooks is dropped, and so is any stored widget state;
* Markdown links to another lesson stay links to that page (Jupyter's ``#Heading-anchors``
  included), links to the other language's notebooks go to the other site, and links to any
  other file of the repository go to that file on the repository host.

Every page loads its scripts, styles and fonts from the site (MathJax 3 from
sphinx-mathjax-offline, only the part the pages load or MathJax loads on demand, with its
licence; no CDN, no web font), and links to the same page of the other site. The Chinese
site's interface is Chinese: ``tools/book/locale/zh_CN/LC_MESSAGES/*.po``, compiled here with
Babel into ``build/book-src/locale/``, and ``l2book.localize`` for strings written untranslated.
Sources are rewritten only when their text changes, and Sphinx keeps its cache in
``build/book-src/<lang>/.doctrees``, so a rebuild after one notebook changed re-reads only that
notebook. ``ensure_book()`` (used by the tests) builds only when a source is newer than the
last build.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import links

ROOT = Path(__file__).resolve().parents[1]
CONF = Path(__file__).resolve().parent / "book"
OUT = ROOT / "build" / "book"
SRC = ROOT / "build" / "book-src"
LANGS = ("en", "zh")
STAMP = ".built"
JIEBA_DICT = "jieba_dict.txt"  # the Chinese site's search words (conf.py reads it)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PLACEHOLDER = "l2-slider-placeholder"
SOLUTION_CALL = re.compile(r"""^\s*solution\(\s*["']([^"']+)["']\s*\)\s*;?\s*$""")
#: Markdown links and images: [text](target "title")
MD_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?((?:\s+\"[^\"]*\")?)\s*\)"
)

TEXT = {
    "en": {
        "map_title": "Course map",
        "map_intro": (
            "A bilingual course in Jupyter notebooks on L2 regularization: from the "
            "Frobenius-norm formula, through gradient descent derived by hand, to PyTorch's "
            "`weight_decay`. Every lesson is a page below, with its figures and stored outputs; "
            "the rocket button of a lesson opens it on Binder or Colab to run it."
        ),
        "lesson": "lesson",
        "glossary_title": "Glossary",
        "glossary_intro": (
            "The course's terms in both languages: one English term, one Chinese term "
            "(`l2lessons/glossary.tsv`). The last column names Chinese variants the lessons avoid."
        ),
        "glossary_head": ("English", "中文", "avoided", "note"),
        "code_licence_title": "Licence of the code: MIT",
        "code_licence_intro": (
            "The `l2lessons` package, the tools, the tests, the benchmarks and the code cells "
            "of the notebooks are under the MIT licence (`LICENSE`):"
        ),
        "show_solution": "Show the reference solution",
        "hide_solution": "Hide the reference solution",
        "landing_pick": "Read the course in English",
        "landing_lessons": "Lessons",
        "landing_about": (
            "A bilingual course in Jupyter notebooks on L2 regularization, from the formula, "
            "through gradient descent derived by hand, to PyTorch's `weight_decay`: figures, "
            "sliders that move in the browser, and exercises with their solutions."
        ),
        "third_party_title": "Third-party software in this website",
        "third_party_intro": (
            "The website ships, in each site's `_static/` folder, files of the packages it is "
            "built with, under their own licences (read from the installed packages; "
            "`tests/test_book.py` checks them):"
        ),
        "third_party_head": ("Component", "Files", "Licence"),
        "third_party": [
            (
                "MathJax 3 (sphinx-mathjax-offline)",
                "`mathjax/` (fonts included)",
                "Apache-2.0 (`mathjax/LICENSE`)",
            ),
            (
                "Font Awesome Free (pydata-sphinx-theme)",
                "`vendor/fontawesome/webfonts/`, `scripts/fontawesome.js`",
                "fonts: SIL OFL 1.1 (`OFL.txt` beside them); icons: CC BY 4.0; code: MIT",
            ),
            (
                "sphinx-book-theme",
                "`scripts/sphinx-book-theme.js`, `styles/sphinx-book-theme.css`",
                "BSD-3-Clause",
            ),
            ("pydata-sphinx-theme", "`scripts/pydata-sphinx-theme.js`, `styles/`", "BSD-3-Clause"),
            ("Bootstrap (pydata-sphinx-theme)", "`scripts/bootstrap.js`", "MIT"),
            (
                "Sphinx",
                "`doctools.js`, `searchtools.js`, `sphinx_highlight.js`, `basic.css`",
                "BSD-2-Clause",
            ),
            ("sphinx-copybutton, clipboard.js", "`copybutton.js`, `clipboard.min.js`", "MIT"),
            ("MyST-NB", "`mystnb.*.css`", "BSD-3-Clause"),
        ],
    },
    "zh": {
        "map_title": "课程地图",
        "map_intro": (
            "一门讲 L2 正则化的中英双语 Jupyter 课程：从 Frobenius 范数的公式出发，"
            "经过手推梯度下降，一直讲到 PyTorch 的 `weight_decay`。"
            "下表每一课都是一个页面，带着图和存储的输出；"
            "每课页面顶部的火箭按钮可在 Binder 或 Colab 上打开这一课并运行。"
        ),
        "lesson": "课",
        "glossary_title": "术语表",
        "glossary_intro": (
            "课程用到的术语，中英对照：一个英文术语对应一个中文术语（`l2lessons/glossary.tsv`）。"
            "第三列是课程不用的中文说法。"
        ),
        "glossary_head": ("中文", "English", "不用的说法", "备注"),
        "code_licence_title": "代码的许可协议：MIT",
        "code_licence_intro": (
            "`l2lessons` 包、工具、测试、基准测试以及笔记本中的代码单元格采用 MIT 许可协议"
            "（`LICENSE`）："
        ),
        "show_solution": "显示参考答案",
        "hide_solution": "隐藏参考答案",
        "landing_pick": "阅读中文版课程",
        "landing_lessons": "课程列表",
        "landing_about": (
            "一门讲 L2 正则化的中英双语 Jupyter 课程：从公式出发，经过手推梯度下降，"
            "一直讲到 PyTorch 的 `weight_decay`；有图，有可以在浏览器里拖动的滑块，"
            "还有带参考答案的练习。"
        ),
        "third_party_title": "本网站中的第三方软件",
        "third_party_intro": (
            "网站的每个站点在 `_static/` 文件夹中附带了构建它所用软件包的文件，"
            "各自遵循其许可协议（取自已安装的软件包，由 `tests/test_book.py` 核对）："
        ),
        "third_party_head": ("组件", "文件", "许可协议"),
        "third_party": [
            (
                "MathJax 3（sphinx-mathjax-offline）",
                "`mathjax/`（含字体）",
                "Apache-2.0（`mathjax/LICENSE`）",
            ),
            (
                "Font Awesome Free（pydata-sphinx-theme）",
                "`vendor/fontawesome/webfonts/`、`scripts/fontawesome.js`",
                "字体：SIL OFL 1.1（同一文件夹中的 `OFL.txt`）；图标：CC BY 4.0；代码：MIT",
            ),
            (
                "sphinx-book-theme",
                "`scripts/sphinx-book-theme.js`、`styles/sphinx-book-theme.css`",
                "BSD-3-Clause",
            ),
            ("pydata-sphinx-theme", "`scripts/pydata-sphinx-theme.js`、`styles/`", "BSD-3-Clause"),
            ("Bootstrap（pydata-sphinx-theme）", "`scripts/bootstrap.js`", "MIT"),
            (
                "Sphinx",
                "`doctools.js`、`searchtools.js`、`sphinx_highlight.js`、`basic.css`",
                "BSD-2-Clause",
            ),
            ("sphinx-copybutton、clipboard.js", "`copybutton.js`、`clipboard.min.js`", "MIT"),
            ("MyST-NB", "`mystnb.*.css`", "BSD-3-Clause"),
        ],
    },
}
#: README heading of the lesson table (its "you leave with" column feeds the course map).
LESSONS_HEADING = {"en": "## Lessons", "zh": "## 课程列表"}
README = {"en": "README.md", "zh": "README.zh-CN.md"}
BENCHMARKS = {"en": "docs/benchmarks.md", "zh": "docs/benchmarks.zh-CN.md"}


#: The modules of the ``[book]`` extra (pyproject.toml) the build needs.
BOOK_MODULES = ("sphinx", "myst_nb", "sphinx_book_theme", "sphinx_copybutton", "jieba")
INSTALL_HINT = 'pip install -e ".[book]"'


def missing_packages() -> list[str]:
    """The modules of the ``[book]`` extra that are not installed (empty when all are)."""
    import importlib.util

    missing = [m for m in BOOK_MODULES if importlib.util.find_spec(m) is None]
    if importlib.util.find_spec("sphinx-mathjax-offline") is None:
        missing.append("sphinx-mathjax-offline")
    return missing


# --- what the book is built from ----------------------------------------------------------------


def inputs(root: Path = ROOT) -> list[Path]:
    """Every file the website is built from: a newer one means the build is stale."""
    files = [
        *sorted((root / "notebooks").glob("*/*.ipynb")),
        *sorted(p for p in CONF.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
        Path(__file__).resolve(),
        root / "tools" / "links.py",
        root / "pyproject.toml",
        root / "LICENSE",
        root / "LICENSE-CONTENT.md",
        root / "l2lessons" / "glossary.tsv",
        root / "l2lessons" / "exercises.py",
        *sorted((root / "l2lessons" / "exercise_bank").glob("*.py")),
        *(root / p for p in README.values()),
        *(root / p for p in BENCHMARKS.values()),
    ]
    return [p for p in files if p.is_file()]


def is_fresh(out: Path = OUT, root: Path = ROOT) -> bool:
    """True when ``out`` holds a complete build newer than every source."""
    stamp = out / STAMP
    if not stamp.is_file():
        return False
    built = stamp.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in inputs(root))


def lessons(root: Path = ROOT, lang: str = "en") -> list[Path]:
    return sorted((root / "notebooks" / lang).glob("[0-9][0-9]_*.ipynb"))


# --- sources ------------------------------------------------------------------------------------


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless ``path`` already holds it (keeps Sphinx's incremental build)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def rewrite_links(text: str, here: str, lang: str, repo: links.Repo, stems: set[str]) -> str:
    """Markdown links of a file at ``here`` (a folder relative to the repository), for the site.

    A lesson of this language -> its page (MyST resolves ``NN_x.ipynb``); a lesson of the
    other language -> that page on the other site; the benchmarks page -> its page; any other
    file of the repository -> the file on the repository host. Web links are left alone.
    """
    other = "zh" if lang == "en" else "en"

    def fix(match: re.Match) -> str:
        bang, label, target, title = match.groups()
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        rel = os.path.normpath(os.path.join(here, path)).replace(os.sep, "/")
        name = rel.rsplit("/", 1)[-1]
        stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else None
        if rel.startswith(f"notebooks/{lang}/") and stem in stems:
            return f"{bang}[{label}]({stem}.ipynb{'#' + anchor if anchor else ''}{title})"
        if rel.startswith(f"notebooks/{other}/") and stem in stems and not bang:
            href = f"../{other}/{stem}.html" + (f"#{anchor}" if anchor else "")
            return f'<a href="{html.escape(href)}" hreflang="{_lang_attr(other)}">{label}</a>'
        if rel == BENCHMARKS[lang]:
            return f"{bang}[{label}](benchmarks.md{title})"
        if rel == BENCHMARKS[other] and not bang:
            return (
                f'<a href="../{other}/benchmarks.html" hreflang="{_lang_attr(other)}">{label}</a>'
            )
        if rel.startswith("..") or not (ROOT / rel).exists():
            return match.group(0)  # not a file of the repository: left for Sphinx to report
        kind = "tree" if (ROOT / rel).is_dir() else "blob"
        return f"{bang}[{label}]({repo.url}/{kind}/main/{rel}{title})"

    return MD_LINK.sub(fix, text)


def _lang_attr(lang: str) -> str:
    return "zh-CN" if lang == "zh" else "en"


def _source(cell: dict) -> str:
    return links.source(cell)


def _set_source(cell: dict, text: str) -> None:
    cell["source"] = text


def _add_tags(cell: dict, *tags: str) -> None:
    have = cell.setdefault("metadata", {}).setdefault("tags", [])
    have.extend(t for t in tags if t not in have)


def book_notebook(nb: dict, lang: str, repo: links.Repo, stems: set[str]) -> dict:
    """The notebook as the website shows it (a copy; see the module's docstring)."""
    from l2lessons.exercises import solution

    nb = copy.deepcopy(nb)
    nb["metadata"].pop("widgets", None)
    text = TEXT[lang]
    first = True
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            src = _source(cell)
            if first:
                src = "\n".join(line for line in src.split("\n") if not links.is_badge_line(line))
                src = re.sub(r"\n{3,}", "\n\n", src)
                first = False
            _set_source(cell, rewrite_links(src, f"notebooks/{lang}", lang, repo, stems))
            continue
        if cell["cell_type"] != "code":
            continue
        cell["outputs"] = [
            out
            for out in cell.get("outputs", [])
            if PLACEHOLDER not in "".join(out.get("data", {}).get("text/html", ""))
        ]
        for out in cell["outputs"]:
            data = out.get("data", {})
            if WIDGET_VIEW in data and "text/html" not in data:
                # A widget with no kernel-free view: the website shows nothing for it.
                data.pop(WIDGET_VIEW)
        cell["outputs"] = [o for o in cell["outputs"] if o.get("data", True)]
        if "install" in tags:
            _add_tags(cell, "hide-input")
        if "solution" in tags:
            match = SOLUTION_CALL.match(_source(cell))
            if match and not cell["outputs"]:
                sol = solution(match.group(1), lang=lang)
                cell["outputs"] = [
                    {
                        "output_type": "display_data",
                        "data": {"text/markdown": sol._repr_markdown_(), "text/plain": repr(sol)},
                        "metadata": {},
                    }
                ]
            _add_tags(cell, "remove-input", "hide-output")
            cell["metadata"].setdefault("mystnb", {}).update(
                code_prompt_show=text["show_solution"], code_prompt_hide=text["hide_solution"]
            )
    return nb


def _readme_lessons(root: Path, lang: str) -> dict[str, tuple[str, str]]:
    """stem -> (number, "you leave with") from the README's lesson table; plus its header."""
    text = (root / README[lang]).read_text(encoding="utf-8")
    start = text.index(LESSONS_HEADING[lang])
    rows = {}
    for line in text[start:].split("\n")[1:]:
        if line.startswith("## "):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"`\d\d_\w+`", cells[1]):
            rows[cells[1].strip("`")] = (cells[0], cells[2])
        elif len(cells) >= 3 and not rows and not set(cells[0]) <= {"-", ":"}:
            rows["#header"] = (cells[0], cells[2])
    return rows


def course_map(root: Path, lang: str) -> str:
    """The site's home page: the README's lesson table, each lesson linked to its page."""
    text = TEXT[lang]
    rows = _readme_lessons(root, lang)
    num, leave = rows.pop("#header", ("#", ""))
    lines = [
        f"# {text['map_title']}",
        "",
        text["map_intro"],
        "",
        f"| {num} | {text['lesson']} | {leave} |",
        "|---|---|---|",
    ]
    for path in lessons(root, lang):
        n, what = rows.get(path.stem, (str(int(path.stem[:2])), ""))
        title = links.lesson_title(path).replace("|", "\\|")
        lines.append(f"| {n} | [{title}]({path.stem}.ipynb) | {what} |")
    pages = [p.stem for p in lessons(root, lang)] + [
        "benchmarks",
        "glossary",
        "license-code",
        "license-content",
    ]
    lines += ["", "```{toctree}", ":hidden:", ":maxdepth: 1", "", *pages, "```", ""]
    return "\n".join(lines)


def glossary_page(lang: str) -> str:
    from l2lessons import glossary

    text = TEXT[lang]
    head = text["glossary_head"]
    lines = [f"# {text['glossary_title']}", "", text["glossary_intro"], ""]
    lines += ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
    for t in glossary.terms():
        first, second = (t.en, t.zh) if lang == "en" else (t.zh, t.en)
        cells = [first, second, "、".join(t.avoid), t.note]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def jieba_dict() -> str:
    """A jieba user dictionary of the glossary's Chinese terms, for the Chinese site's search.

    jieba's own dictionary splits 正则化 into 正则 + 化, so a search for 正则化 would find
    nothing; with the course's terms as words, the index holds 正则化, 权重衰减 and the rest.
    """
    from l2lessons import glossary

    words = []
    for t in glossary.terms():
        for part in t.zh.split():
            if re.search(r"[\u4e00-\u9fff]", part) and len(part) > 1 and part not in words:
                words.append(part)
    return "".join(f"{w} 20000\n" for w in words)


def licence_pages(root: Path, lang: str, repo: links.Repo) -> dict[str, str]:
    text = TEXT[lang]
    mit = (root / "LICENSE").read_text(encoding="utf-8")
    code = (
        f"# {text['code_licence_title']}\n\n{text['code_licence_intro']}\n\n"
        f"```text\n{mit.strip()}\n```\n\n"
        f"## {text['third_party_title']}\n\n{text['third_party_intro']}\n\n"
        f"| {' | '.join(text['third_party_head'])} |\n|---|---|---|\n"
    )
    code += "".join(f"| {' | '.join(row)} |\n" for row in text["third_party"])
    content = (root / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    content = re.sub(r"\[`?LICENSE`?\]\(LICENSE\)", "[`LICENSE`](license-code.md)", content)
    content = rewrite_links(content, ".", lang, repo, set())
    if lang == "zh":  # the file is bilingual; its title, in the site's sidebar, in Chinese
        content = re.sub(r"\A# .*", "# 课程文字与图的许可协议：CC BY 4.0", content)
    return {"license-code.md": code, "license-content.md": content}


def prepare(lang: str, src: Path, root: Path = ROOT) -> list[str]:
    """Write the Sphinx sources of one site into ``src``; return the pages written anew."""
    repo = links.repository(root)
    stems = {p.stem for p in lessons(root, lang)}
    pages: dict[str, str] = {"index.md": course_map(root, lang), "glossary.md": glossary_page(lang)}
    bench = (root / BENCHMARKS[lang]).read_text(encoding="utf-8")
    # Its first link is to the other language: the site's switch does that.
    bench = re.sub(r"^\[(中文|English)\]\(benchmarks(\.zh-CN)?\.md\)\n\n", "", bench, flags=re.M)
    pages["benchmarks.md"] = rewrite_links(bench, "docs", lang, repo, stems)
    pages.update(licence_pages(root, lang, repo))
    if lang == "zh":
        pages[JIEBA_DICT] = jieba_dict()
    for path in lessons(root, lang):
        nb = book_notebook(links.load(path), lang, repo, stems)
        pages[path.name] = json.dumps(nb, ensure_ascii=False, indent=1) + "\n"
    changed = [name for name, text in pages.items() if write_if_changed(src / name, text)]
    for old in src.iterdir():  # a page that is no longer a source (a renamed lesson)
        if old.is_file() and old.name not in pages:
            old.unlink()
    return changed


# --- checks ------------------------------------------------------------------------------------

#: Words of the Chinese site's interface that stay Latin: brand and product names, the switch
#: to the English site, the licences' names, key names, file extensions.
INTERFACE_LATIN = {
    "Binder", "Colab", "GitHub", "PyTorch", "English", "MIT", "CC", "BY", "Ctrl", "K", "L2",
    "ipynb", "pdf", "PDF",
}  # fmt: skip
#: Attributes a reader sees or a screen reader announces.
ANNOUNCED = ("aria-label", "title", "placeholder", "data-bs-title", "data-tooltip", "alt", "label")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


class Interface(HTMLParser):
    """The strings of a page's interface: every announced attribute and text outside code,
    math and the lessons' outputs, and no text of the article itself (the lesson's content).
    """

    SKIP = {"script", "style", "code", "pre", "kbd", "samp", "svg", "math", "template", "meta"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr", "param"}  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, in the article)
        self.strings: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        classes = a.get("class", "").split()
        parent_skip = bool(self.stack) and self.stack[-1][1]
        in_article = (bool(self.stack) and self.stack[-1][2]) or tag == "article"
        skip = (
            parent_skip
            or tag in self.SKIP
            or bool({"math", "cell_output", "output"} & set(classes))
        )
        # The in-page tables of contents (on the screen, in print): the article's own headings.
        in_article = in_article or "page-toc" in classes or a.get("id") == "jb-print-toc"
        if not skip:
            for name in ANNOUNCED:
                if name == "alt" and in_article:
                    continue  # a figure's text alternative: content, in the lesson's language
                if a.get(name, "").strip():
                    self.strings.append(f"<{tag} {name}={a[name].strip()!r}>")
        if tag not in self.VOID:
            self.stack.append((tag, skip, in_article))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed tags
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and not (self.stack and (self.stack[-1][1] or self.stack[-1][2])):
            self.strings.append(data.strip())


def latin_interface_strings(text: str) -> list[str]:
    """The interface strings of an HTML page written in Latin letters only (no Chinese), less
    the allowed words (``INTERFACE_LATIN``), web addresses and file extensions (``.ipynb``)."""
    parser = Interface()
    parser.feed(text)
    bad = []
    for s in parser.strings:
        value = re.sub(r"^<\w+ [\w-]+=(.*)>$", r"\1", s)
        if CJK.search(value):
            continue
        value = re.sub(r"https?://\S+|^\.\w+$", "", value)
        words = [w for w in re.findall(r"[A-Za-z]+", value) if w not in INTERFACE_LATIN]
        if words:
            bad.append(s)
    return bad


# --- building -----------------------------------------------------------------------------------


def compile_catalogs(po_root: Path = CONF / "locale", mo_root: Path = SRC / "locale") -> list[Path]:
    """Compile the site's interface catalogs (``tools/book/locale/<lang>/LC_MESSAGES/*.po``)
    into ``.mo`` files under ``mo_root`` with Babel (a dependency of Sphinx); return them."""
    from babel.messages import mofile, pofile

    written = []
    for po in sorted(po_root.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalog = pofile.read_po(f)
        mo = mo_root / po.relative_to(po_root).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as f:
            mofile.write_mo(f, catalog)
        written.append(mo)
    return written


def run_sphinx(lang: str, src: Path, out: Path) -> None:
    env = dict(os.environ, L2BOOK_LANG=lang, L2BOOK_SRC=str(src), PYTHONHASHSEED="0")
    cmd = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q",
        "-c", str(CONF), "-d", str(src / ".doctrees"), str(src), str(out),
    ]  # fmt: skip
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"sphinx-build ({lang}) failed:\n{result.stdout}\n{result.stderr}")
    if result.stderr.strip():
        print(result.stderr.strip(), file=sys.stderr)


LANDING = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="en/_static/favicon.svg" type="image/svg+xml">
<title>{title_en} · {title_zh}</title>
<style>
  body {{ font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
         sans-serif; max-width: 64em; margin: 2.5em auto; padding: 0 1em; color: #1a1a1a;
         background: #fff; line-height: 1.55; }}
  main {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(18em, 1fr));
         gap: 2em; }}
  section {{ border: 1px solid #c8ccd0; border-radius: .5em; padding: 0 1.5em 1em; }}
  h1 {{ font-size: 1.6em; line-height: 1.3; }}
  a {{ color: #0b57a4; }}
  a.pick {{ display: inline-block; margin: .3em 0 1em; padding: .55em 1.2em;
           border-radius: .4em; background: #0b57a4; color: #fff; font-size: 1.15em;
           font-weight: 600; text-decoration: none; }}
  a.pick:hover, a.pick:focus {{ background: #073b70; }}
  ol {{ padding-left: 2.2em; }}
  li {{ margin: .25em 0; }}
  footer {{ margin-top: 2.5em; font-size: .9em; color: #444; }}
</style>
</head>
<body>
<main>
{sections}
</main>
<footer>
<p>Code: <a href="en/license-code.html">MIT licence</a>; third-party software: <a
href="en/license-code.html#{third_party_en}">its licences</a>. Lessons' text
and figures: <a href="en/license-content.html">CC BY 4.0</a>.</p>
<p lang="zh-CN">代码：<a href="zh/license-code.html">MIT 许可协议</a>；第三方软件：<a
href="zh/license-code.html#{third_party_zh}">各自的许可协议</a>。课程文字与图：<a
href="zh/license-content.html">知识共享署名 4.0（CC BY 4.0）</a>。</p>
</footer>
</body>
</html>
"""

SECTION = """<section lang="{lang_attr}" aria-labelledby="title-{lang}">
<h1 id="title-{lang}">{title}</h1>
<p>{about}</p>
<a class="pick" href="{lang}/index.html" hreflang="{lang_attr}">{pick}</a>
<h2>{lessons_title}</h2>
<ol start="0">
{items}
</ol>
</section>"""


def _inline_code(text: str) -> str:
    """Markdown's `code` in a lesson title, as HTML (the rest escaped)."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def landing_page(root: Path = ROOT) -> str:
    """``build/book/index.html``: both titles, a sentence on the course, a button to each site
    and each site's lessons, every part marked with its language."""
    sys.path.insert(0, str(CONF))
    from l2book import PROJECT, jupyter_slug

    sections = []
    for lang in LANGS:
        text = TEXT[lang]
        items = "\n".join(
            f'<li><a href="{lang}/{p.stem}.html">{_inline_code(links.lesson_title(p))}</a></li>'
            for p in lessons(root, lang)
        )
        sections.append(
            SECTION.format(
                lang=lang,
                lang_attr=_lang_attr(lang),
                title=html.escape(PROJECT[lang]),
                about=_inline_code(text["landing_about"]),
                pick=text["landing_pick"],
                lessons_title=text["landing_lessons"],
                items=items,
            )
        )
    return LANDING.format(
        title_en=html.escape(PROJECT["en"]),
        title_zh=html.escape(PROJECT["zh"]),
        sections="\n".join(sections),
        third_party_en=html.escape(jupyter_slug(TEXT["en"]["third_party_title"])),
        third_party_zh=html.escape(jupyter_slug(TEXT["zh"]["third_party_title"])),
    )


def build(out: Path = OUT, src: Path = SRC, langs=LANGS, root: Path = ROOT) -> dict[str, float]:
    """Build the sites; return the seconds each language took."""
    seconds = {}
    (out / STAMP).unlink(missing_ok=True)
    started = time.time()
    compile_catalogs(CONF / "locale", src / "locale")
    for lang in langs:
        t0 = time.perf_counter()
        prepare(lang, src / lang, root)
        run_sphinx(lang, src / lang, out / lang)
        seconds[lang] = time.perf_counter() - t0
    write_if_changed(out / "index.html", landing_page(root))
    (out / ".nojekyll").touch()  # GitHub Pages: serve _static/ as it is
    if set(langs) == set(LANGS):
        stamp = out / STAMP
        stamp.write_text(json.dumps({"seconds": seconds}) + "\n")
        os.utime(stamp, (started, started))  # a source edited during the build stays newer
    return seconds


def ensure_book(out: Path = OUT, src: Path = SRC) -> Path:
    """``out`` with a current build: built now unless a build newer than every source is there."""
    if not is_fresh(out):
        build(out, src)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--src", type=Path, default=SRC, help="where the Sphinx sources go")
    parser.add_argument("--lang", nargs="+", choices=LANGS, default=list(LANGS))
    parser.add_argument("--force", action="store_true", help="rebuild every page from scratch")
    args = parser.parse_args(argv)
    if missing_packages():
        raise SystemExit(f"make book needs {', '.join(missing_packages())}: {INSTALL_HINT}")
    if args.force:
        for lang in args.lang:
            shutil.rmtree(args.src / lang / ".doctrees", ignore_errors=True)
            shutil.rmtree(args.out / lang, ignore_errors=True)
    seconds = build(args.out.resolve(), args.src.resolve(), args.lang)
    for lang, s in seconds.items():
        print(f"{lang}: {s:.1f} s -> {args.out / lang / 'index.html'}")
    print(f"landing page: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
