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
* a slider's "Run this cell to show the slider" placeholder is dropped (a website has no
  kernel; the scrubber after each slider plays without one); widget state is dropped;
* Markdown links to another lesson stay links to that page (Jupyter's ``#Heading-anchors``
  included), links to the other language's notebooks go to the other site, and links to any
  other file of the repository go to that file on the repository host.

Every page loads its scripts, styles and fonts from the site (MathJax 3 from
sphinx-mathjax-offline; no CDN, no web font), and links to the same page of the other site.
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
        f"```text\n{mit.strip()}\n```\n"
    )
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


# --- building -----------------------------------------------------------------------------------


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
<title>L2 regularization, from the formula to PyTorch · L2 正则化：从公式到 PyTorch</title>
<style>
  body {{ font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
         sans-serif; max-width: 40em; margin: 4em auto; padding: 0 1em; color: #1a1a1a;
         background: #fff; line-height: 1.5; }}
  a {{ color: #0b57a4; }}
  ul {{ list-style: none; padding: 0; font-size: 1.4em; }}
  li {{ margin: .6em 0; }}
  footer {{ margin-top: 3em; font-size: .9em; color: #444; }}
</style>
</head>
<body>
<main>
<h1>L2 regularization, from the formula to PyTorch<br>
<span lang="zh-CN">L2 正则化：从公式到 PyTorch</span></h1>
<ul>
  <li><a href="en/index.html" hreflang="en">{en}</a> (English)</li>
  <li lang="zh-CN"><a href="zh/index.html" hreflang="zh-CN">{zh}</a>（中文）</li>
</ul>
</main>
<footer>
<p>Code: <a href="en/license-code.html">MIT licence</a>. Lessons' text and figures:
<a href="en/license-content.html">CC BY 4.0</a>.
<span lang="zh-CN">代码：<a href="zh/license-code.html">MIT 许可协议</a>。课程文字与图：<a
href="zh/license-content.html">知识共享署名 4.0（CC BY 4.0）</a>。</span></p>
</footer>
</body>
</html>
"""


def build(out: Path = OUT, src: Path = SRC, langs=LANGS, root: Path = ROOT) -> dict[str, float]:
    """Build the sites; return the seconds each language took."""
    seconds = {}
    (out / STAMP).unlink(missing_ok=True)
    started = time.time()
    for lang in langs:
        t0 = time.perf_counter()
        prepare(lang, src / lang, root)
        run_sphinx(lang, src / lang, out / lang)
        seconds[lang] = time.perf_counter() - t0
    write_if_changed(
        out / "index.html",
        LANDING.format(en=TEXT["en"]["landing_pick"], zh=TEXT["zh"]["landing_pick"]),
    )
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
